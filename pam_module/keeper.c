/* The session keeper (see keeper.h). It talks to the module over a
 * socketpair: "ready" once it is in place, then it receives the number of
 * the caller's seccomp listener fd (or -1), takes that fd with pidfd_getfd,
 * starts corral-helper as the user on it, and acknowledges. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "handoff.h"
#include "helper_args.h"
#include "journal.h"
#include "keeper.h"
#include "notify.h"
#include "paths.h"

#define KEEPER_FAILED 1
#define KEEPER_READY 'r'
#define KEEPER_SERVED 's'
#define KEEPER_NOT_SERVED 'n'

static void reset_process(int keep_a, int keep_b)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
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
	/* every fd of the daemon's but ours, however high */
	for (int fd = 3, low = keep_a < keep_b ? keep_a : keep_b, high = keep_a < keep_b ? keep_b : keep_a; fd <= high;
	     fd++)
		if (fd != low && fd != high)
			close(fd);
	syscall(SYS_close_range, (unsigned)(keep_a > keep_b ? keep_a : keep_b) + 1, ~0U, 0);
}

static void leave_session_cgroups(const struct session_setup *setup)
{
	/* we must not count against the session's limits, and
	 * cgroup_session_close() moves the caller out anyway */
	for (size_t i = 0; i < setup->cgroup.count; i++) {
		char path[CGROUP_PATH_MAX + 32], pid[32];
		int fd;

		if (!setup->cgroup.previous[i][0])
			continue;
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
}

/* corral-helper as the user, serving the confined caller from outside.
 * 0 once it runs (its exec closed the status pipe), or -errno. */
static int start_helper(const struct keeper_request *req, int listener)
{
	char path[512];
	int memfd = handoff_policy_memfd(req->policy), status_pipe[2], error = 0;
	pid_t child;

	if (memfd < 0)
		return memfd;
	if (pipe2(status_pipe, O_CLOEXEC) < 0) {
		close(memfd);
		return -errno;
	}
	child = fork();
	if (child < 0) {
		error = errno;
		close(memfd);
		close(status_pipe[0]);
		close(status_pipe[1]);
		return -error;
	}
	if (child == 0) {
		struct helper_argv helper_argv;
		char *envp[] = { NULL };

		close(status_pipe[0]);
		if (setsid() < 0 || setgroups(0, NULL) < 0 || initgroups(req->policy->user, req->policy->gid) < 0 ||
		    setgid(req->policy->gid) < 0 || setuid(req->policy->uid) < 0 || setuid(0) == 0)
			goto failed;
		if (fcntl(memfd, F_SETFD, 0) < 0 || fcntl(listener, F_SETFD, 0) < 0)
			goto failed;
		snprintf(path, sizeof(path), "%s", req->helper_path ? req->helper_path : CORRAL_HELPER_PATH);
		helper_args_build(&(struct helper_args){ .start = HELPER_START_EXTERNAL,
							 .external = req->leader,
							 .notify = listener,
							 .policy = memfd,
							 .session = req->setup->id },
				  &helper_argv);
		execve(path, helper_argv.argv, envp);
failed:
		error = errno ? errno : EPERM;
		if (write(status_pipe[1], &error, sizeof(error)) < 0)
			_exit(KEEPER_FAILED);
		_exit(KEEPER_FAILED);
	}
	close(memfd);
	close(status_pipe[1]);
	if (read(status_pipe[0], &error, sizeof(error)) != sizeof(error))
		error = 0; /* closed by a successful exec */
	close(status_pipe[0]);
	return -error;
}

__attribute__((format(printf, 2, 3))) static void keeper_log(int priority, const char *fmt, ...)
{
	char line[JOURNAL_ENTRY_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (journal_send_event(priority, JOURNAL_IDENT, line) < 0)
		syslog(LOG_AUTHPRIV | priority, "%s", line);
}

static void keeper_main(const struct keeper_request *req, int pidfd, int sock)
{
	char err[SESSION_SETUP_ERR_MAX], answer = KEEPER_NOT_SERVED;
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	int number = -1, r;

	reset_process(pidfd, sock);
	leave_session_cgroups(req->setup);
	if (write(sock, (char[]){ KEEPER_READY }, 1) != 1)
		_exit(KEEPER_FAILED);
	/* the caller confines itself, then names its listener fd (or -1);
	 * no word at all means it was refused on the way */
	if (read(sock, &number, sizeof(number)) == sizeof(number)) {
		int listener = number >= 0 ? pidfd_take_fd(pidfd, number) : -1;

		if (number < 0 || (listener >= 0 && start_helper(req, listener) == 0))
			answer = KEEPER_SERVED; /* (nothing trapped: nothing to serve) */
		if (listener >= 0)
			close(listener);
	}
	if (answer == KEEPER_SERVED && write(sock, &answer, 1) != 1)
		answer = KEEPER_NOT_SERVED;
	close(sock);
	/* a refused session never opened: nothing of it may linger */
	if (answer != KEEPER_SERVED)
		req->setup->linger = false;
	while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
		;
	r = session_setup_close(req->setup, err, sizeof(err));
	/* the daemon's PAM handle is not ours to use here: log directly, in
	 * pam_syslog's shape, so the session's end is logged like others */
	if (r < 0)
		keeper_log(
			LOG_ERR,
			"pam_corral(%s:session): user=%s session=%s event=session-close op=keeper errno=%d reason=\"%s\"",
			req->service, req->policy->user, req->setup->id, -r, err);
	else
		keeper_log(LOG_INFO, "pam_corral(%s:session): user=%s session=%s event=session-close op=keeper",
			   req->service, req->policy->user, req->setup->id);
	_exit(0);
}

int keeper_start(const struct keeper_request *req, int *channel)
{
	int pidfd, sv[2], status, r = 0;
	char byte = 0;
	pid_t child;

	*channel = -1;
	pidfd = (int)syscall(SYS_pidfd_open, req->leader, 0);
	if (pidfd < 0)
		return -errno;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
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

		close(sv[0]);
		setsid();
		keeper = fork();
		if (keeper == 0)
			keeper_main(req, pidfd, sv[1]);
		_exit(keeper < 0 ? KEEPER_FAILED : 0);
	}
	close(sv[1]);
	sv[1] = -1;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (read(sv[0], &byte, 1) != 1 || byte != KEEPER_READY)
		r = -ECHILD;
out:
	if (sv[1] >= 0)
		close(sv[1]);
	if (r == 0)
		*channel = sv[0];
	else
		close(sv[0]);
	close(pidfd);
	return r;
}

int keeper_hand_over(int channel, int listener)
{
	char answer = 0;

	/* write() and read(): a confined process's sendmsg would be trapped */
	if (write(channel, &listener, sizeof(listener)) != sizeof(listener) || read(channel, &answer, 1) != 1)
		return -EPIPE;
	return answer == KEEPER_SERVED ? 0 : -ECHILD;
}
