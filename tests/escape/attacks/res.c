/* Resource exhaustion from inside a session.
 *
 *   res forks N          fork N children that wait; "ok:N" when all were made,
 *                        else "ERRNO:K" (the error and how many were made);
 *                        then ends them
 *   res memory MB        allocate and touch MB MiB: ok (or killed by the OOM killer)
 *   res filesize PATH MB write MB MiB to PATH with SIGXFSZ ignored: ok or EFBIG
 *   res files DIR N      create N small files in DIR: ok or the errno
 *   res bomb SECONDS     a real fork bomb (every process forks again, forever)
 *                        in a process group of its own; after SECONDS the
 *                        first process tries one fork itself (EAGAIN when the
 *                        bomb holds every task the session may have), prints
 *                        "ok:ERRNO", kills the group until it is empty, exits
 */
#include "common.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

int main(int argc, char **argv)
{
	const char *op = ARG(1), *a = ARG(2);

	if (OP("forks")) {
		int n = atoi(a), made = 0, error = 0;
		pid_t *kids = calloc((size_t)n, sizeof(pid_t));
		char detail[64];

		for (; made < n; made++) {
			pid_t pid = fork();

			if (pid == 0) {
				pause();
				_exit(0);
			}
			if (pid < 0) {
				error = errno;
				break;
			}
			kids[made] = pid;
		}
		for (int i = 0; i < made; i++)
			kill(kids[i], SIGKILL);
		for (int i = 0; i < made; i++)
			waitpid(kids[i], NULL, 0);
		if (!error) {
			snprintf(detail, sizeof(detail), "%d", made);
			return report_detail(0, detail);
		}
		printf("%s:%d\n", err_name(error), made);
		return 0;
	}
	if (OP("memory")) {
		size_t mb = (size_t)atol(a);

		for (size_t i = 0; i < mb; i++) {
			char *p = malloc(1 << 20);

			if (!p)
				return report(-1);
			memset(p, (int)i | 1, 1 << 20);
		}
		return report(0);
	}
	if (OP("filesize")) {
		static char block[1 << 20];
		int fd = open(a, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		long mb = atol(ARG(3));

		signal(SIGXFSZ, SIG_IGN);
		if (fd < 0)
			return report(-1);
		memset(block, 'x', sizeof(block));
		for (long i = 0; i < mb; i++)
			if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block))
				return report(-1);
		return report(0);
	}
	if (OP("files")) {
		int n = atoi(ARG(3));
		char path[4096];

		for (int i = 0; i < n; i++) {
			int fd;

			snprintf(path, sizeof(path), "%s/f%d", a, i);
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
			if (fd < 0 || write(fd, "x", 1) != 1)
				return report(-1);
			close(fd);
		}
		return report(0);
	}
	if (OP("bomb")) {
		struct timespec t = { atoi(a), 0 }, tick = { 0, 10 * 1000 * 1000 };
		pid_t group = fork(), probe;
		int error = 0;

		if (group < 0)
			return report(-1);
		if (group == 0) {
			setpgid(0, 0);
			for (;;)
				if (fork() < 0)
					nanosleep(&tick, NULL);
		}
		setpgid(group, group);
		nanosleep(&t, NULL);
		probe = fork();
		if (probe == 0)
			_exit(0);
		if (probe < 0)
			error = errno;
		else
			waitpid(probe, NULL, 0);
		/* the group's leader is our child (reaped here), the others are
		 * orphans reaped by the subreaper: kill until none is left */
		while (kill(-group, SIGKILL) == 0) {
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
			nanosleep(&tick, NULL);
		}
		printf("ok:%s\n", error ? err_name(error) : "no-error");
		return 0;
	}
	return usage("res", op);
}
