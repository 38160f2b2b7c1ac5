/* Unit tests of the network decisions (lib/policy/netpolicy.c): netpolicy_decide
 * over real policies resolved from INI text, the host's own addresses
 * decided as loopback, net.loopback = own's listener, net.bind, pathname
 * unix sockets (netpolicy_unix_allowed), which sockets may exist, whether
 * a policy needs the helper at all (netpolicy_needs_mediation) and whether
 * the kernel alone enforces net.connect. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "landlock.h"
#include "netpolicy.h"
#include "policy.h"
#include "sockaddr.h"
#include "fixture.h"
#include "tap.h"

/* ---- netpolicy_decide ---------------------------------------------------- */

enum { V_ALLOW = NETPOLICY_ALLOW, V_REFUSE = NETPOLICY_REFUSE, V_OWN = NETPOLICY_IF_OWN_LISTENER };

struct decide_case {
	enum net_proto proto;
	const char *addr;
	uint16_t port;
	int verdict;
	const char *rule; /* the exact rule text reported */
};

static const char *proto_name(enum net_proto proto)
{
	return proto == NET_PROTO_TCP ? "tcp" : proto == NET_PROTO_UDP ? "udp" : "icmp";
}

static void run_table(const char *name, const char *ini, const struct decide_case *cases, size_t n)
{
	struct policy p;

	if (!ok(policy_from_ini(ini, &fixture_alice, &p, NULL, 0) == 0, "%s: policy resolves", name))
		return;
	for (size_t i = 0; i < n; i++) {
		const struct decide_case *c = &cases[i];
		struct netpolicy_result result;
		struct net_addr addr;

		if (net_addr_parse(c->addr, &addr) != 0) {
			ok(0, "%s: bad test address %s", name, c->addr);
			continue;
		}
		memset(&result, 0x5a, sizeof(result));
		netpolicy_decide(&p, c->proto, &addr, c->port, &result);
		if (!ok((int)result.verdict == c->verdict && strcmp(result.rule, c->rule) == 0,
			"%s: %s %s port %u -> %s (%s)", name, proto_name(c->proto), c->addr, (unsigned)c->port,
			c->verdict == V_ALLOW            ? "allow"
				: c->verdict == V_REFUSE ? "refuse"
							 : "if own listener",
			c->rule))
			tap_diag("  got verdict %d, rule '%.*s'", (int)result.verdict, (int)sizeof(result.rule) - 1,
				 result.rule);
	}
	policy_free(&p);
}

#define TABLE(name, ini, cases) run_table(name, ini, cases, sizeof(cases) / sizeof(cases[0]))

static const char *const lists_ini =
	"[default]\n"
	"net.connect = tcp://192.0.2.10:443 tcp://10.0.0.0/8:22,80,8000-8010 udp://10.0.0.53:53 icmp://192.0.2.1 "
	"tcp://[2001:db8::1]:443 tcp://2001:db8:1::/48 tcp://198.51.100.7/32 tcp://[2001:db8::7/128]:25 tcp://:8443\n"
	"net.deny = 10.66.0.0/16 tcp://10.0.0.99\n";

static const struct decide_case lists_cases[] = {
	{ NET_PROTO_TCP, "192.0.2.10", 443, V_ALLOW, "net.connect tcp://192.0.2.10:443" },
	{ NET_PROTO_TCP, "::ffff:192.0.2.10", 443, V_ALLOW, "net.connect tcp://192.0.2.10:443" },
	{ NET_PROTO_TCP, "192.0.2.10", 80, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "192.0.2.11", 443, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_UDP, "192.0.2.10", 443, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "10.1.2.3", 22, V_ALLOW, "net.connect tcp://10.0.0.0/8:22,80,8000-8010" },
	{ NET_PROTO_TCP, "10.255.255.255", 80, V_ALLOW, "net.connect tcp://10.0.0.0/8:22,80,8000-8010" },
	{ NET_PROTO_TCP, "10.0.0.0", 8000, V_ALLOW, "net.connect tcp://10.0.0.0/8:22,80,8000-8010" },
	{ NET_PROTO_TCP, "10.1.2.3", 8010, V_ALLOW, "net.connect tcp://10.0.0.0/8:22,80,8000-8010" },
	{ NET_PROTO_TCP, "10.1.2.3", 8011, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "10.1.2.3", 7999, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "10.1.2.3", 23, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "11.0.0.1", 22, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "9.255.255.255", 22, V_REFUSE, "net.connect (no rule matches)" },
	/* net.deny first: a CIDR inside an allowed one */
	{ NET_PROTO_TCP, "10.66.1.1", 22, V_REFUSE, "net.deny 10.66.0.0/16" },
	{ NET_PROTO_TCP, "::ffff:10.66.255.255", 80, V_REFUSE, "net.deny 10.66.0.0/16" },
	{ NET_PROTO_UDP, "10.66.0.53", 53, V_REFUSE, "net.deny 10.66.0.0/16" },
	{ NET_PROTO_ICMP, "10.66.0.1", 0, V_REFUSE, "net.deny 10.66.0.0/16" },
	{ NET_PROTO_TCP, "10.67.0.1", 22, V_ALLOW, "net.connect tcp://10.0.0.0/8:22,80,8000-8010" },
	{ NET_PROTO_TCP, "10.0.0.99", 22, V_REFUSE, "net.deny tcp://10.0.0.99" },
	{ NET_PROTO_UDP, "10.0.0.99", 22, V_REFUSE, "net.connect (no rule matches)" },
	/* udp vs tcp vs icmp */
	{ NET_PROTO_UDP, "10.0.0.53", 53, V_ALLOW, "net.connect udp://10.0.0.53:53" },
	{ NET_PROTO_UDP, "10.0.0.53", 54, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "10.0.0.53", 53, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_ICMP, "10.0.0.53", 0, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_ICMP, "192.0.2.1", 0, V_ALLOW, "net.connect icmp://192.0.2.1" },
	{ NET_PROTO_ICMP, "192.0.2.1", 7, V_ALLOW, "net.connect icmp://192.0.2.1" },
	{ NET_PROTO_TCP, "192.0.2.1", 80, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_UDP, "192.0.2.1", 7, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_ICMP, "192.0.2.2", 0, V_REFUSE, "net.connect (no rule matches)" },
	/* IPv6 */
	{ NET_PROTO_TCP, "2001:db8::1", 443, V_ALLOW, "net.connect tcp://[2001:db8::1]:443" },
	{ NET_PROTO_TCP, "2001:db8::1", 80, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "2001:db8::2", 443, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "2001:db8:1::", 1, V_ALLOW, "net.connect tcp://2001:db8:1::/48" },
	{ NET_PROTO_TCP, "2001:db8:1:ffff:ffff:ffff:ffff:ffff", 65535, V_ALLOW, "net.connect tcp://2001:db8:1::/48" },
	{ NET_PROTO_TCP, "2001:db8:2::", 1, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "2001:db8:0:ffff::1", 1, V_REFUSE, "net.connect (no rule matches)" },
	/* /32 and /128: exactly one address, every port or the listed one */
	{ NET_PROTO_TCP, "198.51.100.7", 1, V_ALLOW, "net.connect tcp://198.51.100.7" },
	{ NET_PROTO_TCP, "198.51.100.7", 65535, V_ALLOW, "net.connect tcp://198.51.100.7" },
	{ NET_PROTO_TCP, "198.51.100.6", 1, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "198.51.100.8", 1, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "2001:db8::7", 25, V_ALLOW, "net.connect tcp://[2001:db8::7]:25" },
	{ NET_PROTO_TCP, "2001:db8::7", 26, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "2001:db8::6", 25, V_REFUSE, "net.connect (no rule matches)" },
	/* a port alone: any host, IPv4 or IPv6 */
	{ NET_PROTO_TCP, "203.0.113.5", 8443, V_ALLOW, "net.connect tcp://:8443" },
	{ NET_PROTO_TCP, "2001:db8:ffff::1", 8443, V_ALLOW, "net.connect tcp://:8443" },
	{ NET_PROTO_UDP, "203.0.113.5", 8443, V_REFUSE, "net.connect (no rule matches)" },
	/* the IPv4-mapped form of an IPv4 destination is that destination */
	{ NET_PROTO_TCP, "::ffff:198.51.100.7", 9, V_ALLOW, "net.connect tcp://198.51.100.7" },
	{ NET_PROTO_TCP, "::198.51.100.7", 9, V_REFUSE, "net.connect (no rule matches)" },
	/* net.loopback unset: loopback is an ordinary destination */
	{ NET_PROTO_TCP, "127.0.0.1", 22, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "::1", 22, V_REFUSE, "net.connect (no rule matches)" },
};

static const char *const wide_ini = "[default]\n"
				    "net.connect = tcp://0.0.0.0/0:443 tcp://[::/0]:22 udp://* icmp://*\n";

static const struct decide_case wide_cases[] = {
	{ NET_PROTO_TCP, "203.0.113.9", 443, V_ALLOW, "net.connect tcp://0.0.0.0/0:443" },
	{ NET_PROTO_TCP, "0.0.0.1", 443, V_ALLOW, "net.connect tcp://0.0.0.0/0:443" },
	{ NET_PROTO_TCP, "255.255.255.255", 443, V_ALLOW, "net.connect tcp://0.0.0.0/0:443" },
	{ NET_PROTO_TCP, "203.0.113.9", 444, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "2001:db8::9", 443, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "2001:db8::9", 22, V_ALLOW, "net.connect tcp://[::/0]:22" },
	{ NET_PROTO_TCP, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 22, V_ALLOW, "net.connect tcp://[::/0]:22" },
	{ NET_PROTO_UDP, "203.0.113.9", 1, V_ALLOW, "net.connect udp://*" },
	{ NET_PROTO_UDP, "2001:db8::53", 53, V_ALLOW, "net.connect udp://*" },
	{ NET_PROTO_ICMP, "2001:db8::53", 0, V_ALLOW, "net.connect icmp://*" },
	{ NET_PROTO_ICMP, "203.0.113.9", 0, V_ALLOW, "net.connect icmp://*" },
	{ NET_PROTO_TCP, "127.0.0.1", 80, V_REFUSE, "net.connect (no rule matches)" },
};

static const char *const deny_only_ini =
	"[default]\n"
	"net.deny = 169.254.169.254:80 udp://0.0.0.0/0:53 2001:db8:dead::/48 10.0.0.0/8\n";

static const struct decide_case deny_only_cases[] = {
	{ NET_PROTO_TCP, "203.0.113.1", 80, V_ALLOW, "net.connect (not set)" },
	{ NET_PROTO_TCP, "169.254.169.254", 80, V_REFUSE, "net.deny 169.254.169.254:80" },
	{ NET_PROTO_UDP, "169.254.169.254", 80, V_REFUSE, "net.deny 169.254.169.254:80" },
	{ NET_PROTO_TCP, "169.254.169.254", 443, V_ALLOW, "net.connect (not set)" },
	{ NET_PROTO_UDP, "203.0.113.1", 53, V_REFUSE, "net.deny udp://0.0.0.0/0:53" },
	{ NET_PROTO_TCP, "203.0.113.1", 53, V_ALLOW, "net.connect (not set)" },
	{ NET_PROTO_UDP, "2001:db8::1", 53, V_ALLOW, "net.connect (not set)" },
	{ NET_PROTO_TCP, "2001:db8:dead:beef::1", 1, V_REFUSE, "net.deny 2001:db8:dead::/48" },
	{ NET_PROTO_TCP, "2001:db8:deae::1", 1, V_ALLOW, "net.connect (not set)" },
	{ NET_PROTO_ICMP, "10.9.9.9", 0, V_REFUSE, "net.deny 10.0.0.0/8" },
	{ NET_PROTO_TCP, "::ffff:10.9.9.9", 22, V_REFUSE, "net.deny 10.0.0.0/8" },
	{ NET_PROTO_TCP, "127.0.0.1", 22, V_ALLOW, "net.connect (not set)" },
	{ NET_PROTO_TCP, "::1", 22, V_ALLOW, "net.connect (not set)" },
};

static const char *const nothing_ini = "[default]\nconfine = yes\n";

static const struct decide_case nothing_cases[] = {
	{ NET_PROTO_TCP, "203.0.113.1", 80, V_ALLOW, "net.connect (not set)" },
	{ NET_PROTO_UDP, "2001:db8::1", 53, V_ALLOW, "net.connect (not set)" },
	{ NET_PROTO_ICMP, "192.0.2.1", 0, V_ALLOW, "net.connect (not set)" },
	{ NET_PROTO_TCP, "127.0.0.1", 5432, V_ALLOW, "net.connect (not set)" },
};

static const char *const empty_ini = "[default]\nnet.connect =\n";

static const struct decide_case empty_cases[] = {
	{ NET_PROTO_TCP, "203.0.113.1", 80, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_UDP, "2001:db8::1", 53, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "127.0.0.1", 5432, V_REFUSE, "net.connect (no rule matches)" },
};

static const char *const loopback_none_ini =
	"[default]\nnet.loopback = none\nnet.connect = tcp://127.0.0.1:80 tcp://192.0.2.10 tcp://[::1]:80 icmp://*\n";

static const struct decide_case loopback_none_cases[] = {
	{ NET_PROTO_TCP, "127.0.0.1", 80, V_REFUSE, "net.loopback none" },
	{ NET_PROTO_TCP, "127.255.255.254", 80, V_REFUSE, "net.loopback none" },
	{ NET_PROTO_TCP, "127.0.0.0", 1, V_REFUSE, "net.loopback none" },
	{ NET_PROTO_TCP, "::1", 80, V_REFUSE, "net.loopback none" },
	{ NET_PROTO_TCP, "::ffff:127.0.0.1", 80, V_REFUSE, "net.loopback none" },
	{ NET_PROTO_UDP, "127.0.0.53", 53, V_REFUSE, "net.loopback none" },
	{ NET_PROTO_ICMP, "127.0.0.1", 0, V_REFUSE, "net.loopback none" },
	{ NET_PROTO_TCP, "128.0.0.1", 80, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "126.255.255.255", 80, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "::2", 80, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "192.0.2.10", 80, V_ALLOW, "net.connect tcp://192.0.2.10" },
	{ NET_PROTO_ICMP, "192.0.2.10", 0, V_ALLOW, "net.connect icmp://*" },
};

static const char *const loopback_any_ini = "[default]\nnet.loopback = any\nnet.connect = tcp://192.0.2.10\n";

static const struct decide_case loopback_any_cases[] = {
	{ NET_PROTO_TCP, "127.0.0.1", 5432, V_ALLOW, "net.loopback any" },
	{ NET_PROTO_TCP, "127.255.255.254", 1, V_ALLOW, "net.loopback any" },
	{ NET_PROTO_TCP, "::1", 5432, V_ALLOW, "net.loopback any" },
	{ NET_PROTO_UDP, "127.0.0.53", 53, V_ALLOW, "net.loopback any" },
	{ NET_PROTO_ICMP, "127.0.0.1", 0, V_ALLOW, "net.loopback any" },
	{ NET_PROTO_TCP, "192.0.2.11", 80, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "192.0.2.10", 80, V_ALLOW, "net.connect tcp://192.0.2.10" },
};

static const char *const loopback_own_ini =
	"[default]\nnet.loopback = own\nnet.connect = tcp://192.0.2.10\nnet.deny = 127.0.0.2 tcp://[::1]:25\n";

static const struct decide_case loopback_own_cases[] = {
	{ NET_PROTO_TCP, "127.0.0.1", 5432, V_OWN, "net.loopback own" },
	{ NET_PROTO_TCP, "127.255.255.254", 5432, V_OWN, "net.loopback own" },
	{ NET_PROTO_TCP, "::1", 5432, V_OWN, "net.loopback own" },
	{ NET_PROTO_TCP, "::ffff:127.0.0.1", 5432, V_OWN, "net.loopback own" },
	{ NET_PROTO_UDP, "127.0.0.53", 53, V_OWN, "net.loopback own" },
	/* ping has no listener to own */
	{ NET_PROTO_ICMP, "127.0.0.1", 0, V_ALLOW, "net.loopback own" },
	/* net.deny still comes first */
	{ NET_PROTO_TCP, "127.0.0.2", 5432, V_REFUSE, "net.deny 127.0.0.2" },
	{ NET_PROTO_TCP, "::1", 25, V_REFUSE, "net.deny tcp://[::1]:25" },
	{ NET_PROTO_UDP, "::1", 25, V_OWN, "net.loopback own" },
	{ NET_PROTO_TCP, "192.0.2.10", 80, V_ALLOW, "net.connect tcp://192.0.2.10" },
	{ NET_PROTO_TCP, "192.0.2.9", 80, V_REFUSE, "net.connect (no rule matches)" },
};

static const char *const loopback_in_connect_ini = "[default]\nnet.connect = tcp://127.0.0.0/8:5432 tcp://[::1]:631\n";

static const struct decide_case loopback_in_connect_cases[] = {
	{ NET_PROTO_TCP, "127.0.0.1", 5432, V_ALLOW, "net.connect tcp://127.0.0.0/8:5432" },
	{ NET_PROTO_TCP, "127.255.255.254", 5432, V_ALLOW, "net.connect tcp://127.0.0.0/8:5432" },
	{ NET_PROTO_TCP, "127.0.0.1", 5433, V_REFUSE, "net.connect (no rule matches)" },
	{ NET_PROTO_TCP, "::1", 631, V_ALLOW, "net.connect tcp://[::1]:631" },
	{ NET_PROTO_TCP, "::1", 5432, V_REFUSE, "net.connect (no rule matches)" },
};

/* A host name rule matches the addresses it resolved to, nothing else. */
static void test_host_rules(void)
{
	struct netpolicy_result result;
	struct net_addr addrs[2], other;
	struct policy p;

	if (!ok(policy_from_ini("[default]\nnet.connect = tcp://db.example.org:5432\n", &fixture_alice, &p, NULL, 0) ==
			0,
		"host rule policy resolves"))
		return;
	net_addr_parse("192.0.2.50", &addrs[0]);
	net_addr_parse("2001:db8::50", &addrs[1]);
	net_addr_parse("192.0.2.51", &other);
	netpolicy_decide(&p, NET_PROTO_TCP, &addrs[0], 5432, &result);
	is_int(result.verdict, NETPOLICY_REFUSE, "host rule not yet resolved: matches nothing");
	is_int(netrule_set_resolved(&p.net_connect, "db.example.org", addrs, 2), 1, "resolved addresses set");
	netpolicy_decide(&p, NET_PROTO_TCP, &addrs[0], 5432, &result);
	ok(result.verdict == NETPOLICY_ALLOW && strcmp(result.rule, "net.connect tcp://db.example.org:5432") == 0,
	   "host rule: its IPv4 address allowed (%s)", result.rule);
	netpolicy_decide(&p, NET_PROTO_TCP, &addrs[1], 5432, &result);
	is_int(result.verdict, NETPOLICY_ALLOW, "host rule: its IPv6 address allowed");
	netpolicy_decide(&p, NET_PROTO_TCP, &addrs[0], 5433, &result);
	is_int(result.verdict, NETPOLICY_REFUSE, "host rule: another port refused");
	netpolicy_decide(&p, NET_PROTO_TCP, &other, 5432, &result);
	is_int(result.verdict, NETPOLICY_REFUSE, "host rule: another address refused");
	policy_free(&p);
}

/* What the helper does: a sockaddr from the process, parsed, then decided. */
static void test_from_sockaddr(void)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(22) };
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(22) };
	struct netpolicy_result result;
	struct sockaddr_info info;
	struct policy p;

	if (!ok(policy_from_ini(
			"[default]\nnet.loopback = none\nnet.connect = tcp://10.0.0.0/8\nnet.deny = 10.9.0.0/16\n",
			&fixture_alice, &p, NULL, 0) == 0,
		"sockaddr policy resolves"))
		return;
	inet_pton(AF_INET6, "::ffff:10.9.1.1", &sin6.sin6_addr);
	sockaddr_parse(&sin6, sizeof(sin6), &info);
	netpolicy_decide(&p, NET_PROTO_TCP, &info.addr, info.port, &result);
	ok(result.verdict == NETPOLICY_REFUSE && strcmp(result.rule, "net.deny 10.9.0.0/16") == 0,
	   "sockaddr_in6 ::ffff:10.9.1.1 hits the IPv4 net.deny rule");
	inet_pton(AF_INET6, "::ffff:10.8.1.1", &sin6.sin6_addr);
	sockaddr_parse(&sin6, sizeof(sin6), &info);
	netpolicy_decide(&p, NET_PROTO_TCP, &info.addr, info.port, &result);
	is_int(result.verdict, NETPOLICY_ALLOW, "sockaddr_in6 ::ffff:10.8.1.1 hits the IPv4 net.connect rule");
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	sockaddr_parse(&sin, sizeof(sin), &info);
	netpolicy_decide(&p, NET_PROTO_TCP, &info.addr, info.port, &result);
	ok(result.verdict == NETPOLICY_REFUSE && strcmp(result.rule, "net.loopback none") == 0,
	   "sockaddr_in 0.0.0.0 (this host) is refused by net.loopback none");
	memset(&sin6.sin6_addr, 0, sizeof(sin6.sin6_addr));
	sockaddr_parse(&sin6, sizeof(sin6), &info);
	netpolicy_decide(&p, NET_PROTO_TCP, &info.addr, info.port, &result);
	ok(result.verdict == NETPOLICY_REFUSE && strcmp(result.rule, "net.loopback none") == 0,
	   "sockaddr_in6 :: is refused by net.loopback none");
	policy_free(&p);
}

/* ---- netpolicy_unix_allowed ------------------------------------------------ */

struct unix_case {
	const char *path;
	bool allowed;
	const char *rule;
};

static void run_unix_table(const char *name, const char *ini, const struct unix_case *cases, size_t n)
{
	struct policy p;

	if (!ok(policy_from_ini(ini, &fixture_alice, &p, NULL, 0) == 0, "%s: policy resolves", name))
		return;
	for (size_t i = 0; i < n; i++) {
		char rule[NETPOLICY_RULE_MAX] = "unset";
		bool allowed = netpolicy_unix_allowed(&p, cases[i].path, rule, sizeof(rule));

		if (!ok(allowed == cases[i].allowed && strcmp(rule, cases[i].rule) == 0, "%s: %s %s (%s)", name,
			cases[i].path, cases[i].allowed ? "allowed" : "refused", cases[i].rule))
			tap_diag("  got %s, rule '%s'", allowed ? "allowed" : "refused", rule);
	}
	policy_free(&p);
}

#define UNIX_TABLE(name, ini, cases) run_unix_table(name, ini, cases, sizeof(cases) / sizeof(cases[0]))

static const char *const unix_default_ini =
	"[default]\nfs.write = ~ /tmp /srv/shared\nfs.deny = ~/private /srv/shared/secret\n";

static const struct unix_case unix_default_cases[] = {
	{ "/home/alice/sock", true, "fs.write" },
	{ "/home/alice", true, "fs.write" },
	{ "/home/alice/.gnupg/S.gpg-agent", true, "fs.write" },
	{ "/home/alice/private/sock", false, "fs.deny" },
	{ "/home/alice/private", false, "fs.deny" },
	{ "/home/alice/privatex/sock", true, "fs.write" },
	{ "/home/alicex/sock", false, "ipc.unix (default)" },
	{ "/home/bob/sock", false, "ipc.unix (default)" },
	{ "/tmp/x", true, "fs.write" },
	{ "/tmp/.X11-unix/X0", true, "fs.write" },
	{ "/tmpx", false, "ipc.unix (default)" },
	{ "/tmpx/sock", false, "ipc.unix (default)" },
	{ "/srv/shared/sock", true, "fs.write" },
	{ "/srv/shared/secret/sock", false, "fs.deny" },
	{ "/srv/shared/secrets/sock", true, "fs.write" },
	/* the default list: name services, syslog, the journal */
	{ "/run/nscd/socket", true, "ipc.unix (default)" },
	{ "/var/lib/sss/pipes/nss", true, "ipc.unix (default)" },
	{ "/run/systemd/userdb/io.systemd.Multiplexer", true, "ipc.unix (default)" },
	{ "/dev/log", true, "ipc.unix (default)" },
	{ "/run/systemd/journal/dev-log", true, "ipc.unix (default)" },
	{ "/run/systemd/journal/socket", true, "ipc.unix (default)" },
	{ "/run/systemd/journal/stdout", true, "ipc.unix (default)" },
	/* never the buses, docker or anything else that runs code for its caller */
	{ "/run/user/1000/bus", false, "ipc.unix (default)" },
	{ "/run/dbus/system_bus_socket", false, "ipc.unix (default)" },
	{ "/var/run/docker.sock", false, "ipc.unix (default)" },
	{ "/run/docker.sock", false, "ipc.unix (default)" },
	{ "/run/systemd/private", false, "ipc.unix (default)" },
	{ "/run/systemd/journal", false, "ipc.unix (default)" },
	{ "/run/nscd/socketx", false, "ipc.unix (default)" },
	{ "/run/nscd", false, "ipc.unix (default)" },
	{ "/dev/logx", false, "ipc.unix (default)" },
	{ "/dev/log/x", true, "ipc.unix (default)" },
	{ "/var/lib/sss/pipes2", false, "ipc.unix (default)" },
	{ "/", false, "ipc.unix (default)" },
};

static const char *const unix_listed_ini =
	"[default]\nfs.write = ~\nfs.deny = /run/postgresql/private\nipc.unix = /run/user/1000/bus /run/postgresql\n";

static const struct unix_case unix_listed_cases[] = {
	{ "/run/user/1000/bus", true, "ipc.unix" },
	{ "/run/user/1000/busx", false, "ipc.unix" },
	{ "/run/user/1001/bus", false, "ipc.unix" },
	{ "/run/postgresql/.s.PGSQL.5432", true, "ipc.unix" },
	{ "/run/postgresqlx/.s.PGSQL.5432", false, "ipc.unix" },
	{ "/run/postgresql/private/sock", false, "fs.deny" },
	/* a list replaces the defaults */
	{ "/run/nscd/socket", false, "ipc.unix" },
	{ "/dev/log", false, "ipc.unix" },
	{ "/home/alice/sock", true, "fs.write" },
};

static const char *const unix_deny_default_ini = "[default]\nfs.write = / /dev/null\nfs.deny = /run/nscd /run/dbus\n";

static const struct unix_case unix_deny_default_cases[] = {
	{ "/run/nscd/socket", false, "fs.deny" },
	{ "/run/dbus/system_bus_socket", false, "fs.deny" },
	{ "/run/user/1000/bus", true, "fs.write" },
	{ "/dev/log", true, "fs.write" },
};

static const char *const unix_empty_ini = "[default]\nipc.unix =\n";

static const struct unix_case unix_empty_cases[] = {
	{ "/run/nscd/socket", false, "ipc.unix" },
	{ "/dev/log", false, "ipc.unix" },
	{ "/home/alice/sock", false, "ipc.unix" },
};

static void test_unix_rule_buffer(void)
{
	char rule[4] = "xyz";
	struct policy p;

	if (!ok(policy_from_ini(unix_default_ini, &fixture_alice, &p, NULL, 0) == 0,
		"small rule buffer: policy resolves"))
		return;
	ok(!netpolicy_unix_allowed(&p, "/run/user/1000/bus", rule, sizeof(rule)) && strcmp(rule, "ipc") == 0,
	   "a short rule buffer gets a NUL-terminated prefix");
	ok(netpolicy_unix_allowed(&p, "/tmp/s", rule, 1), "rule buffer of one byte: still decides");
	policy_free(&p);
}

/* ---- netpolicy_needs_mediation ---------------------------------------------- */

struct mediation_case {
	const char *keys; /* lines after [default] */
	bool needed;
	const char *why;
};

static const struct mediation_case mediation_cases[] = {
	{ "ipc.unix = /\nnet.connect = tcp://:80 tcp://:443,8000-8010\n", false,
	  "port-only TCP net.connect and ipc.unix = /: Landlock alone" },
	{ "ipc.unix = /\n", false, "no net.* and ipc.unix = /" },
	{ "ipc.unix = / /run/nscd\n", false, "ipc.unix listing / among others" },
	{ "ipc.unix = /\nnet.connect =\n", false, "empty net.connect (no egress) and ipc.unix = /" },
	{ "ipc.unix = /\nnet.connect = udp://* icmp://* tcp://:22\n", false,
	  "udp://* and icmp://*: all-or-nothing at socket()" },
	{ "ipc.unix = /\nnet.loopback = any\n", false, "net.loopback any without net.connect: nothing to decide" },
	{ "ipc.unix = /\nipc.abstract_unix = deny\n", false, "abstract sockets denied: Landlock's scope refuses them" },
	{ "ipc.unix = /\nnet.connect = tcp://example.org:443\n", true, "a host name rule" },
	{ "ipc.unix = /\nnet.connect = tcp://10.0.0.0/8\n", true, "a CIDR rule" },
	{ "ipc.unix = /\nnet.connect = tcp://192.0.2.1:22\n", true, "an address rule" },
	{ "ipc.unix = /\nnet.connect = tcp://[2001:db8::/32]:443\n", true, "an IPv6 CIDR rule" },
	{ "ipc.unix = /\nnet.connect = udp://:53\n", true, "a UDP rule with ports" },
	{ "ipc.unix = /\nnet.deny = 10.0.0.0/8\n", true, "net.deny" },
	{ "ipc.unix = /\nnet.deny = 169.254.169.254:80\nnet.connect = tcp://:80\n", true,
	  "net.deny with port-only net.connect" },
	{ "ipc.unix = /\nnet.loopback = own\n", true, "net.loopback own" },
	{ "ipc.unix = /\nnet.loopback = none\n", true, "net.loopback none" },
	{ "ipc.unix = /\nnet.loopback = any\nnet.connect = tcp://:80\n", true, "net.loopback any with net.connect" },
	{ "net.connect = tcp://:80\n", true, "default ipc.unix (pathname sockets are decided)" },
	{ "confine = yes\n", true, "nothing set: default ipc.unix" },
	{ "ipc.unix = /run\n", true, "ipc.unix not covering /" },
	{ "ipc.unix =\n", true, "empty ipc.unix" },
};

static void test_needs_mediation(void)
{
	for (size_t i = 0; i < sizeof(mediation_cases) / sizeof(mediation_cases[0]); i++) {
		char ini[512];
		struct policy p;

		snprintf(ini, sizeof(ini), "[default]\n%s", mediation_cases[i].keys);
		if (policy_from_ini(ini, &fixture_alice, &p, NULL, 0) != 0) {
			ok(0, "mediation: %s: policy resolves", mediation_cases[i].why);
			continue;
		}
		is_int(netpolicy_needs_mediation(&p), mediation_cases[i].needed, "mediation %s: %s",
		       mediation_cases[i].needed ? "needed" : "not needed", mediation_cases[i].why);
		policy_free(&p);
	}
}

/* ---- the host's own addresses ------------------------------------------------ */

struct local_case {
	const char *ini;
	const char *addr;
	enum net_proto proto;
	bool matters;
	int verdict;
	const char *rule;
};

static const struct local_case local_cases[] = {
	{ "net.loopback = none\n", "192.0.2.2", NET_PROTO_TCP, true, V_REFUSE, "net.loopback none (a local address)" },
	{ "net.loopback = none\n", "2001:db8::2", NET_PROTO_UDP, true, V_REFUSE,
	  "net.loopback none (a local address)" },
	{ "net.loopback = any\nnet.connect = tcp://:443\n", "192.0.2.2", NET_PROTO_TCP, true, V_ALLOW,
	  "net.loopback any" },
	{ "net.loopback = own\n", "192.0.2.2", NET_PROTO_TCP, true, V_OWN, "net.loopback own" },
	{ "net.loopback = own\n", "192.0.2.2", NET_PROTO_ICMP, true, V_ALLOW, "net.loopback own" },
	/* net.deny naming the address itself comes first: no need to ask */
	{ "net.loopback = any\nnet.deny = 192.0.2.0/24\n", "192.0.2.2", NET_PROTO_TCP, false, V_REFUSE,
	  "net.deny 192.0.2.0/24" },
	/* net.deny of loopback reaches the host's addresses too */
	{ "net.loopback = any\nnet.deny = 127.0.0.0/8\n", "192.0.2.2", NET_PROTO_TCP, true, V_REFUSE,
	  "net.deny 127.0.0.0/8 (a local address)" },
	{ "net.loopback = any\nnet.deny = 127.0.0.0/8\n", "2001:db8::2", NET_PROTO_TCP, true, V_ALLOW,
	  "net.loopback any" },
	/* loopback itself is decided as it is */
	{ "net.loopback = none\n", "127.0.0.1", NET_PROTO_TCP, false, V_REFUSE, "net.loopback none" },
	/* net.loopback unset: the host's addresses are ordinary destinations */
	{ "net.connect = tcp://:22\n", "192.0.2.2", NET_PROTO_TCP, false, V_REFUSE, "net.connect (no rule matches)" },
	{ "confine = yes\n", "192.0.2.2", NET_PROTO_TCP, false, V_ALLOW, "net.connect (not set)" },
};

static void test_local_addresses(void)
{
	for (size_t i = 0; i < sizeof(local_cases) / sizeof(local_cases[0]); i++) {
		const struct local_case *c = &local_cases[i];
		struct netpolicy_result result;
		struct net_addr addr;
		char ini[256];
		struct policy p;

		snprintf(ini, sizeof(ini), "[default]\n%s", c->ini);
		if (policy_from_ini(ini, &fixture_alice, &p, NULL, 0) != 0 || net_addr_parse(c->addr, &addr) != 0) {
			ok(0, "local %zu: setup", i);
			continue;
		}
		is_int(netpolicy_local_matters(&p, c->proto, &addr, 443), c->matters,
		       "local %s, case %zu: being local %s", c->addr, i, c->matters ? "matters" : "does not matter");
		memset(&result, 0x5a, sizeof(result));
		netpolicy_decide_local(&p, c->proto, &addr, 443, &result);
		if (!ok((int)result.verdict == c->verdict && strcmp(result.rule, c->rule) == 0, "local %s: %s", c->addr,
			c->rule))
			tap_diag("  got verdict %d, rule '%.*s'", (int)result.verdict, (int)sizeof(result.rule) - 1,
				 result.rule);
		policy_free(&p);
	}
}

static void test_listener(void)
{
	struct netpolicy_result result;
	struct policy p;

	if (!ok(policy_from_ini("[default]\nnet.loopback = own\n", &fixture_alice, &p, NULL, 0) == 0,
		"listener: policy resolves"))
		return;
	netpolicy_decide_listener(&p, 0, fixture_alice.uid, &result);
	ok(result.verdict == NETPOLICY_ALLOW && strcmp(result.rule, "net.loopback own") == 0,
	   "the user's own listener: allowed");
	netpolicy_decide_listener(&p, 0, 0, &result);
	ok(result.verdict == NETPOLICY_REFUSE && strcmp(result.rule, "net.loopback own (not yours)") == 0,
	   "root's listener: refused, not yours");
	netpolicy_decide_listener(&p, -ENOENT, fixture_alice.uid, &result);
	ok(result.verdict == NETPOLICY_REFUSE && strcmp(result.rule, "net.loopback own (no listener)") == 0,
	   "nothing listens: refused, no listener");
	netpolicy_decide_listener(&p, -EACCES, fixture_alice.uid, &result);
	ok(result.verdict == NETPOLICY_REFUSE && strcmp(result.rule, "net.loopback own (not yours)") == 0,
	   "the lookup failed: refused, whatever owner it left");
	policy_free(&p);
}

/* ---- net.bind ---------------------------------------------------------------- */

struct bind_case {
	uint16_t port;
	int verdict;
	const char *rule;
};

static void run_bind_table(const char *ini, const struct bind_case *cases, size_t n)
{
	struct policy p;

	if (!ok(policy_from_ini(ini, &fixture_alice, &p, NULL, 0) == 0, "bind: policy resolves"))
		return;
	for (size_t i = 0; i < n; i++) {
		struct netpolicy_result result;

		memset(&result, 0x5a, sizeof(result));
		netpolicy_decide_bind(&p, cases[i].port, &result);
		if (!ok((int)result.verdict == cases[i].verdict && strcmp(result.rule, cases[i].rule) == 0,
			"bind port %u -> %s (%s)", (unsigned)cases[i].port,
			cases[i].verdict == V_ALLOW ? "allow" : "refuse", cases[i].rule))
			tap_diag("  got verdict %d, rule '%.*s'", (int)result.verdict, (int)sizeof(result.rule) - 1,
				 result.rule);
	}
	policy_free(&p);
}

static const struct bind_case bind_cases[] = {
	{ 8000, V_ALLOW, "net.bind 8000-8010" },
	{ 8010, V_ALLOW, "net.bind 8000-8010" },
	{ 8011, V_REFUSE, "net.bind" },
	{ 7999, V_REFUSE, "net.bind" },
	{ 9090, V_ALLOW, "net.bind 9090" },
	{ 80, V_REFUSE, "net.bind" },
	/* an unbound socket's listen: the kernel would pick any port */
	{ 0, V_REFUSE, "net.bind" },
};

static const struct bind_case bind_empty_cases[] = {
	{ 8000, V_REFUSE, "net.bind" },
	{ 0, V_REFUSE, "net.bind" },
};

static const struct bind_case bind_unset_cases[] = {
	{ 8000, V_ALLOW, "net.bind (not set)" },
	{ 0, V_ALLOW, "net.bind (not set)" },
};

#define BIND_TABLE(ini, cases) run_bind_table(ini, cases, sizeof(cases) / sizeof(cases[0]))

/* ---- sockets ------------------------------------------------------------------ */

static void test_socket_proto(void)
{
	is_int(netpolicy_socket_proto(SOCK_STREAM, 0), NET_PROTO_TCP, "stream, protocol 0: TCP");
	is_int(netpolicy_socket_proto(SOCK_STREAM, IPPROTO_TCP), NET_PROTO_TCP, "stream, IPPROTO_TCP: TCP");
	is_int(netpolicy_socket_proto(SOCK_STREAM, IPPROTO_SCTP), 0, "stream, SCTP: nothing a rule names");
	is_int(netpolicy_socket_proto(SOCK_STREAM, 262), 0, "stream, MPTCP: nothing a rule names");
	is_int(netpolicy_socket_proto(SOCK_DGRAM, 0), NET_PROTO_UDP, "datagram, protocol 0: UDP");
	is_int(netpolicy_socket_proto(SOCK_DGRAM, IPPROTO_UDP), NET_PROTO_UDP, "datagram, IPPROTO_UDP: UDP");
	is_int(netpolicy_socket_proto(SOCK_DGRAM, IPPROTO_UDPLITE), 0, "datagram, UDP-Lite: nothing a rule names");
	is_int(netpolicy_socket_proto(SOCK_DGRAM, IPPROTO_ICMP), NET_PROTO_ICMP, "datagram, ICMP: ping");
	is_int(netpolicy_socket_proto(SOCK_DGRAM, IPPROTO_ICMPV6), NET_PROTO_ICMP, "datagram, ICMPv6: ping");
	is_int(netpolicy_socket_proto(SOCK_RAW, IPPROTO_ICMP), 0, "raw: nothing a rule names");
	is_int(netpolicy_socket_proto(SOCK_SEQPACKET, 0), 0, "seqpacket: nothing a rule names");
}

struct socket_case {
	const char *keys;
	bool udp, icmp;
};

static const struct socket_case socket_cases[] = {
	{ "confine = yes\n", true, false },
	{ "net.deny = 10.0.0.0/8\n", true, false },
	{ "net.connect =\n", false, false },
	{ "net.connect = tcp://:443\n", false, false },
	{ "net.connect = udp://10.0.0.53:53\n", true, false },
	{ "net.connect = icmp://192.0.2.1\n", false, true },
	{ "net.connect = udp://* icmp://* tcp://:22\n", true, true },
};

static void test_socket_allowed(void)
{
	for (size_t i = 0; i < sizeof(socket_cases) / sizeof(socket_cases[0]); i++) {
		const struct socket_case *c = &socket_cases[i];
		char ini[256];
		struct policy p;

		snprintf(ini, sizeof(ini), "[default]\n%s", c->keys);
		if (policy_from_ini(ini, &fixture_alice, &p, NULL, 0) != 0) {
			ok(0, "sockets %zu: policy resolves", i);
			continue;
		}
		ok(netpolicy_socket_allowed(&p, NET_PROTO_TCP) &&
			   netpolicy_socket_allowed(&p, NET_PROTO_UDP) == c->udp &&
			   netpolicy_socket_allowed(&p, NET_PROTO_ICMP) == c->icmp,
		   "sockets with %.*s: TCP, UDP %s, ICMP %s", (int)strcspn(c->keys, "\n"), c->keys,
		   c->udp ? "yes" : "no", c->icmp ? "yes" : "no");
		policy_free(&p);
	}
}

/* ---- net.connect by the kernel alone ----------------------------------------- */

struct kernel_case {
	const char *keys;
	bool with_port_rules; /* on a kernel with Landlock TCP port rules (ABI 4) */
	const char *why;
};

static const struct kernel_case kernel_cases[] = {
	{ "ipc.unix = /\nnet.connect = tcp://:80 tcp://:443,8000-8010\n", true, "port-only TCP rules" },
	{ "ipc.unix = /\nnet.connect = udp://* icmp://* tcp://:22\n", true,
	  "udp://* and icmp://*: the socket() filter" },
	{ "ipc.unix = /\nnet.connect =\n", true, "empty net.connect: Landlock refuses every TCP connect" },
	{ "ipc.unix = /\nnet.connect = tcp://*\n", false, "every TCP port: nothing for Landlock, the helper decides" },
	{ "ipc.unix = /\nnet.connect = tcp://:80 tcp://:*\n", false, "a port rule and every TCP port" },
	{ "ipc.unix = /\n", false, "net.connect not set" },
	{ "ipc.unix = /\nnet.connect = tcp://10.0.0.0/8:80\n", false, "a CIDR rule" },
	{ "ipc.unix = /\nnet.connect = udp://:53\n", false, "a UDP rule with ports" },
	{ "net.connect = tcp://:80\n", false, "default ipc.unix: the helper sees connect() anyway" },
	{ "ipc.unix = /\nnet.deny = 10.0.0.0/8\nnet.connect = tcp://:80\n", false, "net.deny" },
	{ "ipc.unix = /\nnet.loopback = any\nnet.connect = tcp://:80\n", false, "net.loopback any with net.connect" },
};

static void test_connect_by_kernel(void)
{
	for (size_t i = 0; i < sizeof(kernel_cases) / sizeof(kernel_cases[0]); i++) {
		const struct kernel_case *c = &kernel_cases[i];
		char ini[512];
		struct policy p;

		snprintf(ini, sizeof(ini), "[default]\n%s", c->keys);
		if (policy_from_ini(ini, &fixture_alice, &p, NULL, 0) != 0) {
			ok(0, "by kernel: %s: policy resolves", c->why);
			continue;
		}
		is_int(netpolicy_connect_by_kernel(&p, LL_NET_CONNECT_TCP | LL_NET_BIND_TCP), c->with_port_rules,
		       "net.connect %s by the kernel alone with port rules: %s", c->with_port_rules ? "is" : "is not",
		       c->why);
		ok(!netpolicy_connect_by_kernel(&p, LL_NET_BIND_TCP) && !netpolicy_connect_by_kernel(&p, 0),
		   "... and never without TCP connect rules: %s", c->why);
		policy_free(&p);
	}
}

static void test_abstract(void)
{
	char rule[NETPOLICY_RULE_MAX];
	struct policy p;

	if (policy_from_ini("[default]\nipc.abstract_unix = deny\n", &fixture_alice, &p, NULL, 0) == 0) {
		ok(!netpolicy_abstract_unix_allowed(&p, rule, sizeof(rule)) &&
			   strcmp(rule, "ipc.abstract_unix deny") == 0,
		   "abstract sockets denied: refused (%s)", rule);
		policy_free(&p);
	}
	if (policy_from_ini("[default]\nipc.abstract_unix = allow\n", &fixture_alice, &p, NULL, 0) == 0) {
		ok(netpolicy_abstract_unix_allowed(&p, rule, sizeof(rule)) &&
			   strcmp(rule, "ipc.abstract_unix allow") == 0,
		   "abstract sockets allowed (%s)", rule);
		policy_free(&p);
	}
}

static void test_unix_needs_helper(void)
{
	static const struct {
		const char *keys;
		bool needed;
	} cases[] = {
		{ "confine = yes\n", true }, { "ipc.unix =\n", true },         { "ipc.unix = /run\n", true },
		{ "ipc.unix = /\n", false }, { "ipc.unix = /run /\n", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char ini[128];
		struct policy p;

		snprintf(ini, sizeof(ini), "[default]\n%s", cases[i].keys);
		if (policy_from_ini(ini, &fixture_alice, &p, NULL, 0) != 0) {
			ok(0, "unix helper %zu: policy resolves", i);
			continue;
		}
		is_int(netpolicy_unix_needs_helper(&p), cases[i].needed, "%.*s: the helper %s pathname sockets",
		       (int)strcspn(cases[i].keys, "\n"), cases[i].keys, cases[i].needed ? "decides" : "need not see");
		policy_free(&p);
	}
}

int main(void)
{
	TABLE("lists", lists_ini, lists_cases);
	TABLE("wide", wide_ini, wide_cases);
	TABLE("deny only", deny_only_ini, deny_only_cases);
	TABLE("nothing set", nothing_ini, nothing_cases);
	TABLE("empty net.connect", empty_ini, empty_cases);
	TABLE("loopback none", loopback_none_ini, loopback_none_cases);
	TABLE("loopback any", loopback_any_ini, loopback_any_cases);
	TABLE("loopback own", loopback_own_ini, loopback_own_cases);
	TABLE("loopback unset", loopback_in_connect_ini, loopback_in_connect_cases);
	test_host_rules();
	test_from_sockaddr();
	UNIX_TABLE("unix default", unix_default_ini, unix_default_cases);
	UNIX_TABLE("unix listed", unix_listed_ini, unix_listed_cases);
	UNIX_TABLE("unix deny", unix_deny_default_ini, unix_deny_default_cases);
	UNIX_TABLE("unix empty", unix_empty_ini, unix_empty_cases);
	test_unix_rule_buffer();
	test_needs_mediation();
	test_local_addresses();
	test_listener();
	BIND_TABLE("[default]\nnet.bind = 8000-8010 9090\n", bind_cases);
	BIND_TABLE("[default]\nnet.bind =\n", bind_empty_cases);
	BIND_TABLE("[default]\nconfine = yes\n", bind_unset_cases);
	test_socket_proto();
	test_socket_allowed();
	test_connect_by_kernel();
	test_unix_needs_helper();
	test_abstract();
	return tap_done();
}
