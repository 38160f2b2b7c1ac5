/* Unit tests for lib/util/pathutil.c: config path syntax, expansion of ~, %h and
 * %u, lexical normalisation and component-wise tree membership (of one
 * tree, and of any of a list of trees). */
#include <errno.h>
#include <stdlib.h>

#include "pathutil.h"
#include "tap.h"

/* Test names must stay on one TAP line: escape control characters. */
static const char *printable(const char *s, char *buf, size_t len)
{
	size_t at = 0;

	for (; *s && at + 5 < len; s++)
		at += (size_t)snprintf(buf + at, len - at, (unsigned char)*s < 0x20 ? "\\x%02x" : "%c",
				       (unsigned)(unsigned char)*s);
	buf[at] = '\0';
	return buf;
}

struct syntax_case {
	const char *text;
	int rc;
	const char *reason; /* substring of err on failure */
};

static const struct syntax_case syntax_cases[] = {
	{ "/", 0, NULL },
	{ "/abs/path", 0, NULL },
	{ "/abs/path/", 0, NULL },
	{ "/a//b", 0, NULL },
	{ "/a/./b", 0, NULL },
	{ "~", 0, NULL },
	{ "~/", 0, NULL },
	{ "~/x", 0, NULL },
	{ "~/x/%u", 0, NULL },
	{ "%h", 0, NULL },
	{ "%h/", 0, NULL },
	{ "%h/x", 0, NULL },
	{ "%h/%u", 0, NULL },
	{ "/srv/%u/work", 0, NULL },
	{ "/srv/%u%u", 0, NULL },
	{ "/backup%h", 0, NULL },
	{ "/a/%%", 0, NULL },
	{ "/a%%b", 0, NULL },
	{ "/a/%%u", 0, NULL },
	{ "/x/~", 0, NULL },
	{ "/x/~user", 0, NULL },
	{ "/...", 0, NULL },
	{ "/a/..b", 0, NULL },
	{ "/a/b..", 0, NULL },
	{ "/a/.../b", 0, NULL },
	{ "/\xc3\xa9t\xc3\xa9", 0, NULL },
	{ "/a b", 0, NULL },
	{ "", -EINVAL, "empty" },
	{ "relative", -EINVAL, "absolute" },
	{ "./x", -EINVAL, "absolute" },
	{ "x/y", -EINVAL, "absolute" },
	{ "%u/x", -EINVAL, "absolute" },
	{ "%%/x", -EINVAL, "absolute" },
	{ "%", -EINVAL, "absolute" },
	{ "~user", -EINVAL, "~name" },
	{ "~user/x", -EINVAL, "~name" },
	{ "~~", -EINVAL, "~name" },
	{ "/a/%x", -EINVAL, "unknown escape '%x' (use %h, %u or %%)" },
	{ "/a/%H", -EINVAL, "unknown escape '%H'" },
	{ "/a/%U", -EINVAL, "unknown escape '%U'" },
	{ "%h/%/x", -EINVAL, "unknown escape '%/'" },
	{ "/a/%\xc3\xa9", -EINVAL, "unknown escape" },
	{ "/a/%", -EINVAL, "trailing '%'" },
	{ "/a/%%%", -EINVAL, "trailing '%'" },
	{ "/a/..", -EINVAL, "'..' is not allowed in a policy path" },
	{ "/../a", -EINVAL, "'..'" },
	{ "/a/../b", -EINVAL, "'..'" },
	{ "/a/../", -EINVAL, "'..'" },
	{ "/a//..//b", -EINVAL, "'..'" },
	{ "~/..", -EINVAL, "'..'" },
	{ "%h/..", -EINVAL, "'..'" },
	{ "/srv/%u/../x", -EINVAL, "'..'" },
	{ "..", -EINVAL, "" },
	{ "/a\nb", -EINVAL, "control character" },
	{ "/a\tb", -EINVAL, "control character" },
	{ "/a\x7f", -EINVAL, "control character" },
	{ "/a\x01", -EINVAL, "control character" },
	{ "~/\x1b[0m", -EINVAL, "control character" },
};

static void test_syntax_table(void)
{
	for (size_t i = 0; i < sizeof(syntax_cases) / sizeof(syntax_cases[0]); i++) {
		const struct syntax_case *c = &syntax_cases[i];
		char err[256] = "", shown[64];

		printable(c->text, shown, sizeof(shown));
		is_int(path_check_syntax(c->text, err, sizeof(err)), c->rc, "syntax '%s'", shown);
		if (c->rc < 0)
			ok(err[0] != '\0' && strstr(err, c->reason) != NULL, "syntax '%s': reason '%s' mentions '%s'",
			   shown, err, c->reason);
	}
	is_int(path_check_syntax("rel", NULL, 0), -EINVAL, "NULL err buffer");
	{
		char err[4] = "zzz";

		is_int(path_check_syntax("rel", err, 0), -EINVAL, "errlen 0");
		is_str(err, "zzz", "errlen 0 leaves err alone");
		is_int(path_check_syntax("rel", err, sizeof(err)), -EINVAL, "tiny err buffer");
		is_int(strlen(err), 3, "tiny err buffer truncated");
	}
}

static void test_syntax_length(void)
{
	char *s = malloc(PATHUTIL_PATH_MAX + 2);
	char err[128];

	if (!s)
		abort();
	memset(s, 'a', PATHUTIL_PATH_MAX + 1);
	s[0] = '/';
	s[PATHUTIL_PATH_MAX - 1] = '\0';
	is_int(path_check_syntax(s, err, sizeof(err)), 0, "path of PATHUTIL_PATH_MAX-1 accepted");
	s[PATHUTIL_PATH_MAX - 1] = 'a';
	s[PATHUTIL_PATH_MAX] = '\0';
	is_int(path_check_syntax(s, err, sizeof(err)), -EINVAL, "path of PATHUTIL_PATH_MAX refused");
	ok(strstr(err, "longer than") != NULL, "length reason: %s", err);
	free(s);
}

struct expand_case {
	const char *text;
	const char *user;
	const char *home;
	int rc;
	const char *want;
};

static const struct expand_case expand_cases[] = {
	{ "/etc", "alice", "/home/alice", 0, "/etc" },
	{ "/", "alice", "/home/alice", 0, "/" },
	{ "~", "alice", "/home/alice", 0, "/home/alice" },
	{ "~/", "alice", "/home/alice", 0, "/home/alice" },
	{ "~/x", "alice", "/home/alice", 0, "/home/alice/x" },
	{ "%h", "alice", "/home/alice", 0, "/home/alice" },
	{ "%h/x/", "alice", "/home/alice", 0, "/home/alice/x" },
	{ "%h/%u", "alice", "/home/alice", 0, "/home/alice/alice" },
	{ "/srv/%u/work", "alice", "/home/alice", 0, "/srv/alice/work" },
	{ "/srv/%u-%u", "alice", "/home/alice", 0, "/srv/alice-alice" },
	{ "/backup%h", "alice", "/home/alice", 0, "/backup/home/alice" },
	{ "/a/%%", "alice", "/home/alice", 0, "/a/%" },
	{ "/a/%%u", "alice", "/home/alice", 0, "/a/%u" },
	{ "/a/%%%u", "alice", "/home/alice", 0, "/a/%alice" },
	{ "/x/~", "alice", "/home/alice", 0, "/x/~" },
	{ "~/./x//y/.", "alice", "/home/alice", 0, "/home/alice/x/y" },
	{ "~/x", "alice", "/", 0, "/x" },
	{ "~", "alice", "/", 0, "/" },
	{ "~/x", "alice", "/home/alice/", 0, "/home/alice/x" },
	{ "%h/x", "alice", "//home//./alice", 0, "/home/alice/x" },
	{ "/srv/%u", "a.b", "/home/ab", 0, "/srv/a.b" },
	{ "/srv/%u", "x..", "/h", 0, "/srv/x.." },
	{ "/srv/.%u", ".x", "/h", 0, "/srv/..x" },
	/* user and home only matter when the path uses them */
	{ "/etc", NULL, NULL, 0, "/etc" },
	{ "/etc/%%", "a/b", "relative", 0, "/etc/%" },
	{ "~/x", NULL, "/home/bob", 0, "/home/bob/x" },
	{ "/srv/%u", "bob", NULL, 0, "/srv/bob" },
	{ "/srv/%u", "a/b", "/home/x", -EINVAL, NULL },
	{ "/srv/%u", "/", "/home/x", -EINVAL, NULL },
	{ "/srv/%u", ".", "/home/x", -EINVAL, NULL },
	{ "/srv/%u", "..", "/home/x", -EINVAL, NULL },
	{ "/srv/%u", "", "/home/x", -EINVAL, NULL },
	{ "/srv/%u", NULL, "/home/x", -EINVAL, NULL },
	{ "/srv/%u", "a\nb", "/home/x", -EINVAL, NULL },
	{ "~", "alice", "home/alice", -EINVAL, NULL },
	{ "%h/x", "alice", "", -EINVAL, NULL },
	{ "~/x", "alice", NULL, -EINVAL, NULL },
	{ "~/x", "alice", "/home/../etc", -EINVAL, NULL },
	{ "~/x", "alice", "/home/a\tb", -EINVAL, NULL },
	{ "%h.", "alice", "/home/.", -EINVAL, NULL },
	{ "relative", "alice", "/home/alice", -EINVAL, NULL },
	{ "~alice", "alice", "/home/alice", -EINVAL, NULL },
	{ "/a/%x", "alice", "/home/alice", -EINVAL, NULL },
	{ "/a/../b", "alice", "/home/alice", -EINVAL, NULL },
};

static void test_expand_table(void)
{
	for (size_t i = 0; i < sizeof(expand_cases) / sizeof(expand_cases[0]); i++) {
		const struct expand_case *c = &expand_cases[i];
		char out[PATHUTIL_PATH_MAX] = "untouched", err[256] = "", shown[64];
		int r;

		printable(c->text, shown, sizeof(shown));
		r = path_expand(c->text, c->user, c->home, out, sizeof(out), err, sizeof(err));
		is_int(r, c->rc, "expand case %zu ('%s')", i, shown);
		if (c->rc == 0)
			is_str(out, c->want, "expand case %zu: result", i);
		else
			ok(err[0] != '\0' && strcmp(out, "untouched") == 0,
			   "expand case %zu: reason '%s', out untouched", i, err);
	}
}

static void test_expand_length(void)
{
	char out[PATHUTIL_PATH_MAX], err[128] = "";
	char *home = malloc(3000);

	if (!home)
		abort();
	is_int(path_expand("/etc", "a", "/h", out, 5, err, sizeof(err)), 0, "exact out size");
	is_str(out, "/etc", "exact out size result");
	strcpy(out, "untouched");
	is_int(path_expand("/etc", "a", "/h", out, 4, err, sizeof(err)), -ENAMETOOLONG, "out one byte short");
	is_str(out, "untouched", "out untouched when too short");
	ok(strstr(err, "too long") != NULL, "too long reason: %s", err);
	/* normalisation shrinks before the out size is checked */
	is_int(path_expand("/a//b/./", "a", "/h", out, 5, NULL, 0), 0, "fits after normalising");
	is_str(out, "/a/b", "normalised result fits");

	memset(home, 'h', 2999);
	home[0] = '/';
	home[2999] = '\0';
	is_int(path_expand("~", "a", home, out, sizeof(out), err, sizeof(err)), 0, "long home");
	is_int(path_expand("%h%h", "a", home, out, sizeof(out), err, sizeof(err)), -ENAMETOOLONG,
	       "expansion beyond PATHUTIL_PATH_MAX");
	is_int(path_expand("%h%h", "a", home, out, sizeof(out), NULL, 0), -ENAMETOOLONG, "too long with NULL err");
	free(home);
}

struct norm_case {
	const char *in;
	int rc;
	const char *want;
};

static const struct norm_case norm_cases[] = {
	{ "/", 0, "/" },
	{ "//", 0, "/" },
	{ "///", 0, "/" },
	{ "/.", 0, "/" },
	{ "/./", 0, "/" },
	{ "/a", 0, "/a" },
	{ "/a/", 0, "/a" },
	{ "//a", 0, "/a" },
	{ "/a//b///", 0, "/a/b" },
	{ "/./a/./b/.", 0, "/a/b" },
	{ "/a/././b", 0, "/a/b" },
	{ "/.../a", 0, "/.../a" },
	{ "/a/.b/b.", 0, "/a/.b/b." },
	{ "/a/..b", 0, "/a/..b" },
	{ "/home/alice/src", 0, "/home/alice/src" },
	{ "", -EINVAL, "" },
	{ "a/b", -EINVAL, "a/b" },
	{ ".", -EINVAL, "." },
	{ "./a", -EINVAL, "./a" },
	{ "/..", -EINVAL, "/.." },
	{ "/a/..", -EINVAL, "/a/.." },
	{ "/a/../b", -EINVAL, "/a/../b" },
	{ "//a/..//", -EINVAL, "//a/..//" },
};

static void test_normalize_table(void)
{
	for (size_t i = 0; i < sizeof(norm_cases) / sizeof(norm_cases[0]); i++) {
		const struct norm_case *c = &norm_cases[i];
		char buf[64];

		strcpy(buf, c->in);
		is_int(path_normalize(buf), c->rc, "normalize '%s'", c->in);
		/* on error the path must be left as it was */
		is_str(buf, c->want, "normalize '%s' result", c->in);
	}
	is_int(path_normalize(NULL), -EINVAL, "normalize NULL");
}

struct inside_case {
	const char *path;
	const char *tree;
	bool want;
};

static const struct inside_case inside_cases[] = {
	{ "/home/alice", "/home/alice", true },
	{ "/home/alice/x", "/home/alice", true },
	{ "/home/alice/x/y", "/home/alice", true },
	{ "/home/al", "/home/alice", false },
	{ "/home/alice", "/home/al", false },
	{ "/home/alicex", "/home/alice", false },
	{ "/home/alice.bak/x", "/home/alice", false },
	{ "/home", "/home/alice", false },
	{ "/", "/", true },
	{ "/x", "/", true },
	{ "/x/y", "/", true },
	{ "/", "/home", false },
	{ "/etc", "/home", false },
	{ "/etc/passwd", "/etc/passwd", true },
	{ "/etc/passwd-", "/etc/passwd", false },
};

static void test_inside_table(void)
{
	for (size_t i = 0; i < sizeof(inside_cases) / sizeof(inside_cases[0]); i++) {
		const struct inside_case *c = &inside_cases[i];

		ok(path_is_inside(c->path, c->tree) == c->want, "'%s' %s inside '%s'", c->path,
		   c->want ? "is" : "is not", c->tree);
	}
}

static void test_inside_any(void)
{
	struct strlist trees;

	strlist_init(&trees);
	ok(!path_is_inside_any("/x", NULL), "no list: inside none");
	ok(!path_is_inside_any("/x", &trees), "empty list: inside none");
	if (strlist_append(&trees, "/home/alice") < 0 || strlist_append(&trees, "/srv") < 0) {
		ok(0, "setup");
		return;
	}
	ok(path_is_inside_any("/srv/www", &trees), "inside the second tree");
	ok(path_is_inside_any("/home/alice", &trees), "the first tree itself");
	ok(!path_is_inside_any("/home/alicex", &trees), "a sibling with a longer name is inside none");
	ok(!path_is_inside_any("/", &trees), "the root is inside none");
	strlist_free(&trees);
}

int main(void)
{
	test_syntax_table();
	test_syntax_length();
	test_expand_table();
	test_expand_length();
	test_normalize_table();
	test_inside_table();
	test_inside_any();
	return tap_done();
}
