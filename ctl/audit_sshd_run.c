/* corralctl audit, sshd: runs `sshd -T` for one user, time-limited, with a
 * clean environment, and returns what it printed. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"

#define SSHD_TIME_LIMIT_MS 10000
#define SSHD_OUTPUT_MAX ((size_t)1024 * 1024)
#define SSHD_LINE_MAX 4096

static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* Reads fd until EOF, the size limit or the deadline. */
static int read_all(int fd, const struct timespec *start, char **out)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int r = 0;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long left = SSHD_TIME_LIMIT_MS - elapsed_ms(start);
		ssize_t n;

		if (left <= 0) {
			r = -ETIMEDOUT;
			goto out;
		}
		if (poll(&pfd, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto out;
		}
		if (cap - len < 4096) {
			char *bigger;

			if (cap >= SSHD_OUTPUT_MAX) {
				r = -EFBIG;
				goto out;
			}
			bigger = realloc(buf, cap + 65536);
			if (!bigger) {
				r = -ENOMEM;
				goto out;
			}
			buf = bigger;
			cap += 65536;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (!buf) {
		buf = strdup("");
		if (!buf)
			return -ENOMEM;
	}
	buf[len] = '\0';
	*out = buf;
	buf = NULL;
out:
	free(buf);
	return r;
}

/* Waits for pid until the deadline; kills it after. */
static int reap(pid_t pid, const struct timespec *start, int *status)
{
	for (;;) {
		pid_t got = waitpid(pid, status, WNOHANG);
		struct timespec pause = { .tv_sec = 0, .tv_nsec = 10L * 1000 * 1000 };

		if (got == pid)
			return 0;
		if (got < 0 && errno != EINTR)
			return -errno;
		if (elapsed_ms(start) >= SSHD_TIME_LIMIT_MS) {
			kill(pid, SIGKILL);
			(void)waitpid(pid, status, 0);
			return -ETIMEDOUT;
		}
		nanosleep(&pause, NULL);
	}
}

/* The first line sshd wrote to its standard error (kept in errfd). */
static void first_error_line(int errfd, char *err, size_t errlen)
{
	char text[SSHD_LINE_MAX];
	ssize_t n = pread(errfd, text, sizeof(text) - 1, 0);

	if (n <= 0) {
		snprintf(err, errlen, "sshd -T failed without a message");
		return;
	}
	text[n] = '\0';
	text[strcspn(text, "\n")] = '\0';
	/* the finding is one line of text, whatever sshd quoted back */
	for (char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			*p = '?';
	snprintf(err, errlen, "%s", text);
}

int audit_sshd_run(const char *config, const char *user, char **output, char *err, size_t errlen)
{
	/* a fixed, clean environment: nothing of the caller's (LD_*, ...)
	 * reaches sshd, and its answer does not depend on who runs audit */
	char *envp[] = { (char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", (char *)"LC_ALL=C", NULL };
	char spec[AUDIT_TEXT_MAX], *argv[8];
	int out[2] = { -1, -1 }, errfd = -1, nullfd = -1, status = 0, r, argc = 0;
	struct timespec start;
	pid_t pid;

	*output = NULL;
	if (access(AUDIT_SSHD_PATH, X_OK) < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	snprintf(spec, sizeof(spec), "user=%s,host=localhost,addr=127.0.0.1", user);
	argv[argc++] = (char *)"sshd";
	argv[argc++] = (char *)"-T";
	argv[argc++] = (char *)"-C";
	argv[argc++] = spec;
	if (config) {
		argv[argc++] = (char *)"-f";
		argv[argc++] = (char *)config;
	}
	argv[argc] = NULL;
	if (pipe2(out, O_CLOEXEC) < 0 || (errfd = memfd_create("sshd-stderr", MFD_CLOEXEC)) < 0 ||
	    (nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot prepare to run sshd: %s", strerror(-r));
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	pid = fork();
	if (pid < 0) {
		r = -errno;
		snprintf(err, errlen, "fork: %s", strerror(-r));
		goto out;
	}
	if (pid == 0) {
		if (dup2(nullfd, 0) < 0 || dup2(out[1], 1) < 0 || dup2(errfd, 2) < 0)
			_exit(127);
		/* nothing else of ours leaks into sshd */
		(void)close_range(3, ~0U, 0);
		execve(AUDIT_SSHD_PATH, argv, envp);
		_exit(127);
	}
	close(out[1]);
	out[1] = -1;
	r = read_all(out[0], &start, output);
	if (r == 0)
		r = reap(pid, &start, &status);
	else {
		kill(pid, SIGKILL);
		(void)waitpid(pid, &status, 0);
	}
	if (r == -ETIMEDOUT)
		snprintf(err, errlen, "sshd -T did not finish within %d s", SSHD_TIME_LIMIT_MS / 1000);
	else if (r < 0)
		snprintf(err, errlen, "reading sshd -T: %s", strerror(-r));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !*output || !**output) {
		first_error_line(errfd, err, errlen);
		r = -EIO;
	}
	if (r < 0) {
		free(*output);
		*output = NULL;
	}
out:
	if (out[0] >= 0)
		close(out[0]);
	if (out[1] >= 0)
		close(out[1]);
	if (errfd >= 0)
		close(errfd);
	if (nullfd >= 0)
		close(nullfd);
	return r;
}
