/* The confined start of a session. The child's order matters:
 *   1. close inherited fds, umask, rlimits, chdir home (environment is
 *      prepared by the caller and passed to execve);
 *   2. no_new_privs, then drop every capability (ambient, inheritable too);
 *   3. Landlock; 4. seccomp (after Landlock: its syscalls stay usable);
 *   5. wait for the parent's go, then exec.
 * A failure at any step exits before exec: never half-confined. */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confine.h"
#include "launch.h"
#include "log.h"
#include "session_env.h"
#include "supervisor.h"

#define CHILD_SETUP_FAILED 1      /* exit status when confinement failed */
#define CHILD_EXEC_FAILED 126

static void child_fail(int sock, const char *what, int error)
{
	char message[LAUNCH_ERR_MAX];
	int n;

	n = snprintf(message, sizeof(message), "%s%s%s", what, error ? ": " : "", error ? strerror(error) : "");
	/* the parent reports it: the child's stderr may be an scp stream */
	if (n > 0 && write(sock, message, (size_t)n) < 0)
		_exit(CHILD_SETUP_FAILED);
	_exit(CHILD_SETUP_FAILED);
}

static int close_other_fds(int keep)
{
	if (keep > 3 && syscall(__NR_close_range, 3, keep - 1, 0) < 0)
		return -errno;
	if (syscall(__NR_close_range, keep + 1, ~0U, 0) < 0)
		return -errno;
	return 0;
}

static void child_main(const struct launch_request *request, int sock, const sigset_t *old_mask)
{
	const struct policy *p = request->policy;
	char err[SANDBOX_ERR_MAX], go;
	int r;

	if (close_other_fds(sock) < 0)
		child_fail(sock, "cannot close inherited file descriptors", errno);
	if (policy_is_set(p, KEY_UMASK))
		umask(p->umask);
	r = session_apply_rlimits(p, request->processes_in_cgroup);
	if (r < 0)
		child_fail(sock, "cannot set resource limits", -r);
	if (chdir(p->home) < 0 && chdir("/") < 0)
		child_fail(sock, "cannot change to the home directory", errno);
	r = confine_process(request->plan, request->abi, true, err, sizeof(err));
	if (r < 0)
		child_fail(sock, err, 0);
	if (sigprocmask(SIG_SETMASK, old_mask, NULL) < 0)
		child_fail(sock, "cannot restore the signal mask", errno);
	/* confined: tell the parent, then wait for its go */
	if (write(sock, "", 1) != 1 || read(sock, &go, 1) != 1)
		_exit(CHILD_SETUP_FAILED);
	close(sock);
	execve(request->path, request->argv, request->envp);
	r = errno;
	fprintf(stderr, "corral: cannot run %s: %s%s\n", request->path, strerror(r),
		r == EACCES ? " (is it inside fs.exec?)" : "");
	_exit(r == ENOENT ? 127 : CHILD_EXEC_FAILED);
}

/* Reads the child's verdict: one NUL byte when confined, else a reason. */
static int wait_confined(int sock, char *err, size_t errlen)
{
	char buf[LAUNCH_ERR_MAX];
	ssize_t n;

	do
		n = read(sock, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	if (n == 1 && buf[0] == '\0')
		return 0;
	if (n <= 0)
		snprintf(err, errlen, "the session process died while confining itself");
	else
		snprintf(err, errlen, "%.*s", (int)n, buf);
	return -EPERM;
}

int launch_session(const struct launch_request *request, char *err, size_t errlen)
{
	sigset_t set, old_mask;
	int sv[2], r, status;
	pid_t child;

	if (!request->plan) {
		execve(request->path, request->argv, request->envp);
		r = -errno;
		snprintf(err, errlen, "cannot run %s: %s", request->path, strerror(-r));
		return r;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot become a child subreaper: %s", strerror(-r));
		return r;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		r = -errno;
		snprintf(err, errlen, "socketpair: %s", strerror(-r));
		return r;
	}
	supervisor_signal_set(&set);
	sigprocmask(SIG_BLOCK, &set, &old_mask);
	child = fork();
	if (child < 0) {
		r = -errno;
		snprintf(err, errlen, "fork: %s", strerror(-r));
		close(sv[0]);
		close(sv[1]);
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		return r;
	}
	if (child == 0) {
		close(sv[0]);
		child_main(request, sv[1], &old_mask);
	}
	close(sv[1]);
	r = wait_confined(sv[0], err, errlen);
	if (r < 0) {
		close(sv[0]);
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		return r;
	}
	if (write(sv[0], "", 1) != 1) {
		snprintf(err, errlen, "cannot start the session: %s", strerror(errno));
		close(sv[0]);
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		return -EPIPE;
	}
	close(sv[0]);
	return supervisor_run(child, request->policy);
}
