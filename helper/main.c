/* corral-helper: the session supervisor. corral-shell's parent side execs it
 * with the confined child waiting; it checks what it was given, proves it
 * can reach the child, tells the child to go, and serves the session's
 * trapped system calls until the session is over. It runs as the user, with
 * no privilege, and cannot be read, traced or signalled from the session. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handoff.h"
#include "helper.h"
#include "helper_args.h"
#include "log.h"
#include "procinfo.h"
#include "session.h"

#define HELPER_EXIT_FAILED 1

static int fail(struct helper_args *a, const char *user, const char *why)
{
	fprintf(stderr, "corral: %s\n", why);
	corral_log(LOG_ERR, "user=%s session=%s event=refused op=helper reason=\"%s\"", user ? user : "?",
		   a->session ? a->session : "-", why);
	if (a->child > 0)
		kill(a->child, SIGKILL);
	return HELPER_EXIT_FAILED;
}

/* The child could not confine itself: refused as corral-shell refuses a
 * session it cannot confine, with the child's reason. */
static int refuse_confine(struct helper_args *a, const char *user, int error, const char *why)
{
	fprintf(stderr, "corral: %s\n", why);
	corral_log(LOG_ERR, "user=%s event=refused op=confine errno=%d reason=\"%s\"", user ? user : "?", -error, why);
	kill(a->child, SIGKILL);
	return SESSION_EXIT_NO_POLICY;
}

/* Can we take fds from the child and read its memory (Yama's ptrace_scope
 * 2 or 3 forbids it)? Without that, nothing trapped could be served. */
static bool can_reach_child(const struct helper_args *a, uint64_t probe_address)
{
	char probe[HANDOFF_PROBE_LEN];
	int pidfd = pidfd_open_thread(a->child), fd;
	bool ok;

	if (pidfd < 0)
		return false;
	fd = pidfd_take_fd(pidfd, a->control); /* the child's end has another number: EBADF is fine */
	close(pidfd);
	if (fd >= 0)
		close(fd);
	ok = fd >= 0 || fd == -EBADF;
	return ok && process_read(a->child, probe_address, probe, sizeof(probe)) == 0 &&
		memcmp(probe, HANDOFF_PROBE_TEXT, sizeof(probe)) == 0;
}

static bool is_listener(int fd)
{
	char link[64], target[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	return strcmp(target, "anon_inode:seccomp notify") == 0;
}

static int close_others(const int *keep, size_t n)
{
	/* close everything above 2 that is not in keep (small: sort-free) */
	int max = 0;

	for (size_t i = 0; i < n; i++)
		if (keep[i] > max)
			max = keep[i];
	for (int fd = 3; fd <= max; fd++) {
		bool kept = false;

		for (size_t i = 0; i < n; i++)
			kept |= keep[i] == fd;
		if (!kept)
			close(fd);
	}
	return syscall(__NR_close_range, max + 1, ~0U, 0) < 0 ? -errno : 0;
}

static int setup(struct helper *h, struct helper_args *a, char *why, size_t whylen)
{
	struct proc_stat st;
	sigset_t set;

	if (a->start == HELPER_START_EXTERNAL) {
		h->serve_only = true;
	} else if (proc_stat_read(a->child, &st) < 0 || st.ppid != getpid()) {
		snprintf(why, whylen, "corral-helper: pid %d is not our child", (int)a->child);
		return -EINVAL;
	}
	if (a->notify >= 0 && !is_listener(a->notify)) {
		snprintf(why, whylen, "corral-helper: fd %d is not a seccomp notification fd", a->notify);
		return -EINVAL;
	}
	h->child = a->child;
	/* the session's processes: ours (we are their subreaper), or the
	 * keeper's leader and what it starts */
	h->root = a->start == HELPER_START_EXTERNAL ? a->external : getpid();
	if (proc_stat_read(h->root, &st) < 0) {
		snprintf(why, whylen, "corral-helper: pid %d is gone", (int)h->root);
		return -ESRCH;
	}
	h->root_start = st.start_time;
	h->root_is_self = h->root == getpid();
	h->notify_fd = a->notify;
	h->session = a->session ? a->session : "-";
	handoff_signal_set(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	h->signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (h->signal_fd < 0) {
		snprintf(why, whylen, "corral-helper: signalfd: %s", strerror(errno));
		return -errno;
	}
	if (h->notify_fd >= 0) {
		if (notify_sizes_get(&h->sizes) < 0) {
			snprintf(why, whylen, "corral-helper: seccomp notification sizes: %s", strerror(errno));
			return -EINVAL;
		}
		h->req = calloc(1, h->sizes.notif);
		h->resp = calloc(1, h->sizes.resp);
		h->send_buffer = malloc(HELPER_SEND_MAX);
		if (!h->req || !h->resp || !h->send_buffer) {
			snprintf(why, whylen, "corral-helper: out of memory");
			return -ENOMEM;
		}
		/* best effort: older kernels answer EINVAL and are just slower */
		notify_set_sync_wakeup(h->notify_fd);
		fcntl(h->notify_fd, F_SETFD, FD_CLOEXEC);
	}
	/* h is static: every pending slot starts PENDING_NONE, and nothing
	 * reads a slot's fd before pending_add() sets it. Writing -1 into
	 * all of them would keep 26 KiB resident in every helper */
	task_cache_init(&h->tasks);
	/* start-up touched most of our code: it is unmapped after the first
	 * quiet spell (loop.c) */
	h->image_touched = true;
	denials_init(&h->denials, h->policy.user, h->session, h->policy.log_denials);
	supervisor_init(&h->supervisor, h->child, &h->policy, h->session);
	return 0;
}

int main(int argc, char **argv)
{
	struct handoff_hello hello = { .magic = 0 };
	struct helper_args a;
	char why[HANDOFF_REASON_MAX];
	int status, keep[4];
	static struct helper h;

	if (helper_args_parse(argc, argv, &a) < 0)
		return fail(&a, NULL, "corral-helper: started wrongly (it is started by corral-shell, not by hand)");
	/* nothing in the session may read our memory, take our fds or trace us */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);
	/* before the rest of start-up: what finds them is not needed again
	 * (none found: nothing is unmapped) */
	(void)image_ranges_find(&h.image);
	if (handoff_policy_read(a.policy, &h.policy, why, sizeof(why)) < 0) {
		char message[600];

		snprintf(message, sizeof(message), "corral-helper: %s", why);
		return fail(&a, NULL, message);
	}
	close(a.policy);
	if (a.start == HELPER_START_CHILD) {
		/* the child has been confining itself meanwhile */
		int r = handoff_hello_receive(a.control, a.child, &hello, &a.notify, why, sizeof(why));

		if (r < 0)
			return refuse_confine(&a, h.policy.user, r, why);
	}
	if (setup(&h, &a, why, sizeof(why)) < 0)
		return fail(&a, h.policy.user, why);
	if (a.start == HELPER_START_EXTERNAL) {
		/* the process pam_corral confined, still root until its daemon
		 * changes uid: nothing to prove yet, and no child to start */
		keep[0] = h.signal_fd;
		keep[1] = h.notify_fd;
		close_others(keep, 2);
		live_start(&h);
		status = helper_loop(&h);
		denials_summary(&h.denials, status);
		return status;
	}
	if (!can_reach_child(&a, hello.probe_address))
		return fail(
			&a, h.policy.user,
			"corral-helper cannot reach the session's processes (kernel.yama.ptrace_scope 2 or 3?); refusing the session");
	keep[0] = a.control;
	keep[1] = h.signal_fd;
	keep[2] = h.notify_fd;
	keep[3] = h.notify_fd;
	close_others(keep, 4);
	if (write(a.control, (char[]){ HANDOFF_GO }, 1) != 1)
		return fail(&a, h.policy.user, "corral-helper: the session process went away");
	close(a.control);
	live_start(&h);
	status = helper_loop(&h);
	pending_drop_all(&h);
	task_cache_clear(&h.tasks);
	if (!h.serve_only)
		denials_summary(&h.denials, status);
	return status;
}
