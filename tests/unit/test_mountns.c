/* Unit tests of what a session needs from root before it starts: the mount
 * namespace plan (lib/kernel/mountns.c, pure part only: nothing is mounted), the
 * pinned /etc/hosts text (lib/session/hosts.c), address text (lib/policy/netrule.c), the
 * resolved addresses in the policy text (lib/policy/policy_text.c) and the check that
 * refuses a session whose namespace or cgroup limits are missing
 * (session_requirements_check). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "config.h"
#include "hosts.h"
#include "mountns.h"
#include "netrule.h"
#include "policy.h"
#include "policy_text.h"
#include "session.h"
#include "fixture.h"
#include "tap.h"

static gid_t alice_groups[] = { 1000 };
static struct user_info alice = {
	.name = "alice",
	.uid = 1000,
	.gid = 1000,
	.home = "/home/alice",
	.shell = "/usr/bin/corral-shell",
	.groups = alice_groups,
	.n_groups = 1,
};

static const char *joined(const struct strlist *list)
{
	static char buf[1024];

	buf[0] = '\0';
	for (size_t i = 0; i < list->count; i++) {
		if (i)
			strcat(buf, " ");
		strncat(buf, list->items[i], sizeof(buf) - strlen(buf) - 2);
	}
	return buf;
}

struct plan_case {
	const char *ini;
	bool needed;
	bool private_tmp;
	bool pin_hosts;
	bool read_only;
	bool no_exec;
	const char *writable; /* the policy's part: the daemons' trees follow when read_only */
	const char *exec;
	const char *loader;
	const char *hidden;
	const char *create;
	const char *what;
};

/* what the login daemons keep writing when the view is read-only */
#define DAEMON_TREES \
	" /sys/fs/cgroup /run/utmp /var/log/wtmp /var/log/btmp /var/log/lastlog /var/lib/wtmpdb /var/lib/lastlog"

static const struct plan_case plan_cases[] = {
	{ "[default]\nconfine = yes\nfs.write = ~\nfs.read = /usr\n", true, false, false, true, false, "/home/alice",
	  "", "", "", "", "fs.read/fs.write: everything read-only but the home (and the daemons' files)" },
	{ "[default]\nconfine = yes\nfs.exec = /usr\nfs.read = /usr /etc /srv/course\nfs.write = ~\n", true, false,
	  false, true, true, "/home/alice", "/usr", "/lib /lib64 /opt/lib", "", "",
	  "fs.exec=/usr: everything noexec but /usr and the library trees outside it" },
	{ "[default]\nconfine = yes\nfs.exec = /usr/bin\nfs.write = ~\n", true, false, false, true, true, "/home/alice",
	  "/usr/bin", "/lib /lib64 /usr/lib /usr/lib64 /usr/local/lib /opt/lib", "", "",
	  "fs.exec=/usr/bin: /usr/lib mappable for the loader, not executable" },
	{ "[default]\nconfine = yes\nfs.exec = /\nfs.write = ~ /srv\n", true, false, false, true, true,
	  "/home/alice /srv", "/", "", "", "", "fs.exec=/: no library tree needs adding" },
	{ "[default]\nconfine = yes\nfs.exec = /usr ~/bin\nfs.write = ~\n", true, false, false, true, true,
	  "/home/alice", "/usr /home/alice/bin", "/lib /lib64 /opt/lib", "", "", "~/bin executable inside the home" },
	{ "[default]\nconfine = yes\nfs.exec =\nfs.write = ~\n", true, false, false, true, true, "/home/alice", "",
	  "/lib /lib64 /usr/lib /usr/lib64 /usr/local/lib /opt/lib", "", "",
	  "an empty fs.exec is set: only the libraries mappable" },
	{ "[default]\nconfine = yes\nfs.write = ~\nfs.deny = ~/.ssh /srv/course/solutions\n", true, false, false, true,
	  false, "/home/alice", "", "", "/home/alice/.ssh /srv/course/solutions", "/home/alice/.ssh",
	  "fs.deny: covered; the one inside fs.write made when missing" },
	{ "[default]\nconfine = yes\nfs.deny = /srv/secret\n", true, false, false, false, false, "", "", "",
	  "/srv/secret", "", "fs.deny alone: covered, nothing else changes" },
	{ "[default]\nconfine = yes\nfs.private_tmp = yes\n", true, true, false, false, false, "", "", "", "", "",
	  "private_tmp alone: a namespace, nothing read-only" },
	{ "[default]\nconfine = yes\nnet.pin_hosts = yes\nnet.connect = example.org:443\n", true, false, true, false,
	  false, "", "", "", "", "", "pin_hosts alone: a namespace" },
	{ "[default]\nconfine = no\nfs.exec = /usr\nfs.private_tmp = yes\nnet.pin_hosts = yes\n"
	  "net.connect = example.org\n",
	  false, false, false, false, false, "", "", "", "", "", "not confined: no namespace" },
	{ "[default]\nconfine = yes\n", false, false, false, false, false, "", "", "", "", "",
	  "confined without fs keys: no namespace" },
};

static void test_plan(void)
{
	struct strlist loader;

	strlist_init(&loader);
	for (const char *const *t = (const char *const[]){ "/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib",
							   "/opt/lib", NULL };
	     *t; t++)
		strlist_append(&loader, *t);
	for (size_t i = 0; i < sizeof(plan_cases) / sizeof(plan_cases[0]); i++) {
		const struct plan_case *c = &plan_cases[i];
		char writable[1024];
		struct mountns_plan plan;
		struct policy p;

		if (policy_from_ini(c->ini, &alice, &p, NULL, 0) < 0) {
			ok(0, "setup: %s", c->what);
			continue;
		}
		is_int(mountns_needed(&p), c->needed, "needed: %s", c->what);
		if (!ok(mountns_plan(&p, &loader, &plan) == 0, "plan: %s", c->what)) {
			policy_free(&p);
			continue;
		}
		ok(plan.needed == c->needed && plan.private_tmp == c->private_tmp && plan.pin_hosts == c->pin_hosts &&
			   plan.read_only == c->read_only && plan.no_exec == c->no_exec,
		   "flags: %s", c->what);
		snprintf(writable, sizeof(writable), "%s%s", c->writable, c->read_only ? DAEMON_TREES : "");
		is_str(joined(&plan.writable), c->read_only && !c->writable[0] ? writable + 1 : writable,
		       "writable: %s", c->what);
		is_str(joined(&plan.writable_top), c->read_only ? "/dev /dev/pts /proc" : "", "the daemons' mounts: %s",
		       c->what);
		is_str(joined(&plan.exec), c->exec, "exec: %s", c->what);
		is_str(joined(&plan.loader), c->loader, "loader: %s", c->what);
		is_str(joined(&plan.hidden), c->hidden, "hidden: %s", c->what);
		is_str(joined(&plan.create), c->create, "made when missing: %s", c->what);
		mountns_plan_free(&plan);
		ok(plan.writable.count == 0 && !plan.needed, "plan_free leaves an empty plan");
		policy_free(&p);
	}
	strlist_free(&loader);
	{
		struct user_info root = { .name = "root",
					  .uid = 0,
					  .gid = 0,
					  .home = "/root",
					  .shell = "/bin/bash",
					  .groups = (gid_t[]){ 0 },
					  .n_groups = 1 };
		struct policy p;
		int r = policy_from_ini("[default]\nconfine = yes\nfs.exec = /usr\n", &root, &p, NULL, 0);

		ok(r == 0 && p.exempt && !mountns_needed(&p), "an exempt user needs no namespace");
		if (r == 0)
			policy_free(&p);
	}
}

/* The directories between a writable tree and a denied path in it become
 * mount points: renaming them away would give the denied name back. */
static void test_pinned(void)
{
	struct mountns_plan plan;
	struct policy p;

	if (policy_from_ini("[default]\nconfine = yes\nfs.write = ~ /srv/w\nfs.read = /srv\n"
			    "fs.deny = ~/.ssh ~/.config/autostart /srv/w/a/b/c /srv/ro/x\n",
			    &alice, &p, NULL, 0) < 0) {
		ok(0, "setup: pinned");
		return;
	}
	if (ok(mountns_plan(&p, NULL, &plan) == 0, "plan with nested denied paths")) {
		is_str(joined(&plan.pinned), "/home/alice/.config /srv/w/a/b /srv/w/a",
		       "pinned: the directories strictly between the writable tree and each denied path");
		is_str(joined(&plan.create), "/home/alice/.ssh /home/alice/.config/autostart /srv/w/a/b/c",
		       "made when missing: the denied paths inside fs.write only");
		mountns_plan_free(&plan);
	}
	policy_free(&p);
}

static struct net_addr addr(const char *text)
{
	struct net_addr a;

	memset(&a, 0, sizeof(a));
	if (net_addr_parse(text, &a) < 0)
		tap_diag("setup: '%s' is not an address", text);
	return a;
}

static const char hosts_ini[] = "[default]\nconfine = yes\nnet.pin_hosts = yes\n"
				"net.connect = tcp://example.org:443 10.0.0.0/8 udp://example.org:53 mirror.test "
				"unresolved.test\n";

static void set_addresses(struct policy *p)
{
	struct net_addr example[] = { addr("192.0.2.10"), addr("2001:0db8:0000:0000:0000:0000:0000:0001"),
				      addr("::ffff:198.51.100.9") };
	struct net_addr mirror[] = { addr("fe80::1:2") };

	is_int(netrule_set_resolved(&p->net_connect, "example.org", example, 3), 2,
	       "both rules naming example.org get its addresses");
	is_int(netrule_set_resolved(&p->net_connect, "mirror.test", mirror, 1), 1, "mirror.test gets one");
	is_int(netrule_set_resolved(&p->net_connect, "nosuch.test", mirror, 1), 0,
	       "a host no rule names changes nothing");
}

static void test_hosts(void)
{
	static const char want[] = "# pinned by corral for this session (net.pin_hosts); read-only\n"
				   "127.0.0.1\tlocalhost\n"
				   "::1\tlocalhost ip6-localhost ip6-loopback\n"
				   "192.0.2.10\texample.org\n"
				   "2001:db8::1\texample.org\n"
				   "198.51.100.9\texample.org\n"
				   "fe80::1:2\tmirror.test\n";
	char buf[HOSTS_FILE_MAX];
	struct policy p;

	if (policy_from_ini(hosts_ini, &alice, &p, NULL, 0) < 0) {
		ok(0, "setup: policy with host rules");
		return;
	}
	set_addresses(&p);
	is_int(hosts_file_text(&p, buf, sizeof(buf)), 0, "hosts file text");
	ok(strncmp(buf, want, strlen("# pinned")) == 0 && strstr(buf, "\n127.0.0.1\tlocalhost\n") &&
		   strstr(buf, "\n::1\tlocalhost"),
	   "loopback lines first");
	is_str(buf, want, "then ADDR<tab>HOST: IPv4 dotted, IPv6 compressed, a host once, unresolved hosts absent");
	is_int(hosts_file_text(&p, buf, strlen(want) + 1), 0, "an exactly large enough buffer is enough");
	is_int(hosts_file_text(&p, buf, strlen(want)), -ENOSPC, "one byte less is -ENOSPC");
	is_int(hosts_file_text(&p, buf, 10), -ENOSPC, "a tiny buffer is -ENOSPC");
	is_int(hosts_file_text(&p, buf, (size_t)(strstr(want, "192.0.2.10") - want) + 1), -ENOSPC,
	       "room for the loopback lines only is -ENOSPC");
	policy_free(&p);

	if (policy_from_ini("[default]\nconfine = yes\n", &alice, &p, NULL, 0) == 0) {
		is_int(hosts_file_text(&p, buf, sizeof(buf)), 0, "no net.connect: hosts file text");
		ok(strcmp(buf, want) != 0 && strncmp(buf, want, strlen(buf)) == 0 &&
			   strlen(buf) == (size_t)(strstr(want, "192.0.2.10") - want),
		   "only the loopback lines");
		policy_free(&p);
	}
	{
		struct net_addr many[NETRULE_MAX_ADDRS + 5];
		uint8_t b[4] = { 10, 0, 0, 0 };

		for (size_t i = 0; i < sizeof(many) / sizeof(many[0]); i++) {
			b[3] = (uint8_t)(i + 1);
			net_addr_from_ipv4(&many[i], b);
		}
		if (policy_from_ini(hosts_ini, &alice, &p, NULL, 0) == 0) {
			netrule_set_resolved(&p.net_connect, "mirror.test", many, sizeof(many) / sizeof(many[0]));
			ok(p.net_connect.rules[3].n_resolved == NETRULE_MAX_ADDRS,
			   "at most NETRULE_MAX_ADDRS addresses are kept (%zu)", p.net_connect.rules[3].n_resolved);
			policy_free(&p);
		}
	}
}

/* Only names that need no DNS: localhost (from /etc/hosts) and "a..b",
 * which the resolver refuses without asking anyone. */
static void test_resolve(void)
{
	struct net_addr loopback = addr("127.0.0.1"), pinned = addr("192.0.2.1");
	char failed[64];
	struct policy p;
	bool has_loopback = false;

	if (policy_from_ini("[default]\nconfine = yes\nnet.connect = localhost:22 bad.test pinned.test\n", &alice, &p,
			    NULL, 0) < 0) {
		ok(0, "setup: policy with host rules");
		return;
	}
	strcpy(p.net_connect.rules[1].host, "a..b");
	netrule_set_resolved(&p.net_connect, "pinned.test", &pinned, 1);
	memset(failed, 'x', sizeof(failed));
	is_int(hosts_resolve(&p, failed, sizeof(failed)), 1, "one name does not resolve");
	is_str(failed, "a..b", "and it is named");
	for (size_t i = 0; i < p.net_connect.rules[0].n_resolved; i++)
		has_loopback |= memcmp(&p.net_connect.rules[0].resolved[i], &loopback, sizeof(loopback)) == 0;
	ok(has_loopback, "localhost resolved to 127.0.0.1");
	is_int(p.net_connect.rules[1].n_resolved, 0, "the failed name allows nothing");
	ok(p.net_connect.rules[2].n_resolved == 1 &&
		   memcmp(&p.net_connect.rules[2].resolved[0], &pinned, sizeof(pinned)) == 0,
	   "a name that already has addresses is not looked up again");
	is_int(hosts_resolve(&p, NULL, 0), 1, "no buffer for the failed names: still counted");
	is_int(hosts_resolve(&p, failed, 3), 1, "a short buffer for the failed names");
	is_str(failed, "a.", "holds a truncated name");
	policy_free(&p);
}

static void test_addr_text(void)
{
	static const struct {
		const char *in;
		const char *out;
	} good[] = {
		{ "192.0.2.1", "192.0.2.1" },
		{ "0.0.0.0", "0.0.0.0" },
		{ "255.255.255.255", "255.255.255.255" },
		{ "2001:db8::1", "2001:db8::1" },
		{ "2001:0DB8:0:0:0:0:0:1", "2001:db8::1" },
		{ "::", "::" },
		{ "::1", "::1" },
		{ "::ffff:10.1.2.3", "10.1.2.3" },
		{ "::ffff:a01:203", "10.1.2.3" },
		{ "fe80::1:2:3:4", "fe80::1:2:3:4" },
	};
	static const char *const junk[] = {
		"",
		" ",
		"1.2.3",
		"1.2.3.4.5",
		"256.0.0.1",
		"01.2.3.4",
		"1.2.3.4/32",
		" 1.2.3.4",
		"1.2.3.4 ",
		"0x7f.0.0.1",
		"127.1",
		"[::1]",
		"::1/128",
		"fe80::1%eth0",
		"2001:db8::zz",
		"1:2:3:4:5:6:7:8:9",
		"example.org",
		"localhost",
		"-1.0.0.0",
		":::",
	};
	struct net_addr a, b;
	char text[NET_ADDR_TEXT_MAX];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!ok(net_addr_parse(good[i].in, &a) == 0, "parse '%s'", good[i].in))
			continue;
		ok(net_addr_format(&a, text, sizeof(text)) == 0, "format '%s'", good[i].in);
		is_str(text, good[i].out, "'%s' prints in canonical form", good[i].in);
		ok(net_addr_parse(text, &b) == 0 && memcmp(&a, &b, sizeof(a)) == 0, "'%s' reads back the same", text);
	}
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		is_int(net_addr_parse(junk[i], &a), -EINVAL, "refused: '%s'", junk[i]);
	a = addr("192.0.2.1");
	ok(memcmp(a.bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff\xc0\x00\x02\x01", 16) == 0, "IPv4 is kept IPv4-mapped");
	ok(net_addr_format(&a, text, 4) == -ENOSPC, "format into a short buffer is -ENOSPC");
	a = addr("2001:db8:1234:5678:9abc:def0:1234:5678");
	ok(net_addr_format(&a, text, sizeof(text)) == 0 && strcmp(text, "2001:db8:1234:5678:9abc:def0:1234:5678") == 0,
	   "a full IPv6 address fits NET_ADDR_TEXT_MAX");
	a = addr("::ffff:255.255.255.255");
	ok(net_addr_format(&a, text, 16) == 0 && strcmp(text, "255.255.255.255") == 0, "longest IPv4 fits 16 bytes");
}

/* text with `line` added just before its final "end\n". */
static char *with_line(const char *text, size_t len, const char *line, size_t *outlen)
{
	size_t n = strlen(line), head = len - 4;
	char *out = malloc(len + n + 2);

	memcpy(out, text, head);
	memcpy(out + head, line, n);
	out[head + n] = '\n';
	memcpy(out + head + n + 1, "end\n", 5);
	*outlen = head + n + 5;
	return out;
}

static void test_record_resolved(void)
{
	char err[POLICY_ERR_MAX] = "", *text = NULL, *again = NULL, *bad;
	struct policy p, back;
	size_t len = 0, len2 = 0, badlen;
	int r;

	if (policy_from_ini(hosts_ini, &alice, &p, NULL, 0) < 0) {
		ok(0, "setup: policy with host rules");
		return;
	}
	set_addresses(&p);
	ok(policy_text_write(&p, &text, &len) == 0, "serialize a policy with resolved hosts");
	ok(text && strstr(text, "\nresolved example.org 192.0.2.10 2001:db8::1 198.51.100.9\n") != NULL,
	   "a 'resolved HOST ADDR...' line");
	ok(text && strstr(strstr(text, "resolved example.org") + 1, "resolved example.org") == NULL,
	   "written once although two rules name the host");
	ok(text && strstr(text, "\nresolved mirror.test fe80::1:2\n") != NULL, "the other host's line");
	ok(text && !strstr(text, "resolved unresolved.test"), "no line for a host without addresses");
	r = policy_text_read(text, len, &back, err, sizeof(err));
	if (!ok(r == 0, "parse it back"))
		tap_diag("  %s", err);
	if (r == 0) {
		const struct netrule *rules = back.net_connect.rules;

		ok(back.net_connect.count == 5 && rules[0].n_resolved == 3 && rules[2].n_resolved == 3 &&
			   memcmp(rules[0].resolved, p.net_connect.rules[0].resolved, 3 * sizeof(struct net_addr)) ==
				   0 &&
			   memcmp(rules[2].resolved, rules[0].resolved, 3 * sizeof(struct net_addr)) == 0,
		   "both example.org rules get their addresses back");
		ok(rules[3].n_resolved == 1 && rules[4].n_resolved == 0 && rules[1].n_resolved == 0,
		   "mirror.test has one, unresolved.test and the CIDR none");
		ok(policy_text_write(&back, &again, &len2) == 0 && len == len2 && memcmp(text, again, len) == 0,
		   "serialize(parse(text)) is identical");
		policy_free(&back);
		free(again);
	}

	{
		char many[2048] = "resolved mirror.test";
		static const struct {
			const char *line;
			const char *needle;
			const char *what;
		} refused[] = {
			{ "resolved nosuch.test 192.0.2.1", "no rule names", "a host no rule has" },
			{ "resolved 10.0.0.0/8 192.0.2.1", "no rule names", "a CIDR rule is no host" },
			{ "resolved EXAMPLE.ORG 192.0.2.1", "no rule names", "host names are compared as written" },
			{ "resolved mirror.test 999.1.1.1", "not an address", "a bad IPv4 address" },
			{ "resolved mirror.test example.org", "not an address", "a name for an address" },
			{ "resolved mirror.test 10.0.0.0/8", "not an address", "a CIDR for an address" },
			{ "resolved mirror.test", "bad value", "no address" },
			{ "resolved", "bad value", "no host" },
			{ "resolved mirror.test fe80::1:2", "twice", "a second line for a host" },
		};

		for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
			bad = with_line(text, len, refused[i].line, &badlen);
			err[0] = '\0';
			r = policy_text_read(bad, badlen, &back, err, sizeof(err));
			if (!ok(r == -EINVAL && strstr(err, refused[i].needle), "refused: %s: %s", refused[i].what,
				err))
				tap_diag("  got %d", r);
			if (r == 0)
				policy_free(&back);
			free(bad);
		}
		/* drop the real mirror.test line so the count alone decides */
		{
			char *copy = strdup(text), *line = strstr(copy, "resolved mirror.test");
			size_t copylen;

			memmove(line, strchr(line, '\n') + 1, strlen(strchr(line, '\n') + 1) + 1);
			copylen = strlen(copy);
			for (int i = 1; i <= NETRULE_MAX_ADDRS; i++)
				snprintf(many + strlen(many), sizeof(many) - strlen(many), " 192.0.2.%d", i);
			bad = with_line(copy, copylen, many, &badlen);
			r = policy_text_read(bad, badlen, &back, err, sizeof(err));
			ok(r == 0 && back.net_connect.rules[3].n_resolved == NETRULE_MAX_ADDRS,
			   "NETRULE_MAX_ADDRS addresses accepted (%s)", r ? err : "ok");
			if (r == 0)
				policy_free(&back);
			free(bad);
			strcat(many, " 192.0.2.200");
			bad = with_line(copy, copylen, many, &badlen);
			is_int(policy_text_read(bad, badlen, &back, err, sizeof(err)), -EINVAL,
			       "one more is refused: %s", err);
			free(bad);
			free(copy);
		}
	}
	free(text);
	policy_free(&p);

	/* a record without any net.connect cannot carry resolved addresses */
	if (policy_from_ini("[default]\nconfine = yes\n", &alice, &p, NULL, 0) == 0) {
		ok(policy_text_write(&p, &text, &len) == 0 && !strstr(text, "resolved"),
		   "no resolved lines without hosts");
		bad = with_line(text, len, "resolved example.org 192.0.2.1", &badlen);
		is_int(policy_text_read(bad, badlen, &back, err, sizeof(err)), -EINVAL,
		       "a resolved line without net.connect is refused");
		free(bad);
		free(text);
		policy_free(&p);
	}
}

static void test_requirements(void)
{
	struct session_spec spec = { .kind = SESSION_INTERACTIVE };
	char err[SESSION_ERR_MAX];
	struct policy p;

	if (policy_from_ini("[default]\nconfine = yes\nfs.exec = /usr\n", &alice, &p, NULL, 0) == 0) {
		err[0] = '\0';
		is_int(session_requirements_check(&p, &spec, err, sizeof(err)), -EOPNOTSUPP,
		       "fs.exec without the session namespace is refused");
		ok(strstr(err, "fs.exec") != NULL, "the reason names fs.exec: %s", err);
		spec.namespace_ready = true;
		is_int(session_requirements_check(&p, &spec, err, sizeof(err)), 0, "with the namespace ready: 0");
		spec.namespace_ready = false;
		spec.nested = true;
		is_int(session_requirements_check(&p, &spec, err, sizeof(err)), 0, "nested: already confined, 0");
		spec.nested = false;
		policy_free(&p);
	}
	if (policy_from_ini("[default]\nconfine = yes\nfs.read = /usr\nfs.write = ~\nfs.deny = ~/.ssh\n", &alice, &p,
			    NULL, 0) == 0) {
		is_int(session_requirements_check(&p, &spec, err, sizeof(err)), 0,
		       "fs.read, fs.write, fs.deny without the namespace: Landlock alone (corralctl run by a user)");
		ok(mountns_needed(&p) && !mountns_required(&p), "needed where root can make it, not required");
		policy_free(&p);
	}
	if (policy_from_ini("[default]\nconfine = yes\nfs.private_tmp = yes\n", &alice, &p, NULL, 0) == 0) {
		err[0] = '\0';
		is_int(session_requirements_check(&p, &spec, err, sizeof(err)), -EOPNOTSUPP,
		       "private tmp without the namespace is refused");
		ok(strstr(err, "fs.private_tmp") != NULL, "the reason names fs.private_tmp: %s", err);
		policy_free(&p);
	}
	if (policy_from_ini("[default]\nconfine = yes\nnet.pin_hosts = yes\nnet.connect = example.org\n", &alice, &p,
			    NULL, 0) == 0) {
		err[0] = '\0';
		is_int(session_requirements_check(&p, &spec, err, sizeof(err)), -EOPNOTSUPP,
		       "pinned hosts without the namespace are refused");
		ok(strstr(err, "net.pin_hosts") != NULL, "the reason names net.pin_hosts: %s", err);
		policy_free(&p);
	}
	if (policy_from_ini("[default]\nconfine = yes\nlimits.memory = 1G\n", &alice, &p, NULL, 0) == 0) {
		err[0] = '\0';
		spec.cgroup_limits = CGROUP_LIMIT_PROCESSES | CGROUP_LIMIT_CPU;
		is_int(session_requirements_check(&p, &spec, err, sizeof(err)), -EOPNOTSUPP,
		       "limits.memory without CGROUP_LIMIT_MEMORY is refused");
		ok(strstr(err, "limits.memory") != NULL, "the reason names limits.memory: %s", err);
		spec.cgroup_limits = CGROUP_LIMIT_MEMORY;
		is_int(session_requirements_check(&p, &spec, err, sizeof(err)), 0, "with the memory limit enforced: 0");
		spec.cgroup_limits = 0;
		spec.nested = true;
		is_int(session_requirements_check(&p, &spec, err, sizeof(err)), 0, "nested: 0");
		spec.nested = false;
		policy_free(&p);
	}
	if (policy_from_ini("[default]\nconfine = yes\nlimits.cpu = 50%\n", &alice, &p, NULL, 0) == 0) {
		err[0] = '\0';
		spec.cgroup_limits = CGROUP_LIMIT_MEMORY;
		is_int(session_requirements_check(&p, &spec, err, sizeof(err)), -EOPNOTSUPP,
		       "limits.cpu without CGROUP_LIMIT_CPU is refused");
		ok(strstr(err, "limits.cpu") != NULL, "the reason names limits.cpu: %s", err);
		spec.cgroup_limits = CGROUP_LIMIT_CPU;
		is_int(session_requirements_check(&p, &spec, err, sizeof(err)), 0, "with the cpu limit enforced: 0");
		spec.cgroup_limits = 0;
		policy_free(&p);
	}
	if (policy_from_ini("[default]\nconfine = yes\nlimits.processes = 20\nfs.write = ~\n", &alice, &p, NULL, 0) ==
	    0) {
		is_int(session_requirements_check(&p, &spec, err, sizeof(err)), 0,
		       "limits.processes alone needs no cgroup (RLIMIT_NPROC)");
		policy_free(&p);
	}
	if (policy_from_ini("[default]\nconfine = no\nfs.exec = /usr\nlimits.memory = 1G\nlimits.cpu = 50%\n", &alice,
			    &p, NULL, 0) == 0) {
		is_int(session_requirements_check(&p, &spec, err, sizeof(err)), 0, "not confined: 0");
		policy_free(&p);
	}
}

int main(void)
{
	test_plan();
	test_pinned();
	test_hosts();
	test_resolve();
	test_addr_text();
	test_record_resolved();
	test_requirements();
	return tap_done();
}
