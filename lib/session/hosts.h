/* Host names of net.connect: resolved once when the session starts (only
 * those addresses are allowed), and the synthetic /etc/hosts that pins
 * them for net.pin_hosts. */
#ifndef CORRAL_HOSTS_H
#define CORRAL_HOSTS_H

#include <stddef.h>

#include "policy.h"

#define HOSTS_FILE_MAX ((size_t)64 * 1024)

/* Resolves every host rule of net.connect that has no addresses yet
 * (getaddrinfo, so /etc/hosts and DNS count). A name that does not resolve
 * keeps no address and so allows nothing. Returns how many names failed
 * (their names in failed, space-separated, truncated to failedlen). */
size_t hosts_resolve(struct policy *policy, char *failed, size_t failedlen);

/* The text of the session's /etc/hosts: loopback names, then one line per
 * pinned address. Pure. 0, -ENOSPC or -EINVAL. */
int hosts_file_text(const struct policy *policy, char *buf, size_t buflen);

#endif
