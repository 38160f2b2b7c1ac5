/* Unit tests of lib/kernel/access.c: one file access decided from the
 * session's sandbox and mount-view plans, in the kernel's order (view,
 * permissions, Landlock), on kernels with and without the view. */
#include <errno.h>
#include <string.h>

#include "access.h"
#include "fixture.h"
#include "layers.h"
#include "tap.h"

static gid_t alice_groups[] = { 1000 };
static struct user_info alice = {
	.name = "alice",
	.uid = 1000,
	.gid = 1000,
	.home = "/home/alice",
	.shell = "/bin/bash",
	.groups = alice_groups,
	.n_groups = 1,
};

static const char lab[] = "[default]\nconfine = yes\n"
			  "fs.read = /usr /etc /srv/course\n"
			  "fs.write = ~ /srv/course/drop\n"
			  "fs.exec = /usr\n"
			  "fs.deny = /etc/shadow ~/.ssh\n";

enum fact { F_FILE, F_DIR, F_NEW, F_NOPARENT, F_FILE_RO, F_FILE_NOX };

struct access_case {
	enum access_op op;
	const char *path;
	enum fact fact;
	int error;
	enum access_stage stage;
	enum policy_key key;
	const char *item;
};

static const struct access_case cases[] = {
	{ ACCESS_READ, "/srv/course/notes.txt", F_FILE, 0, ACCESS_BY_NONE, KEY_FS_READ, "/srv/course" },
	{ ACCESS_READ, "/var/log/syslog", F_FILE, EACCES, ACCESS_BY_LANDLOCK, KEY_FS_READ, NULL },
	{ ACCESS_READ, "/etc/shadow", F_FILE, EACCES, ACCESS_BY_VIEW, KEY_FS_DENY, "/etc/shadow" },
	{ ACCESS_READ, "/home/alice/.ssh/id_rsa", F_FILE, EACCES, ACCESS_BY_VIEW, KEY_FS_DENY, "/home/alice/.ssh" },
	{ ACCESS_LIST, "/home/alice/.ssh", F_DIR, EACCES, ACCESS_BY_VIEW, KEY_FS_DENY, "/home/alice/.ssh" },
	{ ACCESS_LIST, "/home/alice", F_DIR, 0, ACCESS_BY_NONE, KEY_FS_READ, "/home/alice" },
	{ ACCESS_LIST, "/home/alice/f", F_FILE, ENOTDIR, ACCESS_BY_MISSING, KEY_COUNT, NULL },
	{ ACCESS_READ, "/home/alice/none", F_NOPARENT, ENOENT, ACCESS_BY_MISSING, KEY_COUNT, NULL },
	/* writes: a new file outside fs.write meets the read-only mount first */
	{ ACCESS_WRITE, "/srv/course/new", F_NEW, EROFS, ACCESS_BY_VIEW, KEY_FS_WRITE, NULL },
	{ ACCESS_WRITE, "/srv/course/drop/new", F_NEW, 0, ACCESS_BY_NONE, KEY_FS_WRITE, "/srv/course/drop" },
	{ ACCESS_WRITE, "/home/alice/new", F_NEW, 0, ACCESS_BY_NONE, KEY_FS_WRITE, "/home/alice" },
	{ ACCESS_WRITE, "/home/alice/f", F_FILE, 0, ACCESS_BY_NONE, KEY_FS_WRITE, "/home/alice" },
	/* an existing file: its permissions before the mount's flag */
	{ ACCESS_WRITE, "/srv/course/notes.txt", F_FILE_RO, EACCES, ACCESS_BY_PERMISSIONS, KEY_COUNT, NULL },
	{ ACCESS_WRITE, "/srv/course/notes.txt", F_FILE, EROFS, ACCESS_BY_VIEW, KEY_FS_WRITE, NULL },
	{ ACCESS_WRITE, "/home/alice/ro", F_FILE_RO, EACCES, ACCESS_BY_PERMISSIONS, KEY_COUNT, NULL },
	{ ACCESS_WRITE, "/home/alice/.ssh/new", F_NEW, EACCES, ACCESS_BY_VIEW, KEY_FS_DENY, "/home/alice/.ssh" },
	/* a directory opened for writing: EISDIR first, a covered one too */
	{ ACCESS_WRITE, "/home/alice", F_DIR, EISDIR, ACCESS_BY_MISSING, KEY_COUNT, NULL },
	{ ACCESS_WRITE, "/home/alice/.ssh", F_DIR, EISDIR, ACCESS_BY_MISSING, KEY_COUNT, NULL },
	{ ACCESS_WRITE, "/home/alice/.ssh/keys", F_DIR, EACCES, ACCESS_BY_VIEW, KEY_FS_DENY, "/home/alice/.ssh" },
	/* exec: noexec outside fs.exec, then the x bit, then Landlock */
	{ ACCESS_EXEC, "/usr/bin/true", F_FILE, 0, ACCESS_BY_NONE, KEY_FS_EXEC, "/usr" },
	{ ACCESS_EXEC, "/home/alice/a.out", F_FILE, EACCES, ACCESS_BY_VIEW, KEY_FS_EXEC, NULL },
	{ ACCESS_EXEC, "/usr/share/doc/x", F_FILE_NOX, EACCES, ACCESS_BY_PERMISSIONS, KEY_COUNT, NULL },
	{ ACCESS_EXEC, "/usr/bin", F_DIR, EACCES, ACCESS_BY_MISSING, KEY_COUNT, NULL },
	{ ACCESS_READ, "/usr/bin", F_DIR, EISDIR, ACCESS_BY_MISSING, KEY_COUNT, NULL },
};

static void facts_of(enum fact fact, struct access_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->exists = fact == F_FILE || fact == F_DIR || fact == F_FILE_RO || fact == F_FILE_NOX;
	f->is_dir = fact == F_DIR;
	f->parent_exists = fact == F_NEW;
	f->may_read = f->exists;
	f->may_write = fact == F_FILE || fact == F_DIR || fact == F_NEW || fact == F_FILE_NOX;
	f->may_exec = fact == F_FILE || fact == F_FILE_RO;
}

static void test_cases(const struct policy *p, const struct sandbox_plan *sandbox, const struct mountns_plan *view)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct access_case *c = &cases[i];
		struct access_facts facts;
		struct access_verdict v;

		facts_of(c->fact, &facts);
		access_decide(sandbox, view, c->op, c->path, &facts, &v);
		is_int(v.error, c->error, "case %zu: op %d %s: errno", i, (int)c->op, c->path);
		is_int((int)v.stage, (int)c->stage, "case %zu: %s: the deciding stage", i, c->path);
		ok(v.allowed == (c->error == 0), "case %zu: allowed matches errno", i);
		if (c->stage != ACCESS_BY_MISSING && c->stage != ACCESS_BY_PERMISSIONS)
			is_int((int)v.key, (int)c->key, "case %zu: %s: the key", i, c->path);
		if (c->item)
			is_str(v.item, c->item, "case %zu: %s: the rule's tree", i, c->path);
		else if (c->stage != ACCESS_BY_NONE)
			ok(v.item == NULL, "case %zu: %s: no tree grants it", i, c->path);
	}
	(void)p;
}

/* Without the view (corralctl run by a user) Landlock alone decides: a
 * write outside fs.write is its EACCES, not EROFS, and exec outside fs.exec
 * too. */
static void test_without_view(const struct sandbox_plan *sandbox)
{
	struct access_facts facts;
	struct access_verdict v;

	facts_of(F_NEW, &facts);
	access_decide(sandbox, NULL, ACCESS_WRITE, "/srv/course/new", &facts, &v);
	is_int(v.error, EACCES, "no view: a new file outside fs.write is Landlock's EACCES");
	is_int((int)v.stage, ACCESS_BY_LANDLOCK, "no view: Landlock decides");
	ok(v.right == LL_FS_MAKE_REG, "no view: the right asked for is MAKE_REG on the directory");
	facts_of(F_FILE, &facts);
	access_decide(sandbox, NULL, ACCESS_EXEC, "/home/alice/a.out", &facts, &v);
	is_int(v.error, EACCES, "no view: exec outside fs.exec is refused");
	is_int((int)v.stage, ACCESS_BY_LANDLOCK, "no view: by Landlock's EXECUTE");
	ok(access_landlock_tree(sandbox, "/usr/lib/x", LL_FS_EXECUTE) != NULL, "fs.exec's tree grants EXECUTE");
	ok(access_landlock_tree(sandbox, "/srv/course/x", LL_FS_EXECUTE) == NULL, "fs.read's tree does not");
}

/* No fs.* key: Landlock handles no file right, nothing is refused. */
static void test_unrestricted(void)
{
	struct host_layers host;
	struct sandbox_plan sandbox;
	struct access_facts facts;
	struct access_verdict v;
	char err[SANDBOX_ERR_MAX];
	struct policy p;

	host_layers_assume(7, true, true, &host);
	if (policy_from_ini("[default]\nconfine = yes\nnet.connect = :443\n", &alice, &p, NULL, 0) < 0 ||
	    sandbox_plan(&p, &host, &sandbox, err, sizeof(err)) < 0) {
		ok(0, "a policy without fs keys plans");
		return;
	}
	facts_of(F_NEW, &facts);
	access_decide(&sandbox, NULL, ACCESS_WRITE, "/srv/anything", &facts, &v);
	ok(v.allowed, "without fs keys a write is corral's to allow");
	is_int((int)v.stage, ACCESS_BY_NONE, "no stage refuses");
	sandbox_plan_free(&sandbox);
	policy_free(&p);
}

int main(void)
{
	struct host_layers host;
	struct sandbox_plan sandbox;
	struct mountns_plan view;
	struct strlist loader;
	char err[SANDBOX_ERR_MAX];
	struct policy p;

	strlist_init(&loader);
	host_layers_assume(7, true, true, &host);
	if (policy_from_ini(lab, &alice, &p, NULL, 0) < 0 || sandbox_plan(&p, &host, &sandbox, err, sizeof(err)) < 0 ||
	    mountns_plan(&p, &loader, &view) < 0) {
		ok(0, "the lab policy plans");
		return tap_done();
	}
	test_cases(&p, &sandbox, &view);
	test_without_view(&sandbox);
	test_unrestricted();
	mountns_plan_free(&view);
	sandbox_plan_free(&sandbox);
	policy_free(&p);
	return tap_done();
}
