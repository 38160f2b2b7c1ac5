/* The shell-to-helper hand-off: the policy memfd and the child's hello (see handoff.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "handoff.h"
#include "policy_text.h"
#include "util.h"

int handoff_policy_memfd(const struct policy *policy)
{
	char *text = NULL;
	size_t len = 0;
	int fd, r;

	r = policy_text_write(policy, &text, &len);
	if (r < 0)
		return r;
	fd = memfd_create("corral-policy", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	r = write_all(fd, text, len);
	if (r < 0)
		goto out;
	if (fcntl(fd, F_ADD_SEALS, HANDOFF_SEALS_REQUIRED) < 0)
		r = -errno;
out:
	free(text);
	if (r < 0 && fd >= 0)
		close(fd);
	return r < 0 ? r : fd;
}

int handoff_policy_read(int fd, struct policy *out, char *err, size_t errlen)
{
	struct stat st;
	char *text;
	int seals, r;

	policy_init(out);
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || (seals & HANDOFF_SEALS_REQUIRED) != HANDOFF_SEALS_REQUIRED)
		return set_err(err, errlen, -EPERM, "the policy memfd is not sealed");
	if (fstat(fd, &st) < 0 || st.st_size <= 0 || (size_t)st.st_size > RECORD_SIZE_MAX)
		return set_err(err, errlen, -EINVAL, "the policy memfd has no usable size");
	text = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (text == MAP_FAILED)
		return set_err(err, errlen, -errno, "cannot map the policy memfd: %s", strerror(errno));
	r = policy_text_read(text, (size_t)st.st_size, out, err, errlen);
	munmap(text, (size_t)st.st_size);
	return r;
}

void handoff_signal_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGQUIT);
}

int handoff_hello_receive(int sock, pid_t child, struct handoff_hello *hello, int *listener, char *err, size_t errlen)
{
	union {
		char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} control;
	char data[HANDOFF_REASON_MAX] = "";
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) - 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof(control.buf)
	};
	struct ucred peer = { .pid = 0 };
	ssize_t n;

	*listener = -1;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); n > 0 && c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(listener, CMSG_DATA(c), sizeof(int));
		/* SO_PASSCRED: the kernel says who sent it (SO_PEERCRED of a
		 * socketpair would name its creator, us) */
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len == CMSG_LEN(sizeof(struct ucred)))
			memcpy(&peer, CMSG_DATA(c), sizeof(peer));
	}
	if (n <= 0)
		return set_err(err, errlen, -EPIPE, "the session process died while confining itself");
	if ((size_t)n == sizeof(*hello))
		memcpy(hello, data, sizeof(*hello));
	if ((size_t)n != sizeof(*hello) || hello->magic != HANDOFF_MAGIC) {
		/* not a hello: the child's one-line reason for failing */
		data[n] = '\0';
		snprintf(err, errlen, "%s", data);
		return -EPERM;
	}
	/* only our child can be on the other end, but make sure */
	if (peer.pid != child || peer.uid != getuid() || (hello->has_listener != 0) != (*listener >= 0) ||
	    (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
		return set_err(err, errlen, -EPROTO, "unexpected hand-off from the session process");
	return 0;
}
