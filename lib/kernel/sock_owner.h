/* Who owns the socket that would take a connection to a loopback address
 * (net.loopback = own): the kernel's sock_diag netlink interface lists
 * listening TCP and bound UDP sockets with their owner's uid. */
#ifndef CORRAL_SOCK_OWNER_H
#define CORRAL_SOCK_OWNER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "netrule.h"

#define SOCK_OWNER_BUFFER 32768

/* Would a socket bound to src (family AF_INET with 4 bytes or AF_INET6
 * with 16, v6only as set) take traffic for target? Wildcards count. Pure. */
bool sock_owner_listener_matches(int family, const uint8_t *src, bool v6only, const struct net_addr *target);

/* The uid owning every socket listening on port that matches addr. 0,
 * -ENOENT (nothing listens), -EPERM (listeners of different owners: one of
 * them could get the connection) or -errno. */
int sock_owner_of_listener(enum net_proto proto, const struct net_addr *addr, uint16_t port, uid_t *owner);

#endif
