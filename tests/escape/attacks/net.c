/* Network attacks the mediated connect path might miss: io_uring's own
 * connect, other socket types, IPv6 spellings of an IPv4 address, unix
 * sockets of daemons that run code for their caller, and host names
 * re-pointed during the session.
 *
 *   net tcp ADDR PORT            connect (IPv4 or IPv6 text) and read a reply line: ok:LINE
 *   net tcp-nb ADDR PORT         the same on a non-blocking socket, giving up
 *                                after 1.5 s (ETIMEDOUT): for unroutable addresses
 *   net unix PATH                connect to a pathname unix socket
 *   net unix-rel DIR NAME        chdir(DIR), then connect to the relative NAME
 *   net io_uring ADDR PORT       IORING_OP_CONNECT through a ring set up by hand
 *   net mptcp ADDR PORT          socket(IPPROTO_MPTCP), connect
 *   net sctp ADDR PORT           socket(IPPROTO_SCTP), connect
 *   net listen-unbound FILE      listen() on a TCP socket never bound (the kernel
 *                                picks a port), write the port to FILE, accept
 *                                one connection: "ok:accepted" (or ETIMEDOUT
 *                                after 5 s)
 *   net udp-bind PORT            bind a UDP socket to 0.0.0.0:PORT
 *   net name NAME PORT [GO]      resolve NAME (getaddrinfo), connect to its first
 *                                address: "ok:ADDR" or "ERR:ADDR"; with GO, then
 *                                creates GO.ready, waits until the file GO exists
 *                                and does it again
 */
#include "common.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

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
	fprintf(stderr, "net: bad address %s\n", host);
	exit(2);
}

static int reply(int fd)
{
	char line[128] = "";
	ssize_t n;
	struct timeval tv = { .tv_sec = 3 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = read(fd, line, sizeof(line) - 1);
	if (n < 0)
		return report(-1);
	line[n] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	return report_detail(0, line);
}

static int stream(const char *host, int port, int protocol, int nonblocking)
{
	struct sockaddr_storage ss;
	socklen_t len = address(host, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), protocol);

	if (fd < 0) {
		printf("socket:");
		return report(-1);
	}
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		int error = 0;
		socklen_t elen = sizeof(error);

		if (!nonblocking || errno != EINPROGRESS)
			return report(-1);
		if (poll(&p, 1, 1500) == 0) {
			errno = ETIMEDOUT;
			return report(-1);
		}
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &elen);
		if (error) {
			errno = error;
			return report(-1);
		}
		fcntl(fd, F_SETFL, 0);
	}
	return reply(fd);
}

/* A minimal io_uring: one connect submitted and waited for. */
static int uring_connect(const char *host, int port)
{
	struct io_uring_params p;
	struct sockaddr_storage ss;
	socklen_t len = address(host, port, &ss);
	int ring, fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unsigned char *sq, *cq;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqe;
	unsigned *tail, *array, *mask, head;

	memset(&p, 0, sizeof(p));
	ring = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (ring < 0) {
		printf("io_uring_setup:");
		return report(-1);
	}
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
		return report(-1);
	memset(&sqes[0], 0, sizeof(sqes[0]));
	sqes[0].opcode = IORING_OP_CONNECT;
	sqes[0].fd = fd;
	sqes[0].addr = (unsigned long)&ss;
	sqes[0].off = len;
	tail = (unsigned *)(sq + p.sq_off.tail);
	mask = (unsigned *)(sq + p.sq_off.ring_mask);
	array = (unsigned *)(sq + p.sq_off.array);
	array[*tail & *mask] = 0;
	__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0) {
		printf("io_uring_enter:");
		return report(-1);
	}
	head = __atomic_load_n((unsigned *)(cq + p.cq_off.head), __ATOMIC_ACQUIRE);
	cqe = (struct io_uring_cqe *)(cq + p.cq_off.cqes) + (head & *(unsigned *)(cq + p.cq_off.ring_mask));
	if (cqe->res < 0) {
		errno = -cqe->res;
		return report(-1);
	}
	return reply(fd);
}

static int by_name(const char *name, const char *port)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
	char text[INET6_ADDRSTRLEN] = "?";
	int fd, r;

	r = getaddrinfo(name, port, &hints, &res);
	if (r != 0) {
		printf("resolve:%s\n", gai_strerror(r));
		return 0;
	}
	inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, text, sizeof(text));
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) < 0)
		printf("%s:%s\n", err_name(errno), text);
	else
		printf("ok:%s\n", text);
	fflush(stdout);
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
	return 0;
}

int main(int argc, char **argv)
{
	const char *op = ARG(1), *a = ARG(2);

	if (OP("tcp") || OP("tcp-nb"))
		return stream(a, atoi(ARG(3)), 0, OP("tcp-nb"));
	if (OP("mptcp"))
		return stream(a, atoi(ARG(3)), IPPROTO_MPTCP, 0);
	if (OP("sctp"))
		return stream(a, atoi(ARG(3)), IPPROTO_SCTP, 0);
	if (OP("io_uring"))
		return uring_connect(a, atoi(ARG(3)));
	if (OP("unix") || OP("unix-rel")) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (OP("unix-rel") && chdir(a) < 0) {
			printf("chdir:");
			return report(-1);
		}
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", OP("unix-rel") ? ARG(3) : a);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
			return report(-1);
		return report(0);
	}
	if (OP("listen-unbound")) {
		struct sockaddr_in sin;
		socklen_t len = sizeof(sin);
		struct pollfd p;
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), c;
		FILE *f;

		if (fd < 0 || listen(fd, 1) < 0 || getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
			return report(-1);
		f = fopen(a, "w");
		if (!f)
			return report(-1);
		fprintf(f, "%d\n", ntohs(sin.sin_port));
		fclose(f);
		p = (struct pollfd){ .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 5000) <= 0) {
			errno = ETIMEDOUT;
			return report(-1);
		}
		c = accept(fd, NULL, NULL);
		return report_detail(c, "accepted");
	}
	if (OP("udp-bind")) {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(a)) };
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return report(-1);
		return report(bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	}
	if (OP("name")) {
		by_name(a, ARG(3));
		if (argc > 4) {
			struct timespec t = { 0, 50 * 1000 * 1000 };
			char ready[4096];
			int fd;

			snprintf(ready, sizeof(ready), "%s.ready", argv[4]);
			fd = open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			if (fd >= 0)
				close(fd);

			for (int i = 0; i < 200 && access(argv[4], F_OK) < 0; i++)
				nanosleep(&t, NULL);
			by_name(a, ARG(3));
		}
		return 0;
	}
	return usage("net", op);
}
