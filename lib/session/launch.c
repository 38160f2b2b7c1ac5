/* The confined start of a session. The child's order matters:
 *   1. close inherited fds, umask, rlimits, chdir home, die with the parent;
 *   2. no_new_privs, then drop every capability (ambient, inheritable too);
 *   3. Landlock; 4. seccomp, the notification filter last;
 *   5. hand the listener fd to the parent, corral-helper by then, over the
 *      socketpair (SCM_RIGHTS);
 *   6. wait for corral-helper's go, then exec.
 * Step 5 runs in a thread started before step 2: the filters cover only
 * the thread that installs them, and the child's own sendmsg would be
 * trapped with nobody yet to answer it. The thread does nothing else.
 * The parent writes the policy into a sealed memfd and execs corral-helper
 * at once, while the child confines itself (on two CPUs the two overlap);
 * the helper checks the peer and its hello, and takes the session over. A
 * failure at any step exits before exec: never half-confined. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <pthread.h>
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

#include "beside.h"
#include "confine.h"
#include "handoff.h"
#include "helper_args.h"
#include "launch.h"
#include "log.h"
#include "paths.h"
#include "session_env.h"
#include "util.h"

#define CHILD_SETUP_FAILED 1 /* exit status when confinement failed */
#define CHILD_EXEC_FAILED 126

/* Read by corral-helper to prove it can reach this process's memory. */
static const char probe_text[HANDOFF_PROBE_LEN] = HANDOFF_PROBE_TEXT;

static void child_fail(int sock, const char *what, int error)
{
	char message[HANDOFF_REASON_MAX];
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

static int send_hello(int sock, int listener)
{
	struct handoff_hello hello = {
		.magic = HANDOFF_MAGIC,
		.probe_address = (uint64_t)(uintptr_t)probe_text,
		.has_listener = listener >= 0,
	};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = &hello, .iov_len = sizeof(hello) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (listener >= 0) {
		struct cmsghdr *cmsg;

		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &listener, sizeof(int));
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == (ssize_t)sizeof(hello) ? 0 : -errno;
}

struct sender {
	int sock;
	int wake; /* read end: the listener fd number arrives here */
	int result;
};

/* The unfiltered thread of step 5. */
static void *sender_main(void *arg)
{
	struct sender *s = arg;
	int listener = -1;

	if (read(s->wake, &listener, sizeof(listener)) != sizeof(listener) || listener < 0)
		s->result = -ECANCELED;
	else
		s->result = send_hello(s->sock, listener);
	return NULL;
}

static void child_main(const struct launch_request *request, int sock, const sigset_t *old_mask, pid_t parent)
{
	const struct policy *p = request->policy;
	bool traps = syscall_filter_traps(&request->plan->filter);
	struct sender sender = { .sock = sock, .result = -EIO };
	char err[SANDBOX_ERR_MAX], go;
	int wake[2] = { -1, -1 }, listener = -1, r;
	pthread_t thread;

	if (close_other_fds(sock) < 0)
		child_fail(sock, "cannot close inherited file descriptors", errno);
	if (policy_is_set(p, KEY_UMASK))
		umask(p->umask);
	r = session_apply_rlimits(p, request->processes_in_cgroup);
	if (r < 0)
		child_fail(sock, "cannot set resource limits", -r);
	if (chdir(p->home) < 0 && chdir("/") < 0)
		child_fail(sock, "cannot change to the home directory", errno);
	/* if corral-helper dies, nothing of the session may go on unmediated */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
		child_fail(sock, "cannot tie the session to its helper", errno);
	if (traps) {
		if (pipe2(wake, O_CLOEXEC) < 0)
			child_fail(sock, "pipe", errno);
		sender.wake = wake[0];
		r = pthread_create(&thread, NULL, sender_main, &sender);
		if (r != 0)
			child_fail(sock, "cannot start the hand-off thread", r);
	}
	r = confine_process(request->plan, request->abi, true, &listener, err, sizeof(err));
	if (r < 0)
		child_fail(sock, err, 0);
	if (traps) {
		if (write(wake[1], &listener, sizeof(listener)) != sizeof(listener) ||
		    pthread_join(thread, NULL) != 0 || sender.result < 0)
			child_fail(sock, "cannot hand the notification fd to corral-helper", -sender.result);
		close(wake[0]);
		close(wake[1]);
		close(listener);
	} else if (send_hello(sock, -1) < 0) {
		_exit(CHILD_SETUP_FAILED);
	}
	if (sigprocmask(SIG_SETMASK, old_mask, NULL) < 0)
		child_fail(sock, "cannot restore the signal mask", errno);
	/* confined: wait for the helper to be ready to serve */
	if (read(sock, &go, 1) != 1 || go != HANDOFF_GO)
		_exit(CHILD_SETUP_FAILED);
	close(sock);
	execve(request->path, request->argv, request->envp);
	r = errno;
	fprintf(stderr, "corral: cannot run %s: %s%s\n", request->path, strerror(r),
		r == EACCES ? " (is it inside fs.exec?)" : "");
	_exit(r == ENOENT ? 127 : CHILD_EXEC_FAILED);
}

int launch_pin_helper(void)
{
	char path[PATH_MAX];
	int fd;

	program_beside_self(CORRAL_HELPER_NAME, CORRAL_HELPER_PATH, path, sizeof(path));
	fd = open(path, O_PATH | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int keep_across_exec(int fd)
{
	int flags = fcntl(fd, F_GETFD);

	if (flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
		return -errno;
	return 0;
}

/* Becomes corral-helper, which reads the child's hello; returns only on failure. */
static int exec_helper(const struct launch_request *request, pid_t child, int sock, char *err, size_t errlen)
{
	struct helper_argv helper_argv;
	char path[PATH_MAX], *envp[] = { NULL };
	int memfd, r;

	memfd = handoff_policy_memfd(request->policy);
	if (memfd < 0)
		return set_err(err, errlen, memfd, "cannot pass the policy to corral-helper: %s", strerror(-memfd));
	r = keep_across_exec(memfd);
	if (r == 0)
		r = keep_across_exec(sock);
	if (r < 0) {
		snprintf(err, errlen, "fcntl: %s", strerror(-r));
		close(memfd);
		return r;
	}
	helper_args_build(&(struct helper_args){ .start = HELPER_START_CHILD,
						 .child = child,
						 .control = sock,
						 .policy = memfd,
						 .notify = -1,
						 .session = request->session_id },
			  &helper_argv);
	if (request->helper_pinned) {
		snprintf(path, sizeof(path), "%s (opened before the session's namespace)", CORRAL_HELPER_NAME);
		syscall(SYS_execveat, request->helper_fd, "", helper_argv.argv, envp, AT_EMPTY_PATH);
	} else {
		program_beside_self(CORRAL_HELPER_NAME, CORRAL_HELPER_PATH, path, sizeof(path));
		execve(path, helper_argv.argv, envp);
	}
	r = -errno;
	snprintf(err, errlen, "cannot run %s: %s", path, strerror(-r));
	close(memfd);
	return r;
}

int launch_session(const struct launch_request *request, char *err, size_t errlen)
{
	sigset_t set, old_mask;
	int sv[2], r, status;
	pid_t child, self = getpid();

	if (!request->plan) {
		execve(request->path, request->argv, request->envp);
		return set_err(err, errlen, -errno, "cannot run %s: %s", request->path, strerror(errno));
	}
	/* orphans of the session come to us (and to the helper after exec) */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return set_err(err, errlen, -errno, "cannot become a child subreaper: %s", strerror(errno));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return set_err(err, errlen, -errno, "socketpair: %s", strerror(errno));
	if (setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &(int){ 1 }, sizeof(int)) < 0) {
		r = -errno;
		snprintf(err, errlen, "SO_PASSCRED: %s", strerror(-r));
		close(sv[0]);
		close(sv[1]);
		return r;
	}
	/* blocked until the helper's signalfd takes them: none is lost */
	handoff_signal_set(&set);
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
		child_main(request, sv[1], &old_mask, self);
	}
	close(sv[1]);
	/* the process that makes the session's Landlock domain: the kernel's
	 * audit records name it (pid=), corralctl denials maps them back.
	 * Logged here, not by the helper: its first log line would keep
	 * syslog's buffers and the time zone in every idle helper's memory
	 * (a child that then fails to confine itself is refused next) */
	corral_log(LOG_INFO, "user=%s session=%s event=confined pid=%d", request->policy->user,
		   request->session_id ? request->session_id : "-", (int)child);
	r = exec_helper(request, child, sv[0], err, errlen);
	close(sv[0]);
	kill(child, SIGKILL);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	return r;
}
