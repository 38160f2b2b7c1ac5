/* Network rules of net.connect / net.deny and TCP port sets of net.bind:
 * the SPEC grammar, canonical text form, and rule matching (the decisions
 * built on it are netpolicy.h's). */
#ifndef CORRAL_NETRULE_H
#define CORRAL_NETRULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETRULE_HOST_MAX 253       /* longest DNS name */
#define NETRULE_MAX_PORT_RANGES 64 /* comma items in one rule's PORTS */
#define NETRULE_MAX_ADDRS 32       /* resolved addresses kept per host name */
#define NETRULE_TEXT_MAX 512       /* longest canonical rule text */

/* Protocol bits; a rule matches a set of them. */
enum net_proto {
	NET_PROTO_TCP = 1u << 0,
	NET_PROTO_UDP = 1u << 1,
	NET_PROTO_ICMP = 1u << 2,
};
#define NET_PROTO_ALL (NET_PROTO_TCP | NET_PROTO_UDP | NET_PROTO_ICMP)

/* Which list a rule is parsed for. A rule without a scheme means TCP in
 * net.connect (allow narrowly) and every protocol in net.deny (deny widely);
 * host names are refused in net.deny. */
enum netrule_list_kind {
	NETRULE_CONNECT,
	NETRULE_DENY,
};

enum netrule_target {
	NETRULE_TARGET_ANY,  /* "*" or no target (":443") */
	NETRULE_TARGET_CIDR, /* an IP is a CIDR with a full prefix */
	NETRULE_TARGET_HOST, /* resolved at session start */
};

struct port_range {
	uint16_t low; /* 1 .. 65535, low <= high */
	uint16_t high;
};

/* Every address is kept as 16 bytes: IPv4 as IPv4-mapped IPv6
 * (::ffff:a.b.c.d) with prefix 96 + n, so a mapped destination matches an
 * IPv4 rule and nothing else. */
struct net_addr {
	uint8_t bytes[16];
};

struct netrule {
	unsigned protocols; /* enum net_proto bits */
	enum netrule_target target;
	struct net_addr addr;            /* NETRULE_TARGET_CIDR */
	unsigned prefix;                 /* 0 .. 128, in the 16-byte space */
	bool is_ipv4;                    /* written as IPv4: print it that way */
	char host[NETRULE_HOST_MAX + 1]; /* NETRULE_TARGET_HOST, lowercase */
	size_t n_resolved;               /* addresses the host name resolved to */
	struct net_addr resolved[NETRULE_MAX_ADDRS];
	size_t n_ports; /* 0 = every port */
	struct port_range ports[NETRULE_MAX_PORT_RANGES];
};

struct netrule_set {
	struct netrule *rules;
	size_t count;
};

/* Parses one rule:
 *   [tcp://|udp://|icmp://]TARGET[:PORTS]  |  [scheme://]:PORTS
 * TARGET: host name, IPv4, IPv4/n, IPv6, IPv6/n, "[IPv6]" or "[IPv6/n]"
 * (brackets required when PORTS follows an IPv6 target), or "*".
 * PORTS: "*" or a comma list of N or N-M (1..65535).
 * Errors (-EINVAL, reason in err): empty rule, unknown scheme, empty target,
 * port 0 or > 65535, "*" mixed with ports, icmp with a port, bad prefix
 * (> 32 for IPv4, > 128 for IPv6), host bits set below the prefix, bad host
 * name, host name in a deny list, junk. */
int netrule_parse(const char *text, enum netrule_list_kind kind, struct netrule *out, char *err, size_t errlen);

/* Canonical text of a rule (scheme always written, lowercase, ports sorted
 * and merged). netrule_parse(netrule_format(r)) == r. 0 or -ENOSPC. */
int netrule_format(const struct netrule *rule, char *buf, size_t buflen);

/* Builds a net_addr from an IPv4 (4 bytes) or IPv6 (16 bytes) address. */
void net_addr_from_ipv4(struct net_addr *out, const uint8_t ipv4[4]);
void net_addr_from_ipv6(struct net_addr *out, const uint8_t ipv6[16]);
bool net_addr_is_loopback(const struct net_addr *addr);
/* Is it an IPv4 address (kept IPv4-mapped)? */
bool net_addr_is_ipv4(const struct net_addr *addr);
/* Text of an address: dotted IPv4 for mapped addresses, else IPv6.
 * 0 or -ENOSPC. */
#define NET_ADDR_TEXT_MAX 46
int net_addr_format(const struct net_addr *addr, char *buf, size_t buflen);
/* One literal IPv4 or IPv6 address (no prefix, no brackets). 0 or -EINVAL. */
int net_addr_parse(const char *text, struct net_addr *out);
/* Sets the resolved addresses of every host rule naming host (at most
 * NETRULE_MAX_ADDRS are kept). Returns how many rules it changed. */
size_t netrule_set_resolved(struct netrule_set *set, const char *host, const struct net_addr *addrs, size_t n_addrs);

/* Does this rule match protocol / address / port (port 0 = none, e.g. ICMP)? */
bool netrule_matches(const struct netrule *rule, enum net_proto proto, const struct net_addr *addr, uint16_t port);

/* Index of the first matching rule, or -1. */
long netrule_set_find(const struct netrule_set *set, enum net_proto proto, const struct net_addr *addr, uint16_t port);

void netrule_set_free(struct netrule_set *set);
/* Appends a copy of rule; 0 or -ENOMEM. */
int netrule_set_append(struct netrule_set *set, const struct netrule *rule);

/* TCP port sets (net.bind): one item is "N" or "N-M". */
struct port_set {
	struct port_range *ranges;
	size_t count;
};
int port_item_parse(const char *text, struct port_range *out, char *err, size_t errlen);
int port_range_format(const struct port_range *range, char *buf, size_t buflen);
bool port_set_contains(const struct port_set *set, uint16_t port);
/* How many ports the set holds (overlaps counted twice). */
size_t port_set_size(const struct port_set *set);
int port_set_append(struct port_set *set, const struct port_range *range);
void port_set_free(struct port_set *set);

#endif
