/* Unit tests of session records (lib/session/session_record.c): ids, the text form
 * and its strict parser, the root-owned files in RUN_DIR/sessions (write,
 * read and its refusals, list, remove), liveness of the leader and the
 * policy carried in a record. File tests need root. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "procinfo.h"
#include "policy_text.h"
#include "session_live.h"
#include "session_record.h"
#include "tap.h"

#define ID_A "0123456789abcdef0123456789abcdef"
#define ID_B "00000000000000000000000000000001"
#define ID_C "ffffffffffffffffffffffffffffffff"

/* A policy record for alice, as policy_text_write writes one. */
static const char alice_policy[] = RECORD_MAGIC "\nuser alice\nuid 1000\ngid 1000\nhome /home/alice\nexempt no\n"
						"key confine yes\nend\n";

static void fill(struct session_record *rec, const char *id, const char *policy)
{
	session_record_init(rec);
	snprintf(rec->id, sizeof(rec->id), "%s", id);
	rec->user = strdup("alice");
	rec->uid = 1000;
	rec->service = strdup("sshd");
	rec->leader = 4242;
	rec->leader_start = 987654321;
	rec->started = 1700000000;
	rec->mount_namespace = 4026532561ULL;
	strlist_append(&rec->cgroups, "/sys/fs/cgroup/pids/corral/" ID_A);
	strlist_append(&rec->cgroups, "/sys/fs/cgroup/memory/corral/" ID_A);
	strlist_append(&rec->cgroups, "/srv/odd cgroup/\"quoted\"");
	rec->cgroup_limits = CGROUP_LIMIT_PROCESSES | CGROUP_LIMIT_MEMORY | CGROUP_LIMIT_CPU;
	rec->policy_len = strlen(policy);
	rec->policy_text = strdup(policy);
}

static bool same_record(const struct session_record *a, const struct session_record *b)
{
	if (strcmp(a->id, b->id) != 0 || strcmp(a->user, b->user) != 0 || a->uid != b->uid ||
	    strcmp(a->service, b->service) != 0 || a->leader != b->leader || a->leader_start != b->leader_start ||
	    a->started != b->started || a->mount_namespace != b->mount_namespace ||
	    a->cgroup_limits != b->cgroup_limits || a->cgroups.count != b->cgroups.count ||
	    a->policy_len != b->policy_len || memcmp(a->policy_text, b->policy_text, a->policy_len) != 0)
		return false;
	for (size_t i = 0; i < a->cgroups.count; i++)
		if (strcmp(a->cgroups.items[i], b->cgroups.items[i]) != 0)
			return false;
	return true;
}

static void test_ids(void)
{
	char a[SESSION_ID_LEN + 1], b[SESSION_ID_LEN + 1];

	ok(session_id_generate(a) == 0 && session_id_generate(b) == 0, "two ids generated");
	is_int(strlen(a), SESSION_ID_LEN, "an id is %zu characters", SESSION_ID_LEN);
	ok(strspn(a, "0123456789abcdef") == SESSION_ID_LEN, "an id is lowercase hex: %s", a);
	ok(session_id_is_valid(a) && session_id_is_valid(b), "generated ids are valid");
	ok(strcmp(a, b) != 0, "two generated ids differ");
	ok(session_id_is_valid(ID_A) && session_id_is_valid(ID_C), "hand-written ids are valid");
	ok(!session_id_is_valid(""), "empty id refused");
	ok(!session_id_is_valid("0123456789abcdef0123456789abcde"), "31 characters refused");
	ok(!session_id_is_valid(ID_A "0"), "33 characters refused");
	ok(!session_id_is_valid("0123456789ABCDEF0123456789abcdef"), "uppercase hex refused");
	ok(!session_id_is_valid("0123456789abcdef0123456789abcdeg"), "'g' refused");
	ok(!session_id_is_valid("../../../../etc/passwd0123456789"), "a path of the right length refused");
	ok(!session_id_is_valid(".0123456789abcdef0123456789abcdef.new"), "the temporary file name is not an id");
}

static void test_format_round_trip(void)
{
	static const char tricky[] = RECORD_MAGIC "\nuser alice\n\"quoted\" \\ back\\slash\n"
						  "policy\nid " ID_B "\n\ttab  two spaces \r\n\nno final newline";
	struct session_record rec, back;
	char *text = NULL, *again = NULL, err[SESSION_RECORD_ERR_MAX] = "";
	size_t len = 0, len2 = 0;
	int r;

	fill(&rec, ID_A, tricky);
	ok(session_record_format(&rec, &text, &len) == 0, "format a record with every field");
	ok(text && len == strlen(text) &&
		   strncmp(text, SESSION_RECORD_MAGIC "\n", strlen(SESSION_RECORD_MAGIC) + 1) == 0,
	   "text starts with the magic line");
	ok(text && strstr(text, "\ncgroup_limits processes memory cpu\n") != NULL, "all three limit bits written");
	ok(text && strstr(text, "\ncgroup \"/srv/odd cgroup/\\\"quoted\\\"\"\n") != NULL, "odd cgroup path quoted");
	ok(text && len > rec.policy_len && memcmp(text + len - rec.policy_len, tricky, rec.policy_len) == 0,
	   "policy text appended byte for byte");
	r = session_record_parse(text, len, &back, err, sizeof(err));
	if (!ok(r == 0, "parse it back"))
		tap_diag("  %s", err);
	ok(r == 0 && same_record(&rec, &back), "every field survives, policy text byte-exact");
	is_int(r == 0 ? back.cgroups.count : 0, 3, "three cgroup lines");
	is_int(r == 0 ? back.policy_text[back.policy_len] : -1, 0, "parsed policy text is NUL-terminated");
	ok(r == 0 && session_record_format(&back, &again, &len2) == 0 && len == len2 && memcmp(text, again, len) == 0,
	   "format(parse(format(r))) is identical");
	if (r == 0)
		session_record_free(&back);
	free(text);
	free(again);
	text = again = NULL;

	/* each limit bit alone, and none at all */
	for (unsigned bits = 0; bits < 8; bits++) {
		rec.cgroup_limits = bits;
		r = session_record_format(&rec, &text, &len);
		if (r == 0)
			r = session_record_parse(text, len, &back, err, sizeof(err));
		is_int(r == 0 ? back.cgroup_limits : 99, bits, "cgroup_limits %u round trips", bits);
		if (bits == 0)
			ok(text && !strstr(text, "cgroup_limits"), "no cgroup_limits line without limits");
		if (r == 0)
			session_record_free(&back);
		free(text);
		text = NULL;
	}
	/* no cgroups, empty policy text, extreme numbers */
	strlist_free(&rec.cgroups);
	strlist_init(&rec.cgroups);
	free(rec.policy_text);
	rec.policy_text = strdup("");
	rec.policy_len = 0;
	rec.uid = 4294967294u;
	rec.leader = 2147483647;
	rec.leader_start = UINT64_MAX;
	rec.started = INT64_MAX;
	rec.mount_namespace = 0;
	r = session_record_format(&rec, &text, &len);
	if (r == 0)
		r = session_record_parse(text, len, &back, err, sizeof(err));
	ok(r == 0 && same_record(&rec, &back) && back.cgroups.count == 0 && back.policy_len == 0,
	   "largest uid/pid/start/started, no cgroups and an empty policy round trip");
	if (r == 0)
		session_record_free(&back);
	free(text);
	text = NULL;

	/* format refuses what it could not write back */
	strcpy(rec.id, "not-an-id");
	is_int(session_record_format(&rec, &text, &len), -EINVAL, "format refuses a bad id");
	strcpy(rec.id, ID_A);
	free(rec.policy_text);
	rec.policy_text = NULL;
	is_int(session_record_format(&rec, &text, &len), -EINVAL, "format refuses a record without policy text");
	session_record_free(&rec);
	fill(&rec, ID_A, alice_policy);
	free(rec.user);
	rec.user = NULL;
	is_int(session_record_format(&rec, &text, &len), -EINVAL, "format refuses a record without user");
	free(rec.service);
	rec.service = NULL;
	rec.user = strdup("alice");
	is_int(session_record_format(&rec, &text, &len), -EINVAL, "format refuses a record without service");
	session_record_free(&rec);
}

/* The header of a valid record, one line each; "policy" ends it. */
static const char *const good_header[] = {
	SESSION_RECORD_MAGIC,
	"id " ID_A,
	"user alice",
	"uid 1000",
	"service sshd",
	"pid 4242",
	"pid_start 987654321",
	"started 1700000000",
	"mntns 0",
	"cgroup /sys/fs/cgroup/pids/corral/" ID_A,
	"cgroup_limits processes",
	"policy",
};
#define N_HEADER (sizeof(good_header) / sizeof(good_header[0]))

/* The valid record with the line starting with `prefix` replaced by `line`
 * (dropped when line is NULL), or with `line` added before "policy" when
 * prefix is NULL. */
static size_t build(char *buf, size_t buflen, const char *prefix, const char *line)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < N_HEADER; i++) {
		const char *l = good_header[i];

		if (!prefix && line && strcmp(l, "policy") == 0)
			len += (size_t)snprintf(buf + len, buflen - len, "%s\n", line);
		if (prefix && strncmp(l, prefix, strlen(prefix)) == 0) {
			if (!line)
				continue;
			l = line;
		}
		len += (size_t)snprintf(buf + len, buflen - len, "%s\n", l);
	}
	len += (size_t)snprintf(buf + len, buflen - len, "%s", alice_policy);
	return len;
}

static void test_parse_strict(void)
{
	static const struct {
		const char *prefix; /* line replaced (NULL: line added) */
		const char *line;   /* replacement (NULL: dropped) */
		const char *what;
	} bad[] = {
		{ SESSION_RECORD_MAGIC, "corral-session 2", "wrong magic version" },
		{ SESSION_RECORD_MAGIC, RECORD_MAGIC, "a policy record is not a session record" },
		{ SESSION_RECORD_MAGIC, SESSION_RECORD_MAGIC " ", "magic with trailing space" },
		{ SESSION_RECORD_MAGIC, NULL, "no magic line" },
		{ "id ", NULL, "missing id" },
		{ "user ", NULL, "missing user" },
		{ "uid ", NULL, "missing uid" },
		{ "service ", NULL, "missing service" },
		{ "pid ", NULL, "missing pid" },
		{ "pid_start ", NULL, "missing pid_start" },
		{ "started ", NULL, "missing started" },
		{ "mntns ", NULL, "missing mntns" },
		{ NULL, "id " ID_A, "repeated id" },
		{ NULL, "id " ID_B, "a second, different id" },
		{ NULL, "user alice", "repeated user" },
		{ NULL, "user bob", "a second user" },
		{ NULL, "uid 1000", "repeated uid" },
		{ NULL, "service login", "repeated service" },
		{ NULL, "pid 4242", "repeated pid" },
		{ NULL, "pid_start 987654321", "repeated pid_start" },
		{ NULL, "started 1", "repeated started" },
		{ NULL, "mntns 1", "repeated mntns" },
		{ NULL, "cgroup_limits cpu", "repeated cgroup_limits" },
		{ NULL, "bogus 1", "unknown field" },
		{ NULL, "Uid 1000", "field names are case-sensitive" },
		{ NULL, "", "empty line" },
		{ NULL, "   ", "blank line" },
		{ NULL, "# comment", "comment line" },
		{ "uid ", "uid 01000", "uid with a leading zero" },
		{ "uid ", "uid 00", "uid 00" },
		{ "uid ", "uid -1", "negative uid" },
		{ "uid ", "uid +1000", "uid with a plus sign" },
		{ "uid ", "uid 4294967295", "uid 4294967295 ((uid_t)-1)" },
		{ "uid ", "uid 4294967296", "uid beyond 32 bits" },
		{ "uid ", "uid 99999999999999999999999", "uid overflowing 64 bits" },
		{ "uid ", "uid 1000x", "uid with trailing junk" },
		{ "uid ", "uid 0x3e8", "hex uid" },
		{ "uid ", "uid", "uid without a value" },
		{ "uid ", "uid \"\"", "empty uid" },
		{ "uid ", "uid 1000 1001", "two uids on one line" },
		{ "pid ", "pid 0", "pid 0" },
		{ "pid ", "pid -4242", "negative pid" },
		{ "pid ", "pid 2147483648", "pid beyond INT32_MAX" },
		{ "pid ", "pid 04242", "pid with a leading zero" },
		{ "pid_start ", "pid_start 18446744073709551616", "pid_start beyond 64 bits" },
		{ "pid_start ", "pid_start -1", "negative pid_start" },
		{ "started ", "started 9223372036854775808", "started beyond INT64_MAX" },
		{ "started ", "started -1", "negative started" },
		{ "mntns ", "mntns 18446744073709551616", "mntns beyond 64 bits" },
		{ "mntns ", "mntns 01", "mntns with a leading zero" },
		{ "id ", "id 0123456789ABCDEF0123456789ABCDEF", "uppercase id" },
		{ "id ", "id 0123456789abcdef", "short id" },
		{ "id ", "id " ID_A "00", "long id" },
		{ "id ", "id ../../../../../etc/passwd/xxxxx", "id that is a path" },
		{ "id ", "id", "id without a value" },
		{ "user ", "user a/b", "user name with a slash" },
		{ "user ", "user ..", "user name '..'" },
		{ "user ", "user -rf", "user name starting with '-'" },
		{ "user ", "user \"al ice\"", "user name with a space" },
		{ "user ", "user \"\"", "empty user name" },
		{ "user ", "user \"alice", "unterminated quote" },
		{ "user ", "user alice bob", "two user names" },
		{ "service ", "service a/b", "service with a slash" },
		{ "cgroup ", "cgroup sys/fs/cgroup/pids/corral/x", "relative cgroup" },
		{ "cgroup ", "cgroup /sys/fs/cgroup/pids/../../../etc", "cgroup with '/../'" },
		{ "cgroup ", "cgroup /sys/fs/cgroup/pids/corral/..", "cgroup ending in '/..'" },
		{ "cgroup ", "cgroup /..", "cgroup '/..'" },
		{ "cgroup ", "cgroup /sys/fs/cgroup//pids", "cgroup with '//'" },
		{ "cgroup ", "cgroup /sys/fs/cgroup/./pids", "cgroup with '/./'" },
		{ "cgroup ", "cgroup \"\"", "empty cgroup" },
		{ "cgroup ", "cgroup", "cgroup without a value" },
		{ "cgroup ", "cgroup /a /b", "two paths on one cgroup line" },
		{ "cgroup_limits ", "cgroup_limits", "cgroup_limits without a value" },
		{ "cgroup_limits ", "cgroup_limits swap", "unknown limit" },
		{ "cgroup_limits ", "cgroup_limits cpu cpu", "a limit named twice" },
		{ "cgroup_limits ", "cgroup_limits CPU", "limit names are case-sensitive" },
		{ "policy", NULL, "no 'policy' line" },
		{ "policy", "policy x", "'policy' with a value" },
	};
	char buf[8192], err[SESSION_RECORD_ERR_MAX];
	struct session_record rec;
	size_t len;
	int r;

	len = build(buf, sizeof(buf), NULL, NULL);
	err[0] = '\0';
	r = session_record_parse(buf, len, &rec, err, sizeof(err));
	if (!ok(r == 0, "the baseline record parses"))
		tap_diag("  %s", err);
	ok(r == 0 && rec.cgroup_limits == CGROUP_LIMIT_PROCESSES && rec.cgroups.count == 1 && rec.leader == 4242 &&
		   rec.policy_len == strlen(alice_policy),
	   "baseline fields");
	if (r == 0)
		session_record_free(&rec);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = build(buf, sizeof(buf), bad[i].prefix, bad[i].line);
		err[0] = '\0';
		r = session_record_parse(buf, len, &rec, err, sizeof(err));
		if (!ok(r == -EINVAL && err[0], "refused: %s (%s)", bad[i].what, err))
			tap_diag("  got %d", r);
		if (r == 0)
			session_record_free(&rec);
	}
	{
		char line[SESSION_SERVICE_MAX + 16];

		snprintf(line, sizeof(line), "service %0*d", SESSION_SERVICE_MAX + 1, 0);
		memset(line + 8, 's', SESSION_SERVICE_MAX + 1);
		len = build(buf, sizeof(buf), "service ", line);
		is_int(session_record_parse(buf, len, &rec, err, sizeof(err)), -EINVAL,
		       "a service name longer than %d refused", SESSION_SERVICE_MAX);
		line[8 + SESSION_SERVICE_MAX] = '\0';
		len = build(buf, sizeof(buf), "service ", line);
		r = session_record_parse(buf, len, &rec, err, sizeof(err));
		ok(r == 0 && strlen(rec.service) == SESSION_SERVICE_MAX, "a service name of %d accepted",
		   SESSION_SERVICE_MAX);
		if (r == 0)
			session_record_free(&rec);
	}
	/* every header field present, but no "policy" line and no policy text */
	len = build(buf, sizeof(buf), NULL, NULL);
	len = (size_t)(strstr(buf, "policy\n") - buf);
	buf[len] = '\0';
	err[0] = '\0';
	r = session_record_parse(buf, len, &rec, err, sizeof(err));
	is_int(r, -EINVAL, "a complete header without the 'policy' line is refused (%s)", err);
	if (r == 0)
		session_record_free(&rec);
	/* accepted edge values */
	len = build(buf, sizeof(buf), "uid ", "uid 0");
	r = session_record_parse(buf, len, &rec, err, sizeof(err));
	ok(r == 0 && rec.uid == 0, "uid 0 accepted");
	if (r == 0)
		session_record_free(&rec);
	len = build(buf, sizeof(buf), "uid ", "uid 4294967294");
	r = session_record_parse(buf, len, &rec, err, sizeof(err));
	ok(r == 0 && rec.uid == 4294967294u, "uid 4294967294 accepted");
	if (r == 0)
		session_record_free(&rec);
	len = build(buf, sizeof(buf), "pid_start ", "pid_start 18446744073709551615");
	r = session_record_parse(buf, len, &rec, err, sizeof(err));
	ok(r == 0 && rec.leader_start == UINT64_MAX, "pid_start UINT64_MAX accepted");
	if (r == 0)
		session_record_free(&rec);
	len = build(buf, sizeof(buf), "cgroup_limits ", NULL);
	r = session_record_parse(buf, len, &rec, err, sizeof(err));
	ok(r == 0 && rec.cgroup_limits == 0, "cgroup_limits is optional");
	if (r == 0)
		session_record_free(&rec);
	len = build(buf, sizeof(buf), "cgroup ", NULL);
	r = session_record_parse(buf, len, &rec, err, sizeof(err));
	ok(r == 0 && rec.cgroups.count == 0, "cgroup lines are optional");
	if (r == 0)
		session_record_free(&rec);

	/* NUL byte, truncation, size */
	len = build(buf, sizeof(buf), NULL, NULL);
	buf[10] = '\0';
	is_int(session_record_parse(buf, len, &rec, err, sizeof(err)), -EINVAL, "a NUL byte in the header is refused");
	len = build(buf, sizeof(buf), NULL, NULL);
	buf[len - 3] = '\0';
	is_int(session_record_parse(buf, len, &rec, err, sizeof(err)), -EINVAL,
	       "a NUL byte in the policy text is refused");
	len = build(buf, sizeof(buf), NULL, NULL);
	{
		size_t header = (size_t)(strstr(buf, "\npolicy\n") - buf) + strlen("\npolicy\n"), refused = 0;

		/* every cut before the end of the "policy" line loses a field or the line */
		for (size_t cut = 0; cut < header; cut++) {
			if (session_record_parse(buf, cut, &rec, err, sizeof(err)) == -EINVAL)
				refused++;
			else
				session_record_free(&rec);
		}
		is_int(refused, header, "all %zu truncations of the header are refused", header);
		r = session_record_parse(buf, header, &rec, err, sizeof(err));
		ok(r == 0 && rec.policy_len == 0,
		   "cut right after 'policy': empty policy text (its parser refuses it)");
		if (r == 0)
			session_record_free(&rec);
	}
	len = (size_t)snprintf(buf, sizeof(buf), "%s\nid %s\nuser alice", SESSION_RECORD_MAGIC, ID_A);
	is_int(session_record_parse(buf, len, &rec, err, sizeof(err)), -EINVAL, "unterminated line refused");
	ok(strstr(err, "unterminated") != NULL, "and says so: %s", err);
	is_int(session_record_parse(buf, 0, &rec, err, sizeof(err)), -EINVAL, "empty input refused");
	{
		size_t big = 512 * 1024;
		char *huge = malloc(big);
		size_t head = build(huge, big, NULL, NULL) - strlen(alice_policy);

		memset(huge + head, 'a', big - head);
		huge[big - 1] = '\n';
		is_int(session_record_parse(huge, big, &rec, err, sizeof(err)), -EINVAL, "oversized record refused");
		/* a header line longer than any we write */
		len = (size_t)snprintf(huge, big, "%s\nuser ", SESSION_RECORD_MAGIC);
		memset(huge + len, 'a', 10000);
		len += 10000;
		len += (size_t)snprintf(huge + len, big - len, "\npolicy\n");
		is_int(session_record_parse(huge, len, &rec, err, sizeof(err)), -EINVAL,
		       "a 10000-byte header line refused");
		free(huge);
	}
}

static char tmpdir[64];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void path_of(char *out, size_t outlen, const char *rel)
{
	snprintf(out, outlen, "%s/%s", tmpdir, rel);
}

static time_t record_mtime(const char *id)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/sessions/%s", tmpdir, id);
	return stat(path, &st) == 0 ? st.st_mtime : -1;
}

static void set_record_mtime(const char *id, time_t when)
{
	char path[256];
	struct timespec times[2] = { { .tv_sec = when }, { .tv_sec = when } };

	snprintf(path, sizeof(path), "%s/sessions/%s", tmpdir, id);
	utimensat(AT_FDCWD, path, times, 0);
}

/* A session's corral-helper watches its own record: writing the live
 * policy next to it sets the record's times, and nothing else's. */
static void test_touch(void)
{
	struct session_live live;
	char text[] = "policy text\n";

	set_record_mtime(ID_B, 1000000000);
	is_int(session_record_touch(tmpdir, ID_B), 0, "touch a record");
	ok(record_mtime(ID_B) > 1000000000, "its times are now");
	is_int(session_record_touch(tmpdir, ID_A), -ENOENT, "touching a removed record is -ENOENT");
	is_int(session_record_touch(tmpdir, "../elsewhere"), -EINVAL, "touch refuses a path");

	session_live_init(&live);
	snprintf(live.id, sizeof(live.id), "%s", ID_C);
	is_int(session_live_add(&live, SESSION_LIVE_CURRENT, text, strlen(text)), 0, "a live policy");
	set_record_mtime(ID_C, 1000000000);
	set_record_mtime(ID_B, 1000000000);
	is_int(session_live_write(tmpdir, &live), 0, "write it next to its record");
	ok(record_mtime(ID_C) > 1000000000, "writing it set the times of its record");
	ok(record_mtime(ID_B) == 1000000000, "and of no other record");
	snprintf(live.id, sizeof(live.id), "%s", ID_A);
	is_int(session_live_write(tmpdir, &live), 0, "a live policy for a session that ended: written, nobody to tell");
	session_live_free(&live);
}

static void test_files(void)
{
	struct session_record rec, back;
	char err[SESSION_RECORD_ERR_MAX], path[256], other[256], *text = NULL;
	struct strlist ids;
	struct stat st;
	size_t len = 0;
	int r, fd;

	fill(&rec, ID_A, alice_policy);
	is_int(session_record_write(tmpdir, &rec), 0, "write a record");
	path_of(path, sizeof(path), "sessions/" ID_A);
	ok(stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0644 && st.st_uid == 0,
	   "record is a regular file, 0644, owned by root");
	path_of(other, sizeof(other), "sessions");
	ok(stat(other, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0755 && st.st_uid == 0,
	   "sessions directory made root-owned 0755");
	path_of(other, sizeof(other), "sessions/." ID_A ".new");
	ok(access(other, F_OK) < 0 && errno == ENOENT, "no temporary file left behind");
	memset(err, 'x', sizeof(err)); /* read must not rely on a cleared err */
	r = session_record_read(tmpdir, ID_A, &back, err, sizeof(err));
	if (!ok(r == 0, "read it back"))
		tap_diag("  %.200s", err);
	ok(r == 0 && same_record(&rec, &back), "the record read equals the record written");
	if (r == 0)
		session_record_free(&back);
	rec.leader = 77;
	is_int(session_record_write(tmpdir, &rec), 0, "writing again replaces the record");
	r = session_record_read(tmpdir, ID_A, &back, err, sizeof(err));
	ok(r == 0 && back.leader == 77, "and the new one is read");
	if (r == 0)
		session_record_free(&back);

	/* the file: mode, owner, type */
	chmod(path, 0664);
	memset(err, 'x', sizeof(err));
	err[sizeof(err) - 1] = '\0';
	is_int(session_record_read(tmpdir, ID_A, &back, err, sizeof(err)), -EPERM, "group-writable record refused");
	ok(strlen(err) < 200 && strstr(err, ID_A), "with a reason: %s", err);
	chmod(path, 0646);
	is_int(session_record_read(tmpdir, ID_A, &back, err, sizeof(err)), -EPERM, "world-writable record refused");
	chmod(path, 0644);
	ok(chown(path, 65534, 65534) == 0, "setup: give the record to nobody");
	is_int(session_record_read(tmpdir, ID_A, &back, err, sizeof(err)), -EPERM, "record not owned by root refused");
	ok(chown(path, 0, 65534) == 0, "setup: root-owned, another group");
	is_int(session_record_read(tmpdir, ID_A, &back, err, sizeof(err)), 0,
	       "a record of another group but 0644 is fine");
	session_record_free(&back);
	ok(chown(path, 0, 0) == 0, "setup: back to root:root");

	/* a symlink in place of a record, pointing at a valid record */
	fill(&back, ID_B, alice_policy);
	ok(session_record_format(&back, &text, &len) == 0, "setup: a valid record text for " ID_B);
	session_record_free(&back);
	path_of(other, sizeof(other), "elsewhere");
	fd = open(other, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ok(fd >= 0 && write(fd, text, len) == (ssize_t)len && close(fd) == 0, "setup: written outside sessions/");
	path_of(path, sizeof(path), "sessions/" ID_B);
	ok(symlink(other, path) == 0, "setup: symlink sessions/" ID_B);
	r = session_record_read(tmpdir, ID_B, &back, err, sizeof(err));
	ok(r == -ELOOP || r == -EPERM, "a symlinked record is refused (%d: %s)", r, err);
	if (r == 0)
		session_record_free(&back);
	unlink(path);
	/* a hard copy under another name names another session */
	path_of(path, sizeof(path), "sessions/" ID_C);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ok(fd >= 0 && write(fd, text, len) == (ssize_t)len && close(fd) == 0, "setup: record of " ID_B " named " ID_C);
	is_int(session_record_read(tmpdir, ID_C, &back, err, sizeof(err)), -EINVAL,
	       "a record whose id is not its file name is refused");
	ok(strstr(err, "another session") != NULL, "because it names another session: %s", err);
	unlink(path);
	free(text);
	text = NULL;
	/* a directory and a FIFO in place of a record */
	ok(mkdir(path, 0755) == 0, "setup: a directory named like a record");
	is_int(session_record_read(tmpdir, ID_C, &back, err, sizeof(err)), -EPERM, "a directory is not a record");
	rmdir(path);
	ok(mkfifo(path, 0644) == 0, "setup: a FIFO named like a record");
	is_int(session_record_read(tmpdir, ID_C, &back, err, sizeof(err)), -EPERM,
	       "a FIFO is refused (and the read does not block)");
	unlink(path);
	/* a malformed record */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ok(fd >= 0 && write(fd, "junk\n", 5) == 5 && close(fd) == 0, "setup: a junk file named like a record");
	is_int(session_record_read(tmpdir, ID_C, &back, err, sizeof(err)), -EINVAL, "junk is -EINVAL: %s", err);
	unlink(path);

	/* missing and invalid ids */
	is_int(session_record_read(tmpdir, ID_C, &back, err, sizeof(err)), -ENOENT, "missing record is -ENOENT");
	is_int(session_record_read(tmpdir, "../elsewhere", &back, err, sizeof(err)), -EINVAL, "a path is not an id");
	is_int(session_record_read(tmpdir, "", &back, err, sizeof(err)), -EINVAL, "empty id refused");

	/* the directories */
	path_of(path, sizeof(path), "sessions");
	chmod(path, 0777);
	is_int(session_record_read(tmpdir, ID_A, &back, err, sizeof(err)), -EPERM,
	       "world-writable sessions directory refused");
	ok(strstr(err, "sessions") != NULL, "the reason names the directory: %s", err);
	is_int(session_record_write(tmpdir, &rec), -EPERM, "and nothing is written into it");
	chmod(path, 0775);
	is_int(session_record_read(tmpdir, ID_A, &back, err, sizeof(err)), -EPERM,
	       "group-writable sessions directory refused");
	chmod(path, 0755);
	ok(chown(path, 65534, 0) == 0, "setup: sessions directory owned by nobody");
	is_int(session_record_read(tmpdir, ID_A, &back, err, sizeof(err)), -EPERM,
	       "sessions directory not owned by root refused");
	ok(chown(path, 0, 0) == 0, "setup: sessions directory back to root");
	chmod(tmpdir, 0777);
	is_int(session_record_read(tmpdir, ID_A, &back, err, sizeof(err)), -EPERM,
	       "world-writable run directory refused");
	chmod(tmpdir, 0755);
	path_of(path, sizeof(path), "sessions");
	path_of(other, sizeof(other), "real-sessions");
	ok(rename(path, other) == 0 && symlink(other, path) == 0, "setup: sessions is a symlink to a good directory");
	r = session_record_read(tmpdir, ID_A, &back, err, sizeof(err));
	ok(r < 0, "a symlinked sessions directory is refused (%d)", r);
	if (r == 0)
		session_record_free(&back);
	unlink(path);
	rename(other, path);
	is_int(session_record_read(tmpdir, ID_A, &back, err, sizeof(err)), 0, "restored: readable again");
	session_record_free(&back);
	path_of(path, sizeof(path), "no-such-run-dir");
	is_int(session_record_read(path, ID_A, &back, err, sizeof(err)), -ENOENT, "missing run directory is -ENOENT");

	/* list: sorted ids, junk ignored */
	strcpy(rec.id, ID_C);
	is_int(session_record_write(tmpdir, &rec), 0, "write a second record");
	strcpy(rec.id, ID_B);
	is_int(session_record_write(tmpdir, &rec), 0, "write a third record");
	{
		static const char *const junk[] = { "README", "." ID_A ".new", "0123456789ABCDEF0123456789ABCDEF",
						    ID_A "0", "0123456789abcdef" };

		for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
			snprintf(path, sizeof(path), "%s/sessions/%s", tmpdir, junk[i]);
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd >= 0)
				close(fd);
		}
	}
	r = session_record_list(tmpdir, &ids);
	is_int(r, 0, "list");
	ok(r == 0 && ids.count == 3 && strcmp(ids.items[0], ID_B) == 0 && strcmp(ids.items[1], ID_A) == 0 &&
		   strcmp(ids.items[2], ID_C) == 0,
	   "three ids, sorted, junk names ignored");
	strlist_free(&ids);
	path_of(path, sizeof(path), "no-such-run-dir");
	r = session_record_list(path, &ids);
	ok(r == 0 && ids.count == 0, "list of a missing run directory is empty");
	strlist_free(&ids);
	path_of(path, sizeof(path), "sessions");
	chmod(path, 0777);
	r = session_record_list(tmpdir, &ids);
	is_int(r, -EPERM, "list refuses a world-writable sessions directory");
	if (r == 0)
		strlist_free(&ids);
	chmod(path, 0755);

	/* remove */
	is_int(session_record_remove(tmpdir, ID_A), 0, "remove a record");
	is_int(session_record_read(tmpdir, ID_A, &back, err, sizeof(err)), -ENOENT, "it is gone");
	is_int(session_record_remove(tmpdir, ID_A), -ENOENT, "removing it again is -ENOENT");
	is_int(session_record_remove(tmpdir, "../elsewhere"), -EINVAL, "remove refuses a path");
	path_of(path, sizeof(path), "elsewhere");
	ok(access(path, F_OK) == 0, "and the file outside is still there");
	r = session_record_list(tmpdir, &ids);
	ok(r == 0 && ids.count == 2, "two records left");
	strlist_free(&ids);
	session_record_free(&rec);
	test_touch();
}

static void test_live(void)
{
	struct session_record rec;
	struct proc_stat st;
	pid_t child;

	fill(&rec, ID_A, alice_policy);
	ok(proc_stat_read(getpid(), &st) == 0, "setup: our start time");
	rec.leader = getpid();
	rec.leader_start = st.start_time;
	ok(session_record_is_live(&rec), "a record naming us with our start time is live");
	rec.leader_start = st.start_time + 1;
	ok(!session_record_is_live(&rec), "a wrong start time is not live (reused pid)");
	rec.leader_start = 0;
	ok(!session_record_is_live(&rec), "start time 0 is not live");
	child = fork();
	if (child == 0)
		_exit(0);
	ok(child > 0 && proc_stat_read(child, &st) == 0, "setup: a child's start time");
	waitpid(child, NULL, 0);
	rec.leader = child;
	rec.leader_start = st.start_time;
	ok(!session_record_is_live(&rec), "a dead leader is not live");
	rec.leader = 0;
	ok(!session_record_is_live(&rec), "pid 0 is not live");
	session_record_free(&rec);
}

static void test_policy(void)
{
	char err[SESSION_RECORD_ERR_MAX] = "";
	struct session_record rec;
	struct policy p;
	int r;

	fill(&rec, ID_A, alice_policy);
	r = session_record_policy(&rec, &p, err, sizeof(err));
	if (!ok(r == 0, "the record's policy compiles"))
		tap_diag("  %s", err);
	ok(r == 0 && p.confine && p.uid == 1000 && strcmp(p.user, "alice") == 0, "it is alice's, confined");
	if (r == 0)
		policy_free(&p);
	rec.uid = 1001;
	is_int(session_record_policy(&rec, &p, err, sizeof(err)), -EINVAL, "a policy for another uid is refused");
	ok(strstr(err, "another user") != NULL, "reason: %s", err);
	rec.uid = 1000;
	free(rec.user);
	rec.user = strdup("bob");
	is_int(session_record_policy(&rec, &p, err, sizeof(err)), -EINVAL, "a policy for another user name is refused");
	session_record_free(&rec);
	fill(&rec, ID_A, "corral-policy 1\nuser alice\nend\n");
	is_int(session_record_policy(&rec, &p, err, sizeof(err)), -EINVAL, "an incomplete policy text is refused");
	session_record_free(&rec);
	fill(&rec, ID_A, "");
	is_int(session_record_policy(&rec, &p, err, sizeof(err)), -EINVAL, "an empty policy text is refused");
	session_record_free(&rec);
}

int main(void)
{
	test_ids();
	test_format_round_trip();
	test_parse_strict();
	if (geteuid() != 0) {
		ok(1, "# SKIP file tests need root");
	} else {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/corral-record-XXXXXX");
		if (!mkdtemp(tmpdir) || chmod(tmpdir, 0755) < 0) {
			ok(0, "setup: temporary directory");
		} else {
			test_files();
			nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
		}
	}
	test_live();
	test_policy();
	return tap_done();
}
