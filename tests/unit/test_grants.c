/* Unit tests of grants (lib/policy/grants.c) and requests
 * (lib/policy/requests.c): the formats, their parse errors, and the
 * distrust of what is read. Ownership cases need root and are skipped
 * otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grants.h"
#include "grants_policy.h"
#include "requests.h"
#include "tap.h"

#define TEXT_MAX 8192

static char dir[64];
static int reports;
static char last_report[512];

static void count_report(const char *file, const char *why, void *data)
{
	(void)data;
	reports++;
	snprintf(last_report, sizeof(last_report), "%s: %s", strrchr(file, '/') ? strrchr(file, '/') + 1 : file, why);
}

static const char good[] = "corral-grant 1\n"
			   "id=g1\n"
			   "user=alice\n"
			   "key=net.connect\n"
			   "value=tcp://127.0.0.1:8080\n"
			   "value=db.example.org:5432\n"
			   "created=1000\n"
			   "expires=2000\n"
			   "by=root\n"
			   "reason=exam review\n";

static int parse(const char *name, const char *text, struct grant *g, char *err)
{
	return grant_parse(name, text, strlen(text), g, err, GRANT_ERR_MAX);
}

static void test_parse(void)
{
	char err[GRANT_ERR_MAX] = "", text[TEXT_MAX];
	struct grant g, back;

	is_int(parse("g1", good, &g, err), 0, "a grant file parses");
	is_str(g.user, "alice", "its user");
	ok(g.key == KEY_NET_CONNECT && g.values.count == 2, "its key and both values");
	is_str(g.values.items[1], "db.example.org:5432", "values as written");
	ok(g.created == 1000 && g.expires == 2000, "its times");
	is_str(g.reason, "exam review", "its reason");
	is_int(grant_format(&g, text, sizeof(text)), 0, "it formats");
	is_str(text, good, "to the same text");
	is_int(parse("g1", text, &back, err), 0, "which parses back");
	grant_free(&back);
	is_int(grant_format(&g, text, 40), -ENOSPC, "a buffer too small: -ENOSPC");
	grant_free(&g);
}

static void test_parse_errors(void)
{
	static const struct {
		const char *from, *to, *why;
	} cases[] = {
		{ "corral-grant 1\n", "corral-grant 2\n", "not a grant file" },
		{ "id=g1\n", "id=g2\n", "not its file name" },
		{ "id=g1\n", "id=../x\n", "not a grant id" },
		{ "user=alice\n", "user=al ice\n", "not a user name" },
		{ "key=net.connect\n", "key=confine\n", "cannot be granted" },
		{ "key=net.connect\n", "key=fs.deny\n", "cannot be granted" },
		{ "key=net.connect\n", "key=services\n", "cannot be granted" },
		{ "key=net.connect\n", "key=env.set\n", "cannot be granted" },
		{ "key=net.connect\n", "key=nope\n", "no such key" },
		{ "value=tcp://127.0.0.1:8080\n", "value=tcp://127.0.0.1:0\n", "key 'net.connect'" },
		{ "value=tcp://127.0.0.1:8080\n", "value=\n", "empty" },
		{ "created=1000\n", "created=-5\n", "not a time" },
		{ "created=1000\n", "created=3000\n", "expires before" },
		{ "expires=2000\n", "", "incomplete" },
		{ "by=root\n", "by=root\nby=x\n", "given twice" },
		{ "reason=exam review\n", "reason=a\nreason=b\n", "given twice" },
		{ "by=root\n", "by=root\nextra=1\n", "unknown field" },
		{ "by=root\n", "by=root\nno equals sign\n", "not NAME=VALUE" },
		{ "by=root\n", "by=r\toot\n", "control character" },
		{ "reason=exam review\n", "reason=no newline", "no final newline" },
		{ "key=net.connect\nvalue=tcp://127.0.0.1:8080\n", "value=tcp://127.0.0.1:8080\nkey=net.connect\n",
		  "value before key" },
	};
	char err[GRANT_ERR_MAX], text[TEXT_MAX];
	struct grant g;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *at = strstr(good, cases[i].from);

		snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - good), good, cases[i].to,
			 at + strlen(cases[i].from));
		err[0] = '\0';
		if (!ok(parse("g1", text, &g, err) == -EINVAL && strstr(err, cases[i].why), "refused: %s",
			cases[i].why))
			tap_diag("  err: %s", err);
	}
	/* a NUL inside a line */
	snprintf(text, sizeof(text), "%s", good);
	text[strlen("corral-grant 1\nid=g")] = '\0';
	ok(grant_parse("g1", text, sizeof(good) - 1, &g, err, sizeof(err)) == -EINVAL, "a NUL byte: refused");
	/* more values than allowed */
	snprintf(text, sizeof(text), "corral-grant 1\nid=g1\nuser=a\nkey=net.bind\n");
	for (int i = 0; i <= GRANT_VALUES_MAX; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "value=%d\n", 1000 + i);
	strcat(text, "created=1\nexpires=2\nby=root\n");
	ok(parse("g1", text, &g, err) == -EINVAL && strstr(err, "more than"), "more than %d values: refused",
	   GRANT_VALUES_MAX);
}

static void test_names(void)
{
	char id[GRANT_ID_MAX];
	enum policy_key key;
	char err[GRANT_ERR_MAX];
	uid_t uid = 0;

	ok(grant_id_is_valid("g20261205-073000-abcdef"), "a made id is valid");
	ok(!grant_id_is_valid("") && !grant_id_is_valid(".g") && !grant_id_is_valid("a/b") &&
		   !grant_id_is_valid("-x") && !grant_id_is_valid("0123456789012345678901234567890123456789"),
	   "empty, dot, slash, dash first, too long: not ids");
	ok(grant_new_id(1796457000, id, sizeof(id)) == 0 && strncmp(id, "g20261205-", 10) == 0 && grant_id_is_valid(id),
	   "grant_new_id: %s", id);
	ok(grant_key_parse("fs.write", &key, err, sizeof(err)) == 0 && key == KEY_FS_WRITE, "fs.write can be granted");
	ok(grant_key_parse("limits.memory", &key, err, sizeof(err)) == -EINVAL, "a scalar cannot");
	ok(grant_key_parse("exempt_users", &key, err, sizeof(err)) == -EINVAL, "a [global] key cannot");
	ok(request_id_parse("r1001-3", &uid) && uid == 1001, "r1001-3 is a request id of uid 1001");
	ok(!request_id_parse("r1001-0", &uid) && !request_id_parse("r1001-6", &uid) && !request_id_parse("r-1", &uid) &&
		   !request_id_parse("x1-1", &uid) && !request_id_parse("r99999999999-1", &uid) &&
		   !request_id_parse("r1-1x", &uid),
	   "slots outside 1-%d, no uid, other names: not request ids", REQUESTS_PER_USER_MAX);
}

static void write_file(const char *name, const char *text, mode_t mode)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		tap_diag("cannot write %s", path);
	if (fd >= 0) {
		fchmod(fd, mode);
		close(fd);
	}
}

/* The grant text good, with id and times of our choosing. */
static const char *grant_text(const char *id, long created, long expires)
{
	static char text[TEXT_MAX];

	snprintf(text, sizeof(text),
		 "corral-grant 1\nid=%s\nuser=alice\nkey=fs.read\nvalue=/srv/%s\ncreated=%ld\nexpires=%ld\nby=root\n"
		 "reason=\n",
		 id, id, created, expires);
	return text;
}

static int load(time_t now, struct grant_set *set)
{
	reports = 0;
	last_report[0] = '\0';
	return grants_load_owned(dir, geteuid(), now, set, count_report, NULL);
}

static void test_load(void)
{
	char path[256], big[GRANT_FILE_MAX + 64];
	struct grant_set set;
	int r;

	r = load(1500, &set);
	ok(r == 0 && set.count == 0 && reports == 0, "an empty directory: no grants");
	write_file("ga", grant_text("ga", 1000, 2000), 0600);
	write_file("gb", grant_text("gb", 1000, 1400), 0600);
	write_file(".ga.tmp", "half written", 0600);
	r = load(1500, &set);
	ok(r == 0 && set.count == 1 && reports == 0, "one grant open at now; expired and temporary files skipped");
	if (set.count == 1) {
		is_str(set.items[0].id, "ga", "the open one");
		ok(strstr(set.items[0].file, "/ga") != NULL, "with its file");
	}
	ok(grants_next_expiry(&set, "alice", 1500) == 2000 && grants_next_expiry(&set, "bob", 1500) == 0,
	   "grants_next_expiry: alice's, nobody else's");
	grant_set_free(&set);
	r = load(0, &set);
	ok(r == 0 && set.count == 2, "now 0: the expired too");
	grant_set_free(&set);

	write_file("gc", grant_text("gc", 1000, 2000), 0620);
	r = load(1500, &set);
	ok(r == 0 && set.count == 1 && reports == 1 && strstr(last_report, "gc: writable by group"),
	   "a group-writable file grants nothing, reported (%s)", last_report);
	grant_set_free(&set);
	unlink(strcat(strcpy(path, dir), "/gc"));

	snprintf(path, sizeof(path), "%s/gd", dir);
	if (symlink("ga", path) < 0)
		tap_diag("symlink: %m");
	r = load(1500, &set);
	ok(r == 0 && set.count == 1 && reports == 1 && strstr(last_report, "symbolic link"),
	   "a symbolic link grants nothing, reported (%s)", last_report);
	grant_set_free(&set);
	unlink(path);

	if (mkfifo(path, 0600) < 0)
		tap_diag("mkfifo: %m");
	r = load(1500, &set);
	ok(r == 0 && set.count == 1 && reports == 1 && strstr(last_report, "not a regular file"),
	   "a FIFO grants nothing and does not block (%s)", last_report);
	grant_set_free(&set);
	unlink(path);

	snprintf(big, sizeof(big), "%s/ga", dir);
	if (link(big, path) < 0)
		tap_diag("link: %m");
	r = load(1500, &set);
	ok(r == 0 && set.count == 0 && reports == 2 && strstr(last_report, "hard links"),
	   "hard links: neither name grants (%s)", last_report);
	grant_set_free(&set);
	unlink(path);

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	write_file("gd", big, 0600);
	r = load(1500, &set);
	ok(r == 0 && set.count == 1 && reports == 1 && strstr(last_report, "larger than"),
	   "an oversized file grants nothing (%s)", last_report);
	grant_set_free(&set);

	write_file("gd", "garbage\n", 0600);
	r = load(1500, &set);
	ok(r == 0 && set.count == 1 && reports == 1 && strstr(last_report, "not a grant file"),
	   "garbage grants nothing (%s)", last_report);
	grant_set_free(&set);

	write_file("gd", grant_text("ge", 1000, 2000), 0600);
	r = load(1500, &set);
	ok(r == 0 && set.count == 1 && reports == 1 && strstr(last_report, "not its file name"),
	   "a copy under another name grants nothing (%s)", last_report);
	grant_set_free(&set);
	unlink(path);

	write_file("g d", grant_text("g d", 1000, 2000), 0600);
	r = load(1500, &set);
	ok(r == 0 && set.count == 1 && reports == 1 && strstr(last_report, "not a grant file name"),
	   "a name that is no id is reported (%s)", last_report);
	grant_set_free(&set);
	snprintf(path, sizeof(path), "%s/g d", dir);
	unlink(path);

	chmod(dir, 0770);
	r = load(1500, &set);
	ok(r == -EIO && set.count == 0 && reports == 1, "a group-writable directory: -EIO, nothing applied");
	chmod(dir, 0700);
	snprintf(path, sizeof(path), "%s/absent", dir);
	ok(grants_load_owned(path, geteuid(), 1500, &set, count_report, NULL) == 0 && set.count == 0,
	   "a missing directory: no grants");
	snprintf(path, sizeof(path), "%s/ga", dir);
	reports = 0;
	ok(grants_load_owned(path, geteuid(), 1500, &set, count_report, NULL) == -EIO && reports == 1,
	   "a file in place of the directory: -EIO");
}

static void test_write(void)
{
	char err[GRANT_ERR_MAX] = "", path[256];
	struct grant g, *got = NULL;
	struct grant_set set;
	struct stat st;

	memset(&g, 0, sizeof(g));
	strlist_init(&g.values);
	snprintf(g.id, sizeof(g.id), "gw");
	g.user = "bob";
	g.key = KEY_NET_BIND;
	strlist_append(&g.values, "8080");
	g.created = 100;
	g.expires = 5000;
	g.by = "root";
	g.reason = "a \"quoted\" reason";
	ok(grant_write(dir, &g, err, sizeof(err)) == 0, "grant_write %s", err);
	snprintf(path, sizeof(path), "%s/gw", dir);
	ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600, "written 0600");
	ok(load(1500, &set) == 0, "and read back");
	for (size_t i = 0; i < set.count; i++)
		if (strcmp(set.items[i].id, "gw") == 0)
			got = &set.items[i];
	ok(got && got->key == KEY_NET_BIND && strcmp(got->reason, "a \"quoted\" reason") == 0, "the same grant");
	grant_set_free(&set);
	g.reason = "a\nsecond line";
	ok(grant_write(dir, &g, err, sizeof(err)) == -EINVAL, "a reason with a newline cannot be written");
	g.reason = "";
	g.key = KEY_FS_DENY;
	ok(grant_write(dir, &g, err, sizeof(err)) == -EINVAL, "nor a grant of fs.deny");
	ok(grant_remove(dir, "gw") == 0 && stat(path, &st) < 0, "grant_remove");
	ok(grant_remove(dir, "../gw") == -EINVAL, "grant_remove takes ids only");
	strlist_free(&g.values);
}

static void test_requests(void)
{
	char err[REQUEST_ERR_MAX] = "", text[TEXT_MAX], spool[128], id[GRANT_ID_MAX];
	struct request req, back;
	int r;

	memset(&req, 0, sizeof(req));
	strlist_init(&req.values);
	req.key = KEY_NET_CONNECT;
	strlist_append(&req.values, "tcp://127.0.0.1:9000");
	req.duration = 3600;
	req.reason = "project";
	is_int(request_format(&req, text, sizeof(text)), 0, "a request formats");
	is_str(text, "corral-request 1\nkey=net.connect\nvalue=tcp://127.0.0.1:9000\nfor=3600\nreason=project\n",
	       "as documented");
	r = request_parse(text, strlen(text), &back, err, sizeof(err));
	ok(r == 0 && back.key == KEY_NET_CONNECT && back.duration == 3600 && strcmp(back.reason, "project") == 0,
	   "and parses back");
	request_free(&back);
	ok(request_parse("corral-request 1\nkey=fs.deny\nvalue=/x\nfor=1h\nreason=r\n", 50, &back, err, sizeof(err)) ==
		   -EINVAL,
	   "a request for fs.deny is refused");
	strcpy(text, "corral-request 1\nkey=net.bind\nvalue=80\nfor=1h\nreason=r\nuser=root\n");
	ok(request_parse(text, strlen(text), &back, err, sizeof(err)) == -EINVAL && strstr(err, "unknown field"),
	   "a user= line is refused: the owner is the user");
	strcpy(text, "corral-request 1\nkey=net.bind\nvalue=80\nfor=0\nreason=r\n");
	ok(request_parse(text, strlen(text), &back, err, sizeof(err)) == -EINVAL, "a zero duration is refused");

	snprintf(spool, sizeof(spool), "%s-spool", dir);
	mkdir(spool, 0700);
	for (int i = 1; i <= REQUESTS_PER_USER_MAX; i++) {
		r = request_file(spool, 4242, &req, time(NULL) + (time_t)i * REQUEST_INTERVAL * 2, id, sizeof(id), err,
				 sizeof(err));
		if (!ok(r == 0, "request %d filed as %s", i, id))
			tap_diag("  %s", err);
	}
	r = request_file(spool, 4242, &req, time(NULL) + 20 * REQUEST_INTERVAL, id, sizeof(id), err, sizeof(err));
	ok(r == -EDQUOT, "the next one: every slot taken (%s)", err);
	snprintf(text, sizeof(text), "%s/r4242-2", spool);
	unlink(text);
	r = request_file(spool, 4242, &req, time(NULL), id, sizeof(id), err, sizeof(err));
	ok(r == -EAGAIN, "a slot free, but within a minute of the last: -EAGAIN (%s)", err);
	r = request_file(spool, 4242, &req, time(NULL) + REQUEST_INTERVAL, id, sizeof(id), err, sizeof(err));
	ok(r == 0 && strcmp(id, "r4242-2") == 0, "a minute later: the free slot %s", id);
	snprintf(text, sizeof(text), "%s/absent", dir);
	ok(request_file(text, 4242, &req, time(NULL), id, sizeof(id), err, sizeof(err)) == -ENOENT,
	   "no spool: -ENOENT");
	req.reason = NULL;
	request_free(&req);
}

static void test_spool_for_session(void)
{
	char spool[128];
	struct policy p;

	snprintf(spool, sizeof(spool), "%s-spool2", dir);
	mkdir(spool, 0700);
	chmod(spool, REQUESTS_DIR_MODE);
	policy_init(&p);
	p.confine = true;
	p.settings[KEY_FS_READ].set = true;
	if (geteuid() == 0)
		ok(requests_spool_for_session(spool, &p) == 0 && policy_list(&p, KEY_FS_WRITE)->count == 1 &&
			   strcmp(policy_list(&p, KEY_FS_WRITE)->items[0], spool) == 0,
		   "a confined policy with a restricted filesystem: root's spool added to fs.write");
	else
		ok(requests_spool_for_session(spool, &p) == 0 && !policy_is_set(&p, KEY_FS_WRITE),
		   "a spool that is not root's is not added");
	policy_free(&p);
	policy_init(&p);
	p.confine = true;
	ok(requests_spool_for_session(spool, &p) == 0 && !policy_is_set(&p, KEY_FS_WRITE),
	   "no fs key set: fs.write stays unset");
	policy_free(&p);
	policy_init(&p);
	p.settings[KEY_FS_READ].set = true;
	ok(requests_spool_for_session(spool, &p) == 0 && !policy_is_set(&p, KEY_FS_WRITE), "not confined: unchanged");
	policy_free(&p);
}

static void test_grants_policy(void)
{
	struct user_info alice = {
		.name = "alice", .uid = 1000, .gid = 1000, .home = "/home/alice", .shell = "/bin/sh"
	};
	struct user_info bob = { .name = "bob", .uid = 1001, .gid = 1000, .home = "/home/bob", .shell = "/bin/sh" };
	struct grant items[3];
	struct grant_set set = { .items = items, .count = 3 };
	char err[POLICY_ERR_MAX] = "";
	struct policy p;
	int r;

	memset(items, 0, sizeof(items));
	for (int i = 0; i < 3; i++) {
		snprintf(items[i].id, sizeof(items[i].id), "g%d", i);
		items[i].user = i == 2 ? "bob" : "alice";
		items[i].key = i == 1 ? KEY_FS_READ : KEY_NET_CONNECT;
		strlist_init(&items[i].values);
		items[i].expires = i == 1 ? 500 : 2000;
	}
	strlist_append(&items[0].values, "127.0.0.1:5432");
	strlist_append(&items[1].values, "~/shared");
	strlist_append(&items[2].values, "tcp://10.0.0.1:22");
	r = grants_policy(&set, &alice, 1000, &p, err, sizeof(err));
	ok(r == 0, "grants_policy of alice %s", err);
	if (r == 0) {
		ok(p.confine && policy_list(&p, KEY_NET_CONNECT)->count == 1 &&
			   strcmp(policy_list(&p, KEY_NET_CONNECT)->items[0], "tcp://127.0.0.1:5432") == 0,
		   "her open grant's rule, canonical (%s)",
		   policy_list(&p, KEY_NET_CONNECT)->count ? policy_list(&p, KEY_NET_CONNECT)->items[0] : "none");
		ok(policy_is_set(&p, KEY_FS_READ) && policy_list(&p, KEY_FS_READ)->count == 0,
		   "the expired one gives nothing: fs.read set and empty");
		ok(policy_is_set(&p, KEY_NET_BIND) && policy_is_set(&p, KEY_IPC_UNIX) &&
			   !policy_is_set(&p, KEY_NET_DENY),
		   "every grantable key set: nothing else is allowed");
		policy_free(&p);
	}
	ok(grants_policy(&set, &bob, 3000, &p, err, sizeof(err)) == -ENOENT, "after expiry bob has none: -ENOENT");
	for (int i = 0; i < 3; i++)
		strlist_free(&items[i].values);
}

/* As root: files owned by someone else, and root's reading of a spool. */
static void test_as_root(void)
{
	char path[256], spool[128], err[REQUEST_ERR_MAX], id[GRANT_ID_MAX];
	struct request_set reqs;
	struct grant_set set;
	struct request req;
	int r;

	snprintf(path, sizeof(path), "%s/ga", dir);
	if (chown(path, 65534, 65534) < 0)
		tap_diag("chown: %m");
	reports = 0;
	r = grants_load(dir, 1500, &set, count_report, NULL);
	ok(r == 0 && set.count == 0 && reports == 1 && strstr(last_report, "not owned by root"),
	   "a grant file of another user grants nothing (%s)", last_report);
	grant_set_free(&set);
	if (chown(dir, 65534, 0) < 0)
		tap_diag("chown: %m");
	ok(grants_load(dir, 1500, &set, count_report, NULL) == -EIO, "a directory of another user: -EIO");
	if (chown(dir, 0, 0) < 0)
		tap_diag("chown: %m");

	snprintf(spool, sizeof(spool), "%s-rspool", dir);
	mkdir(spool, 0700);
	ok(requests_dir_ensure(spool, err, sizeof(err)) == -EPERM,
	   "requests_dir_ensure: a closed directory is refused");
	chmod(spool, REQUESTS_DIR_MODE);
	ok(requests_dir_ensure(spool, err, sizeof(err)) == 0, "a sticky one is fine");
	memset(&req, 0, sizeof(req));
	strlist_init(&req.values);
	req.key = KEY_NET_BIND;
	strlist_append(&req.values, "8080");
	req.duration = 60;
	req.reason = "r";
	r = request_file(spool, 0, &req, time(NULL), id, sizeof(id), err, sizeof(err));
	ok(r == 0 && strcmp(id, "r0-1") == 0, "root files r0-1");
	r = request_file(spool, 4243, &req, time(NULL), id, sizeof(id), err, sizeof(err));
	ok(r == 0 && strcmp(id, "r4243-1") == 0, "a file named for uid 4243, but root's");
	reports = 0;
	r = requests_load(spool, &reqs, count_report, NULL);
	ok(r == 0 && reqs.count == 1 && strcmp(reqs.items[0].id, "r0-1") == 0 && reqs.items[0].uid == 0 &&
		   strcmp(reqs.items[0].user, "root") == 0,
	   "root's request read, its user from the owner");
	ok(reports == 1 && strstr(last_report, "not by the uid its name says"),
	   "one named for another uid: refused (%s)", last_report);
	request_set_free(&reqs);
	snprintf(path, sizeof(path), "%s/r4243-1", spool);
	unlink(path);
	snprintf(path, sizeof(path), "%s/r0-2", spool);
	snprintf(err, sizeof(err), "%s/r0-1", spool);
	if (link(err, path) < 0)
		tap_diag("link: %m");
	reports = 0;
	r = requests_load(spool, &reqs, count_report, NULL);
	ok(r == 0 && reqs.count == 0 && reports == 2, "hard links: neither name counts");
	request_set_free(&reqs);
	unlink(path);
	/* a second request of the same user right after the first; "now" is
	 * the first one's change time plus the interval, since the file's
	 * (fine-grained) change time may be a second ahead of time() */
	{
		struct stat st;
		time_t first = time(NULL);

		snprintf(path, sizeof(path), "%s/r0-1", spool);
		if (stat(path, &st) == 0 && st.st_ctime > first)
			first = st.st_ctime;
		r = request_file(spool, 0, &req, first + REQUEST_INTERVAL, id, sizeof(id), err, sizeof(err));
		ok(r == 0 && strcmp(id, "r0-2") == 0, "filed a minute after by the clock it is given: %s (%s)", id,
		   r ? err : "");
	}
	reports = 0;
	r = requests_load(spool, &reqs, count_report, NULL);
	ok(r == 0 && reqs.count == 1 && reports == 1 && strstr(last_report, "less than a minute"),
	   "two within a minute (by change time): the second refused (%s)", last_report);
	request_set_free(&reqs);
	chmod(spool, 0733);
	ok(requests_load(spool, &reqs, count_report, NULL) == -EIO, "a spool that is not sticky: -EIO");
	req.reason = NULL;
	request_free(&req);
}

int main(void)
{
	char cmd[256];

	snprintf(dir, sizeof(dir), "/tmp/corral-test-grants.XXXXXX");
	if (!mkdtemp(dir) || chmod(dir, 0700) < 0) {
		tap_plan(0);
		return 1;
	}
	test_parse();
	test_parse_errors();
	test_names();
	test_load();
	test_write();
	test_requests();
	test_spool_for_session();
	test_grants_policy();
	if (geteuid() == 0)
		test_as_root();
	else
		ok(1, "# skip ownership cases: not root");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'-*spool*", dir, dir);
	if (system(cmd) != 0)
		tap_diag("cannot remove %s", dir);
	return tap_done();
}
