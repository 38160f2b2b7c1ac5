/* Every network decision, from the policy alone (see netpolicy.h). */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "landlock.h"
#include "netpolicy.h"
#include "pathutil.h"

const char *const netpolicy_default_unix[] = {
	"/run/nscd/socket",    /* nscd */
	"/var/lib/sss/pipes",  /* sssd */
	"/run/systemd/userdb", /* nss-systemd */
	"/dev/log",            /* syslog */
	"/run/systemd/journal/dev-log",
	"/run/systemd/journal/socket",
	"/run/systemd/journal/stdout",
	NULL,
};

static void rule_text(struct netpolicy_result *out, const char *key, const struct netrule *rule)
{
	char text[NETRULE_TEXT_MAX];

	if (rule && netrule_format(rule, text, sizeof(text)) == 0)
		snprintf(out->rule, sizeof(out->rule), "%s %s", key, text);
	else
		snprintf(out->rule, sizeof(out->rule), "%s", key);
}

enum net_proto netpolicy_socket_proto(int type, int protocol)
{
	if (type == SOCK_STREAM && (protocol == IPPROTO_TCP || protocol == 0))
		return NET_PROTO_TCP;
	if (type == SOCK_DGRAM && (protocol == IPPROTO_UDP || protocol == 0))
		return NET_PROTO_UDP;
	if (type == SOCK_DGRAM && (protocol == IPPROTO_ICMP || protocol == IPPROTO_ICMPV6))
		return NET_PROTO_ICMP;
	return 0;
}

bool netpolicy_socket_allowed(const struct policy *p, enum net_proto proto)
{
	if (proto == NET_PROTO_TCP)
		return true;
	if (!policy_is_set(p, KEY_NET_CONNECT))
		return proto == NET_PROTO_UDP;
	for (size_t i = 0; i < p->net_connect.count; i++)
		if (p->net_connect.rules[i].protocols & proto)
			return true;
	return false;
}

void netpolicy_decide(const struct policy *p, enum net_proto proto, const struct net_addr *addr, uint16_t port,
		      struct netpolicy_result *out)
{
	long i = netrule_set_find(&p->net_deny, proto, addr, port);

	if (i >= 0) {
		out->verdict = NETPOLICY_REFUSE;
		rule_text(out, "net.deny", &p->net_deny.rules[i]);
		return;
	}
	if (net_addr_is_loopback(addr) && p->loopback != NET_LOOPBACK_UNSET) {
		switch (p->loopback) {
		case NET_LOOPBACK_NONE:
			out->verdict = NETPOLICY_REFUSE;
			break;
		case NET_LOOPBACK_OWN:
			/* ping has no listener to own */
			out->verdict = proto == NET_PROTO_ICMP ? NETPOLICY_ALLOW : NETPOLICY_IF_OWN_LISTENER;
			break;
		default:
			out->verdict = NETPOLICY_ALLOW;
			break;
		}
		snprintf(out->rule, sizeof(out->rule), "net.loopback %s",
			 p->loopback == NET_LOOPBACK_NONE          ? "none"
				 : p->loopback == NET_LOOPBACK_OWN ? "own"
								   : "any");
		return;
	}
	if (!policy_is_set(p, KEY_NET_CONNECT)) {
		out->verdict = NETPOLICY_ALLOW;
		snprintf(out->rule, sizeof(out->rule), "net.connect (not set)");
		return;
	}
	i = netrule_set_find(&p->net_connect, proto, addr, port);
	if (i >= 0) {
		out->verdict = NETPOLICY_ALLOW;
		rule_text(out, "net.connect", &p->net_connect.rules[i]);
		return;
	}
	out->verdict = NETPOLICY_REFUSE;
	snprintf(out->rule, sizeof(out->rule), "net.connect (no rule matches)");
}

bool netpolicy_local_matters(const struct policy *p, enum net_proto proto, const struct net_addr *addr, uint16_t port)
{
	return p->loopback != NET_LOOPBACK_UNSET && !net_addr_is_loopback(addr) &&
		netrule_set_find(&p->net_deny, proto, addr, port) < 0;
}

void netpolicy_decide_local(const struct policy *p, enum net_proto proto, const struct net_addr *addr, uint16_t port,
			    struct netpolicy_result *out)
{
	static const uint8_t loopback4[4] = { 127, 0, 0, 1 }, loopback6[16] = { [15] = 1 };
	struct net_addr as_loopback;
	size_t len;

	if (!netpolicy_local_matters(p, proto, addr, port)) {
		netpolicy_decide(p, proto, addr, port, out);
		return;
	}
	/* else connecting to 192.0.2.2 instead of 127.0.0.1 would get around net.loopback */
	if (net_addr_is_ipv4(addr))
		net_addr_from_ipv4(&as_loopback, loopback4);
	else
		net_addr_from_ipv6(&as_loopback, loopback6);
	netpolicy_decide(p, proto, &as_loopback, port, out);
	if (out->verdict != NETPOLICY_REFUSE)
		return;
	len = strlen(out->rule);
	snprintf(out->rule + len, sizeof(out->rule) - len, " (a local address)");
}

void netpolicy_decide_listener(const struct policy *p, int lookup, uid_t owner, struct netpolicy_result *out)
{
	out->verdict = lookup == 0 && owner == p->uid ? NETPOLICY_ALLOW : NETPOLICY_REFUSE;
	if (out->verdict == NETPOLICY_ALLOW)
		snprintf(out->rule, sizeof(out->rule), "net.loopback own");
	else
		snprintf(out->rule, sizeof(out->rule), "net.loopback own (%s)",
			 lookup == -ENOENT ? "no listener" : "not yours");
}

void netpolicy_decide_bind(const struct policy *p, uint16_t port, struct netpolicy_result *out)
{
	char range[16];

	if (!policy_is_set(p, KEY_NET_BIND)) {
		out->verdict = NETPOLICY_ALLOW;
		snprintf(out->rule, sizeof(out->rule), "net.bind (not set)");
		return;
	}
	out->verdict = NETPOLICY_REFUSE;
	snprintf(out->rule, sizeof(out->rule), "net.bind");
	/* port 0 is a random port: no list of ports can allow it */
	for (size_t i = 0; port && i < p->net_bind.count; i++) {
		if (port < p->net_bind.ranges[i].low || port > p->net_bind.ranges[i].high)
			continue;
		out->verdict = NETPOLICY_ALLOW;
		if (port_range_format(&p->net_bind.ranges[i], range, sizeof(range)) == 0)
			snprintf(out->rule, sizeof(out->rule), "net.bind %s", range);
		return;
	}
}

bool netpolicy_unix_allowed(const struct policy *p, const char *real_path, char *rule, size_t rulelen)
{
	if (path_is_inside_any(real_path, policy_list(p, KEY_FS_DENY))) {
		snprintf(rule, rulelen, "fs.deny");
		return false;
	}
	if (path_is_inside_any(real_path, policy_list(p, KEY_FS_WRITE))) {
		snprintf(rule, rulelen, "fs.write");
		return true;
	}
	if (policy_is_set(p, KEY_IPC_UNIX)) {
		snprintf(rule, rulelen, "ipc.unix");
		return path_is_inside_any(real_path, policy_list(p, KEY_IPC_UNIX));
	}
	snprintf(rule, rulelen, "ipc.unix (default)");
	for (size_t i = 0; netpolicy_default_unix[i]; i++)
		if (path_is_inside(real_path, netpolicy_default_unix[i]))
			return true;
	return false;
}

bool netpolicy_abstract_unix_allowed(const struct policy *p, char *rule, size_t rulelen)
{
	snprintf(rule, rulelen, "ipc.abstract_unix %s", p->abstract_unix_allowed ? "allow" : "deny");
	return p->abstract_unix_allowed;
}

/* Do the net.connect rules fit Landlock's TCP port rules and the socket()
 * filter: any host, and UDP and ICMP all or nothing? *tcp_every_port: some
 * rule allows every TCP port. */
static bool connect_rules_fit_kernel(const struct policy *p, bool *tcp_every_port)
{
	*tcp_every_port = false;
	for (size_t i = 0; i < p->net_connect.count; i++) {
		const struct netrule *rule = &p->net_connect.rules[i];

		if (rule->target != NETRULE_TARGET_ANY)
			return false;
		if ((rule->protocols & (NET_PROTO_UDP | NET_PROTO_ICMP)) && rule->n_ports)
			return false;
		if ((rule->protocols & NET_PROTO_TCP) && rule->n_ports == 0)
			*tcp_every_port = true;
	}
	return true;
}

bool netpolicy_unix_needs_helper(const struct policy *p)
{
	return !(policy_is_set(p, KEY_IPC_UNIX) && strlist_contains(policy_list(p, KEY_IPC_UNIX), "/"));
}

bool netpolicy_needs_mediation(const struct policy *p)
{
	bool tcp_every_port;

	if (netpolicy_unix_needs_helper(p))
		return true;
	if (p->net_deny.count)
		return true;
	if (p->loopback == NET_LOOPBACK_OWN || p->loopback == NET_LOOPBACK_NONE)
		return true;
	if (p->loopback == NET_LOOPBACK_ANY && policy_is_set(p, KEY_NET_CONNECT))
		return true;
	return policy_is_set(p, KEY_NET_CONNECT) && !connect_rules_fit_kernel(p, &tcp_every_port);
}

bool netpolicy_connect_by_kernel(const struct policy *p, uint64_t landlock_net)
{
	bool tcp_every_port;

	if (!policy_is_set(p, KEY_NET_CONNECT) || !(landlock_net & LL_NET_CONNECT_TCP))
		return false;
	/* a rule for every TCP port leaves Landlock nothing to handle: the
	 * helper decides instead */
	return connect_rules_fit_kernel(p, &tcp_every_port) && !tcp_every_port && !netpolicy_needs_mediation(p);
}
