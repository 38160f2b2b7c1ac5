/* The helper's decisions about one destination, from the compiled policy:
 * IP destinations (net.deny, net.loopback, net.connect) and pathname unix
 * sockets (fs.deny, fs.write, ipc.unix). Pure; unit-tested without a kernel. */
#ifndef CORRAL_NETPOLICY_H
#define CORRAL_NETPOLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#define NETPOLICY_RULE_MAX (NETRULE_TEXT_MAX + 32)

enum netpolicy_verdict {
	NETPOLICY_ALLOW,
	NETPOLICY_REFUSE,
	NETPOLICY_IF_OWN_LISTENER,  /* net.loopback = own: allowed when the listener is the user's */
};

struct netpolicy_result {
	enum netpolicy_verdict verdict;
	char rule[NETPOLICY_RULE_MAX];   /* "net.deny 10.0.0.0/8", "net.connect (no rule matches)" */
};

/* Egress to addr:port over proto. Order: net.deny, then net.loopback for
 * loopback destinations (none / any / own), then net.connect when set. */
void netpolicy_decide(const struct policy *policy, enum net_proto proto, const struct net_addr *addr,
		      uint16_t port, struct netpolicy_result *out);

/* Unix sockets every session may reach when ipc.unix is not set: name
 * services, syslog and the journal. Never the session or system bus,
 * docker, or anything else that runs code for its caller. */
extern const char *const netpolicy_default_unix[];

/* May the session connect to the unix socket at real_path (symlinks
 * resolved)? rule gets the key that decided. */
bool netpolicy_unix_allowed(const struct policy *policy, const char *real_path, char *rule, size_t rulelen);

/* Does the policy need the helper to see connect/send at all? False only
 * when nothing would be decided there: ipc.unix covers every path ("/"),
 * abstract sockets are allowed, and net.* can be enforced by Landlock and
 * the socket filter alone. */
bool netpolicy_needs_mediation(const struct policy *policy);

#endif
