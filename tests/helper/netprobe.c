/* tests/helper.t's probe of corral-helper: one network, memfd or
 * self-defence operation per run, printing "ok", "ok:REPLY" or the errno
 * name (ECONNREFUSED, EPERM, ...), or key=value lines. Exit 0 either way;
 * the test decides. Built by the test itself (cc -pthread). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif
#define PROBE_MFD_EXEC 0x0010U

static const char *err_name(int e)
{
	const char *name = strerrorname_np(e);

	return name ? name : "EOTHER";
}

static const char *result(long r)
{
	return r < 0 ? err_name(errno) : "ok";
}

/* host (IPv4 or IPv6 text) and port into a sockaddr; its length */
static socklen_t address(const char *host, int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		return sizeof(*sin);
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		return sizeof(*sin6);
	}
	fprintf(stderr, "netprobe: bad address %s\n", host);
	exit(2);
}

static void timeouts(int fd)
{
	struct timeval tv = { .tv_sec = 3 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Reads one reply (up to a newline) and prints "ok:REPLY". */
static int print_reply(int fd)
{
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

	if (n < 0) {
		printf("recv-%s\n", err_name(errno));
		return 0;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("ok:%s\n", buf);
	return 0;
}

static int stream_socket(const struct sockaddr_storage *ss)
{
	int fd = socket(ss->ss_family, SOCK_STREAM, 0);

	if (fd >= 0)
		timeouts(fd);
	return fd;
}

/* connect HOST PORT: the result only. echo HOST PORT: data both ways. */
static int op_connect(const char *host, int port, int echo)
{
	struct sockaddr_storage ss;
	socklen_t len = address(host, port, &ss);
	int fd = stream_socket(&ss);

	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) < 0) {
		puts(err_name(errno));
		return 0;
	}
	if (!echo) {
		puts("ok");
		return 0;
	}
	if (send(fd, "hello\n", 6, 0) != 6) {
		printf("send-%s\n", err_name(errno));
		return 0;
	}
	return print_reply(fd);
}

/* udp HOST PORT sendto|sendmsg: a datagram to HOST:PORT and its echo */
static int op_udp(const char *host, int port, const char *how)
{
	struct sockaddr_storage ss;
	socklen_t len = address(host, port, &ss);
	int fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	ssize_t n;

	if (fd < 0) {
		puts(err_name(errno));
		return 0;
	}
	timeouts(fd);
	if (strcmp(how, "sendmsg") == 0) {
		struct iovec iov = { .iov_base = "hi", .iov_len = 2 };
		struct msghdr msg = { .msg_name = &ss, .msg_namelen = len, .msg_iov = &iov, .msg_iovlen = 1 };

		n = sendmsg(fd, &msg, 0);
	} else {
		n = sendto(fd, "hi", 2, 0, (struct sockaddr *)&ss, len);
	}
	if (n != 2) {
		puts(n < 0 ? err_name(errno) : "short");
		return 0;
	}
	return print_reply(fd);
}

/* mmsg HOST PORT1 PORT2: one sendmmsg of two datagrams */
static int op_mmsg(const char *host, int port1, int port2)
{
	struct sockaddr_storage a, b;
	socklen_t la = address(host, port1, &a), lb = address(host, port2, &b);
	struct iovec iov[2] = { { .iov_base = "one", .iov_len = 3 }, { .iov_base = "second", .iov_len = 6 } };
	struct mmsghdr msgs[2];
	int fd = socket(a.ss_family, SOCK_DGRAM, 0), r;

	memset(msgs, 0, sizeof(msgs));
	msgs[0].msg_hdr = (struct msghdr){ .msg_name = &a, .msg_namelen = la, .msg_iov = &iov[0], .msg_iovlen = 1 };
	msgs[1].msg_hdr = (struct msghdr){ .msg_name = &b, .msg_namelen = lb, .msg_iov = &iov[1], .msg_iovlen = 1 };
	msgs[0].msg_len = msgs[1].msg_len = 777;
	r = sendmmsg(fd, msgs, 2, 0);
	if (r < 0)
		printf("ret=%s len=%u,%u\n", err_name(errno), msgs[0].msg_len, msgs[1].msg_len);
	else
		printf("ret=%d len=%u,%u\n", r, msgs[0].msg_len, msgs[1].msg_len);
	return 0;
}

/* udp-connect-send HOST PORT: connect (decided by the helper), then lose
 * dumpability (the helper can no longer serve trapped calls), then send()
 * without an address (never trapped) and sendto() with one (trapped). */
static int op_udp_connect_send(const char *host, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = address(host, port, &ss);
	int fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	const char *c, *s, *t;

	c = result(connect(fd, (struct sockaddr *)&ss, len));
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	s = result(send(fd, "hi", 2, 0));
	t = result(sendto(fd, "hi", 2, 0, (struct sockaddr *)&ss, len));
	printf("connect=%s send=%s sendto=%s\n", c, s, t);
	return 0;
}

/* tfo HOST PORT: TCP Fast Open, the connect inside sendto */
static int op_tfo(const char *host, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = address(host, port, &ss);
	int fd = stream_socket(&ss);
	ssize_t n = sendto(fd, "hello\n", 6, MSG_FASTOPEN, (struct sockaddr *)&ss, len);

	if (n < 0) {
		puts(err_name(errno));
		return 0;
	}
	return print_reply(fd);
}

/* ping HOST: one ICMP echo over a ping socket */
static int op_ping(const char *host)
{
	struct sockaddr_storage ss;
	socklen_t len = address(host, 0, &ss);
	struct icmphdr icmp = { .type = ICMP_ECHO, .un.echo.sequence = htons(1) };
	char reply[256];
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);

	if (fd < 0) {
		printf("socket-%s\n", err_name(errno));
		return 0;
	}
	timeouts(fd);
	if (sendto(fd, &icmp, sizeof(icmp), 0, (struct sockaddr *)&ss, len) < 0) {
		puts(err_name(errno));
		return 0;
	}
	if (recv(fd, reply, sizeof(reply), 0) < (ssize_t)sizeof(icmp)) {
		printf("recv-%s\n", err_name(errno));
		return 0;
	}
	puts(((struct icmphdr *)reply)->type == ICMP_ECHOREPLY ? "ok" : "not-a-reply");
	return 0;
}

/* unix PATH / abstract NAME: stream connect and a line from the server */
static int op_unix(const char *name, int abstract)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t n = strlen(name);
	socklen_t len;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (n + 2 > sizeof(sun.sun_path))
		return 2;
	memcpy(sun.sun_path + (abstract ? 1 : 0), name, n);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);   /* the NUL, or the leading one */
	timeouts(fd);
	if (connect(fd, (struct sockaddr *)&sun, len) < 0) {
		puts(err_name(errno));
		return 0;
	}
	return print_reply(fd);
}

/* race HOST GOOD BAD N: one thread flips the port of a shared sockaddr
 * between GOOD and BAD while this one connects with it N times. */
static struct sockaddr_in race_addr;
static atomic_int race_stop;

static void *flipper(void *arg)
{
	volatile uint16_t *port = &race_addr.sin_port;
	const uint16_t *ports = arg;

	while (!atomic_load_explicit(&race_stop, memory_order_relaxed)) {
		*port = ports[0];
		*port = ports[1];
	}
	return NULL;
}

static int op_race(const char *host, int good, int bad, int n)
{
	uint16_t ports[2] = { htons((uint16_t)good), htons((uint16_t)bad) };
	int ok = 0, refused = 0, other = 0;
	pthread_t thread;

	race_addr.sin_family = AF_INET;
	inet_pton(AF_INET, host, &race_addr.sin_addr);
	race_addr.sin_port = ports[0];
	pthread_create(&thread, NULL, flipper, ports);
	for (int i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (connect(fd, (struct sockaddr *)&race_addr, sizeof(race_addr)) == 0)
			ok++;
		else if (errno == ECONNREFUSED)
			refused++;
		else
			other++;
		close(fd);
	}
	atomic_store(&race_stop, 1);
	pthread_join(thread, NULL);
	printf("attempts=%d ok=%d refused=%d other=%d\n", n, ok, refused, other);
	return 0;
}

/* dup2race HOST PORT N: fd 100 is swapped between a fresh TCP socket and a
 * fresh UDP socket while this thread connects fd 100 to HOST:PORT. */
#define SWAP_FD 100

static void *swapper(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&race_stop, memory_order_relaxed)) {
		int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);

		dup2(t, SWAP_FD);
		close(t);
		dup2(u, SWAP_FD);
		close(u);
	}
	return NULL;
}

static int op_dup2race(const char *host, int port, int n)
{
	struct sockaddr_storage ss;
	socklen_t len = address(host, port, &ss);
	int ok = 0, refused = 0, other = 0;
	pthread_t thread;

	dup2(socket(AF_INET, SOCK_DGRAM, 0), SWAP_FD);
	pthread_create(&thread, NULL, swapper, NULL);
	for (int i = 0; i < n; i++) {
		if (connect(SWAP_FD, (struct sockaddr *)&ss, len) == 0)
			ok++;
		else if (errno == ECONNREFUSED)
			refused++;
		else
			other++;
	}
	atomic_store(&race_stop, 1);
	pthread_join(thread, NULL);
	printf("attempts=%d ok=%d refused=%d other=%d\n", n, ok, refused, other);
	return 0;
}

/* bad HOST PORT: hostile lengths and pointers, then an ordinary connect. */
static int op_bad(const char *host, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = address(host, port, &ss);
	long page = sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *edge = map + page - 8;   /* 8 readable bytes, then a PROT_NONE page */
	int tcp = socket(AF_INET, SOCK_STREAM, 0), udp = socket(AF_INET, SOCK_DGRAM, 0), devnull = open("/dev/null", O_RDWR);
	struct iovec iov = { .iov_base = "x", .iov_len = 1 }, bad_iov = { .iov_base = map + page, .iov_len = 4 };
	struct msghdr msg = { .msg_name = &ss, .msg_namelen = len, .msg_iov = &iov, .msg_iovlen = 1 };
	struct msghdr huge = msg, bad_data = msg, bad_name = msg;
	struct mmsghdr one = { .msg_hdr = msg };

	memcpy(edge, &ss, 8);
	mprotect(map + page, (size_t)page, PROT_NONE);
	huge.msg_iovlen = 1 << 20;
	bad_data.msg_iov = &bad_iov;
	bad_name.msg_name = map + page;
	printf("huge=%s", result(connect(tcp, (struct sockaddr *)&ss, 1 << 30)));
	printf(" negative=%s", result(connect(tcp, (struct sockaddr *)&ss, (socklen_t)-1)));
	printf(" len129=%s", result(connect(tcp, (struct sockaddr *)&ss, 129)));
	printf(" null=%s", result(connect(tcp, NULL, 16)));
	printf(" low=%s", result(connect(tcp, (struct sockaddr *)16, 16)));
	printf(" unmapped=%s", result(connect(tcp, (struct sockaddr *)(map + page), 16)));
	printf(" straddle=%s", result(connect(tcp, (struct sockaddr *)edge, 16)));
	printf(" sendto_name=%s", result(sendto(udp, "x", 1, 0, (struct sockaddr *)(map + page), len)));
	printf(" sendto_data=%s", result(sendto(udp, map + page, 4, 0, (struct sockaddr *)&ss, len)));
	printf(" sendmsg_hdr=%s", result(sendmsg(udp, (struct msghdr *)(map + page), 0)));
	printf(" sendmsg_iovlen=%s", result(sendmsg(udp, &huge, 0)));
	printf(" sendmsg_data=%s", result(sendmsg(udp, &bad_data, 0)));
	printf(" sendmsg_name=%s", result(sendmsg(udp, &bad_name, 0)));
	printf(" sendmmsg_vec=%s", result(sendmmsg(udp, (struct mmsghdr *)(map + page), 1, 0)));
	one.msg_hdr = bad_name;
	printf(" sendmmsg_name=%s", result(sendmmsg(udp, &one, 1, 0)));
	/* a unix address longer than a sockaddr_un: EINVAL, whatever it names */
	{
		union {
			struct sockaddr_un sun;
			char bytes[128];
		} un;
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		memset(&un, 0, sizeof(un));
		un.sun.sun_family = AF_UNIX;
		strcpy(un.sun.sun_path, "/nonexistent-corral-test");
		printf(" unix_long=%s", result(connect(fd, &un.sun, 120)));
		memcpy(un.sun.sun_path, "\0corral-test-long", 17);
		printf(" abstract_long=%s", result(connect(fd, &un.sun, 120)));
		close(fd);
	}
	/* the kernel's order: the fd, then the address, then is it a socket */
	printf(" badfd_null=%s", result(connect(999, NULL, 16)));
	printf(" notsock_null=%s", result(connect(devnull, NULL, 16)));
	printf(" notsock=%s", result(connect(devnull, (struct sockaddr *)&ss, len)));
	printf(" after=%s\n", result(connect(tcp, (struct sockaddr *)&ss, len)));
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* flood HOST PORT N: N connects (refused by the policy), as fast as it can */
static int op_flood(const char *host, int port, int n)
{
	struct sockaddr_storage ss;
	socklen_t len = address(host, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM, 0), refused = 0;
	double start = now_ms();

	for (int i = 0; i < n; i++)
		if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno == ECONNREFUSED)
			refused++;
	printf("flood refused=%d of %d in %.0f ms\n", refused, n, now_ms() - start);
	return 0;
}

/* timed HOST PORT N: N allowed connects; how many worked, the slowest */
static int op_timed(const char *host, int port, int n)
{
	struct sockaddr_storage ss;
	socklen_t len = address(host, port, &ss);
	double slowest = 0;
	int ok = 0;

	for (int i = 0; i < n; i++) {
		int fd = socket(ss.ss_family, SOCK_STREAM, 0);
		double start = now_ms(), took;

		if (connect(fd, (struct sockaddr *)&ss, len) == 0)
			ok++;
		took = now_ms() - start;
		if (took > slowest)
			slowest = took;
		close(fd);
		usleep(2000);
	}
	printf("timed ok=%d of %d slowest=%.0f\n", ok, n, slowest);
	return 0;
}

/* memfd: what memfd_create hands out */
static int op_memfd(void)
{
	char *argv[] = { "true", NULL }, *envp[] = { NULL }, buf[65536];
	int fd = memfd_create("netprobe", MFD_CLOEXEC), in = open("/usr/bin/true", O_RDONLY), seals, status = 0;
	const char *rw = "ok";
	pid_t child;
	ssize_t n;

	if (fd < 0) {
		printf("create=%s\n", err_name(errno));
		return 0;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			rw = "write-failed";
	if (pread(fd, buf, 4, 0) != 4 || memcmp(buf, "\177ELF", 4) != 0)
		rw = "read-failed";
	seals = fcntl(fd, F_GET_SEALS);
	printf("create=ok rw=%s exec-seal=%s", rw, seals < 0 ? err_name(errno) : (seals & F_SEAL_EXEC) ? "yes" : "no");
	/* fexecve in a child: when it works, true runs and exits 0 */
	child = fork();
	if (child == 0) {
		fexecve(fd, argv, envp);
		_exit(100 + errno);
	}
	waitpid(child, &status, 0);
	printf(" fexecve=%s", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ok"
			      : WIFEXITED(status) && WEXITSTATUS(status) > 100 ? err_name(WEXITSTATUS(status) - 100)
			      : "failed");
	printf(" mfd_exec=%s\n", result(memfd_create("netprobe", MFD_CLOEXEC | PROBE_MFD_EXEC)));
	return 0;
}

/* memfd-full: memfd_create with the fd table full (RLIMIT_NOFILE), then
 * with one slot free: EMFILE, then the lowest free number, as the kernel
 * gives them (in a session the helper creates it and the kernel refuses
 * to install it: the call must still be answered, not left hanging). */
static int op_memfd_full(void)
{
	struct rlimit rl = { .rlim_cur = 64, .rlim_max = 64 };
	int last = -1, fd, freed;

	if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		printf("setrlimit=%s\n", err_name(errno));
		return 0;
	}
	while ((fd = dup(0)) >= 0)
		last = fd;
	if (last < 0) {
		printf("dup=%s\n", err_name(errno));
		return 0;
	}
	freed = last / 2;
	printf("full=%s", result(memfd_create("netprobe", MFD_CLOEXEC)));
	close(freed);
	fd = memfd_create("netprobe", MFD_CLOEXEC);
	printf(" then=%s lowest=%s\n", fd < 0 ? err_name(errno) : "ok", fd == freed ? "yes" : "no");
	return 0;
}

/* parent SIGNAL [HOST PORT]: what this process can do to its parent (in a
 * session: the helper): read its memory, list its fds, signal it; then
 * whether a connect to HOST:PORT still works (the helper is still there). */
static int op_parent(int sig, const char *host, int port)
{
	char path[64], comm[32] = "?";
	pid_t parent = getppid();
	FILE *f;
	DIR *d;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)parent);
	f = fopen(path, "r");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)parent);
	fd = open(path, O_RDONLY);
	printf("parent=%s mem=%s", comm, result(fd));
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)parent);
	d = opendir(path);
	printf(" fd=%s", d ? "ok" : err_name(errno));
	printf(" kill=%s", result(kill(parent, sig)));
	if (host) {
		struct sockaddr_storage ss;
		socklen_t len = address(host, port, &ss);

		fd = socket(ss.ss_family, SOCK_STREAM, 0);
		printf(" after=%s", result(connect(fd, (struct sockaddr *)&ss, len)));
	}
	putchar('\n');
	return 0;
}

/* udp-unspec HOST PORT: a datagram whose address says AF_UNSPEC, which
 * udp_sendmsg() takes for AF_INET */
static int op_udp_unspec(const char *host, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = address(host, port, &ss);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	timeouts(fd);
	ss.ss_family = AF_UNSPEC;
	if (sendto(fd, "hi", 2, 0, (struct sockaddr *)&ss, len) < 0) {
		puts(err_name(errno));
		return 0;
	}
	return print_reply(fd);
}

/* sndtimeo HOST PORT: fill the accept queue of a listener that never
 * accepts (backlog 0), then a blocking connect bounded by SO_SNDTIMEO 1 s:
 * the kernel answers EINPROGRESS when the time is up. */
static int op_sndtimeo(const char *host, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = address(host, port, &ss);
	struct timeval tv = { .tv_sec = 1 };
	double start;
	int fd;

	alarm(10);   /* a connect that ignores the timeout is killed, not waited for */
	for (int i = 0; i < 3; i++) {
		fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(fd, (struct sockaddr *)&ss, len);
	}
	usleep(300000);
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	start = now_ms();
	printf("%s", result(connect(fd, (struct sockaddr *)&ss, len)));
	printf(" after %.0f s\n", (now_ms() - start) / 1000);
	return 0;
}

/* nodump-connect HOST PORT: a connect from a process the helper may not reach */
static int op_nodump_connect(const char *host, int port)
{
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return op_connect(host, port, 0);
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	const char *a = argc > 2 ? argv[2] : "";
	int b = argc > 3 ? atoi(argv[3]) : 0, c = argc > 4 ? atoi(argv[4]) : 0, d = argc > 5 ? atoi(argv[5]) : 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(op, "connect") == 0)
		return op_connect(a, b, 0);
	if (strcmp(op, "echo") == 0)
		return op_connect(a, b, 1);
	if (strcmp(op, "udp") == 0)
		return op_udp(a, b, argc > 4 ? argv[4] : "sendto");
	if (strcmp(op, "mmsg") == 0)
		return op_mmsg(a, b, c);
	if (strcmp(op, "udp-connect-send") == 0)
		return op_udp_connect_send(a, b);
	if (strcmp(op, "tfo") == 0)
		return op_tfo(a, b);
	if (strcmp(op, "ping") == 0)
		return op_ping(a);
	if (strcmp(op, "unix") == 0)
		return op_unix(a, 0);
	if (strcmp(op, "abstract") == 0)
		return op_unix(a, 1);
	if (strcmp(op, "race") == 0)
		return op_race(a, b, c, d);
	if (strcmp(op, "dup2race") == 0)
		return op_dup2race(a, b, c);
	if (strcmp(op, "bad") == 0)
		return op_bad(a, b);
	if (strcmp(op, "flood") == 0)
		return op_flood(a, b, c);
	if (strcmp(op, "timed") == 0)
		return op_timed(a, b, c);
	if (strcmp(op, "memfd") == 0)
		return op_memfd();
	if (strcmp(op, "memfd-full") == 0)
		return op_memfd_full();
	if (strcmp(op, "parent") == 0)
		return op_parent(atoi(a), argc > 3 ? argv[3] : NULL, c);
	if (strcmp(op, "udp-unspec") == 0)
		return op_udp_unspec(a, b);
	if (strcmp(op, "sndtimeo") == 0)
		return op_sndtimeo(a, b);
	if (strcmp(op, "nodump-connect") == 0)
		return op_nodump_connect(a, b);
	fprintf(stderr, "netprobe: unknown operation '%s'\n", op);
	return 2;
}
