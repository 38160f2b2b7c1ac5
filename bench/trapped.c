/* trapped — system calls a corral session traps to corral-helper, timed
 * per call with CLOCK_MONOTONIC; prints key=value for spawn.
 *
 *   trapped listen PORT        a loopback listener that accepts and closes
 *                              (run outside the session); prints "ready"
 *   trapped connect PORT N     N x { socket; connect 127.0.0.1:PORT (timed);
 *                              close with RST so no TIME_WAIT piles up }
 *   trapped memfd N            N x { memfd_create (timed); close }
 *
 * Output: OP_med=NS OP_mean=NS OP_p90=NS (per call, this run).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *op, int64_t *v, long n)
{
	double sum = 0;

	for (long i = 0; i < n; i++)
		sum += (double)v[i];
	qsort(v, (size_t)n, sizeof(*v), cmp_i64);
	printf("%s_med=%lld %s_mean=%.0f %s_p90=%lld\n", op, (long long)v[n / 2], op, sum / (double)n, op,
	       (long long)v[n * 9 / 10]);
}

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sa;
}

static int do_listen(int port)
{
	struct sockaddr_in sa = loopback(port);
	int one = 1, s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	signal(SIGPIPE, SIG_IGN);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 4096) < 0) {
		fprintf(stderr, "trapped listen: 127.0.0.1:%d: %s\n", port, strerror(errno));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);

		if (c >= 0)
			close(c);
		else if (errno != EINTR && errno != ECONNABORTED && errno != EMFILE)
			return 1;
	}
}

static int do_connect(int port, long n, int64_t *v)
{
	struct sockaddr_in sa = loopback(port);
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };

	for (long i = 0; i < n; i++) {
		int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int64_t t0;

		if (s < 0) {
			perror("trapped: socket");
			return 1;
		}
		t0 = now_ns();
		if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			fprintf(stderr, "trapped: connect 127.0.0.1:%d: %s\n", port, strerror(errno));
			return 1;
		}
		v[i] = now_ns() - t0;
		setsockopt(s, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
		close(s);
	}
	report("connect", v, n);
	return 0;
}

static int do_memfd(long n, int64_t *v)
{
	for (long i = 0; i < n; i++) {
		int64_t t0 = now_ns();
		int fd = memfd_create("bench", MFD_CLOEXEC);

		v[i] = now_ns() - t0;
		if (fd < 0) {
			perror("trapped: memfd_create");
			return 1;
		}
		close(fd);
	}
	report("memfd", v, n);
	return 0;
}

int main(int argc, char **argv)
{
	long n;
	int64_t *v;

	if (argc == 3 && strcmp(argv[1], "listen") == 0)
		return do_listen(atoi(argv[2]));
	n = argc > 1 ? atol(argv[argc - 1]) : 0;
	if (n < 1 || !(v = calloc((size_t)n, sizeof(*v)))) {
		fputs("usage: trapped listen PORT | connect PORT N | memfd N\n", stderr);
		return 2;
	}
	if (argc == 4 && strcmp(argv[1], "connect") == 0)
		return do_connect(atoi(argv[2]), n, v);
	if (argc == 3 && strcmp(argv[1], "memfd") == 0)
		return do_memfd(n, v);
	fputs("usage: trapped listen PORT | connect PORT N | memfd N\n", stderr);
	return 2;
}
