/* syscalls — the cost of system calls corral does not trap: each one still
 * runs the session's seccomp filters, and path lookups run Landlock's
 * checks. Tight loops, ns per call, printed as key=value for spawn:
 *
 *   syscalls [N]     getppid N times, stat("/usr/bin/true") N/4 times,
 *                    open+close of a file three directories deep N/8 times
 *                    (default 1e6)
 *
 * getppid: the call issue 17's target names, a system call with no work in
 * it, so what is left is the filters' cost on the way in.
 * The open path is three directories deep because Landlock checks every
 * component of it against the ruleset.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define STAT_PATH "/usr/bin/true"
#define OPEN_PATH "/usr/lib/x86_64-linux-gnu/libc.so.6"

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	double getppid_ns, stat_ns, open_ns;
	struct stat st;
	int64_t t0;

	if (n < 8) {
		fprintf(stderr, "usage: syscalls [N >= 8]\n");
		return 2;
	}
	if (stat(STAT_PATH, &st) < 0 || access(OPEN_PATH, R_OK) < 0) {
		perror("syscalls: " STAT_PATH " or " OPEN_PATH);
		return 1;
	}
	t0 = now_ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	getppid_ns = (double)(now_ns() - t0) / (double)n;

	t0 = now_ns();
	for (long i = 0; i < n / 4; i++)
		if (stat(STAT_PATH, &st) < 0)
			return 1;
	stat_ns = (double)(now_ns() - t0) / (double)(n / 4);

	t0 = now_ns();
	for (long i = 0; i < n / 8; i++) {
		int fd = open(OPEN_PATH, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return 1;
		close(fd);
	}
	open_ns = (double)(now_ns() - t0) / (double)(n / 8);
	printf("getppid=%.1f stat=%.1f open=%.1f\n", getppid_ns, stat_ns, open_ns);
	return 0;
}
