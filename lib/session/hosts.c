/* Host-name resolution for net.connect and the pinned hosts file. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "hosts.h"

static size_t add_address(struct net_addr *addrs, size_t n, const struct net_addr *addr)
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(addrs[i].bytes, addr->bytes, sizeof(addr->bytes)) == 0)
			return n;
	if (n < NETRULE_MAX_ADDRS)
		addrs[n++] = *addr;
	return n;
}

static size_t lookup(const char *host, struct net_addr *addrs)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res = NULL;
	size_t n = 0;

	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return 0;
	for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		struct net_addr addr;

		if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof(struct sockaddr_in))
			net_addr_from_ipv4(&addr,
					   (const uint8_t *)&((const struct sockaddr_in *)ai->ai_addr)->sin_addr);
		else if (ai->ai_family == AF_INET6 && ai->ai_addrlen >= sizeof(struct sockaddr_in6))
			net_addr_from_ipv6(&addr, ((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr.s6_addr);
		else
			continue;
		n = add_address(addrs, n, &addr);
	}
	freeaddrinfo(res);
	return n;
}

size_t hosts_resolve(struct policy *policy, char *failed, size_t failedlen)
{
	struct netrule_set *set = &policy->net_connect;
	size_t n_failed = 0;

	if (failedlen)
		failed[0] = '\0';
	for (size_t i = 0; i < set->count; i++) {
		struct net_addr addrs[NETRULE_MAX_ADDRS];
		struct netrule *rule = &set->rules[i];
		size_t n;

		if (rule->target != NETRULE_TARGET_HOST || rule->n_resolved)
			continue;
		n = lookup(rule->host, addrs);
		if (n == 0) {
			size_t used = failedlen ? strlen(failed) : 0; /* failed may be NULL then */

			n_failed++;
			if (failedlen > used + 1)
				snprintf(failed + used, failedlen - used, "%s%s", used ? " " : "", rule->host);
			continue;
		}
		netrule_set_resolved(set, rule->host, addrs, n);
	}
	return n_failed;
}

int hosts_file_text(const struct policy *policy, char *buf, size_t buflen)
{
	const struct netrule_set *set = &policy->net_connect;
	size_t len;
	int n;

	n = snprintf(buf, buflen,
		     "# pinned by corral for this session (net.pin_hosts); read-only\n"
		     "127.0.0.1\tlocalhost\n"
		     "::1\tlocalhost ip6-localhost ip6-loopback\n");
	if (n < 0 || (size_t)n >= buflen)
		return -ENOSPC;
	len = (size_t)n;
	for (size_t i = 0; i < set->count; i++) {
		const struct netrule *rule = &set->rules[i];
		bool seen = false;

		if (rule->target != NETRULE_TARGET_HOST)
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = set->rules[j].target == NETRULE_TARGET_HOST &&
				strcmp(set->rules[j].host, rule->host) == 0;
		for (size_t a = 0; a < rule->n_resolved && !seen; a++) {
			char text[NET_ADDR_TEXT_MAX];

			if (net_addr_format(&rule->resolved[a], text, sizeof(text)) < 0)
				return -EINVAL;
			n = snprintf(buf + len, buflen - len, "%s\t%s\n", text, rule->host);
			if (n < 0 || (size_t)n >= buflen - len)
				return -ENOSPC;
			len += (size_t)n;
		}
	}
	return 0;
}
