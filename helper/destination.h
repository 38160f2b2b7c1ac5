/* Where a trapped connect or send wants to go, and whether the policy lets
 * it: the sockaddr copied out of the process, sorted, decided, and made
 * ready for the call done on the process's behalf. */
#ifndef CORRAL_HELPER_DESTINATION_H
#define CORRAL_HELPER_DESTINATION_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "helper.h"
#include "sockaddr.h"

#define DESTINATION_TEXT_MAX 160

/* The socket the process named, as the helper holds it. */
struct socket_info {
	int fd; /* duplicate taken with pidfd_getfd */
	int domain;
	int type;
	int protocol;
	bool blocking; /* O_NONBLOCK clear */
};

struct destination {
	struct sockaddr_info info;
	unsigned char raw[SOCKADDR_MAX]; /* what the process passed */
	socklen_t raw_len;
	struct sockaddr_un via; /* pathname sockets: /proc/self/fd/N of the checked inode */
	socklen_t via_len;
	int path_fd;                     /* O_PATH of the socket file, or -1 */
	char text[DESTINATION_TEXT_MAX]; /* for the log */
};

/* The address the helper's call uses: exactly what was checked. */
const struct sockaddr *destination_address(const struct destination *d, socklen_t *len);
void destination_release(struct destination *d);

/* Takes the process's fd (and checks it is a socket). 0 or -errno to answer. */
int socket_take(struct helper *h, const struct seccomp_notif *req, int target_fd, struct socket_info *out);

/* Copies the sockaddr at addr (len bytes) out of the process. -ESRCH when
 * the request went away meanwhile (drop it, answer nothing). */
int destination_read(struct helper *h, const struct seccomp_notif *req, uint64_t addr, uint64_t len,
		     struct destination *out);

/* Decides, logs a refusal, and prepares d for use. 0 (allowed) or the
 * -errno to answer with. */
int destination_decide(struct helper *h, const struct seccomp_notif *req, const struct socket_info *sock,
		       const char *op, struct destination *d);

#endif
