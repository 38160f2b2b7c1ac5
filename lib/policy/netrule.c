/* The net.connect / net.deny rule grammar, its canonical text, and rule
 * matching; plus net.bind port items. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netrule.h"

static const uint8_t ipv4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

void net_addr_from_ipv4(struct net_addr *out, const uint8_t ipv4[4])
{
	memcpy(out->bytes, ipv4_mapped_prefix, 12);
	memcpy(out->bytes + 12, ipv4, 4);
}

void net_addr_from_ipv6(struct net_addr *out, const uint8_t ipv6[16])
{
	memcpy(out->bytes, ipv6, 16);
}

bool net_addr_is_ipv4(const struct net_addr *addr)
{
	return memcmp(addr->bytes, ipv4_mapped_prefix, 12) == 0;
}

bool net_addr_is_loopback(const struct net_addr *addr)
{
	static const uint8_t loopback6[16] = { [15] = 1 };

	if (net_addr_is_ipv4(addr))
		return addr->bytes[12] == 127;
	return memcmp(addr->bytes, loopback6, 16) == 0;
}

int net_addr_format(const struct net_addr *addr, char *buf, size_t buflen)
{
	const char *r;

	if (net_addr_is_ipv4(addr))
		r = inet_ntop(AF_INET, addr->bytes + 12, buf, (socklen_t)buflen);
	else
		r = inet_ntop(AF_INET6, addr->bytes, buf, (socklen_t)buflen);
	return r ? 0 : -ENOSPC;
}

int net_addr_parse(const char *text, struct net_addr *out)
{
	uint8_t bytes[16];

	if (inet_pton(AF_INET, text, bytes) == 1) {
		net_addr_from_ipv4(out, bytes);
		return 0;
	}
	if (inet_pton(AF_INET6, text, bytes) == 1) {
		net_addr_from_ipv6(out, bytes);
		return 0;
	}
	return -EINVAL;
}

size_t netrule_set_resolved(struct netrule_set *set, const char *host, const struct net_addr *addrs, size_t n_addrs)
{
	size_t changed = 0;

	if (n_addrs > NETRULE_MAX_ADDRS)
		n_addrs = NETRULE_MAX_ADDRS;
	for (size_t i = 0; i < set->count; i++) {
		struct netrule *rule = &set->rules[i];

		if (rule->target != NETRULE_TARGET_HOST || strcmp(rule->host, host) != 0)
			continue;
		memcpy(rule->resolved, addrs, n_addrs * sizeof(*addrs));
		rule->n_resolved = n_addrs;
		changed++;
	}
	return changed;
}

/* Does addr fall in prefix/len? */
static bool prefix_contains(const struct net_addr *prefix, unsigned len, const struct net_addr *addr)
{
	unsigned full = len / 8, rest = len % 8;

	if (memcmp(prefix->bytes, addr->bytes, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((prefix->bytes[full] ^ addr->bytes[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

static bool host_bits_clear(const struct net_addr *addr, unsigned len)
{
	for (unsigned bit = len; bit < 128; bit++)
		if (addr->bytes[bit / 8] & (0x80 >> (bit % 8)))
			return false;
	return true;
}

static void clear_host_bits(struct net_addr *addr, unsigned len)
{
	for (unsigned bit = len; bit < 128; bit++)
		addr->bytes[bit / 8] &= (uint8_t) ~(0x80 >> (bit % 8));
}

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A decimal 1..65535 occupying [s, s+len), no sign, no leading junk. */
static int parse_port(const char *s, size_t len, uint16_t *out)
{
	unsigned long value = 0;

	if (len == 0 || len > 5)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		value = value * 10 + (unsigned long)(s[i] - '0');
	}
	if (value == 0)
		return -ERANGE;
	if (value > 65535)
		return -EINVAL;
	*out = (uint16_t)value;
	return 0;
}

static int parse_range(const char *s, size_t len, struct port_range *out, char *err, size_t errlen)
{
	char text[16];
	const char *dash = memchr(s, '-', len);

	int r1, r2;

	snprintf(text, sizeof(text), "%.*s", (int)(len < 12 ? len : 12), s);
	if (!dash) {
		r1 = parse_port(s, len, &out->low);
		if (r1 == -ERANGE)
			return fail(err, errlen, "port 0 is not a valid port");
		if (r1 < 0)
			return fail(err, errlen, "'%s' is not a port (1-65535)", text);
		out->high = out->low;
		return 0;
	}
	r1 = parse_port(s, (size_t)(dash - s), &out->low);
	r2 = parse_port(dash + 1, len - (size_t)(dash - s) - 1, &out->high);
	if (r1 == -ERANGE || r2 == -ERANGE)
		return fail(err, errlen, "port 0 is not a valid port");
	if (r1 < 0 || r2 < 0)
		return fail(err, errlen, "'%s' is not a port range (N-M, 1-65535)", text);
	if (out->low > out->high)
		return fail(err, errlen, "port range '%s' is reversed", text);
	return 0;
}

static int compare_ranges(const void *a, const void *b)
{
	const struct port_range *x = a, *y = b;

	return x->low != y->low ? (int)x->low - (int)y->low : (int)x->high - (int)y->high;
}

/* Sorts and merges overlapping or adjacent ranges, so equal sets compare equal. */
static void normalize_ranges(struct port_range *ranges, size_t *count)
{
	size_t n = 0;

	if (*count == 0)
		return;
	qsort(ranges, *count, sizeof(ranges[0]), compare_ranges);
	for (size_t i = 1; i < *count; i++) {
		if ((uint32_t)ranges[i].low <= (uint32_t)ranges[n].high + 1) {
			if (ranges[i].high > ranges[n].high)
				ranges[n].high = ranges[i].high;
		} else {
			ranges[++n] = ranges[i];
		}
	}
	*count = n + 1;
	memset(ranges + *count, 0, (NETRULE_MAX_PORT_RANGES - *count) * sizeof(ranges[0]));
}

static int parse_ports(const char *s, struct netrule *rule, char *err, size_t errlen)
{
	if (*s == '\0')
		return fail(err, errlen, "empty port list after ':'");
	if (strcmp(s, "*") == 0)
		return 0; /* every port */
	for (const char *p = s;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		int r;

		if (len == 1 && *p == '*')
			return fail(err, errlen, "'*' cannot be mixed with port numbers");
		if (rule->n_ports == NETRULE_MAX_PORT_RANGES)
			return fail(err, errlen, "more than 64 port items");
		r = parse_range(p, len, &rule->ports[rule->n_ports], err, errlen);
		if (r < 0)
			return r;
		rule->n_ports++;
		if (!comma)
			break;
		p = comma + 1;
	}
	normalize_ranges(rule->ports, &rule->n_ports);
	return 0;
}

static bool is_host_name(const char *s)
{
	size_t len = strlen(s), label = 0;
	bool last_numeric = true;
	struct in_addr shorthand;

	if (len == 0 || len > NETRULE_HOST_MAX)
		return false;
	for (size_t i = 0; i <= len; i++) {
		char c = s[i];

		if (c == '.' || c == '\0') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (label == 0) {
			if (c == '-')
				return false;
			last_numeric = true;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
		if (!(c >= '0' && c <= '9'))
			last_numeric = false;
		label++;
	}
	/* "1.2.3", "0x7f.0.0.1" or "0x7f000001": the resolver would read these
	 * as IPv4 addresses, so they are malformed addresses, not names */
	return !last_numeric && inet_aton(s, &shorthand) == 0;
}

/* Parses an address with an optional /prefix into rule. */
static int parse_cidr(char *text, struct netrule *rule, bool bracketed, char *err, size_t errlen)
{
	char *slash = strchr(text, '/');
	uint8_t bytes[16];
	bool v6;

	if (slash)
		*slash = '\0';
	v6 = strchr(text, ':') != NULL;
	if (bracketed && !v6)
		return fail(err, errlen, "brackets are only for IPv6 addresses ('%s')", text);
	if (v6 ? inet_pton(AF_INET6, text, bytes) != 1 : inet_pton(AF_INET, text, bytes) != 1)
		return fail(err, errlen, "'%s' is not a valid %s", text,
			    v6 ? "IPv6 address" : "IPv4 address or host name");
	if (v6)
		net_addr_from_ipv6(&rule->addr, bytes);
	else
		net_addr_from_ipv4(&rule->addr, bytes);
	rule->is_ipv4 = !v6;
	rule->prefix = 128;
	if (slash) {
		char *end;
		const char *digits = slash + 1;

		if (!*digits || strspn(digits, "0123456789") != strlen(digits) || strlen(digits) > 3)
			return fail(err, errlen, "bad prefix length '/%s'", digits);
		unsigned long prefix = strtoul(digits, &end, 10);

		if (prefix > (v6 ? 128UL : 32UL))
			return fail(err, errlen, "prefix /%s is too long for %s", digits, v6 ? "IPv6" : "IPv4");
		rule->prefix = (unsigned)prefix + (v6 ? 0 : 96);
		if (!host_bits_clear(&rule->addr, rule->prefix)) {
			char suggestion[INET6_ADDRSTRLEN + 8];
			struct net_addr network = rule->addr;

			clear_host_bits(&network, rule->prefix);
			inet_ntop(v6 ? AF_INET6 : AF_INET, v6 ? network.bytes : network.bytes + 12, suggestion,
				  sizeof(suggestion));
			snprintf(suggestion + strlen(suggestion), sizeof(suggestion) - strlen(suggestion), "/%s",
				 digits);
			return fail(err, errlen, "host bits set below the prefix /%s (did you mean %s?)", digits,
				    suggestion);
		}
	}
	rule->target = NETRULE_TARGET_CIDR;
	return 0;
}

int netrule_parse(const char *text, enum netrule_list_kind kind, struct netrule *out, char *err, size_t errlen)
{
	char buf[NETRULE_TEXT_MAX + 1], *target, *ports = NULL;
	const char *sep;
	int r;

	memset(out, 0, sizeof(*out));
	if (!text || !*text)
		return fail(err, errlen, "empty rule");
	if (strlen(text) > NETRULE_TEXT_MAX)
		return fail(err, errlen, "rule is longer than %d characters", NETRULE_TEXT_MAX);
	snprintf(buf, sizeof(buf), "%s", text);
	target = buf;
	sep = strstr(buf, "://");
	out->protocols = kind == NETRULE_DENY ? NET_PROTO_ALL : NET_PROTO_TCP;
	if (sep) {
		size_t len = (size_t)(sep - buf);

		if (len == 3 && strncmp(buf, "tcp", 3) == 0)
			out->protocols = NET_PROTO_TCP;
		else if (len == 3 && strncmp(buf, "udp", 3) == 0)
			out->protocols = NET_PROTO_UDP;
		else if (len == 4 && strncmp(buf, "icmp", 4) == 0)
			out->protocols = NET_PROTO_ICMP;
		else {
			buf[len] = '\0';
			return fail(err, errlen, "unknown scheme '%s' (tcp, udp or icmp)", buf);
		}
		target = buf + len + 3;
	}
	if (*target == '\0')
		return fail(err, errlen, "empty rule: no target after the scheme");

	if (*target == '[') {
		char *close = strchr(target, ']');

		if (!close)
			return fail(err, errlen, "missing ']' in '%s'", text);
		*close = '\0';
		if (close[1] == ':')
			ports = close + 2;
		else if (close[1] != '\0')
			return fail(err, errlen, "unexpected text after ']' in '%s'", text);
		r = parse_cidr(target + 1, out, true, err, errlen);
		if (r < 0)
			return r;
	} else {
		char *first = strchr(target, ':'), *last = strrchr(target, ':');
		bool no_target = first == target && first == last; /* ":443" */

		/* several colons and no brackets: a bare IPv6 target, no ports */
		if (first && first == last) {
			*first = '\0';
			ports = first + 1;
		}
		if (no_target || strcmp(target, "*") == 0) {
			out->target = NETRULE_TARGET_ANY;
		} else if (strspn(target, "0123456789.:/abcdefABCDEF") == strlen(target) &&
			   (strchr(target, ':') || strspn(target, "0123456789./") == strlen(target))) {
			r = parse_cidr(target, out, false, err, errlen);
			if (r < 0)
				return r;
		} else if (strchr(target, '/')) {
			return fail(err, errlen, "'%s' is not a valid address/prefix", target);
		} else if (is_host_name(target)) {
			if (kind == NETRULE_DENY)
				return fail(err, errlen, "host names are not allowed in net.deny, only IP/CIDR ('%s')",
					    target);
			out->target = NETRULE_TARGET_HOST;
			for (size_t i = 0; target[i]; i++)
				out->host[i] = (char)(target[i] >= 'A' && target[i] <= 'Z' ? target[i] + 32
											   : target[i]);
		} else {
			return fail(err, errlen, "'%s' is not a valid host name or address", target);
		}
	}
	if (ports) {
		if (out->protocols == NET_PROTO_ICMP)
			return fail(err, errlen, "icmp rules take no port ('%s')", text);
		r = parse_ports(ports, out, err, errlen);
		if (r < 0)
			return r;
	}
	return 0;
}

static int append(char *buf, size_t buflen, size_t *len, const char *text)
{
	size_t n = strlen(text);

	if (n >= buflen - *len)
		return -ENOSPC;
	memcpy(buf + *len, text, n + 1);
	*len += n;
	return 0;
}

int netrule_format(const struct netrule *rule, char *buf, size_t buflen)
{
	char addr[INET6_ADDRSTRLEN], number[16];
	size_t len = 0;
	bool bracket = false;
	int r = 0;

	if (buflen == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if (rule->protocols == NET_PROTO_TCP)
		r = append(buf, buflen, &len, "tcp://");
	else if (rule->protocols == NET_PROTO_UDP)
		r = append(buf, buflen, &len, "udp://");
	else if (rule->protocols == NET_PROTO_ICMP)
		r = append(buf, buflen, &len, "icmp://");
	else if (rule->protocols != NET_PROTO_ALL)
		return -EINVAL; /* not a set the grammar can write */
	if (r < 0)
		return r;
	switch (rule->target) {
	case NETRULE_TARGET_ANY:
		r = append(buf, buflen, &len, rule->n_ports ? "" : "*");
		break;
	case NETRULE_TARGET_HOST:
		r = append(buf, buflen, &len, rule->host);
		break;
	case NETRULE_TARGET_CIDR:
		if (rule->is_ipv4)
			inet_ntop(AF_INET, rule->addr.bytes + 12, addr, sizeof(addr));
		else
			inet_ntop(AF_INET6, rule->addr.bytes, addr, sizeof(addr));
		bracket = !rule->is_ipv4 && rule->n_ports;
		if (bracket)
			r = append(buf, buflen, &len, "[");
		if (r == 0)
			r = append(buf, buflen, &len, addr);
		if (r == 0 && rule->prefix != 128) {
			snprintf(number, sizeof(number), "/%u", rule->prefix - (rule->is_ipv4 ? 96 : 0));
			r = append(buf, buflen, &len, number);
		}
		if (r == 0 && bracket)
			r = append(buf, buflen, &len, "]");
		break;
	}
	for (size_t i = 0; i < rule->n_ports && r == 0; i++) {
		if (rule->ports[i].high != rule->ports[i].low)
			snprintf(number, sizeof(number), "%c%u-%u", i ? ',' : ':', rule->ports[i].low,
				 rule->ports[i].high);
		else
			snprintf(number, sizeof(number), "%c%u", i ? ',' : ':', rule->ports[i].low);
		r = append(buf, buflen, &len, number);
	}
	return r;
}

bool netrule_matches(const struct netrule *rule, enum net_proto proto, const struct net_addr *addr, uint16_t port)
{
	bool port_ok = rule->n_ports == 0;

	if (!(rule->protocols & proto))
		return false;
	switch (rule->target) {
	case NETRULE_TARGET_ANY:
		break;
	case NETRULE_TARGET_CIDR:
		if (!prefix_contains(&rule->addr, rule->prefix, addr))
			return false;
		break;
	case NETRULE_TARGET_HOST: {
		bool found = false;

		for (size_t i = 0; i < rule->n_resolved && i < NETRULE_MAX_ADDRS && !found; i++)
			found = memcmp(rule->resolved[i].bytes, addr->bytes, 16) == 0;
		if (!found)
			return false;
		break;
	}
	default:
		return false;
	}
	for (size_t i = 0; i < rule->n_ports && !port_ok; i++)
		port_ok = port >= rule->ports[i].low && port <= rule->ports[i].high;
	return port_ok;
}

long netrule_set_find(const struct netrule_set *set, enum net_proto proto, const struct net_addr *addr, uint16_t port)
{
	for (size_t i = 0; set && i < set->count; i++)
		if (netrule_matches(&set->rules[i], proto, addr, port))
			return (long)i;
	return -1;
}

void netrule_set_free(struct netrule_set *set)
{
	free(set->rules);
	set->rules = NULL;
	set->count = 0;
}

int netrule_set_append(struct netrule_set *set, const struct netrule *rule)
{
	struct netrule *rules = realloc(set->rules, (set->count + 1) * sizeof(*rules));

	if (!rules)
		return -ENOMEM;
	set->rules = rules;
	set->rules[set->count++] = *rule;
	return 0;
}

int port_item_parse(const char *text, struct port_range *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!text || strlen(text) > 11)
		return fail(err, errlen, "'%s' is not a port or port range", text ? text : "");
	return parse_range(text, strlen(text), out, err, errlen);
}

int port_range_format(const struct port_range *range, char *buf, size_t buflen)
{
	int n = range->low == range->high ? snprintf(buf, buflen, "%u", range->low)
					  : snprintf(buf, buflen, "%u-%u", range->low, range->high);

	return n < 0 || (size_t)n >= buflen ? -ENOSPC : 0;
}

bool port_set_contains(const struct port_set *set, uint16_t port)
{
	for (size_t i = 0; set && i < set->count; i++)
		if (port >= set->ranges[i].low && port <= set->ranges[i].high)
			return true;
	return false;
}

size_t port_set_size(const struct port_set *set)
{
	size_t n = 0;

	for (size_t i = 0; i < set->count; i++)
		n += (size_t)set->ranges[i].high - set->ranges[i].low + 1;
	return n;
}

int port_set_append(struct port_set *set, const struct port_range *range)
{
	struct port_range *ranges = realloc(set->ranges, (set->count + 1) * sizeof(*ranges));

	if (!ranges)
		return -ENOMEM;
	set->ranges = ranges;
	set->ranges[set->count++] = *range;
	return 0;
}

void port_set_free(struct port_set *set)
{
	free(set->ranges);
	set->ranges = NULL;
	set->count = 0;
}
