/* Every network decision, from the compiled policy alone: IP destinations
 * (net.deny, net.loopback, net.connect), net.bind, pathname unix sockets
 * (fs.deny, fs.write, ipc.unix), which sockets may exist, and what the
 * kernel can enforce without corral-helper. Pure; unit-tested without a
 * kernel: the helper reads what the process asks, asks here, and acts. */
#ifndef CORRAL_NETPOLICY_H
#define CORRAL_NETPOLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy.h"

#define NETPOLICY_RULE_MAX (NETRULE_TEXT_MAX + 64) /* a key, a rule, "(a local address)" */

enum netpolicy_verdict {
	NETPOLICY_ALLOW,
	NETPOLICY_REFUSE,
	NETPOLICY_IF_OWN_LISTENER, /* net.loopback = own: allowed when the listener is the user's */
};

struct netpolicy_result {
	enum netpolicy_verdict verdict;
	char rule[NETPOLICY_RULE_MAX]; /* "net.deny 10.0.0.0/8", "net.connect (no rule matches)" */
};

/* The protocol of a socket as the rules name it, from its SO_TYPE and
 * SO_PROTOCOL; 0 for one no rule can name (raw, SCTP, MPTCP, ...). */
enum net_proto netpolicy_socket_proto(int type, int protocol);

/* May the session make sockets of proto at all (the socket() filter)?
 * TCP always (decided at connect); UDP unless net.connect is set without a
 * UDP rule; ICMP (ping sockets) only when a net.connect rule names it. */
bool netpolicy_socket_allowed(const struct policy *policy, enum net_proto proto);

/* Egress to addr:port over proto. Order: net.deny, then net.loopback for
 * loopback destinations (none / any / own), then net.connect when set. */
void netpolicy_decide(const struct policy *policy, enum net_proto proto, const struct net_addr *addr, uint16_t port,
		      struct netpolicy_result *out);

/* Would it change the decision if addr were one of this host's own
 * addresses? Those reach the host's listeners just as loopback does, so
 * net.loopback decides them too (after net.deny, which names them). Only
 * then need the caller ask the kernel whether it is one. */
bool netpolicy_local_matters(const struct policy *policy, enum net_proto proto, const struct net_addr *addr,
			     uint16_t port);

/* netpolicy_decide for addr that is one of this host's own addresses:
 * where that matters it is decided as the loopback address of its family,
 * and a refusal's rule ends in " (a local address)". */
void netpolicy_decide_local(const struct policy *policy, enum net_proto proto, const struct net_addr *addr,
			    uint16_t port, struct netpolicy_result *out);

/* The end of NETPOLICY_IF_OWN_LISTENER: lookup is the result of finding
 * the listener that would take the connection (0, with its owner's uid;
 * -ENOENT: nothing listens; another -errno: unknown, refused). */
void netpolicy_decide_listener(const struct policy *policy, int lookup, uid_t owner, struct netpolicy_result *out);

/* bind() or listen() of a TCP socket on port (0: an unbound socket, whose
 * port the kernel would pick at random). net.bind, when set, allows its
 * ports only. */
void netpolicy_decide_bind(const struct policy *policy, uint16_t port, struct netpolicy_result *out);

/* Unix sockets every session may reach when ipc.unix is not set: name
 * services, syslog and the journal. Never the session or system bus,
 * docker, or anything else that runs code for its caller. */
extern const char *const netpolicy_default_unix[];

/* May the session connect to the unix socket at real_path (symlinks
 * resolved)? rule gets the key that decided. */
bool netpolicy_unix_allowed(const struct policy *policy, const char *real_path, char *rule, size_t rulelen);

/* May the session connect or send to an abstract unix socket (the
 * session's own too: nothing tells them apart)? rule gets the key. */
bool netpolicy_abstract_unix_allowed(const struct policy *policy, char *rule, size_t rulelen);

/* Must the helper see connects to pathname unix sockets? Unless ipc.unix
 * lists "/" (fs.deny of a socket is then the mount view's). */
bool netpolicy_unix_needs_helper(const struct policy *policy);

/* Does the policy need the helper to see connect/send at all? False only
 * when nothing would be decided there: ipc.unix covers every path ("/"),
 * and net.* can be enforced by Landlock and the socket filter alone (on a
 * kernel with TCP port rules). Abstract sockets are not asked about: the
 * helper sees them only where Landlock has no scope for them. */
bool netpolicy_needs_mediation(const struct policy *policy);

/* Does the kernel alone enforce net.connect on a kernel whose Landlock has
 * the network rights landlock_net (LL_NET_* bits), corral-helper seeing
 * no connect or send? Only when Landlock has TCP connect rules, the rules
 * name TCP ports for any host and UDP / ICMP as a whole (the socket()
 * filter), and nothing else makes the helper see connect(): it then
 * connects on the session's behalf, where Landlock does not look, and
 * decides net.connect itself. False when net.connect is not set. The one
 * answer the layer table, and through it the sandbox plan, use. */
bool netpolicy_connect_by_kernel(const struct policy *policy, uint64_t landlock_net);

#endif
