/* Unit tests of corralctl denials' pure parts (ctl/denials_parse.c,
 * denials_time.c, denials_summary.c): the kernel's audit records in every
 * form a host keeps them, corral's event lines, --since, the summary and
 * the rate limit. Lines come from real hosts (6.18 with Landlock ABI 7). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "denials_parse.h"
#include "tap.h"

#define NOW 1796455276 /* 2026-12-05 07:21:16 UTC */

static void test_kernel_log(void)
{
	struct denial_record r;

	/* /dev/kmsg, as corralctl reads it (after the record's prefix) */
	ok(denial_parse_line("audit: type=1423 audit(1796455276.186:126): domain=1acdc5524 blockers=fs.read_file "
			     "path=\"/var/lib/x/secret\" dev=\"vda\" ino=1171485",
			     2026, NOW, &r) == 0 &&
		   r.kind == DENIAL_LANDLOCK,
	   "a Landlock access record from the kernel log");
	is_int(r.time_ms, 1796455276186LL, "its time, in ms");
	is_int(r.serial, 126, "its serial");
	is_int(r.domain, 0x1acdc5524ULL, "its domain (hex)");
	is_str(r.op, "read", "fs.read_file is a read");
	is_str(r.target, "/var/lib/x/secret", "the path");
	is_int(r.error, EACCES, "Landlock answers EACCES");

	ok(denial_parse_line("[24760.819825] audit: type=1424 audit(1796455276.186:126): domain=1acdc5524 "
			     "status=allocated mode=enforcing pid=12826 uid=1008 exe=\"/usr/bin/corral-shell\" "
			     "comm=\"corral-shell\"",
			     2026, NOW, &r) == 0 &&
		   r.kind == DENIAL_DOMAIN,
	   "a Landlock domain record, as dmesg prints it");
	ok(r.pid == 12826 && r.uid == 1008 && !r.deallocated && r.domain == 0x1acdc5524ULL,
	   "the domain's creator: pid and uid");
	denial_parse_line("audit: type=1424 audit(1796455276.238:128): domain=1acdc5524 status=deallocated denials=1",
			  2026, NOW, &r);
	ok(r.kind == DENIAL_DOMAIN && r.deallocated && r.pid == DENIAL_UNKNOWN, "a deallocated domain");

	ok(denial_parse_line("audit: type=1326 audit(1796455276.234:127): auid=4294967295 uid=1008 gid=1011 "
			     "ses=4294967295 pid=12834 comm=\"probe\" exe=\"/usr/local/bin/probe\" sig=0 "
			     "arch=c000003e syscall=272 compat=0 ip=0x7fc9ef071829 code=0x50000",
			     2026, NOW, &r) == 0 &&
		   r.kind == DENIAL_SECCOMP,
	   "a seccomp record");
	ok(r.syscall == 272 && r.arch == 0xc000003eU && r.uid == 1008 && r.pid == 12834 && r.action == 0x50000,
	   "its call, arch, uid, pid and action");
	is_str(r.target, "/usr/local/bin/probe", "the program");
	denial_parse_line("audit: type=1326 audit(1.000:1): auid=4294967295 uid=4294967295 pid=1 arch=c000003e "
			  "syscall=1 code=0x80000000",
			  2026, NOW, &r);
	ok(r.uid == DENIAL_UNKNOWN && r.action == 0x80000000U && r.error == 0, "audit's unset uid; a kill");

	denial_parse_line("audit: type=1300 audit(1796455276.186:126): arch=c000003e syscall=257 success=no", 2026, NOW,
			  &r);
	is_int(r.kind, DENIAL_NONE, "other audit records are not ours");
	is_int(denial_parse_line("audit: type=1423 audit(garbage): domain=1 blockers=fs.read_file", 2026, NOW, &r),
	       -EINVAL, "a malformed stamp is an error");
	is_int(denial_parse_line("audit: type=1423 audit(1.000:2): blockers=fs.read_file", 2026, NOW, &r), -EINVAL,
	       "a Landlock record without its domain is an error");
}

static void test_audit_log(void)
{
	struct denial_record r;

	ok(denial_parse_line("type=UNKNOWN[1423] msg=audit(1796455276.186:126): domain=1acdc5524 "
			     "blockers=net.connect_tcp daddr=192.0.2.7 dest=443",
			     2026, NOW, &r) == 0 &&
		   r.kind == DENIAL_LANDLOCK,
	   "auditd 3.0 writes Landlock's types as UNKNOWN[N]");
	is_str(r.op, "connect", "net.connect_tcp is a connect");
	is_str(r.target, "tcp://192.0.2.7:443", "its destination");
	denial_parse_line("type=LANDLOCK_ACCESS msg=audit(1.500:3): domain=a blockers=net.bind_tcp saddr=:: src=8080",
			  2026, NOW, &r);
	ok(r.kind == DENIAL_LANDLOCK && strcmp(r.op, "bind") == 0 && strcmp(r.target, "8080") == 0,
	   "by name, a bind: its port");
	denial_parse_line(
		"type=LANDLOCK_ACCESS msg=audit(1.500:4): domain=a blockers=net.connect_tcp daddr=::1 dest=22", 2026,
		NOW, &r);
	is_str(r.target, "tcp://[::1]:22", "an IPv6 destination in brackets");
	denial_parse_line(
		"type=LANDLOCK_ACCESS msg=audit(1.500:5): domain=a blockers=scope.signal opid=1 ocomm=\"systemd\"",
		2026, NOW, &r);
	ok(strcmp(r.op, "signal") == 0 && strcmp(r.target, "pid 1 (systemd)") == 0 && r.error == EPERM,
	   "a signal out of the scope");
	denial_parse_line("type=SECCOMP msg=audit(1796455276.234:127): auid=1 uid=1008 pid=9 arch=c000003e "
			  "syscall=165 code=0x50000",
			  2026, NOW, &r);
	ok(r.kind == DENIAL_SECCOMP && r.syscall == 165, "a seccomp record by name");
	denial_parse_line("type=LANDLOCK_ACCESS msg=audit(1.500:6): domain=a blockers=fs.write_file,fs.truncate "
			  "path=2F746D702F6120622F632227 dev=\"vda\" ino=5",
			  2026, NOW, &r);
	ok(strcmp(r.op, "write") == 0 && strcmp(r.target, "/tmp/a b/c\"'") == 0,
	   "a path the kernel wrote in hex (a space and quotes in it) is decoded");
	is_str(r.rule, "fs.write_file,fs.truncate", "the blockers are kept");
	denial_parse_line("type=LANDLOCK_ACCESS msg=audit(1.500:7): domain=a blockers=fs.read_file path=2F0A78 ino=5",
			  2026, NOW, &r);
	is_str(r.target, "/?x", "a control character in a path becomes '?'");
}

static void test_fields(void)
{
	char out[16];

	denial_audit_field("a=1 path=\"x y\" b=2", "path", out, sizeof(out));
	is_str(out, "x y", "a quoted field");
	denial_audit_field("a=1 xpath=3 path=4", "path", out, sizeof(out));
	is_str(out, "4", "a key is a whole word");
	denial_audit_field("comm=\"a path=9\" path=5", "path", out, sizeof(out));
	is_str(out, "5", "not inside a quoted value");
	denial_audit_field("ino=1234", "ino", out, sizeof(out));
	is_str(out, "1234", "hex is decoded only for string fields");
	denial_audit_field("path=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", "path", out, sizeof(out));
	is_int(strlen(out), sizeof(out) - 1, "a long value is cut to the buffer");
	denial_audit_field("path=\"unterminated", "path", out, sizeof(out));
	is_str(out, "unterminated", "an unterminated quote runs to the end");
	denial_audit_field("a=1", "path", out, sizeof(out));
	is_str(out, "", "absent: empty");
	is_str(denial_landlock_op("fs.make_reg"), "write", "making a file is a write");
	is_str(denial_landlock_op("fs.execute"), "exec", "fs.execute is an exec");
	is_str(denial_landlock_op("fs.read_dir"), "list", "fs.read_dir is a list");
	ok(denial_landlock_op("other.thing") == NULL, "an unknown blocker has no op");
}

static void test_syslog(void)
{
	struct denial_record r;

	setenv("TZ", "UTC", 1);
	tzset();
	ok(denial_parse_line("Dec  5 07:21:16 lab corral[4242]: user=alice session=0123456789abcdef0123456789abcdef "
			     "event=denied op=connect target=\"10.0.0.1:25\" rule=\"net.connect\" errno=13",
			     2026, NOW, &r) == 0 &&
		   r.kind == DENIAL_HELPER,
	   "corral-helper's denial in a syslog file");
	ok(strcmp(r.user, "alice") == 0 && strcmp(r.session, "0123456789abcdef0123456789abcdef") == 0 &&
		   strcmp(r.op, "connect") == 0 && strcmp(r.target, "10.0.0.1:25") == 0 &&
		   strcmp(r.rule, "net.connect") == 0 && r.error == EACCES,
	   "its user, session, op, target, rule and errno");
	is_int(r.time_ms, 1796455276000LL, "the traditional stamp, this year");
	denial_parse_line("Dec 31 23:59:59 lab corral[1]: user=a event=denied op=x errno=1", 2026, NOW - 86400 * 330,
			  &r);
	is_int(r.time_ms / 1000, 1767225599LL, "a date ahead of now is last year's (2025-12-31 23:59:59)");
	denial_parse_line("2026-12-05T08:21:16.123456+01:00 lab corral[77]: user=bob session=- event=confined pid=4321",
			  2026, NOW, &r);
	ok(r.kind == DENIAL_EVENT && strcmp(r.event, "confined") == 0 && r.pid == 4321 && r.session[0] == '\0',
	   "an RFC 3339 line: corral-shell's confined pid=, no session");
	is_int(r.time_ms, 1796455276123LL, "its stamp with the zone offset and milliseconds");
	denial_parse_line("<86>Dec  5 07:21:16 corral[5]: user=a session=- event=session-start", 2026, NOW, &r);
	ok(r.kind == DENIAL_EVENT && r.time_ms == 1796455276000LL, "a datagram as syslog() sends it (<PRI>)");
	denial_parse_line("Dec  5 07:00:00 lab sshd[9]: pam_corral(sshd:session): user=alice "
			  "session=0123456789abcdef0123456789abcdef event=session-open service=sshd",
			  2026, NOW, &r);
	ok(r.kind == DENIAL_EVENT && strcmp(r.event, "session-open") == 0 && strcmp(r.user, "alice") == 0,
	   "pam_corral's lines through pam_syslog");
	denial_parse_line("Dec  5 07:00:00 lab sshd[9]: Accepted publickey for alice", 2026, NOW, &r);
	is_int(r.kind, DENIAL_NONE, "other programs' lines are not ours");
	denial_parse_line("Dec  5 07:00:00 lab corral[9]: user=a event=denied errno=99999 pid=-3", 2026, NOW, &r);
	ok(r.error == 0 && r.pid == DENIAL_UNKNOWN, "an errno or a pid out of range is dropped");
}

static void test_journal(void)
{
	struct denial_record r;

	ok(denial_parse_journal("{\"__REALTIME_TIMESTAMP\":\"1796455276186123\",\"_TRANSPORT\":\"audit\","
				"\"_AUDIT_TYPE\":\"1423\",\"_AUDIT_ID\":\"126\",\"MESSAGE\":\"LANDLOCK_ACCESS "
				"domain=1acdc5524 blockers=fs.read_file path=\\\"/srv/x\\\" dev=\\\"vda\\\" ino=3\"}",
				&r) == 0 &&
		   r.kind == DENIAL_LANDLOCK,
	   "an audit record from the journal");
	ok(strcmp(r.target, "/srv/x") == 0 && r.serial == 126 && r.time_ms == 1796455276186LL,
	   "its path, serial and time");
	ok(denial_parse_journal("{\"SYSLOG_IDENTIFIER\":\"corral\",\"MESSAGE\":\"user=alice session=s event=denied "
				"op=bind target=\\\"8080\\\" rule=\\\"net.bind\\\" errno=13\","
				"\"__REALTIME_TIMESTAMP\":\"1000000\"}",
				&r) == 0 &&
		   r.kind == DENIAL_HELPER,
	   "corral's event from the journal");
	ok(strcmp(r.user, "alice") == 0 && strcmp(r.target, "8080") == 0 && r.time_ms == 1000, "its fields and time");
	denial_parse_journal("{\"SYSLOG_IDENTIFIER\":\"evil\",\"MESSAGE\":\"user=alice event=denied\"}", &r);
	is_int(r.kind, DENIAL_NONE, "another identifier is not ours");
	denial_parse_journal("{\"SYSLOG_IDENTIFIER\":\"corral\",\"MESSAGE\":[117,115]}", &r);
	is_int(r.kind, DENIAL_NONE, "a binary MESSAGE is skipped");
	denial_parse_journal("{\"SYSLOG_IDENTIFIER\":\"corral\",\"MESSAGE\":\"user=a\\u00e9\\n event=denied\"}", &r);
	ok(r.kind == DENIAL_HELPER && strcmp(r.user, "a?") == 0, "\\u escapes beyond ASCII become '?'");
}

static void test_since(void)
{
	time_t t;

	setenv("TZ", "UTC", 1);
	tzset();
	ok(denials_parse_since("10m", NOW, &t) == 0 && t == NOW - 600, "10m");
	ok(denials_parse_since("2h", NOW, &t) == 0 && t == NOW - 7200, "2h");
	ok(denials_parse_since("3d", NOW, &t) == 0 && t == NOW - 3 * 86400, "3d");
	ok(denials_parse_since("90s", NOW, &t) == 0 && t == NOW - 90, "90s");
	ok(denials_parse_since("15", NOW, &t) == 0 && t == NOW - 900, "a bare number is minutes");
	ok(denials_parse_since("today", NOW, &t) == 0 && t == NOW - (7 * 3600 + 21 * 60 + 16), "today: midnight");
	ok(denials_parse_since("yesterday", NOW, &t) == 0 && t == NOW - (7 * 3600 + 21 * 60 + 16) - 86400, "yesterday");
	ok(denials_parse_since("2026-12-05 09:00", NOW, &t) == 0 && t == NOW - (7 * 3600 + 21 * 60 + 16) + 9 * 3600,
	   "a date and a time");
	ok(denials_parse_since("2026-12-05T09:00:30", NOW, &t) == 0 &&
		   t == NOW - (7 * 3600 + 21 * 60 + 16) + 9 * 3600 + 30,
	   "ISO with seconds");
	ok(denials_parse_since("2026-12-05", NOW, &t) == 0 && t == NOW - (7 * 3600 + 21 * 60 + 16), "a date");
	ok(denials_parse_since("06:30", NOW, &t) == 0 && t == NOW - (7 * 3600 + 21 * 60 + 16) + 6 * 3600 + 1800,
	   "a time of today");
	ok(denials_parse_since("@1000", NOW, &t) == 0 && t == 1000, "@EPOCH");
	is_int(denials_parse_since("10x", NOW, &t), -EINVAL, "an unknown unit");
	is_int(denials_parse_since("", NOW, &t), -EINVAL, "empty");
	is_int(denials_parse_since("2026-13-01", NOW, &t), -EINVAL, "month 13");
	is_int(denials_parse_since("25:00", NOW, &t), -EINVAL, "hour 25");
	is_int(denials_parse_since("99999999999999999999h", NOW, &t), -EINVAL, "a span before the epoch");
	is_int(denials_parse_since("2026-12-05 09:00 extra", NOW, &t), -EINVAL, "trailing words");
	is_int(denials_parse_since("-5m", NOW, &t), -EINVAL, "a negative span");
}

static void test_summary(void)
{
	struct denials_summary s = { 0 };
	char line[512], target[64];
	int r = 0;

	for (int i = 0; i < 180; i++) {
		snprintf(target, sizeof(target), "/srv/course/%s/f%d", i % 2 ? "a" : "b", i);
		r |= denials_summary_add(&s, "alice",
					 i % 3 == 0           ? "s1"
						 : i % 3 == 1 ? "s2"
							      : "s3",
					 "write", target, "fs.read corral.ini:27", false);
	}
	for (int i = 0; i < 32; i++)
		r |= denials_summary_add(&s, "alice", "s1", "connect", "tcp://10.0.0.1:25", "net.connect corral.ini:30",
					 i >= 20);
	r |= denials_summary_add(&s, "bob", "-", "unshare", "/usr/bin/unshare", "corral's seccomp filter", false);
	is_int(r, 0, "every denial counted");
	is_int(s.count, 2, "two users");
	denials_summary_format(&s.users[0], line, sizeof(line));
	is_str(line,
	       "alice: 212 denials in 3 sessions, 180 of them write under /srv/course: fs.read corral.ini:27 "
	       "(12 not shown: rate limit)",
	       "the issue's example, with what the rate limit held back");
	denials_summary_format(&s.users[1], line, sizeof(line));
	is_str(line, "bob: 1 denial, 1 of them unshare /usr/bin/unshare: corral's seccomp filter",
	       "one denial of no known session: the target itself");
	denials_summary_format(&s.users[0], line, 20);
	is_int(strlen(line), 19, "a short buffer cuts the line");
	denials_summary_free(&s);

	denials_summary_add(&s, "c", "s", "read", "/etc/a", "r", false);
	denials_summary_add(&s, "c", "s", "read", "/home/x", "r", false);
	denials_summary_format(&s.users[0], line, sizeof(line));
	is_str(line, "c: 2 denials in 1 session, 2 of them read under /: r", "nothing shared but the root");
	denials_summary_free(&s);
	denials_summary_add(&s, "c", "s", "connect", "tcp://a:1", "", false);
	denials_summary_add(&s, "c", "s", "connect", "tcp://b:1", "", false);
	denials_summary_format(&s.users[0], line, sizeof(line));
	is_str(line, "c: 2 denials in 1 session, 2 of them connect: (no rule named)", "addresses share nothing");
	denials_summary_free(&s);
}

static void test_bucket(void)
{
	struct denials_bucket b = { 0 };
	int taken = 0;

	for (int i = 0; i < 100; i++)
		taken += denials_bucket_take(&b, 1000);
	is_int(taken, DENIALS_BURST, "a burst at one instant: DENIALS_BURST lines");
	taken = 0;
	for (int i = 0; i < 100; i++)
		taken += denials_bucket_take(&b, 2000);
	is_int(taken, DENIALS_PER_SECOND, "a second later: DENIALS_PER_SECOND more");
	ok(denials_bucket_take(&b, 1000000), "a long pause refills it");
}

int main(void)
{
	test_kernel_log();
	test_audit_log();
	test_fields();
	test_syslog();
	test_journal();
	test_since();
	test_summary();
	test_bucket();
	return tap_done();
}
