/* trapped — system calls a corral session traps to corral-helper, timed
 * per call with CLOCK_MONOTONIC; prints key=value for spawn.
 *
 *   trapped listen PORT        a loopback listener that accepts and closes
 *                              (run outside the session); prints "ready"
 *   trapped connect PORT N     N x { socket; connect 127.0.0.1:PORT (timed);
 *                              close with RST so no TIME_WAIT piles up }
 *   trapped flood PORT N P     P processes at once, each N/P x the connect
 *                              above: many trapped connects queued at one
 *                              corral-helper; every call counts
 *   trapped memfd N            N x { memfd_create (timed); close }
 *   trapped bind PORT N        N x { socket; bind 127.0.0.1:PORT (timed);
 *                              close } (never listening: the port is free
 *                              again at once)
 *   trapped kill N             N x kill(CHILD, 0) (timed), CHILD a child of
 *                              this process asleep in pause()
 *   trapped setprio N          N x setpriority(PRIO_PROCESS, CHILD, 10)
 *                              (timed), the same child: a call naming
 *                              another process
 *   trapped abi                the kernel's Landlock ABI (0: none)
 *
 * Output: OP_med=NS OP_mean=NS OP_p90=NS (per call, this run; flood: over
 * all processes' calls); abi=N.
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
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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

/* Connects of P processes released together (a pipe closing), each timing
 * its own calls into one shared array: the helper's queue under load. */
static int do_flood(int port, long n, int procs)
{
	int64_t *v = mmap(NULL, (size_t)n * sizeof(*v), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	long per = n / procs;
	int gate[2], status, failed = 0;
	pid_t *pids;
	char c;

	if (v == MAP_FAILED || procs < 1 || per < 1 || !(pids = calloc((size_t)procs, sizeof(*pids))) ||
	    pipe2(gate, O_CLOEXEC) < 0) {
		fputs("trapped flood: cannot set up\n", stderr);
		return 1;
	}
	for (int i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("trapped: fork");
			return 1;
		}
		if (pids[i] == 0) {
			int64_t *mine = v + (long)i * per, *scratch = calloc((size_t)per, sizeof(*scratch));

			close(gate[1]);
			if (!scratch || read(gate[0], &c, 1) < 0)
				_exit(1);
			/* do_connect sorts its array: time into a scratch copy, keep the order-free values */
			if (freopen("/dev/null", "w", stdout) == NULL || do_connect(port, per, scratch) != 0)
				_exit(1);
			memcpy(mine, scratch, (size_t)per * sizeof(*mine));
			_exit(0);
		}
	}
	close(gate[0]);
	close(gate[1]); /* all of them start now */
	for (int i = 0; i < procs; i++) {
		while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
			;
		failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	}
	if (failed) {
		fputs("trapped flood: a connecting process failed\n", stderr);
		return 1;
	}
	report("flood", v, per * procs);
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

static int do_bind(int port, long n, int64_t *v)
{
	struct sockaddr_in sa = loopback(port);

	for (long i = 0; i < n; i++) {
		int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int64_t t0;

		if (s < 0) {
			perror("trapped: socket");
			return 1;
		}
		t0 = now_ns();
		if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			fprintf(stderr, "trapped: bind 127.0.0.1:%d: %s\n", port, strerror(errno));
			return 1;
		}
		v[i] = now_ns() - t0;
		close(s);
	}
	report("bind", v, n);
	return 0;
}

/* A child that sleeps until it is killed: the other process the calls name. */
static pid_t sleeping_child(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	if (pid < 0)
		perror("trapped: fork");
	return pid;
}

static int end_child(pid_t pid, int status)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* kill(child, 0): the signal check without a signal; in a session below
 * Landlock ABI 6 corral-helper decides it (session membership through a
 * pinned pidfd) and sends it itself */
static int do_kill(long n, int64_t *v)
{
	pid_t child = sleeping_child();

	if (child < 0)
		return 1;
	for (long i = 0; i < n; i++) {
		int64_t t0 = now_ns();

		if (kill(child, 0) < 0) {
			fprintf(stderr, "trapped: kill(%d, 0): %s\n", (int)child, strerror(errno));
			return end_child(child, 1);
		}
		v[i] = now_ns() - t0;
	}
	report("kill", v, n);
	return end_child(child, 0);
}

/* setpriority of another process: corral-helper's on every kernel (no
 * Landlock right covers it). 10 every time: raising a nice value needs no
 * privilege, and setting the same one again is allowed. */
static int do_setprio(long n, int64_t *v)
{
	pid_t child = sleeping_child();

	if (child < 0)
		return 1;
	for (long i = 0; i < n; i++) {
		int64_t t0 = now_ns();

		if (setpriority(PRIO_PROCESS, (id_t)child, 10) < 0) {
			fprintf(stderr, "trapped: setpriority(PRIO_PROCESS, %d, 10): %s\n", (int)child,
				strerror(errno));
			return end_child(child, 1);
		}
		v[i] = now_ns() - t0;
	}
	report("setprio", v, n);
	return end_child(child, 0);
}

/* LANDLOCK_CREATE_RULESET_VERSION: the ABI, or an error without Landlock */
static int do_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1U << 0);

	printf("abi=%ld\n", abi < 0 ? 0L : abi);
	return 0;
}

#define USAGE \
	"usage: trapped listen PORT | connect PORT N | flood PORT N P | memfd N | bind PORT N | kill N | setprio N | abi\n"

int main(int argc, char **argv)
{
	long n;
	int64_t *v;

	if (argc == 3 && strcmp(argv[1], "listen") == 0)
		return do_listen(atoi(argv[2]));
	if (argc == 2 && strcmp(argv[1], "abi") == 0)
		return do_abi();
	if (argc == 5 && strcmp(argv[1], "flood") == 0)
		return do_flood(atoi(argv[2]), atol(argv[3]), atoi(argv[4]));
	n = argc > 1 ? atol(argv[argc - 1]) : 0;
	if (n < 1 || !(v = calloc((size_t)n, sizeof(*v)))) {
		fputs(USAGE, stderr);
		return 2;
	}
	if (argc == 4 && strcmp(argv[1], "connect") == 0)
		return do_connect(atoi(argv[2]), n, v);
	if (argc == 3 && strcmp(argv[1], "memfd") == 0)
		return do_memfd(n, v);
	if (argc == 4 && strcmp(argv[1], "bind") == 0)
		return do_bind(atoi(argv[2]), n, v);
	if (argc == 3 && strcmp(argv[1], "kill") == 0)
		return do_kill(n, v);
	if (argc == 3 && strcmp(argv[1], "setprio") == 0)
		return do_setprio(n, v);
	fputs(USAGE, stderr);
	return 2;
}
