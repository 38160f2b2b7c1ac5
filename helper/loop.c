/* corral-helper's one event loop: the notification fd, a signalfd, and the
 * sockets of waiting requests, with the supervisor's deadlines as timeout.
 * A wake-up takes one notification: the poll that said so is the one
 * NOTIF_RECV needs (it blocks when nothing is pending), and a second look
 * before going back to poll would find nothing in the common case (the
 * task waits for our answer) at the price of a system call per request. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper.h"
#include "log.h"

void helper_respond(struct helper *h, const struct seccomp_notif *req, int64_t value, int error)
{
	/* ENOENT: the task is gone or was interrupted; nothing to answer */
	notify_respond(h->notify_fd, h->resp, h->sizes.resp, req->id, value, error);
}

void helper_handle(struct helper *h, const struct seccomp_notif *req)
{
	h->handled++;
	if (req->data.arch != AUDIT_ARCH_X86_64) {
		helper_respond(h, req, 0, ENOSYS);
		return;
	}
	switch (req->data.nr) {
	case __NR_connect:
		mediate_connect(h, req);
		break;
	case __NR_sendto:
		mediate_sendto(h, req);
		break;
	case __NR_sendmsg:
		mediate_sendmsg(h, req);
		break;
	case __NR_sendmmsg:
		mediate_sendmmsg(h, req);
		break;
	case __NR_memfd_create:
		mediate_memfd_create(h, req);
		break;
	case __NR_listen:
		mediate_listen(h, req);
		break;
	case __NR_bind:
		mediate_bind(h, req);
		break;
	case __NR_prlimit64:
	case __NR_setpriority:
	case __NR_sched_setaffinity:
	case __NR_sched_setparam:
	case __NR_sched_setscheduler:
	case __NR_sched_setattr:
	case __NR_ioprio_set:
	case __NR_kcmp:
	case __NR_process_madvise:
	case __NR_migrate_pages:
	case __NR_move_pages:
		mediate_cross_process(h, req);
		break;
	case __NR_kill:
	case __NR_tkill:
	case __NR_tgkill:
	case __NR_rt_sigqueueinfo:
	case __NR_rt_tgsigqueueinfo:
	case __NR_pidfd_send_signal:
	case __NR_pidfd_open:
		mediate_signal(h, req);
		break;
	default:
		/* the filter sends nothing else: refuse, never continue */
		helper_respond(h, req, 0, ENOSYS);
		break;
	}
}

/* poll said a notification is pending. The kernel counts one for each
 * notification it queued and NOTIF_RECV takes one count: a notification
 * whose task was interrupted meanwhile leaves its count behind, and RECV
 * answers ENOENT instead of blocking. */
static void receive_notification(struct helper *h)
{
	int r = notify_receive(h->notify_fd, h->req, h->sizes.notif);

	if (r == 0)
		helper_handle(h, h->req);
	/* EINTR, ENOENT: the task went away before we took it */
}

static void read_signals(struct helper *h)
{
	struct signalfd_siginfo si;

	while (read(h->signal_fd, &si, sizeof(si)) == sizeof(si))
		if (!h->serve_only)
			supervisor_on_signal(&h->supervisor, &si);
}

static bool notify_has_users(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (fd < 0)
		return false;
	return !(poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLHUP | POLLERR)));
}

/* Lingering processes keep their trapped calls served: a detached copy of
 * the helper goes on (its stdio closed, so ssh does not wait for it) while
 * this one returns the session's status to the login daemon. */
static bool continue_detached(struct helper *h)
{
	int null;
	pid_t pid = fork();

	if (pid != 0)
		return false;
	setsid();
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		close(null);
	}
	h->serve_only = true;
	h->root_is_self = false; /* the root is the parent that returns now */
	return true;
}

/* Nothing happened for ms. Once the helper has been quiet long enough
 * after start-up or a request, its code and constants are unmapped, so
 * that a session idle for hours keeps a small helper; the next request
 * maps back what it needs (a few dozen page faults). Not sooner: a short
 * session (scp, cron, a ForceCommand) would only fault its end back in. */
static void quiet_for(struct helper *h, int ms)
{
	h->quiet_ms += ms;
	if (h->quiet_ms < HELPER_IDLE_RELEASE_MS)
		return;
	/* memory only: a helper that cannot unmap them works as before */
	(void)image_ranges_release(&h->image);
	h->image_touched = false;
	h->quiet_ms = 0;
}

static int minimum_timeout(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

int helper_loop(struct helper *h)
{
	static struct pollfd fds[3 + HELPER_PENDING_MAX];
	static short ready[HELPER_PENDING_MAX];
	static size_t slot[HELPER_PENDING_MAX];

	/* a child that ended before SIGCHLD was blocked sent no signal to
	 * the signalfd (an ignored signal is discarded); every later one does */
	if (!h->serve_only)
		supervisor_reap(&h->supervisor);
	for (;;) {
		size_t n = 0, base;
		int timeout, r;

		if (!h->serve_only && h->supervisor.child_done) {
			if (!h->policy.linger) {
				supervisor_end_tree();
				return h->supervisor.status;
			}
			if (!notify_has_users(h->notify_fd) || !continue_detached(h))
				return h->supervisor.status;
		}
		if (h->serve_only && (h->notify_gone || !notify_has_users(h->notify_fd)))
			return 0;
		fds[n++] = (struct pollfd){ .fd = h->signal_fd, .events = POLLIN };
		/* a hung-up listener stays readable: poll it no more (or we spin) */
		fds[n++] = (struct pollfd){ .fd = h->notify_gone ? -1 : h->notify_fd, .events = POLLIN };
		/* corralctl apply rewrote a live file (ours, maybe) */
		fds[n++] = (struct pollfd){ .fd = h->live.watch_fd, .events = POLLIN };
		/* only the sockets waited on: poll refuses more fds than RLIMIT_NOFILE,
		 * which the session's limits.files also sets for us */
		base = n;
		for (size_t i = 0; h->n_pending && i < HELPER_PENDING_MAX; i++)
			if (h->pending[i].kind != PENDING_NONE && h->pending[i].fd >= 0) {
				slot[n - base] = i;
				fds[n++] = (struct pollfd){ .fd = h->pending[i].fd, .events = POLLOUT };
			}
		timeout = minimum_timeout(h->serve_only ? -1 : supervisor_timeout_ms(&h->supervisor),
					  pending_timeout(h));
		if (h->image_touched)
			timeout = minimum_timeout(timeout, HELPER_IDLE_RELEASE_MS - h->quiet_ms);
		r = poll(fds, n, timeout);
		if (r < 0 && errno != EINTR) {
			corral_log(LOG_ERR, "user=%s session=%s event=helper-failed op=poll errno=%d", h->policy.user,
				   h->session, errno);
			return 1;
		}
		if (r == 0 && h->image_touched) {
			quiet_for(h, timeout);
		} else if (r != 0) {
			h->image_touched = true;
			h->quiet_ms = 0;
		}
		if (fds[0].revents & POLLIN)
			read_signals(h);
		if (h->notify_fd >= 0 && (fds[1].revents & POLLIN))
			receive_notification(h);
		if (h->notify_fd >= 0 && (fds[1].revents & (POLLHUP | POLLERR)))
			h->notify_gone = true;
		if (fds[2].revents & POLLIN)
			live_on_event(h);
		if (h->n_pending) {
			memset(ready, 0, sizeof(ready));
			for (size_t i = base; i < n; i++)
				ready[slot[i - base]] = fds[i].revents;
			pending_run(h, ready, HELPER_PENDING_MAX);
		}
		/* children are reaped on SIGCHLD (read_signals), not at every
		 * wake-up: a wait4 per request found nothing */
		if (!h->serve_only)
			supervisor_tick(&h->supervisor);
	}
}
