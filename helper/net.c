/* connect, sendto, sendmsg and sendmmsg done on the trapped process's
 * behalf, on its own socket (taken with pidfd_getfd), with the address the
 * helper checked: never answered with CONTINUE, which would let the kernel
 * read again memory the process can change after the check. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "destination.h"
#include "helper.h"
#include "netpolicy.h"

#ifndef PIDFD_SIGNAL_THREAD
#define PIDFD_SIGNAL_THREAD (1UL << 0)
#endif

/* struct msghdr / mmsghdr as a 64-bit process lays them out */
struct user_msghdr {
	uint64_t name;
	uint32_t namelen;
	uint32_t pad0; // cppcheck-suppress unusedStructMember
	uint64_t iov;
	uint64_t iovlen;
	uint64_t control;
	uint64_t controllen;
	int32_t flags; // cppcheck-suppress unusedStructMember
	uint32_t pad1; // cppcheck-suppress unusedStructMember
};

struct user_mmsghdr {
	struct user_msghdr hdr;
	uint32_t len;
	uint32_t pad;
};

struct user_iovec {
	uint64_t base;
	uint64_t len;
};

/* One message copied out of the process, ready to send. */
struct outgoing {
	struct destination dest;
	bool has_dest;
	size_t len;     /* bytes in h->send_buffer */
	bool truncated; /* a stream send of more than HELPER_SEND_MAX */
	unsigned char control[HELPER_CONTROL_MAX];
	size_t control_len;
	int fds[HELPER_FDS_MAX]; /* our copies of SCM_RIGHTS fds */
	size_t n_fds;
};

static void outgoing_init(struct outgoing *m)
{
	memset(m, 0, sizeof(*m));
	m->dest.path_fd = -1;
}

static void outgoing_release(struct outgoing *m)
{
	for (size_t i = 0; i < m->n_fds; i++)
		close(m->fds[i]);
	m->n_fds = 0;
	if (m->has_dest)
		destination_release(&m->dest);
	m->has_dest = false;
}

/* The kernel would send SIGPIPE to the caller; our send used MSG_NOSIGNAL. */
static void deliver_sigpipe(struct helper *h, const struct seccomp_notif *req)
{
	int pidfd = task_pidfd(&h->tasks, (pid_t)req->pid);

	if (pidfd >= 0)
		syscall(SYS_pidfd_send_signal, pidfd, SIGPIPE, NULL, PIDFD_SIGNAL_THREAD);
}

/* SO_SNDTIMEO of the socket in ms (it bounds a blocking connect or send),
 * 0 for none. */
static int send_timeout_ms(int fd)
{
	struct timeval tv = { 0 };
	socklen_t len = sizeof(tv);
	int64_t ms;

	if (getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, &len) < 0 || tv.tv_sec < 0 ||
	    (tv.tv_sec == 0 && tv.tv_usec <= 0))
		return 0;
	ms = (int64_t)tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* Has the connect started without blocking finished? A connection to this
 * host usually has by the time connect() returns (the loopback handshake
 * completes before it does): then it is answered at once, rather than
 * through a pending entry and another round of the event loop. For TCP a
 * second connect on the non-blocking socket asks in one call: 0 when
 * connected, the error when it failed, EALREADY while in progress. */
static bool connect_finished(const struct socket_info *sock, const struct sockaddr *addr, socklen_t len, int *error)
{
	struct pollfd pfd = { .fd = sock->fd, .events = POLLOUT };
	socklen_t size = sizeof(*error);

	if ((sock->domain == AF_INET || sock->domain == AF_INET6) && sock->type == SOCK_STREAM &&
	    sock->protocol == IPPROTO_TCP) {
		int again = connect(sock->fd, addr, len) < 0 ? errno : 0;

		if (again == EALREADY || again == EINPROGRESS)
			return false;
		*error = again;
		return true;
	}
	if (poll(&pfd, 1, 0) != 1)
		return false;
	if (getsockopt(sock->fd, SOL_SOCKET, SO_ERROR, error, &size) < 0)
		*error = errno;
	return true;
}

#define ANSWER_LATER (-1) /* a pending entry took the request over */

/* Connects; the errno to answer, or ANSWER_LATER. */
static int connect_on_behalf(struct helper *h, const struct seccomp_notif *req, struct socket_info *sock,
			     const struct destination *d)
{
	socklen_t len;
	const struct sockaddr *addr = destination_address(d, &len);
	bool done;
	int error;

	if (!sock->blocking)
		return connect(sock->fd, addr, len) < 0 ? errno : 0;
	/* a blocking connect must not block the helper: start it without
	 * blocking and answer when the socket says how it went (asked while
	 * it is still non-blocking) */
	fcntl(sock->fd, F_SETFL, sock->flags | O_NONBLOCK);
	error = connect(sock->fd, addr, len) < 0 ? errno : 0;
	done = error != EINPROGRESS || connect_finished(sock, addr, len, &error);
	fcntl(sock->fd, F_SETFL, sock->flags);
	if (!done) {
		if (!pending_add(h, PENDING_CONNECT, req, sock->fd, send_timeout_ms(sock->fd)))
			return EINPROGRESS;
		sock->fd = -1; /* the pending entry has it now */
		return ANSWER_LATER;
	}
	if (error == EAGAIN && sock->domain == AF_UNIX && pending_add(h, PENDING_RETRY, req, -1, HELPER_RETRY_MS))
		return ANSWER_LATER;
	return error;
}

void mediate_connect(struct helper *h, const struct seccomp_notif *req)
{
	struct socket_info sock;
	struct destination d;
	int r, error;

	/* in the kernel's order: the fd (EBADF), the address (EINVAL,
	 * EFAULT), then whether it is a socket (ENOTSOCK) */
	r = socket_take(h, req, (int)req->data.args[0], true, &sock);
	if (r == -ESRCH)
		return;
	if (r == 0 || r == -ENOTSOCK) {
		int a = destination_read(req, req->data.args[1], (uint32_t)req->data.args[2], &d);

		if (a < 0)
			r = a;
	}
	/* the fd and the address were the requester's: decided on, used */
	if (r == 0 && !notify_id_valid(h->notify_fd, req->id))
		r = -ESRCH;
	error = -r;
	if (r == 0) {
		r = destination_decide(h, req, &sock, "connect", &d);
		error = r < 0 ? -r : connect_on_behalf(h, req, &sock, &d);
		destination_release(&d);
	}
	/* our copy goes before the answer: the task's own close is then the
	 * last, and the socket's teardown its own, not the next request's */
	if (sock.fd >= 0)
		close(sock.fd);
	if (error != ESRCH && error != ANSWER_LATER)
		helper_respond(h, req, 0, error);
}

/* Copies the data, bounded: a stream send may be cut short (the caller sees
 * how much went), a datagram may not. */
static int copy_data(struct helper *h, const struct seccomp_notif *req, const struct user_iovec *iov, size_t n_iov,
		     bool stream, struct outgoing *m)
{
	uint64_t total = 0;

	for (size_t i = 0; i < n_iov; i++) {
		if (iov[i].len > SSIZE_MAX || total + iov[i].len > SSIZE_MAX)
			return -EINVAL;
		total += iov[i].len;
	}
	if (total > HELPER_SEND_MAX && !stream)
		return -EMSGSIZE;
	m->len = 0;
	m->truncated = total > HELPER_SEND_MAX;
	for (size_t i = 0; i < n_iov && m->len < HELPER_SEND_MAX; i++) {
		size_t want = iov[i].len;
		int r;

		if (want > HELPER_SEND_MAX - m->len)
			want = HELPER_SEND_MAX - m->len;
		r = process_read((pid_t)req->pid, iov[i].base, h->send_buffer + m->len, want);
		if (r < 0)
			return r == -EPERM ? -EPERM : -EFAULT;
		m->len += want;
	}
	return 0;
}

/* Ancillary data: SCM_RIGHTS fds are the process's numbers and are
 * swapped for the helper's own duplicates; the rest goes as it is. */
static int copy_control(struct helper *h, const struct seccomp_notif *req, uint64_t addr, uint64_t len,
			struct outgoing *m)
{
	struct msghdr view = { 0 };

	m->control_len = 0;
	if (addr == 0 || len == 0)
		return 0;
	if (len > HELPER_CONTROL_MAX)
		return -ENOBUFS;
	if (process_read((pid_t)req->pid, addr, m->control, (size_t)len) < 0)
		return -EFAULT;
	m->control_len = (size_t)len;
	view.msg_control = m->control;
	view.msg_controllen = m->control_len;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&view); c; c = CMSG_NXTHDR(&view, c)) {
		size_t data_len, count;

		if (c->cmsg_len < CMSG_LEN(0) ||
		    c->cmsg_len > m->control_len - (size_t)((unsigned char *)c - m->control))
			return -EINVAL;
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		data_len = c->cmsg_len - CMSG_LEN(0);
		count = data_len / sizeof(int);
		if (data_len % sizeof(int) || m->n_fds + count > HELPER_FDS_MAX)
			return -EINVAL;
		for (size_t i = 0; i < count; i++) {
			int theirs, ours;

			memcpy(&theirs, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			ours = task_take_fd(&h->tasks, (pid_t)req->pid, theirs);
			if (ours < 0)
				return -EBADF;
			m->fds[m->n_fds++] = ours;
			memcpy(CMSG_DATA(c) + i * sizeof(int), &ours, sizeof(int));
		}
	}
	return 0;
}

/* Reads one message header's worth (name, data, control) and decides. */
static int prepare_message(struct helper *h, const struct seccomp_notif *req, const struct socket_info *sock,
			   const struct user_msghdr *hdr, const char *op, struct outgoing *m)
{
	static struct user_iovec iov[HELPER_IOV_MAX];
	int r;

	memset(&m->dest, 0, sizeof(m->dest));
	m->dest.path_fd = -1;
	m->has_dest = false;
	m->n_fds = 0;
	if (hdr->iovlen > HELPER_IOV_MAX)
		return -EMSGSIZE;
	if (hdr->iovlen && process_read((pid_t)req->pid, hdr->iov, iov, (size_t)hdr->iovlen * sizeof(iov[0])) < 0)
		return -EFAULT;
	r = copy_data(h, req, iov, (size_t)hdr->iovlen, sock->type == SOCK_STREAM, m);
	if (r == 0)
		r = copy_control(h, req, hdr->control, hdr->controllen, m);
	if (r == 0 && hdr->name && hdr->namelen) {
		r = destination_read(req, hdr->name, hdr->namelen, &m->dest);
		m->has_dest = r == 0;
	}
	if (r == 0 && !notify_id_valid(h->notify_fd, req->id))
		r = -ESRCH;
	if (r == 0 && m->has_dest)
		r = destination_decide(h, req, sock, op, &m->dest);
	return r;
}

/* Sends m; >= 0 bytes, or -errno. */
static ssize_t send_message(struct helper *h, const struct socket_info *sock, struct outgoing *m, int flags)
{
	struct iovec iov = { .iov_base = h->send_buffer, .iov_len = m->len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (m->has_dest)
		msg.msg_name = (void *)destination_address(&m->dest, &msg.msg_namelen);
	if (m->control_len) {
		msg.msg_control = m->control;
		msg.msg_controllen = m->control_len;
	}
	/* never block the helper, never let a dead peer signal it */
	n = sendmsg(sock->fd, &msg, flags | MSG_DONTWAIT | MSG_NOSIGNAL);
	return n < 0 ? -errno : n;
}

/* A TCP Fast Open send on a blocking socket without a cookie: the kernel
 * would wait for the connection and then send the data. Our non-blocking
 * try started the connect (EINPROGRESS): wait until the socket is
 * writable, then handle the request again as a plain send (TCP ignores the
 * address then). flags_arg is where the system call has its flags. */
static bool wait_for_fastopen(struct helper *h, const struct seccomp_notif *req, struct socket_info *sock, ssize_t n,
			      int flags, int flags_arg)
{
	struct seccomp_notif again;

	if (n != -EINPROGRESS || !(flags & MSG_FASTOPEN) || !sock->blocking || (flags & MSG_DONTWAIT))
		return false;
	memcpy(&again, req, sizeof(again));
	again.data.args[flags_arg] &= ~(uint64_t)MSG_FASTOPEN;
	if (!pending_add(h, PENDING_RETRY, &again, sock->fd, send_timeout_ms(sock->fd)))
		return false;
	sock->fd = -1;
	return true;
}

/* The answer to one send, or a wait when a blocking socket is full. */
static void finish_send(struct helper *h, const struct seccomp_notif *req, struct socket_info *sock, ssize_t n,
			int flags)
{
	if (n == -EAGAIN && sock->blocking && !(flags & MSG_DONTWAIT) &&
	    pending_add(h, PENDING_RETRY, req, sock->fd, send_timeout_ms(sock->fd))) {
		sock->fd = -1;
		return;
	}
	if (n == -EPIPE && !(flags & MSG_NOSIGNAL))
		deliver_sigpipe(h, req);
	/* our copy goes before the answer (see mediate_connect) */
	if (sock->fd >= 0)
		close(sock->fd);
	sock->fd = -1;
	helper_respond(h, req, n < 0 ? 0 : n, n < 0 ? (int)-n : 0);
}

static int take_for_send(struct helper *h, const struct seccomp_notif *req, struct socket_info *sock)
{
	int r = socket_take(h, req, (int)req->data.args[0], true, sock);

	if (r < 0 && r != -ESRCH)
		helper_respond(h, req, 0, -r);
	return r;
}

/* The end of sendto and sendmsg: the message sent when the checks (r) passed,
 * else the refusal answered; the socket and the message's resources freed.
 * flags_arg: which argument of the call holds its flags. */
static void send_checked(struct helper *h, const struct seccomp_notif *req, struct socket_info *sock,
			 struct outgoing *m, int flags, int flags_arg, int r)
{
	if (r == 0) {
		ssize_t n = send_message(h, sock, m, flags);

		if (!wait_for_fastopen(h, req, sock, n, flags, flags_arg))
			finish_send(h, req, sock, n, flags);
	} else {
		close(sock->fd);
		sock->fd = -1;
		if (r != -ESRCH)
			helper_respond(h, req, 0, -r);
	}
	outgoing_release(m);
	if (sock->fd >= 0)
		close(sock->fd);
}

void mediate_sendto(struct helper *h, const struct seccomp_notif *req)
{
	const struct user_iovec iov = { .base = req->data.args[1], .len = req->data.args[2] };
	uint64_t name = req->data.args[4], namelen = (uint32_t)req->data.args[5];
	static struct outgoing m;
	struct socket_info sock;
	int flags = (int)req->data.args[3], r;

	if (take_for_send(h, req, &sock) < 0)
		return;
	outgoing_init(&m);
	r = copy_data(h, req, &iov, 1, sock.type == SOCK_STREAM, &m);
	if (r == 0 && name && namelen) {
		r = destination_read(req, name, namelen, &m.dest);
		m.has_dest = r == 0;
	}
	if (r == 0 && !notify_id_valid(h->notify_fd, req->id))
		r = -ESRCH;
	if (r == 0 && m.has_dest)
		r = destination_decide(h, req, &sock, "sendto", &m.dest);
	send_checked(h, req, &sock, &m, flags, 3, r);
}

void mediate_sendmsg(struct helper *h, const struct seccomp_notif *req)
{
	static struct outgoing m;
	struct user_msghdr hdr;
	struct socket_info sock;
	int flags = (int)req->data.args[2], r;

	if (take_for_send(h, req, &sock) < 0)
		return;
	outgoing_init(&m);
	r = process_read((pid_t)req->pid, req->data.args[1], &hdr, sizeof(hdr)) < 0 ? -EFAULT : 0;
	if (r == 0)
		r = prepare_message(h, req, &sock, &hdr, "sendmsg", &m);
	send_checked(h, req, &sock, &m, flags, 2, r);
}

void mediate_sendmmsg(struct helper *h, const struct seccomp_notif *req)
{
	uint64_t vec = req->data.args[1];
	unsigned vlen = (unsigned)req->data.args[2];
	int flags = (int)req->data.args[3], error = 0;
	static struct outgoing m;
	struct socket_info sock;
	unsigned sent = 0;

	if (take_for_send(h, req, &sock) < 0)
		return;
	if (vlen > HELPER_MMSG_MAX)
		vlen = HELPER_MMSG_MAX; /* as the kernel caps it */
	outgoing_init(&m);
	for (; sent < vlen; sent++) {
		uint64_t at = vec + (uint64_t)sent * sizeof(struct user_mmsghdr);
		struct user_mmsghdr one;
		uint32_t len;
		ssize_t n;
		int r;

		r = process_read((pid_t)req->pid, at, &one, sizeof(one)) < 0 ? -EFAULT : 0;
		if (r == 0)
			r = prepare_message(h, req, &sock, &one.hdr, "sendmmsg", &m);
		if (r < 0) {
			outgoing_release(&m);
			error = -r;
			break;
		}
		n = send_message(h, &sock, &m, flags);
		outgoing_release(&m);
		if (n < 0) {
			error = (int)-n;
			break;
		}
		/* each sent message learns its length, as from the kernel; one
		 * that cannot is not counted (the kernel does the same) */
		len = (uint32_t)n;
		if (!notify_id_valid(h->notify_fd, req->id)) {
			error = ESRCH;
			break;
		}
		if (process_write((pid_t)req->pid, at + offsetof(struct user_mmsghdr, len), &len, sizeof(len)) < 0) {
			error = EFAULT;
			break;
		}
	}
	if (error != ESRCH && sent == 0) {
		finish_send(h, req, &sock, -(ssize_t)error, flags);
		return;
	}
	close(sock.fd);
	if (error != ESRCH) /* else the request is gone: nothing to answer */
		helper_respond(h, req, sent, 0);
}

/* listen() on the process's behalf, once its TCP socket is bound to a port
 * net.bind grants: an unbound one would get a random port from the kernel,
 * which Landlock's bind rule never sees. */
void mediate_listen(struct helper *h, const struct seccomp_notif *req)
{
	struct sockaddr_storage bound;
	socklen_t len = sizeof(bound);
	struct socket_info sock;
	int r;

	r = socket_take(h, req, (int)req->data.args[0], false, &sock);
	if (r == 0 && !notify_id_valid(h->notify_fd, req->id)) {
		close(sock.fd);
		r = -ESRCH;
	}
	if (r == -ESRCH)
		return;
	if (r < 0) {
		helper_respond(h, req, 0, -r);
		return;
	}
	if ((sock.domain == AF_INET || sock.domain == AF_INET6) && sock.type == SOCK_STREAM) {
		struct netpolicy_result result;
		uint16_t port = 0;

		memset(&bound, 0, sizeof(bound));
		/* sin_port and sin6_port sit at the same place */
		if (getsockname(sock.fd, (struct sockaddr *)&bound, &len) == 0)
			port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
		live_decide_bind(h, port, &result);
		if (result.verdict != NETPOLICY_ALLOW) {
			char text[64];

			snprintf(text, sizeof(text), port ? "port %u" : "an unbound socket (random port)",
				 (unsigned)port);
			denials_record(&h->denials, "listen", text, result.rule, EACCES);
			close(sock.fd);
			helper_respond(h, req, 0, EACCES);
			return;
		}
	}
	r = listen(sock.fd, (int)req->data.args[1]) < 0 ? errno : 0;
	close(sock.fd); /* before the answer (see mediate_connect) */
	helper_respond(h, req, 0, r);
}

/* bind() when net.bind is too wide for a Landlock rule per port: Landlock
 * then refuses every TCP bind the process makes itself, so a TCP bind to a
 * granted port is done here, on its behalf, and everything else (UDP, unix
 * sockets) is handed back to the kernel, which decides it in full: a
 * sockaddr or fd swapped in after this look can only meet Landlock's
 * refusal. */
void mediate_bind(struct helper *h, const struct seccomp_notif *req)
{
	struct socket_info sock = { .fd = -1 };
	struct netpolicy_result result;
	struct destination d;
	int r;

	r = destination_read(req, req->data.args[1], (uint32_t)req->data.args[2], &d);
	if (r == 0)
		r = socket_take(h, req, (int)req->data.args[0], false, &sock);
	/* the address and the fd were the requester's: decided on, used */
	if (r == 0 && !notify_id_valid(h->notify_fd, req->id)) {
		close(sock.fd);
		r = -ESRCH;
	}
	if (r == -ESRCH)
		return;
	if (r < 0) {
		helper_respond(h, req, 0, -r);
		return;
	}
	if (!((sock.domain == AF_INET || sock.domain == AF_INET6) && sock.type == SOCK_STREAM &&
	      d.info.kind == SOCKADDR_INET)) {
		notify_continue(h->notify_fd, h->resp, h->sizes.resp, req->id);
		close(sock.fd);
		return;
	}
	live_decide_bind(h, d.info.port, &result);
	if (result.verdict != NETPOLICY_ALLOW) {
		char text[64];

		snprintf(text, sizeof(text), "port %u", (unsigned)d.info.port);
		denials_record(&h->denials, "bind", text, result.rule, EACCES);
		r = EACCES;
	} else {
		r = bind(sock.fd, (const struct sockaddr *)d.raw, d.raw_len) < 0 ? errno : 0;
	}
	close(sock.fd); /* before the answer (see mediate_connect) */
	helper_respond(h, req, 0, r);
}
