/* notify_floor — what a seccomp user-notification round trip costs at the
 * least, with nothing of corral in it: a target process installs its own
 * filter trapping getppid and a supervisor process (its parent, as the
 * helper is to a session) answers. Modes, one target process each, run in
 * interleaved batches (A B C ..., rotating the start) so drift cancels:
 *
 *   native           getpid with no filter at all
 *   filtered         getpid with the filter installed (passes it: the cost of
 *                    having a seccomp filter at all on an untrapped call)
 *   cont             answer SECCOMP_USER_NOTIF_FLAG_CONTINUE
 *   cont_sync        the same, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP set on the fd
 *   addfd            inject an fd (SECCOMP_IOCTL_NOTIF_ADDFD), then a separate
 *                    NOTIF_SEND with the fd number as the call's result
 *   addfd_sync       the same with the sync wake-up
 *   addfd_flag       ADDFD with SECCOMP_ADDFD_FLAG_SEND (inject and answer at once)
 *   addfd_flag_sync  the same with the sync wake-up (what corral-helper does)
 *   addfd_sync_poll  addfd_sync, the supervisor poll()ing the fd before each
 *                    NOTIF_RECV, as an event loop (corral-helper's) does
 *   connect_native   connect(127.0.0.1) of a fresh TCP socket, no filter, to a
 *                    listener a third process accepts on
 *   connect_behalf   the same connect trapped, and made on the target's behalf
 *                    with nothing but what doing it safely takes: RECV, take
 *                    the socket (pidfd_getfd), read the address
 *                    (process_vm_readv), NOTIF_ID_VALID, connect, close our
 *                    copy, SEND; sync wake-up. No rule, no socket checks, no
 *                    non-blocking start: the least corral-helper's connect
 *                    can cost
 *   memfd_native     memfd_create(MFD_CLOEXEC), no filter (closed untimed)
 *   memfd_behalf     the same call trapped, and served as safely as it can
 *                    be: RECV, read the name (process_vm_readv, at most the
 *                    kernel's 249 bytes), NOTIF_ID_VALID, memfd_create with
 *                    MFD_NOEXEC_SEAL, ADDFD with FLAG_SEND, close our copy;
 *                    sync wake-up. The least corral-helper's memfd can cost
 *                    (-1 before Linux 6.3: no MFD_NOEXEC_SEAL)
 *
 *   notify_floor [-b BATCH] [-r ROUNDS]
 *
 * Output: MODE_med=NS MODE_mean=NS per mode (per call over all batches);
 * a mode the kernel cannot do (no sync wake-up before 6.6) prints -1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
#define MEMFD_NAME_MAX 250 /* the kernel's 249 bytes and the NUL */

enum answer {
	NONE,
	FILTER_ONLY,
	CONTINUE,
	ADDFD_THEN_SEND,
	ADDFD_FLAG_SEND,
	CONNECT_NATIVE,
	CONNECT_ON_BEHALF,
	MEMFD_NATIVE,
	MEMFD_ON_BEHALF
};

struct mode {
	const char *name;
	enum answer answer;
	int sync;
	int poll_first;
	/* run time */
	pid_t pid;
	int pidfd; /* CONNECT_ON_BEHALF: the target's, for pidfd_getfd */
	int ctl;
	int listener;
	int unsupported;
	int64_t *v;   /* shared with the target */
	long n;
};

static struct mode modes[] = {
	{ .name = "native", .answer = NONE, .sync = 0, .poll_first = 0 },
	{ .name = "filtered", .answer = FILTER_ONLY, .sync = 0, .poll_first = 0 },
	{ .name = "cont", .answer = CONTINUE, .sync = 0, .poll_first = 0 },
	{ .name = "cont_sync", .answer = CONTINUE, .sync = 1, .poll_first = 0 },
	{ .name = "addfd", .answer = ADDFD_THEN_SEND, .sync = 0, .poll_first = 0 },
	{ .name = "addfd_sync", .answer = ADDFD_THEN_SEND, .sync = 1, .poll_first = 0 },
	{ .name = "addfd_flag", .answer = ADDFD_FLAG_SEND, .sync = 0, .poll_first = 0 },
	{ .name = "addfd_flag_sync", .answer = ADDFD_FLAG_SEND, .sync = 1, .poll_first = 0 },
	{ .name = "addfd_sync_poll", .answer = ADDFD_THEN_SEND, .sync = 1, .poll_first = 1 },
	{ .name = "connect_native", .answer = CONNECT_NATIVE, .sync = 0, .poll_first = 0 },
	{ .name = "connect_behalf", .answer = CONNECT_ON_BEHALF, .sync = 1, .poll_first = 0 },
	{ .name = "memfd_native", .answer = MEMFD_NATIVE, .sync = 0, .poll_first = 0 },
	{ .name = "memfd_behalf", .answer = MEMFD_ON_BEHALF, .sync = 1, .poll_first = 0 },
};

static struct sockaddr_in listen_address; /* the acceptor's loopback port */
static pid_t acceptor = -1;
#define N_MODES (sizeof(modes) / sizeof(modes[0]))

/* Does the mode time connects or memfd_create (else getpid/getppid)?
 * Does it install a filter, and does the supervisor answer what the
 * filter traps? */
static int mode_connects(const struct mode *m)
{
	return m->answer == CONNECT_NATIVE || m->answer == CONNECT_ON_BEHALF;
}

static int mode_memfds(const struct mode *m)
{
	return m->answer == MEMFD_NATIVE || m->answer == MEMFD_ON_BEHALF;
}

static int mode_filters(const struct mode *m)
{
	return m->answer != NONE && m->answer != CONNECT_NATIVE && m->answer != MEMFD_NATIVE;
}

static int mode_traps(const struct mode *m)
{
	return mode_filters(m) && m->answer != FILTER_ONLY;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "notify_floor: %s: %s\n", what, strerror(errno));
	for (size_t i = 0; i < N_MODES; i++)
		if (modes[i].pid > 0)
			kill(modes[i].pid, SIGKILL);
	if (acceptor > 0)
		kill(acceptor, SIGKILL);
	exit(1);
}

static int install_filter(int trapped_nr)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (__u32)trapped_nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(insns) / sizeof(insns[0]), .filter = insns };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}

static void send_fd(int sock, int fd)
{
	char data = 'L';
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &msg, 0) != 1)
		_exit(3);
}

static int recv_fd(int sock)
{
	char data;
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* A loopback listener in a process of its own that accepts and closes. */
static void start_acceptor(void)
{
	socklen_t len = sizeof(listen_address);
	int one = 1, s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	listen_address = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(s, (struct sockaddr *)&listen_address, sizeof(listen_address)) < 0 || listen(s, 4096) < 0 ||
	    getsockname(s, (struct sockaddr *)&listen_address, &len) < 0)
		die("the loopback listener");
	acceptor = fork();
	if (acceptor < 0)
		die("fork");
	if (acceptor == 0) {
		for (;;) {
			int c = accept(s, NULL, NULL);

			if (c >= 0)
				close(c);
		}
	}
	close(s);
}

/* One timed connect of a fresh socket, closed with a reset (no TIME_WAIT
 * piles up over a run). */
static int64_t timed_connect(void)
{
	struct linger reset = { .l_onoff = 1, .l_linger = 0 };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int64_t t0, t;

	if (s < 0)
		_exit(6);
	t0 = now_ns();
	if (connect(s, (struct sockaddr *)&listen_address, sizeof(listen_address)) < 0)
		_exit(7);
	t = now_ns() - t0;
	setsockopt(s, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
	close(s);
	return t;
}

/* One timed memfd_create, closed untimed. */
static int64_t timed_memfd(void)
{
	int64_t t0 = now_ns(), t;
	int fd = memfd_create("notify-floor", MFD_CLOEXEC);

	t = now_ns() - t0;
	if (fd < 0)
		_exit(8);
	close(fd);
	return t;
}

static int trapped_call(const struct mode *m)
{
	if (m->answer == CONNECT_ON_BEHALF)
		return __NR_connect;
	if (m->answer == MEMFD_ON_BEHALF)
		return __NR_memfd_create;
	return __NR_getppid;
}

/* The target: on 'g', BATCH timed calls into its slice of v. */
static void target(struct mode *m, int sock, long batch)
{
	long off = 0;
	char cmd;

	if (mode_filters(m)) {
		int fd = install_filter(trapped_call(m));

		if (fd < 0)
			_exit(2);
		send_fd(sock, fd);
		close(fd);
	} else {
		send_fd(sock, sock);   /* same handshake, no listener */
	}
	while (read(sock, &cmd, 1) == 1 && cmd == 'g') {
		for (long i = 0; i < batch; i++) {
			int64_t t0;
			long r;

			if (mode_connects(m)) {
				m->v[off + i] = timed_connect();
				continue;
			}
			if (mode_memfds(m)) {
				m->v[off + i] = timed_memfd();
				continue;
			}
			t0 = now_ns();
			r = syscall(mode_traps(m) ? SYS_getppid : SYS_getpid);

			m->v[off + i] = now_ns() - t0;
			if (m->answer == ADDFD_THEN_SEND || m->answer == ADDFD_FLAG_SEND) {
				if (r < 3)
					_exit(4);
				close((int)r);
			}
		}
		off += batch;
		if (write(sock, "d", 1) != 1)
			_exit(5);
	}
	_exit(0);
}

/* The least a connect made safely on the target's behalf takes. */
static void connect_on_behalf(struct mode *m, const struct seccomp_notif *req, struct seccomp_notif_resp *resp)
{
	struct sockaddr_storage address;
	struct iovec local = { .iov_base = &address, .iov_len = req->data.args[2] };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)req->data.args[1], .iov_len = req->data.args[2] };
	__u64 id = req->id;
	int fd;

	resp->error = -EINVAL;
	if (req->data.args[2] > sizeof(address) || req->data.args[0] > INT32_MAX)
		return;
	fd = (int)syscall(SYS_pidfd_getfd, m->pidfd, (int)req->data.args[0], 0);
	if (fd < 0)
		die("pidfd_getfd");
	if (process_vm_readv(req->pid, &local, 1, &remote, 1, 0) != (ssize_t)req->data.args[2])
		die("process_vm_readv");
	if (ioctl(m->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0)
		die("SECCOMP_IOCTL_NOTIF_ID_VALID");
	resp->error = connect(fd, (struct sockaddr *)&address, (socklen_t)req->data.args[2]) < 0 ? -errno : 0;
	close(fd);
}

/* The least a memfd_create served safely on the target's behalf takes: it
 * answers the call itself (ADDFD with FLAG_SEND). The name is read in one
 * go, up to the kernel's bound, as far as it is mapped (a short read is
 * fine: the NUL is usually in the first page). */
static void memfd_on_behalf(struct mode *m, const struct seccomp_notif *req)
{
	char name[MEMFD_NAME_MAX];
	struct iovec local = { .iov_base = name, .iov_len = sizeof(name) };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)req->data.args[0], .iov_len = sizeof(name) };
	struct seccomp_notif_addfd addfd = { .id = req->id, .flags = SECCOMP_ADDFD_FLAG_SEND, .newfd_flags = O_CLOEXEC };
	__u64 id = req->id;
	ssize_t n = process_vm_readv(req->pid, &local, 1, &remote, 1, 0);
	int fd;

	if (n <= 0 || !memchr(name, '\0', (size_t)n))
		die("process_vm_readv of the name");
	if (ioctl(m->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0)
		die("SECCOMP_IOCTL_NOTIF_ID_VALID");
	fd = memfd_create(name, MFD_CLOEXEC | MFD_NOEXEC_SEAL);
	if (fd < 0)
		die("memfd_create");
	addfd.srcfd = (__u32)fd;
	if (ioctl(m->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) < 0)
		die("SECCOMP_IOCTL_NOTIF_ADDFD (FLAG_SEND)");
	close(fd);
}

static void serve_one(struct mode *m, struct seccomp_notif *req, size_t req_size, struct seccomp_notif_resp *resp,
		      size_t resp_size, int srcfd)
{
	struct seccomp_notif_addfd addfd = { .srcfd = (__u32)srcfd, .newfd_flags = O_CLOEXEC };
	int r;

	if (m->poll_first) {
		struct pollfd pfd = { .fd = m->listener, .events = POLLIN };

		while (poll(&pfd, 1, -1) < 0)
			if (errno != EINTR)
				die("poll");
	}
	for (;;) {
		memset(req, 0, req_size);
		if (ioctl(m->listener, SECCOMP_IOCTL_NOTIF_RECV, req) == 0)
			break;
		if (errno != EINTR)
			die("SECCOMP_IOCTL_NOTIF_RECV");
	}
	memset(resp, 0, resp_size);
	resp->id = req->id;
	switch (m->answer) {
	case CONTINUE:
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		break;
	case ADDFD_THEN_SEND:
		addfd.id = req->id;
		r = ioctl(m->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
		if (r < 0)
			die("SECCOMP_IOCTL_NOTIF_ADDFD");
		resp->val = r;
		break;
	case ADDFD_FLAG_SEND:
		addfd.id = req->id;
		addfd.flags = SECCOMP_ADDFD_FLAG_SEND;
		if (ioctl(m->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) < 0)
			die("SECCOMP_IOCTL_NOTIF_ADDFD (FLAG_SEND)");
		return;
	case CONNECT_ON_BEHALF:
		connect_on_behalf(m, req, resp);
		break;
	case MEMFD_ON_BEHALF:
		memfd_on_behalf(m, req);
		return;
	case NONE:
	case FILTER_ONLY:
	case CONNECT_NATIVE:
	case MEMFD_NATIVE:
		return;
	}
	if (ioctl(m->listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0)
		die("SECCOMP_IOCTL_NOTIF_SEND");
}

/* Can this kernel make a memfd that never becomes executable (6.3)? */
static int noexec_memfds(void)
{
	int fd = memfd_create("notify-floor-probe", MFD_CLOEXEC | MFD_NOEXEC_SEAL);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long batch = 500, rounds = 10;
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	size_t req_size, resp_size;
	int opt, srcfd;

	while ((opt = getopt(argc, argv, "b:r:")) != -1) {
		if (opt == 'b')
			batch = atol(optarg);
		else if (opt == 'r')
			rounds = atol(optarg);
		else
			return fputs("usage: notify_floor [-b BATCH] [-r ROUNDS]\n", stderr), 2;
	}
	if (batch < 1 || rounds < 1)
		return fputs("usage: notify_floor [-b BATCH] [-r ROUNDS]\n", stderr), 2;
	if (syscall(__NR_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		die("SECCOMP_GET_NOTIF_SIZES");
	req_size = sizes.seccomp_notif > sizeof(*req) ? sizes.seccomp_notif : sizeof(*req);
	resp_size = sizes.seccomp_notif_resp > sizeof(*resp) ? sizes.seccomp_notif_resp : sizeof(*resp);
	req = calloc(1, req_size);
	resp = calloc(1, resp_size);
	srcfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (!req || !resp || srcfd < 0)
		die("setup");
	start_acceptor();
	for (size_t i = 0; i < N_MODES; i++) {
		struct mode *m = &modes[i];
		int sv[2];

		m->n = batch * rounds;
		m->v = mmap(NULL, (size_t)m->n * sizeof(int64_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			    -1, 0);
		if (m->v == MAP_FAILED)
			die("mmap");
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
			die("socketpair");
		m->pid = fork();
		if (m->pid < 0)
			die("fork");
		if (m->pid == 0) {
			close(sv[0]);
			target(m, sv[1], batch);
		}
		close(sv[1]);
		m->ctl = sv[0];
		m->listener = recv_fd(m->ctl);
		if (m->listener < 0)
			die("receiving the listener");
		m->pidfd = -1;
		if (m->answer == CONNECT_ON_BEHALF) {
			m->pidfd = (int)syscall(SYS_pidfd_open, m->pid, 0);
			if (m->pidfd < 0)
				die("pidfd_open");
		}
		if (!mode_traps(m)) {
			close(m->listener);   /* nothing is trapped: no one to answer */
			m->listener = -1;
		} else if (m->sync &&
			   ioctl(m->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0) {
			m->unsupported = 1;
		}
		if (m->answer == MEMFD_ON_BEHALF && !noexec_memfds())
			m->unsupported = 1;
	}
	for (long r = 0; r < rounds; r++)
		for (size_t k = 0; k < N_MODES; k++) {
			struct mode *m = &modes[(k + (size_t)r) % N_MODES];
			char done;

			if (m->unsupported)
				continue;
			if (write(m->ctl, "g", 1) != 1)
				die("starting a batch");
			if (mode_traps(m))
				for (long i = 0; i < batch; i++)
					serve_one(m, req, req_size, resp, resp_size, srcfd);
			if (read(m->ctl, &done, 1) != 1)
				die("a target died");
		}
	for (size_t i = 0; i < N_MODES; i++) {
		struct mode *m = &modes[i];
		double sum = 0;
		int status;

		if (write(m->ctl, "q", 1) < 0) {
			/* it is gone already; waitpid tells */
		}
		waitpid(m->pid, &status, 0);
		if (m->unsupported) {
			printf("%s%s_med=-1 %s_mean=-1", i ? " " : "", m->name, m->name);
			continue;
		}
		for (long j = 0; j < m->n; j++)
			sum += (double)m->v[j];
		qsort(m->v, (size_t)m->n, sizeof(int64_t), cmp_i64);
		printf("%s%s_med=%lld %s_mean=%.0f", i ? " " : "", m->name, (long long)m->v[m->n / 2], m->name,
		       sum / (double)m->n);
	}
	printf("\n");
	kill(acceptor, SIGKILL);
	waitpid(acceptor, NULL, 0);
	return 0;
}
