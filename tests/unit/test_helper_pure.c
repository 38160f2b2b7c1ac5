/* Unit tests of corral-helper's pure parts (linked from libhelper.a, the
 * helper's code but its main()): the denial log's token bucket
 * (helper/denials.c) and which bound socket takes a loopback connection
 * (helper/sock_owner.c, for net.loopback = own). */
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "denials.h"
#include "sock_owner.h"
#include "tap.h"

/* ---- the token bucket ------------------------------------------------------ */

static struct denial_log fresh_log(int64_t now)
{
	struct denial_log log;

	denials_init(&log, "unit-test", "-", false);
	log.last_ms = now;
	return log;
}

static int take_many(struct denial_log *log, int64_t now, int n)
{
	int got = 0;

	for (int i = 0; i < n; i++)
		got += denials_take_token(log, now);
	return got;
}

static void test_bucket(void)
{
	struct denial_log log = fresh_log(1000);

	ok(log.tokens == DENIAL_LOG_BURST && log.denied == 0 && log.suppressed == 0 && !log.enabled,
	   "init: a full bucket of %d tokens, nothing counted", DENIAL_LOG_BURST);
	is_int(take_many(&log, 1000, 100), DENIAL_LOG_BURST, "a burst at one instant gets exactly the burst");
	ok(!denials_take_token(&log, 1000), "... then nothing at that instant");
	ok(!denials_take_token(&log, 1199), "199 ms later: less than one token (5 per second)");
	ok(denials_take_token(&log, 1200), "200 ms later: one token");
	ok(!denials_take_token(&log, 1200), "... and only one");
	ok(!denials_take_token(&log, 1300), "100 ms more: half a token is not enough");
	ok(denials_take_token(&log, 1400), "100 ms more: the halves add up to one");
	is_int(take_many(&log, 2400, 100), DENIAL_LOG_PER_SECOND, "one second later: %d tokens", DENIAL_LOG_PER_SECOND);
	is_int(take_many(&log, 2400 + 3600 * 1000, 100), DENIAL_LOG_BURST, "an hour later: never more than the burst");

	log = fresh_log(5000);
	is_int(take_many(&log, 5000, DENIAL_LOG_BURST), DENIAL_LOG_BURST, "clock: burst used");
	ok(!denials_take_token(&log, 4000), "a time before the last one adds nothing");
	ok(!denials_take_token(&log, 5100), "... and does not move the clock back (100 ms after 5000: half a token)");
	ok(denials_take_token(&log, 5200), "200 ms after 5000: one token");

	/* steady hammering: 20 tries a second for 10 s get the burst plus 5 a second */
	log = fresh_log(0);
	{
		int got = 0;

		for (int64_t t = 0; t <= 10000; t += 50)
			got += denials_take_token(&log, t);
		is_int(got, DENIAL_LOG_BURST + 10 * DENIAL_LOG_PER_SECOND,
		       "20 tries a second for 10 s: the burst plus %d a second", DENIAL_LOG_PER_SECOND);
	}
	log = fresh_log(INT64_MAX - 10);
	is_int(take_many(&log, INT64_MAX, 100), DENIAL_LOG_BURST, "no overflow near the end of time");
}

static void test_record_counting(void)
{
	struct denial_log log = fresh_log(monotonic_ms());

	denials_record(&log, "connect", "192.0.2.1:80", "net.connect (no rule matches)", ECONNREFUSED);
	denials_record(&log, "connect", "192.0.2.1:80", "net.connect (no rule matches)", ECONNREFUSED);
	ok(log.denied == 2 && log.suppressed == 0 && log.tokens == DENIAL_LOG_BURST,
	   "log.denials = no: denials counted, nothing logged, no token taken");
	/* enabled, but the bucket is empty and its clock ahead: suppressed, not logged */
	log.enabled = true;
	log.tokens = 0;
	log.last_ms = monotonic_ms() + 3600 * 1000;
	for (int i = 0; i < 50; i++)
		denials_record(&log, "sendto", "192.0.2.1:53", "net.deny 192.0.2.0/24", ECONNREFUSED);
	ok(log.denied == 52 && log.suppressed == 50,
	   "an empty bucket: every denial counted and suppressed (%llu, %llu)", (unsigned long long)log.denied,
	   (unsigned long long)log.suppressed);
	ok(monotonic_ms() > 0, "monotonic_ms runs");
}

/* ---- sock_owner_listener_matches ---------------------------------------------- */

struct match_case {
	int family;
	const char *bound;
	bool v6only;
	const char *target;
	bool matches;
};

static const struct match_case match_cases[] = {
	{ AF_INET, "127.0.0.1", false, "127.0.0.1", true },
	{ AF_INET, "127.0.0.1", false, "127.0.0.2", false },
	{ AF_INET, "127.0.0.1", false, "::1", false },
	{ AF_INET, "127.0.0.1", false, "::ffff:127.0.0.1", true },
	{ AF_INET, "0.0.0.0", false, "127.0.0.1", true },
	{ AF_INET, "0.0.0.0", false, "127.255.255.254", true },
	{ AF_INET, "0.0.0.0", false, "192.0.2.2", true },
	{ AF_INET, "0.0.0.0", false, "::1", false },
	{ AF_INET, "0.0.0.0", false, "::", false },
	{ AF_INET, "192.0.2.2", false, "127.0.0.1", false },
	{ AF_INET6, "::1", false, "::1", true },
	{ AF_INET6, "::1", false, "127.0.0.1", false },
	{ AF_INET6, "::1", true, "::1", true },
	{ AF_INET6, "::", false, "::1", true },
	{ AF_INET6, "::", false, "127.0.0.1", true },
	{ AF_INET6, "::", false, "2001:db8::1", true },
	{ AF_INET6, "::", true, "::1", true },
	{ AF_INET6, "::", true, "127.0.0.1", false },
	{ AF_INET6, "::ffff:127.0.0.1", false, "127.0.0.1", true },
	{ AF_INET6, "::ffff:127.0.0.1", false, "127.0.0.2", false },
	{ AF_INET6, "2001:db8::1", false, "::1", false },
	{ AF_UNIX, "::", false, "::1", false },
	{ AF_PACKET, "0.0.0.0", false, "127.0.0.1", false },
};

static void test_listener_matches(void)
{
	for (size_t i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
		const struct match_case *c = &match_cases[i];
		uint8_t src[16] = { 0 };
		struct net_addr target;

		inet_pton(c->family == AF_INET ? AF_INET : AF_INET6, c->bound, src);
		net_addr_parse(c->target, &target);
		is_int(sock_owner_listener_matches(c->family, src, c->v6only, &target), c->matches,
		       "socket of family %d bound to %s%s %s a connection to %s", c->family, c->bound,
		       c->v6only ? " (v6only)" : "", c->matches ? "takes" : "does not take", c->target);
	}
}

/* The real lookup, against a listener of our own (sock_diag). */
static void test_owner_lookup(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	static const uint8_t loopback[4] = { 127, 0, 0, 1 }, other[4] = { 127, 0, 0, 3 };
	socklen_t len = sizeof(sin);
	struct net_addr addr, elsewhere;
	uid_t owner = (uid_t)-1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), nl, r;
	uint16_t port;

	nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl < 0 || fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 1) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0) {
		ok(1, "# SKIP no sock_diag or no loopback listener here");
		if (nl >= 0)
			close(nl);
		if (fd >= 0)
			close(fd);
		return;
	}
	close(nl);
	port = ntohs(sin.sin_port);
	net_addr_from_ipv4(&addr, loopback);
	net_addr_from_ipv4(&elsewhere, other);
	r = sock_owner_of_listener(NET_PROTO_TCP, &addr, port, &owner);
	ok(r == 0 && owner == geteuid(), "sock_diag: our listener on 127.0.0.1:%u is ours (r=%d, uid %d)",
	   (unsigned)port, r, (int)owner);
	is_int(sock_owner_of_listener(NET_PROTO_TCP, &elsewhere, port, &owner), -ENOENT,
	       "sock_diag: nothing listens on 127.0.0.3 at that port");
	is_int(sock_owner_of_listener(NET_PROTO_UDP, &addr, port, &owner), -ENOENT, "sock_diag: no UDP socket there");
	is_int(sock_owner_of_listener(NET_PROTO_ICMP, &addr, port, &owner), -EINVAL, "sock_diag: ICMP has no listener");
	close(fd);
	is_int(sock_owner_of_listener(NET_PROTO_TCP, &addr, port, &owner), -ENOENT,
	       "sock_diag: closed, nobody listens");
}

int main(void)
{
	test_bucket();
	test_record_counting();
	test_listener_matches();
	test_owner_lookup();
	return tap_done();
}
