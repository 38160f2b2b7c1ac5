/* libFuzzer target: sockaddr_parse on the bytes a trapped process hands
 * corral-helper, and netpolicy_decide on what parses as an IP destination.
 * Checks: no crash or overread, only 0 / -EINVAL, kind-specific fields in
 * range and consistent with the bytes, the same answer twice, and
 * decisions that respect net.deny and net.loopback of fixed policies. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "netpolicy.h"
#include "policy.h"
#include "sockaddr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define UNIX_PATH_OFFSET offsetof(struct sockaddr_un, sun_path)

static const char *const policy_texts[] = {
	/* loopback none, allow and deny lists over IPv4 and IPv6 */
	"[default]\n"
	"net.loopback = none\n"
	"net.connect = tcp://192.0.2.0/24:80,443 udp://[2001:db8::/32]:53 icmp://198.51.100.1 tcp://:8443\n"
	"net.deny = 192.0.2.128/25 tcp://[2001:db8:dead::/48]:22\n",
	/* loopback own, no allow list */
	"[default]\nnet.loopback = own\nnet.deny = 10.0.0.0/8\n",
};
#define N_POLICIES (sizeof(policy_texts) / sizeof(policy_texts[0]))

static struct policy policies[N_POLICIES];
static struct net_addr deny_v4_low, deny_v4_high, net10_low, net10_high;

static int resolve(const char *text, struct policy *p)
{
	static gid_t groups[] = { 1000 };
	struct user_info user = { .name = "fuzz", .uid = 1000, .gid = 1000, .home = "/home/fuzz",
				  .shell = "/bin/sh", .groups = groups, .n_groups = 1 };
	char err[POLICY_ERR_MAX];
	struct config config;
	int fd = memfd_create("fuzz.ini", MFD_CLOEXEC), r;

	if (fd < 0 || fchmod(fd, 0644) < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	config_load_fd(fd, "fuzz.ini", &config);
	close(fd);
	r = policy_resolve(&config, &user, p, err, sizeof(err));
	config_free(&config);
	return r;
}

static void setup(void)
{
	static int ready;

	if (ready)
		return;
	for (size_t i = 0; i < N_POLICIES; i++)
		if (resolve(policy_texts[i], &policies[i]) != 0)
			abort();
	net_addr_parse("192.0.2.128", &deny_v4_low);
	net_addr_parse("192.0.2.255", &deny_v4_high);
	net_addr_parse("10.0.0.0", &net10_low);
	net_addr_parse("10.255.255.255", &net10_high);
	ready = 1;
}

static int addr_between(const struct net_addr *a, const struct net_addr *low, const struct net_addr *high)
{
	return memcmp(a->bytes, low->bytes, 16) >= 0 && memcmp(a->bytes, high->bytes, 16) <= 0;
}

static void check_rule_text(const struct netpolicy_result *r)
{
	if (!memchr(r->rule, '\0', sizeof(r->rule)) || r->rule[0] == '\0')
		abort();
	if (strncmp(r->rule, "net.", 4) != 0)
		abort();
}

static void check_decisions(const struct sockaddr_info *info)
{
	static const enum net_proto protos[] = { NET_PROTO_TCP, NET_PROTO_UDP, NET_PROTO_ICMP };
	bool loopback = net_addr_is_loopback(&info->addr);

	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		struct netpolicy_result a, b;

		/* policy 0: loopback none; deny 192.0.2.128/25 for every protocol */
		netpolicy_decide(&policies[0], protos[i], &info->addr, info->port, &a);
		netpolicy_decide(&policies[0], protos[i], &info->addr, info->port, &b);
		check_rule_text(&a);
		if (a.verdict != b.verdict || strcmp(a.rule, b.rule) != 0)
			abort();
		if (a.verdict != NETPOLICY_ALLOW && a.verdict != NETPOLICY_REFUSE)
			abort();
		if (loopback && a.verdict != NETPOLICY_REFUSE)
			abort();
		if (addr_between(&info->addr, &deny_v4_low, &deny_v4_high) &&
		    (a.verdict != NETPOLICY_REFUSE || strncmp(a.rule, "net.deny ", 9) != 0))
			abort();
		if (a.verdict == NETPOLICY_ALLOW && strncmp(a.rule, "net.connect ", 12) != 0)
			abort();
		if (a.verdict == NETPOLICY_ALLOW && protos[i] == NET_PROTO_TCP && info->port != 80 && info->port != 443 &&
		    info->port != 8443)
			abort();

		/* policy 1: loopback own, no allow list, deny 10/8 */
		netpolicy_decide(&policies[1], protos[i], &info->addr, info->port, &a);
		check_rule_text(&a);
		if (addr_between(&info->addr, &net10_low, &net10_high)) {
			if (a.verdict != NETPOLICY_REFUSE)
				abort();
		} else if (loopback) {
			if (a.verdict != (protos[i] == NET_PROTO_ICMP ? NETPOLICY_ALLOW : NETPOLICY_IF_OWN_LISTENER))
				abort();
		} else if (a.verdict != NETPOLICY_ALLOW || strcmp(a.rule, "net.connect (not set)") != 0) {
			abort();
		}
	}
}

static void check_parse(const uint8_t *data, size_t size, int r, const struct sockaddr_info *info)
{
	sa_family_t family;

	if (r == -EINVAL)
		return;
	if (r != 0 || size < sizeof(family) || size > SOCKADDR_MAX)
		abort();
	memcpy(&family, data, sizeof(family));
	if (info->family != family || !memchr(info->path, '\0', sizeof(info->path)))
		abort();
	switch (info->kind) {
	case SOCKADDR_INET: {
		uint16_t port;

		if (family != AF_INET && family != AF_INET6)
			abort();
		if (size < (family == AF_INET ? sizeof(struct sockaddr_in) : 24))
			abort();
		memcpy(&port, data + 2, sizeof(port));
		if (info->port != ntohs(port) || info->path[0] || info->abstract_len)
			abort();
		/* an AF_INET address is kept IPv4-mapped: its own bytes, or
		 * 127.0.0.1 for 0.0.0.0 (where the kernel connects to this host) */
		if (family == AF_INET) {
			static const uint8_t zero[4], loopback[4] = { 127, 0, 0, 1 };
			const uint8_t *want = memcmp(data + 4, zero, 4) == 0 ? loopback : data + 4;

			if (info->addr.bytes[10] != 0xff || info->addr.bytes[11] != 0xff ||
			    memcmp(info->addr.bytes + 12, want, 4) != 0)
				abort();
		}
		check_decisions(info);
		break;
	}
	case SOCKADDR_UNIX_PATH: {
		size_t n = strlen(info->path);

		if (family != AF_UNIX || size > sizeof(struct sockaddr_un) || n == 0 || n > SOCKADDR_UNIX_PATH_MAX ||
		    n > size - UNIX_PATH_OFFSET || memcmp(info->path, data + UNIX_PATH_OFFSET, n) != 0)
			abort();
		/* the path ends where the bytes end or at their first NUL */
		if (n < size - UNIX_PATH_OFFSET && data[UNIX_PATH_OFFSET + n] != '\0')
			abort();
		break;
	}
	case SOCKADDR_UNIX_ABSTRACT:
		if (family != AF_UNIX || size <= UNIX_PATH_OFFSET || size > sizeof(struct sockaddr_un) ||
		    data[UNIX_PATH_OFFSET] != '\0' || info->abstract_len != size - UNIX_PATH_OFFSET - 1 || info->path[0])
			abort();
		break;
	case SOCKADDR_UNIX_UNNAMED:
		if (family != AF_UNIX || size != UNIX_PATH_OFFSET)
			abort();
		break;
	case SOCKADDR_UNSPEC:
		if (family != AF_UNSPEC)
			abort();
		break;
	case SOCKADDR_NETLINK_KERNEL: {
		struct sockaddr_nl nl;

		if (family != AF_NETLINK || size < sizeof(nl))
			abort();
		memcpy(&nl, data, sizeof(nl));
		if (nl.nl_pid != 0)
			abort();
		break;
	}
	case SOCKADDR_OTHER:
		if (family == AF_INET || family == AF_INET6 || family == AF_UNIX || family == AF_UNSPEC)
			abort();
		if (family == AF_NETLINK) {
			struct sockaddr_nl nl;

			if (size < sizeof(nl))
				abort();
			memcpy(&nl, data, sizeof(nl));
			if (nl.nl_pid == 0)
				abort();
		}
		break;
	default:
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_info info, again;
	uint8_t *copy;
	int r;

	setup();
	/* an exact-size copy: any read past the length is an ASan report */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	r = sockaddr_parse(copy, size, &info);
	check_parse(copy, size, r, &info);
	if (sockaddr_parse(copy, size, &again) != r || memcmp(&info, &again, sizeof(info)) != 0)
		abort();
	free(copy);
	return 0;
}
