/* Unit tests of policy resolution (section order, list operators, path
 * expansion, exemption, origins, compiled fields) and of the session-record
 * form of a policy (round trip, strict parsing). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "policy.h"
#include "policy_text.h"
#include "fixture.h"
#include "tap.h"

/* A user in group "root" (gid 0, on every system) and group "adm" (4). */
static gid_t alice_groups[] = { 1000, 0, 4 };
static struct user_info alice = {
	.name = "alice",
	.uid = 1000,
	.gid = 1000,
	.home = "/home/alice",
	.shell = "/usr/bin/corral-shell",
	.groups = alice_groups,
	.n_groups = 3,
};
static gid_t bob_groups[] = { 1001 };
static struct user_info bob = {
	.name = "bob",
	.uid = 1001,
	.gid = 1001,
	.home = "/home/bob",
	.shell = "/bin/bash",
	.groups = bob_groups,
	.n_groups = 1,
};

/* The items of a list key joined with single spaces. */
static const char *joined(const struct policy *p, enum policy_key key)
{
	static char buf[1024];
	const struct strlist *list = policy_list(p, key);

	buf[0] = '\0';
	for (size_t i = 0; i < list->count; i++) {
		if (i)
			strcat(buf, " ");
		strncat(buf, list->items[i], sizeof(buf) - strlen(buf) - 2);
	}
	return buf;
}

static const char *const lab = "[global]\n"
			       "exempt_groups = adm-nonexistent-xyz\n"
			       "[default]\n"
			       "confine = no\n"
			       "shell = /bin/sh\n"
			       "fs.read = /usr /etc\n"
			       "fs.write = ~ /tmp\n"
			       "limits.processes = 100\n"
			       "[group:root]\n"
			       "confine = yes\n"
			       "fs.read = +/srv/%u /usr\n"
			       "fs.write = -%h\n"
			       "fs.exec = +/opt\n"
			       "limits.processes = 200\n"
			       "[group:adm]\n"
			       "limits.processes = 300\n"
			       "net.connect =\n"
			       "[user:alice]\n"
			       "shell = /bin/zsh\n"
			       "net.bind = 8000-8010 22\n"
			       "umask = 027\n"
			       "limits.memory = 1G\n"
			       "session.max_time = 2h\n"
			       "net.loopback = own\n"
			       "[default]\n"
			       "fs.deny = -/nothing\n";

static void test_resolution(void)
{
	char err[POLICY_ERR_MAX] = "";
	struct policy p;
	int r;

	r = policy_from_ini(lab, &alice, &p, err, sizeof(err));
	if (!ok(r == 0, "alice resolves"))
		tap_diag("  %s", err);
	if (r != 0)
		return;
	is_int(p.sections.count, 5, "both [default]s, [group:root], [group:adm], [user:alice]");
	ok(strncmp(p.sections.items[0], "[default] t.ini:3", 17) == 0 &&
		   strncmp(p.sections.items[1], "[default] t.ini:25", 18) == 0 &&
		   strncmp(p.sections.items[2], "[group:root]", 12) == 0 &&
		   strncmp(p.sections.items[3], "[group:adm]", 11) == 0 &&
		   strncmp(p.sections.items[4], "[user:alice]", 12) == 0,
	   "order: defaults, groups in file order, user");
	ok(p.confine, "a group section confines");
	is_str(p.shell, "/bin/zsh", "user section wins for a scalar");
	is_str(joined(&p, KEY_FS_READ), "/usr /etc /srv/alice", "'+' appends, %%u expanded, no duplicate");
	is_str(joined(&p, KEY_FS_WRITE), "/tmp", "'-%%h' removes the expanded '~'");
	is_str(joined(&p, KEY_FS_EXEC), "/opt", "'+' on an unset list starts from empty");
	ok(!policy_is_set(&p, KEY_FS_DENY), "'-' on an unset list leaves it unset");
	ok(policy_is_set(&p, KEY_NET_CONNECT) && p.net_connect.count == 0, "empty net.connect is set and empty");
	is_int(p.number[KEY_LIMITS_PROCESSES], 300, "last group wins for limits.processes");
	is_int(p.number[KEY_LIMITS_MEMORY], 1024LL * 1024 * 1024, "limits.memory compiled to bytes");
	is_int(p.number[KEY_SESSION_MAX_TIME], 7200, "session.max_time compiled to seconds");
	is_int(p.umask, 027, "umask compiled");
	ok(p.net_bind.count == 2 && port_set_contains(&p.net_bind, 8005) && port_set_contains(&p.net_bind, 22) &&
		   !port_set_contains(&p.net_bind, 8011),
	   "net.bind compiled");
	is_int(p.loopback, NET_LOOPBACK_OWN, "net.loopback compiled");
	ok(!p.abstract_unix_allowed && !p.signals_any && p.log_denials && !p.linger && !p.private_tmp,
	   "defaults: abstract unix denied, signals session, log denials, no linger, no private tmp");
	is_int(p.settings[KEY_FS_READ].origins.count, 2, "fs.read has two origins");
	ok(p.settings[KEY_FS_READ].origins.count == 2 &&
		   strcmp(p.settings[KEY_FS_READ].origins.items[1], "+[group:root] t.ini:11") == 0,
	   "append origin names section, file and line");
	/* each item keeps the line that put it there (corralctl why) */
	ok(p.settings[KEY_FS_READ].item_origins.count == 3 &&
		   strcmp(p.settings[KEY_FS_READ].item_origins.items[0], "[default] t.ini:6") == 0 &&
		   strcmp(p.settings[KEY_FS_READ].item_origins.items[2], "[group:root] t.ini:11") == 0,
	   "item origins: /usr from [default], /srv/alice appended by [group:root]");
	ok(p.settings[KEY_FS_WRITE].item_origins.count == 1 &&
		   strcmp(p.settings[KEY_FS_WRITE].item_origins.items[0], "[default] t.ini:7") == 0,
	   "item origins: a removed item takes its origin with it");
	ok(!p.exempt, "alice is not exempt");
	policy_free(&p);

	r = policy_from_ini(lab, &bob, &p, err, sizeof(err));
	ok(r == 0 && !p.confine && p.sections.count == 2, "bob only gets the [default] sections");
	is_str(r == 0 ? joined(&p, KEY_FS_WRITE) : "", "/home/bob /tmp", "~ expands to bob's home");
	ok(r == 0 && p.number[KEY_LIMITS_PROCESSES] == 100, "bob's limit from [default]");
	is_str(r == 0 ? p.shell : "", "/bin/sh", "bob's shell from [default]");
	if (r == 0)
		policy_free(&p);
}

static void test_exemption(void)
{
	char err[POLICY_ERR_MAX];
	struct user_info root = { .name = "root",
				  .uid = 0,
				  .gid = 0,
				  .home = "/root",
				  .shell = "/bin/bash",
				  .groups = (gid_t[]){ 0 },
				  .n_groups = 1 };
	struct policy p;
	int r;

	r = policy_from_ini("[default]\nconfine = yes\n", &root, &p, err, sizeof(err));
	ok(r == 0 && p.exempt && !p.confine, "root is exempt and never confined");
	if (r == 0)
		policy_free(&p);
	r = policy_from_ini("[global]\nexempt_groups = root\n[default]\nconfine = yes\n", &alice, &p, err, sizeof(err));
	ok(r == 0 && p.exempt && !p.confine, "a member of an exempt group is not confined");
	if (r == 0)
		policy_free(&p);
	r = policy_from_ini("[global]\nexempt_users = bob\n[user:bob]\nconfine = yes\n", &bob, &p, err, sizeof(err));
	ok(r == 0 && p.exempt && !p.confine, "an exempt user is not confined");
	if (r == 0)
		policy_free(&p);
}

static void test_failures(void)
{
	char err[POLICY_ERR_MAX] = "";
	struct user_info odd = alice;
	struct policy p;
	int r;

	r = policy_from_ini("[default]\nconfine = maybe\n", &alice, &p, err, sizeof(err));
	is_int(r, -EINVAL, "an invalid config resolves to nothing");
	ok(strstr(err, "t.ini:2: error: key 'confine'") != NULL, "and says where: %s", err);
	odd.home = "relative/home";
	r = policy_from_ini("[default]\nfs.write = ~\n", &odd, &p, err, sizeof(err));
	is_int(r, -EINVAL, "a relative home cannot expand ~");
	ok(strstr(err, "fs.write") != NULL, "the error names the key: %s", err);
	odd = alice;
	odd.name = "..";
	r = policy_from_ini("[default]\nfs.write = /srv/%u\n", &odd, &p, err, sizeof(err));
	is_int(r, -EINVAL, "user name '..' cannot expand %%u");
}

static void test_record(void)
{
	char err[POLICY_ERR_MAX] = "", *text = NULL, *again = NULL;
	size_t len = 0, len2 = 0;
	struct policy p, back;
	int r;

	r = policy_from_ini(lab, &alice, &p, err, sizeof(err));
	if (r != 0) {
		ok(0, "setup: %s", err);
		return;
	}
	/* a value that needs quoting survives */
	strlist_append(&p.settings[KEY_FS_READ].items, "/with space/and \"quote\"");
	ok(policy_text_write(&p, &text, &len) == 0, "serialize");
	ok(len == strlen(text) && strncmp(text, RECORD_MAGIC "\n", strlen(RECORD_MAGIC) + 1) == 0 &&
		   strcmp(text + len - 4, "end\n") == 0,
	   "starts with the magic line, ends with 'end'");
	r = policy_text_read(text, len, &back, err, sizeof(err));
	if (!ok(r == 0, "parse back"))
		tap_diag("  %s", err);
	ok(r == 0 && policy_text_write(&back, &again, &len2) == 0 && len == len2 && memcmp(text, again, len) == 0,
	   "serialize(parse(serialize(p))) is identical");
	ok(r == 0 && back.confine && back.uid == 1000 && back.number[KEY_LIMITS_PROCESSES] == 300 &&
		   strcmp(back.shell, "/bin/zsh") == 0 && back.loopback == NET_LOOPBACK_OWN && back.umask == 027,
	   "parsed record is compiled");
	if (r == 0)
		policy_free(&back);
	free(again);

	/* every truncation of a valid record is refused */
	{
		size_t refused = 0;

		for (size_t cut = 0; cut < len; cut++) {
			if (policy_text_read(text, cut, &back, err, sizeof(err)) < 0)
				refused++;
			else
				policy_free(&back);
		}
		is_int(refused, len, "every one of the %zu truncated prefixes is refused", len);
	}
	free(text);
	policy_free(&p);
}

static void test_record_strict(void)
{
	static const char *const head = RECORD_MAGIC "\nuser alice\nuid 1000\ngid 1000\nhome /home/alice\nexempt no\n";
	static const struct {
		const char *body;
		const char *needle;
	} bad[] = {
		{ "key confine yes\n", NULL }, /* the valid baseline */
		{ "key confine yes\nkey confine no\n", "appears twice" },
		{ "key confine yes no\n", "exactly one value" },
		{ "key nosuch 1\n", "unknown key" },
		{ "bogus 1\n", "unknown field" },
		{ "user bob\n", "repeated" },
		{ "key fs.read /a/../b\n", "normalised absolute path" },
		{ "key fs.read /a//b\n", "normalised absolute path" },
		{ "key fs.read relative\n", "normalised absolute path" },
		{ "key net.connect tcp://10.0.0.1/8\n", "host bits" },
		{ "key confine maybe\n", "boolean" },
		{ "key\n", "without a key name" },
		{ "key fs.read \"unterminated\n", "unterminated" },
		{ "\n", "malformed line" },
	};
	static const char *const bad_heads[] = {
		"corral-policy 2\nend\n",
		RECORD_MAGIC "\nuser alice\nuid -1\ngid 1000\nhome /home/alice\nexempt no\nend\n",
		RECORD_MAGIC "\nuser alice\nuid 4294967295\ngid 1000\nhome /home/alice\nexempt no\nend\n",
		RECORD_MAGIC "\nuser alice\nuid 01000\ngid 1000\nhome /home/alice\nexempt no\nend\n",
		RECORD_MAGIC "\nuser alice\nuid abc\ngid 1000\nhome /home/alice\nexempt no\nend\n",
		RECORD_MAGIC "\nuser alice\nuid 1000\ngid 1000\nhome home/alice\nexempt no\nend\n",
		RECORD_MAGIC "\nuser a/b\nuid 1000\ngid 1000\nhome /home/alice\nexempt no\nend\n",
		RECORD_MAGIC "\nuser alice\nuid 1000\nhome /home/alice\nexempt no\nend\n",
		RECORD_MAGIC "\nuser alice\nuid 1000\ngid 1000\nhome /home/alice\nexempt perhaps\nend\n",
		RECORD_MAGIC "\nuser alice\nuid 1000\ngid 1000\nhome /home/alice\nexempt no\nend\nend\n",
		RECORD_MAGIC "\nuser alice\nuid 1000\ngid 1000\nhome /home/alice\nexempt no\n",
	};
	char text[1024], err[POLICY_ERR_MAX];
	struct policy p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r;

		snprintf(text, sizeof(text), "%s%send\n", head, bad[i].body);
		err[0] = '\0';
		r = policy_text_read(text, strlen(text), &p, err, sizeof(err));
		if (!bad[i].needle) {
			ok(r == 0 && p.confine, "baseline record parses");
		} else {
			ok(r == -EINVAL && strstr(err, bad[i].needle), "refused (%s): %s", bad[i].needle, err);
			continue;
		}
		if (r == 0)
			policy_free(&p);
	}
	for (size_t i = 0; i < sizeof(bad_heads) / sizeof(bad_heads[0]); i++)
		is_int(policy_text_read(bad_heads[i], strlen(bad_heads[i]), &p, err, sizeof(err)), -EINVAL,
		       "bad header #%zu refused: %s", i, err);
	snprintf(text, sizeof(text), "%skey confine yes\nend\n", head);
	text[strlen(head) + 3] = '\0';
	is_int(policy_text_read(text, strlen(head) + 20, &p, err, sizeof(err)), -EINVAL, "a NUL byte is refused");
	{
		size_t big = RECORD_LINE_MAX + 100;
		char *huge = malloc(big + strlen(head) + 16);

		strcpy(huge, head);
		memset(huge + strlen(head), 'a', big);
		strcpy(huge + strlen(head) + big, "\nend\n");
		is_int(policy_text_read(huge, strlen(huge), &p, err, sizeof(err)), -EINVAL,
		       "an over-long line is refused");
		free(huge);
	}
}

/* limits.group.* belong to one named group: the section they came from. */
static void test_limit_group(void)
{
	char err[POLICY_ERR_MAX], group[64];
	struct policy p;
	int r;

	r = policy_from_ini("[group:root]\nconfine = yes\nlimits.group.processes = 50\nlimits.group.memory = 2G\n"
			    "[group:adm]\nlimits.group.cpu = 200\n",
			    &alice, &p, err, sizeof(err));
	is_int(r, 0, "limits.group.* from two groups resolve (the session refuses them)");
	if (r == 0) {
		is_int(policy_limit_group(&p, group, sizeof(group)), -EINVAL, "two groups: -EINVAL");
		ok(strstr(group, "'root'") && strstr(group, "'adm'"), "naming both: %s", group);
		policy_free(&p);
	}
	r = policy_from_ini(
		"[group:root]\nconfine = yes\nlimits.group.processes = 50\n[group:adm]\nlimits.group.processes = 60\n",
		&alice, &p, err, sizeof(err));
	is_int(r, 0, "the same key in two groups: the last one wins");
	if (r == 0) {
		is_int(policy_limit_group(&p, group, sizeof(group)), 0, "one group holds it");
		is_str(group, "adm", "the one whose value applies");
		is_int(p.number[KEY_LIMITS_GROUP_PROCESSES], 60, "and its value");
		policy_free(&p);
	}
	r = policy_from_ini("[group:root]\nconfine = yes\nlimits.user.memory = 1G\n", &alice, &p, err, sizeof(err));
	if (r == 0) {
		is_int(policy_limit_group(&p, group, sizeof(group)), -ENOENT, "no limits.group key: -ENOENT");
		is_int(p.number[KEY_LIMITS_USER_MEMORY], 1024LL * 1024 * 1024, "limits.user.memory compiled to bytes");
		policy_free(&p);
	}
	r = policy_from_ini("[group:root]\nconfine = yes\nlimits.group.cpu = 10\n", &alice, &p, err, sizeof(err));
	if (r == 0) {
		is_int(policy_limit_group(&p, group, 4), -ENAMETOOLONG, "a name that does not fit");
		policy_free(&p);
	}
	for (size_t i = 0; i < 3; i++) {
		static const char *const bad[] = {
			"[default]\nlimits.group.memory = 1G\n",
			"[user:alice]\nlimits.group.processes = 5\n",
			"[default]\nlimits.group.cpu = 5\n",
		};

		r = policy_from_ini(bad[i], &alice, &p, err, sizeof(err));
		ok(r == -EINVAL && strstr(err, "t.ini:2:") && strstr(err, "belongs in a [group:NAME] section"),
		   "limits.group.* outside [group:] is an error with file and line: %s", err);
		if (r == 0)
			policy_free(&p);
	}
}

int main(void)
{
	test_resolution();
	test_exemption();
	test_failures();
	test_limit_group();
	test_record();
	test_record_strict();
	return tap_done();
}
