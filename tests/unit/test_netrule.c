/* Unit tests of the network rule grammar, canonical form and matching
 * (lib/policy/netrule.c), and of net.bind port items. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netrule.h"
#include "tap.h"

struct parse_case {
	const char *text;
	enum netrule_list_kind kind;
	const char *canonical; /* NULL: must be refused */
	const char *error;     /* substring of the reason when refused */
};

static const struct parse_case parse_cases[] = {
	/* schemes and targets */
	{ "tcp://example.org:443", NETRULE_CONNECT, "tcp://example.org:443", NULL },
	{ "Example.ORG", NETRULE_CONNECT, "tcp://example.org", NULL },
	{ "udp://10.0.0.53:53", NETRULE_CONNECT, "udp://10.0.0.53:53", NULL },
	{ "icmp://192.0.2.1", NETRULE_CONNECT, "icmp://192.0.2.1", NULL },
	{ "icmp://*", NETRULE_CONNECT, "icmp://*", NULL },
	{ "10.1.0.0/16", NETRULE_CONNECT, "tcp://10.1.0.0/16", NULL },
	{ "10.1.0.0/16:22", NETRULE_CONNECT, "tcp://10.1.0.0/16:22", NULL },
	{ "1.2.3.4/32", NETRULE_CONNECT, "tcp://1.2.3.4", NULL },
	{ "0.0.0.0/0", NETRULE_CONNECT, "tcp://0.0.0.0/0", NULL },
	{ "2001:db8::1", NETRULE_CONNECT, "tcp://2001:db8::1", NULL },
	{ "2001:db8::/32", NETRULE_CONNECT, "tcp://2001:db8::/32", NULL },
	{ "[2001:db8::1]:443", NETRULE_CONNECT, "tcp://[2001:db8::1]:443", NULL },
	{ "[2001:db8::/32]:80,443", NETRULE_CONNECT, "tcp://[2001:db8::/32]:80,443", NULL },
	{ "[::1]", NETRULE_CONNECT, "tcp://::1", NULL },
	{ "::/0", NETRULE_CONNECT, "tcp://::/0", NULL },
	{ "::ffff:0:0/96", NETRULE_CONNECT, "tcp://::ffff:0.0.0.0/96", NULL },
	{ "*", NETRULE_CONNECT, "tcp://*", NULL },
	{ "*:*", NETRULE_CONNECT, "tcp://*", NULL },
	{ ":443", NETRULE_CONNECT, "tcp://:443", NULL },
	{ "*:443", NETRULE_CONNECT, "tcp://:443", NULL },
	{ "udp://:53", NETRULE_CONNECT, "udp://:53", NULL },
	{ "host:*", NETRULE_CONNECT, "tcp://host", NULL },
	/* port lists and ranges, sorted and merged */
	{ ":443,80", NETRULE_CONNECT, "tcp://:80,443", NULL },
	{ ":8000-8999,9000", NETRULE_CONNECT, "tcp://:8000-9000", NULL },
	{ ":1-10,5-20,30", NETRULE_CONNECT, "tcp://:1-20,30", NULL },
	{ ":65535", NETRULE_CONNECT, "tcp://:65535", NULL },
	{ ":1", NETRULE_CONNECT, "tcp://:1", NULL },
	/* deny lists: no scheme means every protocol */
	{ "10.0.0.0/8", NETRULE_DENY, "10.0.0.0/8", NULL },
	{ "udp://10.0.0.0/8", NETRULE_DENY, "udp://10.0.0.0/8", NULL },
	{ "169.254.169.254:80", NETRULE_DENY, "169.254.169.254:80", NULL },
	/* errors */
	{ "", NETRULE_CONNECT, NULL, "empty rule" },
	{ "tcp://", NETRULE_CONNECT, NULL, "empty rule" },
	{ "ftp://host", NETRULE_CONNECT, NULL, "unknown scheme 'ftp'" },
	{ "TCP://host", NETRULE_CONNECT, NULL, "unknown scheme" },
	{ "host:0", NETRULE_CONNECT, NULL, "port 0" },
	{ ":0", NETRULE_CONNECT, NULL, "port 0" },
	{ "host:0-10", NETRULE_CONNECT, NULL, "port 0" },
	{ "host:65536", NETRULE_CONNECT, NULL, "not a port" },
	{ "host:", NETRULE_CONNECT, NULL, "empty port list" },
	{ "host:80,", NETRULE_CONNECT, NULL, "not a port" },
	{ "host:-1", NETRULE_CONNECT, NULL, "not a port" },
	{ "host:20-10", NETRULE_CONNECT, NULL, "reversed" },
	{ "host:*,80", NETRULE_CONNECT, NULL, "'*' cannot be mixed" },
	{ "host:80,*", NETRULE_CONNECT, NULL, "'*' cannot be mixed" },
	{ "icmp://host:80", NETRULE_CONNECT, NULL, "icmp rules take no port" },
	{ "icmp://:1", NETRULE_CONNECT, NULL, "icmp rules take no port" },
	{ "10.0.0.0/33", NETRULE_CONNECT, NULL, "too long for IPv4" },
	{ "2001:db8::/129", NETRULE_CONNECT, NULL, "too long for IPv6" },
	{ "10.0.0.1/8", NETRULE_CONNECT, NULL, "did you mean 10.0.0.0/8" },
	{ "2001:db8::1/32", NETRULE_CONNECT, NULL, "host bits" },
	{ "10.0.0.0/", NETRULE_CONNECT, NULL, "bad prefix" },
	{ "10.0.0.0/-1", NETRULE_CONNECT, NULL, "not a valid" },
	{ "0x7f000001", NETRULE_CONNECT, NULL, "not a valid" },
	{ "host.123", NETRULE_CONNECT, NULL, "not a valid" },
	{ "123.host", NETRULE_CONNECT, "tcp://123.host", NULL },
	{ "256.1.1.1", NETRULE_CONNECT, NULL, "not a valid IPv4" },
	{ "127.1", NETRULE_CONNECT, NULL, "not a valid IPv4" },
	{ "1.2.3", NETRULE_CONNECT, NULL, "not a valid IPv4" },
	{ "0x7f.0.0.1", NETRULE_CONNECT, NULL, "not a valid" },
	{ "[10.0.0.1]:80", NETRULE_CONNECT, NULL, "only for IPv6" },
	{ "[::1:80", NETRULE_CONNECT, NULL, "missing ']'" },
	{ "[::1]x", NETRULE_CONNECT, NULL, "unexpected text" },
	{ "2001:db8::zz", NETRULE_CONNECT, NULL, "not a valid" },
	{ "-host.org", NETRULE_CONNECT, NULL, "not a valid host name" },
	{ "host-.org", NETRULE_CONNECT, NULL, "not a valid host name" },
	{ "a..b", NETRULE_CONNECT, NULL, "not a valid host name" },
	{ "under_score.org", NETRULE_CONNECT, NULL, "not a valid host name" },
	{ "example.com", NETRULE_DENY, NULL, "not allowed in net.deny" },
	{ "*:80 extra", NETRULE_CONNECT, NULL, "not a port" },
	{ "a/b", NETRULE_CONNECT, NULL, "not a valid address" },
};

static void test_parse(void)
{
	char err[256], text[NETRULE_TEXT_MAX];
	struct netrule *rule = calloc(1, sizeof(*rule)), *back = calloc(1, sizeof(*back));

	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		int r;

		err[0] = '\0';
		r = netrule_parse(c->text, c->kind, rule, err, sizeof(err));
		if (c->canonical) {
			if (!ok(r == 0, "accepts '%s'", c->text)) {
				tap_diag("  error: %s", err);
				continue;
			}
			ok(netrule_format(rule, text, sizeof(text)) == 0, "formats '%s'", c->text);
			is_str(text, c->canonical, "canonical form of '%s'", c->text);
			r = netrule_parse(text, c->kind, back, err, sizeof(err));
			ok(r == 0 && memcmp(rule, back, sizeof(*rule)) == 0, "'%s' reads back identically", text);
		} else {
			is_int(r, -EINVAL, "refuses '%s'", c->text);
			if (!ok(strstr(err, c->error) != NULL, "reason for '%s' mentions '%s'", c->text, c->error))
				tap_diag("  reason: %s", err);
		}
	}
	ok(netrule_parse(NULL, NETRULE_CONNECT, rule, NULL, 0) == -EINVAL, "NULL text refused, NULL err tolerated");
	{
		char longer[NETRULE_TEXT_MAX + 10];

		memset(longer, 'a', sizeof(longer) - 1);
		longer[sizeof(longer) - 1] = '\0';
		ok(netrule_parse(longer, NETRULE_CONNECT, rule, err, sizeof(err)) == -EINVAL, "over-long rule refused");
	}
	ok(netrule_parse("tcp://:80", NETRULE_CONNECT, rule, err, sizeof(err)) == 0 &&
		   netrule_format(rule, text, 4) == -ENOSPC,
	   "format reports a short buffer");
	free(rule);
	free(back);
}

static struct net_addr v4(const char *s)
{
	struct net_addr a;
	uint8_t b[4];

	inet_pton(AF_INET, s, b);
	net_addr_from_ipv4(&a, b);
	return a;
}

static struct net_addr v6(const char *s)
{
	struct net_addr a;
	uint8_t b[16];

	inet_pton(AF_INET6, s, b);
	net_addr_from_ipv6(&a, b);
	return a;
}

static void test_matching(void)
{
	struct netrule rule;
	struct net_addr a;
	char err[256];

	netrule_parse("10.1.0.0/16:22", NETRULE_CONNECT, &rule, err, sizeof(err));
	a = v4("10.1.255.3");
	ok(netrule_matches(&rule, NET_PROTO_TCP, &a, 22), "CIDR and port match");
	ok(!netrule_matches(&rule, NET_PROTO_UDP, &a, 22), "other protocol does not match");
	ok(!netrule_matches(&rule, NET_PROTO_TCP, &a, 23), "other port does not match");
	a = v4("10.2.0.1");
	ok(!netrule_matches(&rule, NET_PROTO_TCP, &a, 22), "outside the CIDR does not match");
	a = v6("::ffff:10.1.2.3");
	ok(netrule_matches(&rule, NET_PROTO_TCP, &a, 22), "IPv4-mapped IPv6 matches the IPv4 rule");
	a = v6("::10.1.2.3");
	ok(!netrule_matches(&rule, NET_PROTO_TCP, &a, 22), "IPv4-compatible (not mapped) IPv6 does not");

	netrule_parse("0.0.0.0/0", NETRULE_CONNECT, &rule, err, sizeof(err));
	a = v4("203.0.113.9");
	ok(netrule_matches(&rule, NET_PROTO_TCP, &a, 1), "/0 IPv4 matches every IPv4 address");
	a = v6("2001:db8::1");
	ok(!netrule_matches(&rule, NET_PROTO_TCP, &a, 1), "/0 IPv4 does not match IPv6");
	netrule_parse("::/0", NETRULE_CONNECT, &rule, err, sizeof(err));
	ok(netrule_matches(&rule, NET_PROTO_TCP, &a, 1), "::/0 matches IPv6");
	a = v4("1.2.3.4");
	ok(netrule_matches(&rule, NET_PROTO_TCP, &a, 1), "::/0 matches mapped IPv4 too (it is all of IPv6)");

	netrule_parse("2001:db8::1", NETRULE_CONNECT, &rule, err, sizeof(err));
	a = v6("2001:db8::1");
	ok(netrule_matches(&rule, NET_PROTO_TCP, &a, 443), "/128 matches itself");
	a = v6("2001:db8::2");
	ok(!netrule_matches(&rule, NET_PROTO_TCP, &a, 443), "/128 matches nothing else");
	netrule_parse("192.0.2.7", NETRULE_CONNECT, &rule, err, sizeof(err));
	a = v4("192.0.2.7");
	ok(netrule_matches(&rule, NET_PROTO_TCP, &a, 9), "/32 matches itself");
	a = v4("192.0.2.6");
	ok(!netrule_matches(&rule, NET_PROTO_TCP, &a, 9), "/32 matches nothing else");
	netrule_parse("10.0.0.0/9", NETRULE_CONNECT, &rule, err, sizeof(err));
	a = v4("10.127.255.255");
	ok(netrule_matches(&rule, NET_PROTO_TCP, &a, 9), "/9 upper edge inside");
	a = v4("10.128.0.0");
	ok(!netrule_matches(&rule, NET_PROTO_TCP, &a, 9), "/9 upper edge + 1 outside");

	netrule_parse("shop.example", NETRULE_CONNECT, &rule, err, sizeof(err));
	a = v4("198.51.100.1");
	ok(!netrule_matches(&rule, NET_PROTO_TCP, &a, 443), "unresolved host name matches nothing");
	rule.resolved[0] = a;
	rule.n_resolved = 1;
	ok(netrule_matches(&rule, NET_PROTO_TCP, &a, 443), "host name matches its resolved address");
	a = v4("198.51.100.2");
	ok(!netrule_matches(&rule, NET_PROTO_TCP, &a, 443), "host name matches no other address");

	netrule_parse("icmp://*", NETRULE_CONNECT, &rule, err, sizeof(err));
	ok(netrule_matches(&rule, NET_PROTO_ICMP, &a, 0), "icmp://* matches ICMP");
	ok(!netrule_matches(&rule, NET_PROTO_TCP, &a, 80), "icmp://* does not match TCP");
	netrule_parse("10.0.0.0/8", NETRULE_DENY, &rule, err, sizeof(err));
	a = v4("10.9.9.9");
	ok(netrule_matches(&rule, NET_PROTO_UDP, &a, 53) && netrule_matches(&rule, NET_PROTO_ICMP, &a, 0) &&
		   netrule_matches(&rule, NET_PROTO_TCP, &a, 80),
	   "a deny rule without scheme covers every protocol");
	ok(net_addr_is_loopback(&(struct net_addr){ 0 }) == false, "the unspecified address is not loopback");
	a = v4("127.0.0.53");
	ok(net_addr_is_loopback(&a), "127.0.0.53 is loopback");
	a = v6("::1");
	ok(net_addr_is_loopback(&a), "::1 is loopback");
	a = v6("::ffff:127.0.0.1");
	ok(net_addr_is_loopback(&a), "mapped 127.0.0.1 is loopback");
	a = v4("128.0.0.1");
	ok(!net_addr_is_loopback(&a), "128.0.0.1 is not loopback");
}

static void test_ports(void)
{
	static const struct {
		const char *text;
		int ok;
		const char *canonical;
	} cases[] = {
		{ "80", 1, "80" },
		{ "8000-8999", 1, "8000-8999" },
		{ "1-65535", 1, "1-65535" },
		{ "5-5", 1, "5" },
		{ "0", 0, NULL },
		{ "65536", 0, NULL },
		{ "10-5", 0, NULL },
		{ "", 0, NULL },
		{ "80,81", 0, NULL },
		{ "+80", 0, NULL },
		{ "8O", 0, NULL },
		{ "-", 0, NULL },
		{ "1-", 0, NULL },
		{ "0-10", 0, NULL },
		{ "123456789012", 0, NULL },
	};
	struct port_set set = { 0 };
	struct port_range range;
	char err[128], text[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = port_item_parse(cases[i].text, &range, err, sizeof(err));

		if (cases[i].ok) {
			ok(r == 0 && port_range_format(&range, text, sizeof(text)) == 0 &&
				   strcmp(text, cases[i].canonical) == 0,
			   "port item '%s' -> '%s'", cases[i].text, cases[i].canonical);
			port_set_append(&set, &range);
		} else {
			is_int(r, -EINVAL, "port item '%s' refused", cases[i].text);
		}
	}
	ok(port_set_contains(&set, 80) && port_set_contains(&set, 8500) && port_set_contains(&set, 5),
	   "port set contains its ports");
	port_set_free(&set);
	port_item_parse("8000-8999", &range, err, sizeof(err));
	port_set_append(&set, &range);
	ok(!port_set_contains(&set, 7999) && !port_set_contains(&set, 9000) && port_set_contains(&set, 8999),
	   "range edges");
	port_set_free(&set);
}

int main(void)
{
	test_parse();
	test_matching();
	test_ports();
	return tap_done();
}
