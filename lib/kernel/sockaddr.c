/* sockaddr sorting (see sockaddr.h). */
#include <errno.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "sockaddr.h"

#define SIN6_LEN_RFC2133 24 /* the shortest sockaddr_in6 the kernel takes */

/* A connect or send to the unspecified address (0.0.0.0, ::, ::ffff:0.0.0.0)
 * goes to this host: the kernel routes it over loopback. It is decided as
 * the loopback address it reaches, so net.loopback and net.deny of 127/8
 * or ::1 cover it too. */
static void unspecified_is_loopback(struct net_addr *addr)
{
	static const uint8_t any6[16] = { 0 }, loopback4[4] = { 127, 0, 0, 1 }, loopback6[16] = { [15] = 1 };
	struct net_addr any4;

	net_addr_from_ipv4(&any4, any6);
	if (memcmp(addr->bytes, any4.bytes, 16) == 0)
		net_addr_from_ipv4(addr, loopback4);
	else if (memcmp(addr->bytes, any6, 16) == 0)
		net_addr_from_ipv6(addr, loopback6);
}

int sockaddr_parse(const void *buf, size_t len, struct sockaddr_info *out)
{
	sa_family_t family;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(family) || len > SOCKADDR_MAX)
		return -EINVAL;
	memcpy(&family, buf, sizeof(family));
	out->family = family;
	switch (family) {
	case AF_INET: {
		struct sockaddr_in sin;

		if (len < sizeof(sin))
			return -EINVAL;
		memcpy(&sin, buf, sizeof(sin));
		out->kind = SOCKADDR_INET;
		net_addr_from_ipv4(&out->addr, (const uint8_t *)&sin.sin_addr);
		unspecified_is_loopback(&out->addr);
		out->port = ntohs(sin.sin_port);
		return 0;
	}
	case AF_INET6: {
		struct sockaddr_in6 sin6;

		if (len < SIN6_LEN_RFC2133)
			return -EINVAL;
		memset(&sin6, 0, sizeof(sin6));
		memcpy(&sin6, buf, len < sizeof(sin6) ? len : sizeof(sin6));
		out->kind = SOCKADDR_INET;
		/* a mapped address is stored as the IPv4 it means */
		net_addr_from_ipv6(&out->addr, sin6.sin6_addr.s6_addr);
		unspecified_is_loopback(&out->addr);
		out->port = ntohs(sin6.sin6_port);
		return 0;
	}
	case AF_UNIX: {
		const char *path = (const char *)buf + offsetof(struct sockaddr_un, sun_path);
		size_t path_len = len - offsetof(struct sockaddr_un, sun_path);

		/* unix_validate_addr(): never longer than a struct sockaddr_un */
		if (len > sizeof(struct sockaddr_un))
			return -EINVAL;
		if (path_len == 0) {
			out->kind = SOCKADDR_UNIX_UNNAMED;
			return 0;
		}
		if (path[0] == '\0') {
			out->kind = SOCKADDR_UNIX_ABSTRACT;
			out->abstract_len = path_len - 1;
			return 0;
		}
		/* the kernel reads the path up to the first NUL or the length */
		path_len = strnlen(path, path_len);
		if (path_len > SOCKADDR_UNIX_PATH_MAX)
			return -EINVAL;
		memcpy(out->path, path, path_len);
		out->path[path_len] = '\0';
		out->kind = SOCKADDR_UNIX_PATH;
		return 0;
	}
	case AF_UNSPEC:
		out->kind = SOCKADDR_UNSPEC;
		return 0;
	case AF_NETLINK: {
		struct sockaddr_nl nl;

		if (len < sizeof(nl))
			return -EINVAL;
		memcpy(&nl, buf, sizeof(nl));
		out->kind = nl.nl_pid == 0 ? SOCKADDR_NETLINK_KERNEL : SOCKADDR_OTHER;
		return 0;
	}
	default:
		out->kind = SOCKADDR_OTHER;
		return 0;
	}
}
