/* Destination decisions for corral-helper (see netpolicy.h). */
#include <stdio.h>
#include <string.h>

#include "netpolicy.h"
#include "pathutil.h"

const char *const netpolicy_default_unix[] = {
	"/run/nscd/socket",              /* nscd */
	"/var/lib/sss/pipes",            /* sssd */
	"/run/systemd/userdb",           /* nss-systemd */
	"/dev/log",                      /* syslog */
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
			 p->loopback == NET_LOOPBACK_NONE ? "none" : p->loopback == NET_LOOPBACK_OWN ? "own" : "any");
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

/* Can Landlock (TCP ports) and the socket() filter (UDP/ICMP all or
 * nothing) enforce net.connect alone? */
static bool connect_rules_kernel_only(const struct policy *p)
{
	for (size_t i = 0; i < p->net_connect.count; i++) {
		const struct netrule *rule = &p->net_connect.rules[i];

		if (rule->target != NETRULE_TARGET_ANY)
			return false;
		if ((rule->protocols & (NET_PROTO_UDP | NET_PROTO_ICMP)) && rule->n_ports)
			return false;
	}
	return true;
}

bool netpolicy_needs_mediation(const struct policy *p)
{
	if (!(policy_is_set(p, KEY_IPC_UNIX) && strlist_contains(policy_list(p, KEY_IPC_UNIX), "/")))
		return true;
	if (p->net_deny.count)
		return true;
	if (p->loopback == NET_LOOPBACK_OWN || p->loopback == NET_LOOPBACK_NONE)
		return true;
	if (p->loopback == NET_LOOPBACK_ANY && policy_is_set(p, KEY_NET_CONNECT))
		return true;
	return policy_is_set(p, KEY_NET_CONNECT) && !connect_rules_kernel_only(p);
}
