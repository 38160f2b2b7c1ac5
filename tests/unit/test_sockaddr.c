/* Unit tests of sockaddr_parse (lib/kernel/sockaddr.c): the socket addresses
 * corral-helper copies out of a trapped process, checked the way the
 * kernel checks them and sorted into what the policy decides on. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "sockaddr.h"
#include "tap.h"

#define UNIX_PATH_OFFSET offsetof(struct sockaddr_un, sun_path)

/* The bytes of a socket address, as big as the kernel ever reads. */
union raw {
	unsigned char bytes[SOCKADDR_MAX + 16];
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr_un sun;
	struct sockaddr_nl snl;
	sa_family_t family;
};

static void raw_inet(union raw *r, const char *ip, uint16_t port)
{
	memset(r, 0, sizeof(*r));
	r->sin.sin_family = AF_INET;
	r->sin.sin_port = htons(port);
	inet_pton(AF_INET, ip, &r->sin.sin_addr);
}

static void raw_inet6(union raw *r, const char *ip, uint16_t port)
{
	memset(r, 0, sizeof(*r));
	r->sin6.sin6_family = AF_INET6;
	r->sin6.sin6_port = htons(port);
	inet_pton(AF_INET6, ip, &r->sin6.sin6_addr);
}

/* Is info's address the one written as text (IPv4 as mapped)? */
static int addr_is(const struct sockaddr_info *info, const char *text)
{
	struct net_addr want;

	return net_addr_parse(text, &want) == 0 && memcmp(&want, &info->addr, sizeof(want)) == 0;
}

static void test_inet(void)
{
	struct sockaddr_info info;
	union raw r;
	int rc;

	raw_inet(&r, "192.0.2.7", 443);
	is_int(sockaddr_parse(&r, sizeof(struct sockaddr_in) - 1, &info), -EINVAL, "AF_INET: 15 bytes refused");
	rc = sockaddr_parse(&r, sizeof(struct sockaddr_in), &info);
	is_int(rc, 0, "AF_INET: exactly 16 bytes accepted");
	is_int(info.kind, SOCKADDR_INET, "... kind INET");
	is_int(info.family, AF_INET, "... family AF_INET");
	ok(addr_is(&info, "192.0.2.7"), "... address 192.0.2.7");
	ok(addr_is(&info, "::ffff:192.0.2.7"), "... kept as the IPv4-mapped address");
	is_int(info.port, 443, "... port in host order");
	is_int(sockaddr_parse(&r, 64, &info), 0, "AF_INET: longer (64 bytes) accepted, as the kernel does");
	ok(info.kind == SOCKADDR_INET && addr_is(&info, "192.0.2.7") && info.port == 443, "... same address and port");
	memset(r.bytes + sizeof(struct sockaddr_in), 0xa5, SOCKADDR_MAX - sizeof(struct sockaddr_in));
	is_int(sockaddr_parse(&r, SOCKADDR_MAX, &info), 0, "AF_INET: 128 bytes (with junk after the address) accepted");
	ok(addr_is(&info, "192.0.2.7") && info.port == 443, "... the junk is ignored");
	is_int(sockaddr_parse(&r, SOCKADDR_MAX + 1, &info), -EINVAL, "AF_INET: 129 bytes refused");
	raw_inet(&r, "255.255.255.255", 65535);
	ok(sockaddr_parse(&r, sizeof(r.sin), &info) == 0 && addr_is(&info, "255.255.255.255") && info.port == 65535,
	   "AF_INET: 255.255.255.255:65535");
	raw_inet(&r, "10.0.0.1", 0);
	ok(sockaddr_parse(&r, sizeof(r.sin), &info) == 0 && info.port == 0,
	   "AF_INET: port 0 parses (the kernel decides)");
	raw_inet(&r, "127.0.0.1", 80);
	ok(sockaddr_parse(&r, sizeof(r.sin), &info) == 0 && net_addr_is_loopback(&info.addr),
	   "AF_INET: 127.0.0.1 is loopback");
	raw_inet(&r, "0.0.0.0", 80);
	ok(sockaddr_parse(&r, sizeof(r.sin), &info) == 0 && addr_is(&info, "127.0.0.1") && info.port == 80,
	   "AF_INET: 0.0.0.0 (where the kernel connects to this host) is decided as 127.0.0.1");
}

static void test_inet6(void)
{
	struct sockaddr_info info;
	union raw r;

	raw_inet6(&r, "2001:db8::5", 8443);
	is_int(sockaddr_parse(&r, 23, &info), -EINVAL, "AF_INET6: 23 bytes refused");
	is_int(sockaddr_parse(&r, 16, &info), -EINVAL, "AF_INET6: 16 bytes (a sockaddr_in's size) refused");
	is_int(sockaddr_parse(&r, 24, &info), 0, "AF_INET6: 24 bytes (RFC 2133, no scope id) accepted");
	ok(info.kind == SOCKADDR_INET && info.family == AF_INET6 && addr_is(&info, "2001:db8::5") && info.port == 8443,
	   "... 2001:db8::5 port 8443");
	r.sin6.sin6_scope_id = 3;
	is_int(sockaddr_parse(&r, sizeof(struct sockaddr_in6), &info), 0, "AF_INET6: 28 bytes accepted");
	ok(info.kind == SOCKADDR_INET && addr_is(&info, "2001:db8::5") && info.port == 8443,
	   "... same address and port");
	is_int(sockaddr_parse(&r, SOCKADDR_MAX, &info), 0, "AF_INET6: 128 bytes accepted");
	is_int(sockaddr_parse(&r, SOCKADDR_MAX + 1, &info), -EINVAL, "AF_INET6: 129 bytes refused");
	raw_inet6(&r, "::ffff:10.1.2.3", 22);
	ok(sockaddr_parse(&r, sizeof(r.sin6), &info) == 0 && info.kind == SOCKADDR_INET && addr_is(&info, "10.1.2.3") &&
		   info.port == 22,
	   "AF_INET6: v4-mapped ::ffff:10.1.2.3 gives the IPv4 net_addr 10.1.2.3");
	is_int(info.family, AF_INET6, "... the family stays AF_INET6");
	raw_inet6(&r, "::ffff:127.0.0.1", 22);
	ok(sockaddr_parse(&r, sizeof(r.sin6), &info) == 0 && net_addr_is_loopback(&info.addr),
	   "AF_INET6: ::ffff:127.0.0.1 is loopback");
	raw_inet6(&r, "::1", 5432);
	ok(sockaddr_parse(&r, sizeof(r.sin6), &info) == 0 && net_addr_is_loopback(&info.addr) && info.port == 5432,
	   "AF_INET6: ::1 is loopback");
	raw_inet6(&r, "::", 5432);
	ok(sockaddr_parse(&r, sizeof(r.sin6), &info) == 0 && addr_is(&info, "::1"),
	   "AF_INET6: :: (this host) is decided as ::1");
	raw_inet6(&r, "::ffff:0.0.0.0", 5432);
	ok(sockaddr_parse(&r, sizeof(r.sin6), &info) == 0 && addr_is(&info, "127.0.0.1"),
	   "AF_INET6: ::ffff:0.0.0.0 is decided as 127.0.0.1");
	raw_inet6(&r, "::10.1.2.3", 22);
	ok(sockaddr_parse(&r, sizeof(r.sin6), &info) == 0 && addr_is(&info, "::10.1.2.3") &&
		   !addr_is(&info, "10.1.2.3"),
	   "AF_INET6: IPv4-compatible ::10.1.2.3 is not taken for IPv4");
}

static void test_unix(void)
{
	char path108[SOCKADDR_UNIX_PATH_MAX + 1];
	struct sockaddr_info info;
	union raw r;
	size_t n;

	memset(&r, 0, sizeof(r));
	r.sun.sun_family = AF_UNIX;
	is_int(sockaddr_parse(&r, UNIX_PATH_OFFSET, &info), 0, "AF_UNIX: 2 bytes (no name at all) parses");
	is_int(info.kind, SOCKADDR_UNIX_UNNAMED, "... as unnamed");

	strcpy(r.sun.sun_path, "/run/nscd/socket");
	n = strlen("/run/nscd/socket");
	is_int(sockaddr_parse(&r, UNIX_PATH_OFFSET + n, &info), 0, "AF_UNIX: path, length without the NUL");
	ok(info.kind == SOCKADDR_UNIX_PATH && strcmp(info.path, "/run/nscd/socket") == 0, "... path /run/nscd/socket");
	is_int(sockaddr_parse(&r, UNIX_PATH_OFFSET + n + 1, &info), 0, "AF_UNIX: path, length with the NUL");
	ok(info.kind == SOCKADDR_UNIX_PATH && strcmp(info.path, "/run/nscd/socket") == 0, "... the same path");
	is_int(sockaddr_parse(&r, UNIX_PATH_OFFSET + n - 7, &info), 0, "AF_UNIX: a length that cuts the path");
	is_str(info.path, "/run/nscd", "... the path is what the length covers");

	memcpy(r.sun.sun_path, "/tmp/a\0/etc/shadow", 18);
	is_int(sockaddr_parse(&r, UNIX_PATH_OFFSET + 18, &info), 0, "AF_UNIX: NUL in the middle");
	ok(info.kind == SOCKADDR_UNIX_PATH && strcmp(info.path, "/tmp/a") == 0,
	   "... cuts the path there (as the kernel)");

	memset(path108, 'p', SOCKADDR_UNIX_PATH_MAX);
	path108[0] = '/';
	path108[SOCKADDR_UNIX_PATH_MAX] = '\0';
	memcpy(r.sun.sun_path, path108, SOCKADDR_UNIX_PATH_MAX);
	is_int(sockaddr_parse(&r, sizeof(struct sockaddr_un), &info), 0, "AF_UNIX: 108-byte path without NUL accepted");
	ok(info.kind == SOCKADDR_UNIX_PATH && strlen(info.path) == SOCKADDR_UNIX_PATH_MAX &&
		   strcmp(info.path, path108) == 0,
	   "... all 108 bytes, NUL-terminated");
	is_int(sockaddr_parse(&r, sizeof(struct sockaddr_un) + 1, &info), -EINVAL,
	       "AF_UNIX: longer than a sockaddr_un (111 bytes) refused, as unix_validate_addr does");
	is_int(sockaddr_parse(&r, SOCKADDR_MAX, &info), -EINVAL, "AF_UNIX: 128 bytes refused");
	is_int(sockaddr_parse(&r, SOCKADDR_MAX + 1, &info), -EINVAL, "AF_UNIX: 129 bytes refused");

	memset(&r, 0, sizeof(r));
	r.sun.sun_family = AF_UNIX;
	memcpy(r.sun.sun_path, "\0name\0with\0nuls", 16);
	is_int(sockaddr_parse(&r, UNIX_PATH_OFFSET + 16, &info), 0, "AF_UNIX: abstract name with NULs inside");
	ok(info.kind == SOCKADDR_UNIX_ABSTRACT && info.abstract_len == 15,
	   "... abstract, 15 bytes after the leading NUL");
	is_str(info.path, "", "... no path");
	is_int(sockaddr_parse(&r, UNIX_PATH_OFFSET + 1, &info), 0, "AF_UNIX: empty abstract name (just the NUL)");
	ok(info.kind == SOCKADDR_UNIX_ABSTRACT && info.abstract_len == 0, "... abstract, length 0");
	memset(r.sun.sun_path + 1, 0, sizeof(r.sun.sun_path) - 1);
	is_int(sockaddr_parse(&r, sizeof(struct sockaddr_un), &info), 0,
	       "AF_UNIX: abstract name of all NULs, 110 bytes");
	ok(info.kind == SOCKADDR_UNIX_ABSTRACT && info.abstract_len == SOCKADDR_UNIX_PATH_MAX - 1,
	   "... 107 bytes of name");
	is_int(sockaddr_parse(&r, sizeof(struct sockaddr_un) + 1, &info), -EINVAL,
	       "AF_UNIX: abstract, 111 bytes refused");
}

static void test_other_families(void)
{
	struct sockaddr_info info;
	union raw r;

	memset(&r, 0, sizeof(r));
	r.family = AF_UNSPEC;
	is_int(sockaddr_parse(&r, sizeof(sa_family_t), &info), 0, "AF_UNSPEC: 2 bytes");
	is_int(info.kind, SOCKADDR_UNSPEC, "... kind UNSPEC (disconnect)");
	is_int(sockaddr_parse(&r, sizeof(struct sockaddr_in), &info), 0, "AF_UNSPEC: 16 bytes");
	ok(info.kind == SOCKADDR_UNSPEC && info.family == AF_UNSPEC, "... still UNSPEC");

	memset(&r, 0, sizeof(r));
	r.snl.nl_family = AF_NETLINK;
	is_int(sockaddr_parse(&r, sizeof(struct sockaddr_nl) - 1, &info), -EINVAL, "AF_NETLINK: 11 bytes refused");
	is_int(sockaddr_parse(&r, sizeof(struct sockaddr_nl), &info), 0, "AF_NETLINK: 12 bytes");
	is_int(info.kind, SOCKADDR_NETLINK_KERNEL, "... nl_pid 0 is the kernel");
	r.snl.nl_pid = 4242;
	is_int(sockaddr_parse(&r, sizeof(struct sockaddr_nl), &info), 0, "AF_NETLINK to pid 4242");
	ok(info.kind == SOCKADDR_OTHER && info.family == AF_NETLINK, "... kind OTHER, family AF_NETLINK");
	r.snl.nl_pid = 0;
	r.snl.nl_groups = 1;
	ok(sockaddr_parse(&r, sizeof(struct sockaddr_nl), &info) == 0 && info.kind == SOCKADDR_NETLINK_KERNEL,
	   "AF_NETLINK: kernel with groups set is still the kernel");

	memset(&r, 0, sizeof(r));
	r.family = AF_PACKET;
	ok(sockaddr_parse(&r, 20, &info) == 0 && info.kind == SOCKADDR_OTHER && info.family == AF_PACKET,
	   "AF_PACKET: OTHER");
	r.family = 0xffff;
	ok(sockaddr_parse(&r, sizeof(sa_family_t), &info) == 0 && info.kind == SOCKADDR_OTHER && info.family == 0xffff,
	   "family 0xffff: OTHER");
	r.family = AF_INET + 256;
	ok(sockaddr_parse(&r, sizeof(struct sockaddr_in), &info) == 0 && info.kind == SOCKADDR_OTHER,
	   "family 258 (AF_INET in the low byte) is not AF_INET");
}

static void test_lengths(void)
{
	static const sa_family_t families[] = { AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC, AF_NETLINK, AF_PACKET };
	struct sockaddr_info info;
	union raw r;

	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.family = families[i];
		is_int(sockaddr_parse(&r, 0, &info), -EINVAL, "family %d: length 0 refused", families[i]);
		is_int(sockaddr_parse(&r, 1, &info), -EINVAL, "family %d: length 1 refused", families[i]);
		is_int(sockaddr_parse(&r, SOCKADDR_MAX + 1, &info), -EINVAL, "family %d: length 129 refused",
		       families[i]);
	}
	is_int(sockaddr_parse(NULL, 0, &info), -EINVAL, "NULL with length 0: refused without reading");
	memset(&info, 0x5a, sizeof(info));
	raw_inet(&r, "192.0.2.1", 1);
	sockaddr_parse(&r, 3, &info);
	ok(info.kind == SOCKADDR_INET && info.port == 0 && info.path[0] == '\0',
	   "a refused address leaves the result cleared (no stale fields)");
}

int main(void)
{
	test_inet();
	test_inet6();
	test_unix();
	test_other_families();
	test_lengths();
	return tap_done();
}
