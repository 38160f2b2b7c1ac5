/* Signals where Landlock has no signal scope (ABI < 6): allowed to the
 * session's own processes only. A target named by pid is pinned with a
 * pidfd before it is checked, and the signal goes through that pidfd: a
 * pid reused meanwhile by a process outside gets nothing. The price: the
 * receiver sees corral-helper as the sender (si_pid). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper.h"
#include "procinfo.h"

#define SIGINFO_SIZE 128 /* the kernel's siginfo_t */

/* A pidfd of the process behind pid (a thread's process for a thread id)
 * when it is one of the session's: -EPERM when it is not, -ESRCH when it
 * is gone. Checked after pinning: the pid cannot name another process by
 * the time the pidfd is used. */
static int pin_member(const struct helper *h, pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0 && errno == EINVAL) { /* a thread id (before PIDFD_THREAD) */
		pid = proc_thread_group(pid);
		fd = pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
	}
	if (fd < 0)
		return -ESRCH;
	if (!helper_is_member(h, pid)) {
		close(fd);
		return -EPERM;
	}
	/* still the same process: what /proc said was about it */
	if (syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0) < 0) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

static int send_through(int pidfd, int sig)
{
	return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
}

/* kill(-1, sig): every process of the session but the caller. */
static int kill_members(const struct helper *h, pid_t caller, int sig)
{
	uid_t uid = getuid();
	struct dirent *de;
	int sent = 0, r = -ESRCH;
	DIR *proc = opendir("/proc");

	if (!proc)
		return -errno;
	while ((de = readdir(proc)) != NULL) {
		struct stat owner;
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		int fd;

		if (*end || pid <= 1 || pid == caller || fstatat(dirfd(proc), de->d_name, &owner, 0) < 0 ||
		    owner.st_uid != uid)
			continue;
		fd = pin_member(h, (pid_t)pid);
		if (fd < 0)
			continue;
		if (send_through(fd, sig) == 0)
			sent++;
		close(fd);
	}
	closedir(proc);
	return sent ? 0 : r;
}

static void answer(struct helper *h, const struct seccomp_notif *req, int r, const char *what, long long target)
{
	if (r == -EPERM) {
		char text[64];

		snprintf(text, sizeof(text), "%s %lld", what, target);
		denials_record(&h->denials, "signal", text, "ipc.signals", EPERM);
	}
	helper_respond(h, req, 0, r < 0 ? -r : 0);
}

/* For the calls that carry a siginfo or name a thread, the kernel does
 * the rest once the target's process is pinned and checked: its pid can
 * only name another process after that one has exited and the pid space
 * has wrapped around (tgkill and rt_tgsigqueueinfo also check that the
 * thread is still the process's). */
static void continue_if_member(struct helper *h, const struct seccomp_notif *req, pid_t tgid, const char *what)
{
	int fd = pin_member(h, tgid);

	if (fd < 0) {
		answer(h, req, fd, what, tgid);
		return;
	}
	notify_continue(h->notify_fd, h->resp, h->sizes.resp, req->id);
	close(fd);
}

static void pidfd_send(struct helper *h, const struct seccomp_notif *req)
{
	const __u64 *a = req->data.args;
	unsigned char info[SIGINFO_SIZE];
	pid_t target = -1;
	int ours, r;

	/* our own copy: the number in the caller's table could be made to
	 * name another pidfd between our check and the kernel's use of it */
	ours = task_take_fd(&h->tasks, (pid_t)req->pid, (int)a[0]);
	if (ours < 0) {
		helper_respond(h, req, 0, EBADF);
		return;
	}
	target = helper_pidfd_pid(ours);
	if (target <= 0) {
		r = target == 0 ? -ESRCH : -EBADF; /* gone, or not a pidfd */
	} else if (!helper_is_member(h, target)) {
		r = -EPERM;
	} else if (a[2] && process_read((pid_t)req->pid, a[2], info, sizeof(info)) < 0) {
		r = -EFAULT;
	} else {
		r = syscall(SYS_pidfd_send_signal, ours, (int)a[1], a[2] ? info : NULL, (unsigned)a[3]) < 0 ? -errno
													    : 0;
	}
	close(ours);
	answer(h, req, r, "pidfd", target);
}

static void pidfd_open_for(struct helper *h, const struct seccomp_notif *req)
{
	pid_t pid = (pid_t)req->data.args[0];
	unsigned flags = (unsigned)req->data.args[1];
	int fd, injected;

	fd = (int)syscall(SYS_pidfd_open, pid, flags);
	if (fd < 0) {
		helper_respond(h, req, 0, errno);
		return;
	}
	if (!helper_is_member(h, helper_pidfd_pid(fd))) {
		close(fd);
		answer(h, req, -EPERM, "pidfd_open", pid);
		return;
	}
	injected = notify_answer_with_fd(h->notify_fd, req->id, fd, true);
	close(fd);
	if (injected < 0 && injected != -ENOENT)
		helper_respond(h, req, 0, -injected);
}

void mediate_signal(struct helper *h, const struct seccomp_notif *req)
{
	const __u64 *a = req->data.args;
	pid_t pid = (pid_t)a[0];
	int r;

	switch (req->data.nr) {
	case __NR_kill:
		if (pid == -1) {
			answer(h, req, kill_members(h, (pid_t)req->pid, (int)a[1]), "kill", -1);
		} else if (pid < -1) {
			/* a process group lies in one POSIX session, which the
			 * user's processes outside cannot join */
			if (helper_group_is_member(h, -pid))
				notify_continue(h->notify_fd, h->resp, h->sizes.resp, req->id);
			else
				answer(h, req, -EPERM, "kill group", -pid);
		} else {
			int fd = pin_member(h, pid);

			r = fd < 0 ? fd : send_through(fd, (int)a[1]);
			if (fd >= 0)
				close(fd);
			answer(h, req, r, "kill", pid);
		}
		break;
	case __NR_tkill:
		r = proc_thread_group(pid);
		if (r < 0)
			helper_respond(h, req, 0, ESRCH);
		else
			continue_if_member(h, req, r, "tkill");
		break;
	case __NR_tgkill:
	case __NR_rt_sigqueueinfo:
	case __NR_rt_tgsigqueueinfo:
		/* the kernel checks that a tid belongs to tgid itself */
		continue_if_member(h, req, pid, "signal");
		break;
	case __NR_pidfd_send_signal:
		pidfd_send(h, req);
		break;
	case __NR_pidfd_open:
		pidfd_open_for(h, req);
		break;
	default:
		helper_respond(h, req, 0, ENOSYS);
		break;
	}
}
