/* The session keeper (see keeper.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "keeper.h"

#define KEEPER_FAILED 1

static void keeper_main(struct session_setup *setup, int pidfd, int ready)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	char err[SESSION_SETUP_ERR_MAX];
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	sigset_t none;
	int null;

	/* nothing of the daemon's may stay with us */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		_exit(KEEPER_FAILED);
	for (int fd = 3; fd < 1024; fd++)
		if (fd != pidfd && fd != ready)
			close(fd);
	/* out of the session's cgroups: we must not count against its limits,
	 * and cgroup_session_close() moves the caller out anyway */
	for (size_t i = 0; i < setup->cgroup.count; i++)
		if (setup->cgroup.previous[i][0]) {
			char path[CGROUP_PATH_MAX + 32], pid[32];
			int fd;

			snprintf(path, sizeof(path), "%s/cgroup.procs", setup->cgroup.previous[i]);
			snprintf(pid, sizeof(pid), "%d", (int)getpid());
			fd = open(path, O_WRONLY | O_CLOEXEC);
			if (fd >= 0) {
				/* best effort: staying inside only costs one task of the limit */
				ssize_t n = write(fd, pid, strlen(pid));

				(void)n;
				close(fd);
			}
		}
	if (write(ready, "", 1) != 1)
		_exit(KEEPER_FAILED);
	close(ready);
	while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
		;
	session_setup_close(setup, err, sizeof(err));
	_exit(0);
}

int keeper_start(struct session_setup *setup, pid_t leader)
{
	int pidfd, pipefd[2], status, r = 0;
	char byte;
	pid_t child;

	pidfd = (int)syscall(SYS_pidfd_open, leader, 0);
	if (pidfd < 0)
		return -errno;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		r = -errno;
		close(pidfd);
		return r;
	}
	child = fork();
	if (child < 0) {
		r = -errno;
		goto out;
	}
	if (child == 0) {
		/* double fork: the keeper must not be the daemon's child */
		pid_t keeper;

		close(pipefd[0]);
		setsid();
		keeper = fork();
		if (keeper == 0)
			keeper_main(setup, pidfd, pipefd[1]);
		_exit(keeper < 0 ? KEEPER_FAILED : 0);
	}
	close(pipefd[1]);
	pipefd[1] = -1;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	/* the keeper says it is in place, or the pipe closes without a byte */
	if (read(pipefd[0], &byte, 1) != 1)
		r = -ECHILD;
out:
	close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	close(pidfd);
	return r;
}
