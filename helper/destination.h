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
	int protocol;  /* (only for a connect or a send) */
	int flags;     /* the file's status flags (F_GETFL; the same) */
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

/* Neither of these two checks that the request is still live: the caller
 * does, once (SECCOMP_IOCTL_NOTIF_ID_VALID), after everything it took from
 * the process and before deciding on any of it or acting. Until then the
 * thread id may name another task, whose fd or memory this would be. An
 * error may be answered without that check: an answer reaches only the
 * request it names, and only while it waits. */

/* Takes the process's fd (and checks it is a socket): its domain and type,
 * and when full (a connect or a send) its protocol and file flags too
 * (each a system call). 0, -ESRCH (the task is gone: answer nothing) or
 * -errno to answer. */
int socket_take(struct helper *h, const struct seccomp_notif *req, int target_fd, bool full, struct socket_info *out);

/* Copies the sockaddr at addr (len bytes) out of the process. 0 or -errno
 * to answer. */
int destination_read(const struct seccomp_notif *req, uint64_t addr, uint64_t len, struct destination *out);

/* Decides, logs a refusal, and prepares d for use. 0 (allowed) or the
 * -errno to answer with. */
int destination_decide(struct helper *h, const struct seccomp_notif *req, const struct socket_info *sock,
		       const char *op, struct destination *d);

#endif
