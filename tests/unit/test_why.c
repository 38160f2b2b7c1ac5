/* Unit tests of corralctl why's pure parts (ctl/why_decide.c): the
 * destination and operation parsers, origins turned line-first, and the
 * decisions that need no filesystem: unconfined users, bind, signals,
 * connect to literal addresses and restricted commands. */
#include <errno.h>
#include <string.h>

#include "fixture.h"
#include "tap.h"
#include "why.h"

static void test_destination(void)
{
	static const struct {
		const char *text;
		int r;
		enum net_proto proto;
		const char *host;
		unsigned port;
	} cases[] = {
		{ "example.org:443", 0, NET_PROTO_TCP, "example.org", 443 },
		{ "tcp://10.0.0.1:22", 0, NET_PROTO_TCP, "10.0.0.1", 22 },
		{ "udp://192.0.2.1:53", 0, NET_PROTO_UDP, "192.0.2.1", 53 },
		{ "[2001:db8::1]:8080", 0, NET_PROTO_TCP, "2001:db8::1", 8080 },
		{ "udp://[::1]:5353", 0, NET_PROTO_UDP, "::1", 5353 },
		{ "icmp://10.0.0.1:1", -EINVAL, 0, NULL, 0 },
		{ "host", -EINVAL, 0, NULL, 0 },
		{ "host:", -EINVAL, 0, NULL, 0 },
		{ ":443", -EINVAL, 0, NULL, 0 },
		{ "host:0", -EINVAL, 0, NULL, 0 },
		{ "host:65536", -EINVAL, 0, NULL, 0 },
		{ "host:44x", -EINVAL, 0, NULL, 0 },
		{ "[::1:80", -EINVAL, 0, NULL, 0 },
		{ "[]:80", -EINVAL, 0, NULL, 0 },
	};
	char host[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum net_proto proto = 0;
		uint16_t port = 0;
		int r = why_destination_parse(cases[i].text, &proto, host, sizeof(host), &port);

		is_int(r, cases[i].r, "destination '%s'", cases[i].text);
		if (r == 0 && cases[i].r == 0) {
			ok(proto == cases[i].proto && port == cases[i].port, "'%s': protocol and port", cases[i].text);
			is_str(host, cases[i].host, "'%s': host", cases[i].text);
		}
	}
	ok(why_destination_parse("a-very-long-host-name.example.org:1", &(enum net_proto){ 0 }, host, 8,
				 &(uint16_t){ 0 }) == -EINVAL,
	   "a host longer than the buffer is refused, not cut");
}

static void test_ops_and_origins(void)
{
	static const char *const names[] = { "read", "write", "exec",   "list",   "connect",
					     "bind", "unix",  "signal", "command" };
	char origin[WHY_TEXT_MAX];
	enum why_op op;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ok(why_op_parse(names[i], &op) == 0 && strcmp(why_op_name(op), names[i]) == 0, "op '%s'", names[i]);
	ok(why_op_parse("delete", &op) == -EINVAL, "an unknown op is refused");
	ok(why_op_parse("", &op) == -EINVAL, "an empty op is refused");

	strcpy(origin, "[group:students] /etc/corral/corral.ini:28");
	why_origin_line_first(origin, sizeof(origin));
	is_str(origin, "/etc/corral/corral.ini:28 [group:students]", "origin: the line first");
	strcpy(origin, "[default] a.ini:3, +[user:alice] corral.d/10.ini:4");
	why_origin_line_first(origin, sizeof(origin));
	is_str(origin, "a.ini:3 [default], corral.d/10.ini:4 +[user:alice]", "origins: each turned, edits marked");
	strcpy(origin, "default");
	why_origin_line_first(origin, sizeof(origin));
	is_str(origin, "default", "a word that is no origin stays");
}

static void test_decisions(void)
{
	static const char ini[] = "[default]\nconfine = yes\n"
				  "net.connect = tcp://:443 udp://:53\n"
				  "net.deny = 10.0.0.0/8\n"
				  "net.bind = 8000-8999\n"
				  "ipc.signals = session\n"
				  "commands = rsync git-upload-pack\n";
	struct host_layers host;
	struct why_answer a;
	struct policy p;

	host_layers_assume(7, true, true, &host);
	if (policy_from_ini("[default]\nconfine = no\n", &fixture_alice, &p, NULL, 0) == 0) {
		ok(why_decide(&p, &host, WHY_WRITE, "/etc/passwd", &a) == 0 && a.allowed,
		   "an unconfined user: everything is corral's to allow");
		ok(a.n_rules == 1 && strcmp(a.rules[0].key, "confine") == 0 &&
			   strcmp(a.rules[0].origin, "t.ini:2 [default]") == 0,
		   "the rule is confine, with its line");
		policy_free(&p);
	}
	if (policy_from_ini(ini, &fixture_alice, &p, NULL, 0) < 0) {
		ok(0, "the test policy resolves");
		return;
	}
	ok(why_decide(&p, &host, WHY_BIND, "8080", &a) == 0 && a.allowed, "bind 8080: inside net.bind");
	ok(a.n_rules == 1 && strcmp(a.rules[0].value, "8000-8999") == 0 &&
		   strcmp(a.rules[0].origin, "t.ini:5 [default]") == 0,
	   "bind 8080: the net.bind item and its line");
	ok(why_decide(&p, &host, WHY_BIND, "22", &a) == 0 && !a.allowed && a.error == EACCES, "bind 22: EACCES");
	ok(why_decide(&p, &host, WHY_BIND, "99999", &a) == -EINVAL, "bind 99999: a usage error");
	ok(why_decide(&p, &host, WHY_SIGNAL, "outside", &a) == 0 && !a.allowed && a.error == EPERM,
	   "signal outside with ipc.signals = session: EPERM");
	ok(a.by & BY_LANDLOCK, "ABI 7: Landlock's signal scope decides");
	host_layers_assume(4, true, true, &host);
	ok(why_decide(&p, &host, WHY_SIGNAL, "outside", &a) == 0 && !a.allowed && (a.by & BY_HELPER) &&
		   !(a.by & BY_LANDLOCK),
	   "ABI 4 (no signal scope): corral-helper decides");
	ok(why_decide(&p, &host, WHY_SIGNAL, "inside", &a) == -EINVAL, "signal takes only 'outside'");
	ok(why_decide(&p, &host, WHY_CONNECT, "10.1.2.3:443", &a) == 0 && !a.allowed && a.error == ECONNREFUSED,
	   "connect into net.deny: refused by the helper");
	ok(a.n_rules == 1 && strcmp(a.rules[0].key, "net.deny") == 0 && strcmp(a.rules[0].value, "10.0.0.0/8") == 0,
	   "the net.deny rule is named");
	ok(why_decide(&p, &host, WHY_CONNECT, "192.0.2.7:443", &a) == 0 && a.allowed, "connect :443 allowed");
	ok(why_decide(&p, &host, WHY_CONNECT, "192.0.2.7:22", &a) == 0 && !a.allowed, "connect :22 refused");
	ok(why_decide(&p, &host, WHY_CONNECT, "udp://192.0.2.7:53", &a) == 0 && a.allowed, "udp :53 allowed");
	ok(why_decide(&p, &host, WHY_CONNECT, "nonsense", &a) == -EINVAL, "a malformed destination");
	ok(why_decide(&p, &host, WHY_COMMAND, "ls -l", &a) == 0 && !a.allowed && a.error == 0,
	   "restricted mode: ls is refused (exit 126, no errno)");
	ok(why_decide(&p, &host, WHY_COMMAND, "rsync --server . x; id", &a) == 0 && !a.allowed,
	   "restricted mode: shell syntax is refused");
	policy_free(&p);
	if (policy_from_ini("[default]\nconfine = yes\nnet.connect =\n", &fixture_alice, &p, NULL, 0) == 0) {
		ok(why_decide(&p, &host, WHY_CONNECT, "udp://192.0.2.7:53", &a) == 0 && !a.allowed &&
			   a.error == EPROTONOSUPPORT && (a.by & BY_SECCOMP),
		   "no egress: no UDP socket at all (the socket() filter)");
		policy_free(&p);
	}
}

int main(void)
{
	test_destination();
	test_ops_and_origins();
	test_decisions();
	return tap_done();
}
