/* Socket addresses copied out of a trapped process: checked the way the
 * kernel would check them, and sorted into what the policy decides on.
 * The bytes are hostile; nothing here trusts a length. Pure functions. */
#ifndef CORRAL_SOCKADDR_H
#define CORRAL_SOCKADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netrule.h"

#define SOCKADDR_MAX 128 /* sizeof(struct sockaddr_storage): the kernel refuses more */
#define SOCKADDR_UNIX_PATH_MAX 108

enum sockaddr_kind {
	SOCKADDR_INET,           /* AF_INET or AF_INET6: addr and port */
	SOCKADDR_UNIX_PATH,      /* AF_UNIX with a path name */
	SOCKADDR_UNIX_ABSTRACT,  /* AF_UNIX in the abstract namespace */
	SOCKADDR_UNIX_UNNAMED,   /* AF_UNIX with no name at all */
	SOCKADDR_UNSPEC,         /* AF_UNSPEC: "disconnect" */
	SOCKADDR_NETLINK_KERNEL, /* AF_NETLINK to the kernel (nl_pid 0) */
	SOCKADDR_OTHER,          /* any other family, or netlink to a process */
};

struct sockaddr_info {
	enum sockaddr_kind kind;
	int family;
	struct net_addr addr;                  /* SOCKADDR_INET, IPv4 as mapped */
	uint16_t port;                         /* host order */
	char path[SOCKADDR_UNIX_PATH_MAX + 1]; /* SOCKADDR_UNIX_PATH, as the kernel reads it */
	size_t abstract_len;                   /* SOCKADDR_UNIX_ABSTRACT: bytes after the NUL */
};

/* 0, or -EINVAL when the kernel would refuse it (too short for its
 * family, longer than SOCKADDR_MAX, empty). */
int sockaddr_parse(const void *buf, size_t len, struct sockaddr_info *out);

#endif
