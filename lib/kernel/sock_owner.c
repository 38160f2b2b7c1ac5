/* sock_diag owner lookup (see sock_owner.h). */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock_owner.h"

#define TCP_LISTEN_STATE 10 /* TCP_LISTEN in the kernel's numbering */
#define ALL_STATES 0xffffffffU

bool sock_owner_listener_matches(int family, const uint8_t *src, bool v6only, const struct net_addr *target)
{
	static const uint8_t zero[16] = { 0 };
	struct net_addr bound;

	if (family == AF_INET) {
		net_addr_from_ipv4(&bound, src);
		/* 0.0.0.0 takes every IPv4 destination */
		if (memcmp(src, zero, 4) == 0)
			return target->bytes[10] == 0xff && target->bytes[11] == 0xff &&
				memcmp(target->bytes, zero, 10) == 0;
		return memcmp(bound.bytes, target->bytes, 16) == 0;
	}
	if (family != AF_INET6)
		return false;
	if (memcmp(src, zero, 16) == 0) {
		/* :: takes IPv6, and IPv4 too unless v6only */
		bool target_v4 = target->bytes[10] == 0xff && target->bytes[11] == 0xff &&
			memcmp(target->bytes, zero, 10) == 0;

		return !target_v4 || !v6only;
	}
	net_addr_from_ipv6(&bound, src);
	return memcmp(bound.bytes, target->bytes, 16) == 0;
}

struct owner_scan {
	const struct net_addr *target;
	uint16_t port;
	bool found;
	uid_t owner;
	bool mixed;
};

static void scan_message(const struct nlmsghdr *nh, int family, struct owner_scan *scan)
{
	const struct inet_diag_msg *msg = NLMSG_DATA(nh);
	int len = (int)nh->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*msg));
	bool v6only = false;

	if (len < 0 || ntohs(msg->id.idiag_sport) != scan->port)
		return;
	for (const struct rtattr *a = (const struct rtattr *)(msg + 1); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == INET_DIAG_SKV6ONLY && RTA_PAYLOAD(a) >= 1)
			v6only = *(const uint8_t *)RTA_DATA(a) != 0;
	if (!sock_owner_listener_matches(family, (const uint8_t *)msg->id.idiag_src, v6only, scan->target))
		return;
	if (scan->found && scan->owner != msg->idiag_uid)
		scan->mixed = true;
	scan->found = true;
	scan->owner = msg->idiag_uid;
}

/* NLMSG_OK with the length kept signed (the macro compares it with an
 * unsigned field, and NLMSG_NEXT may take it below zero) */
static bool message_fits(const struct nlmsghdr *nh, int len)
{
	return len >= (int)sizeof(*nh) && nh->nlmsg_len >= sizeof(*nh) && nh->nlmsg_len <= (unsigned)len;
}

static int dump_family(int nl, int family, enum net_proto proto, struct owner_scan *scan, char *buf)
{
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 req;
	} request = {
		.nh = { .nlmsg_len = sizeof(request),
			.nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.req = { .sdiag_family = (uint8_t)family,
			 .sdiag_protocol = proto == NET_PROTO_TCP ? IPPROTO_TCP : IPPROTO_UDP,
			 .idiag_states = proto == NET_PROTO_TCP ? 1U << TCP_LISTEN_STATE : ALL_STATES },
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	if (sendto(nl, &request, sizeof(request), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(nl, buf, SOCK_OWNER_BUFFER, 0);
		int len = (int)n;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		for (const struct nlmsghdr *nh = (const struct nlmsghdr *)buf; message_fits(nh, len);
		     nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nh->nlmsg_type == NLMSG_ERROR)
				return -EIO;
			scan_message(nh, family, scan);
		}
	}
}

int sock_owner_of_listener(enum net_proto proto, const struct net_addr *addr, uint16_t port, uid_t *owner)
{
	struct owner_scan scan = { .target = addr, .port = port };
	static char buf[SOCK_OWNER_BUFFER];
	int nl, r;

	if (proto != NET_PROTO_TCP && proto != NET_PROTO_UDP)
		return -EINVAL;
	nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl < 0)
		return -errno;
	r = dump_family(nl, AF_INET, proto, &scan, buf);
	if (r == 0)
		r = dump_family(nl, AF_INET6, proto, &scan, buf);
	close(nl);
	if (r < 0)
		return r;
	if (!scan.found)
		return -ENOENT;
	if (scan.mixed)
		return -EPERM;
	*owner = scan.owner;
	return 0;
}
