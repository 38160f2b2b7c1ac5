/* Requests that wait for a socket (a connect in progress, a send to a full
 * blocking socket) without blocking the helper: a fixed table, polled by
 * the event loop. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "helper.h"

bool pending_add(struct helper *h, enum pending_kind kind, const struct seccomp_notif *req, int fd, int retry_ms)
{
	for (size_t i = 0; i < HELPER_PENDING_MAX; i++) {
		struct pending *p = &h->pending[i];

		if (p->kind != PENDING_NONE)
			continue;
		p->kind = kind;
		memcpy(&p->req, req, sizeof(p->req));
		p->fd = fd;
		p->retry_at = fd < 0 || retry_ms > 0 ? monotonic_ms() + retry_ms : 0;
		h->n_pending++;
		return true;
	}
	return false;
}

static void pending_clear(struct helper *h, struct pending *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	p->kind = PENDING_NONE;
	h->n_pending--;
}

static void pending_finish(struct helper *h, struct pending *p)
{
	struct seccomp_notif req;

	memcpy(&req, &p->req, sizeof(req));
	if (p->kind == PENDING_CONNECT) {
		int error = 0;
		socklen_t len = sizeof(error);

		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0)
			error = errno;
		pending_clear(h, p);
		helper_respond(h, &req, 0, error);
		return;
	}
	/* the whole request again: memory is read and decided anew */
	pending_clear(h, p);
	if (notify_id_valid(h->notify_fd, req.id))
		helper_handle(h, &req);
}

/* The socket's send timeout passed first: what the kernel answers then. */
static void pending_expire(struct helper *h, struct pending *p)
{
	struct seccomp_notif req;
	int error = p->kind == PENDING_CONNECT ? EINPROGRESS : EAGAIN;

	memcpy(&req, &p->req, sizeof(req));
	pending_clear(h, p);
	helper_respond(h, &req, 0, error);
}

void pending_run(struct helper *h, const short *ready, size_t n)
{
	int64_t now = monotonic_ms();
	/* whether the tasks still wait: once a second (pending_timeout wakes
	 * us for it), not at every wake-up, which costs an ioctl per entry
	 * per trapped call under a flood. An answer needs no such look: one
	 * to a task that is gone is refused by the kernel (ENOENT), and a
	 * retry handles the whole request again, ID_VALID included. */
	bool sweep = now >= h->pending_sweep_at;

	for (size_t i = 0; i < HELPER_PENDING_MAX && i < n; i++) {
		struct pending *p = &h->pending[i];

		if (p->kind == PENDING_NONE)
			continue;
		if ((p->fd >= 0 && ready[i]) || (p->fd < 0 && now >= p->retry_at))
			pending_finish(h, p);
		else if (p->fd >= 0 && p->retry_at && now >= p->retry_at)
			pending_expire(h, p);
		else if (sweep && !notify_id_valid(h->notify_fd, p->req.id))
			pending_clear(h, p); /* the task was killed meanwhile */
	}
	if (sweep)
		h->pending_sweep_at = now + HELPER_PENDING_SWEEP_MS;
}

int pending_timeout(const struct helper *h)
{
	int64_t now = monotonic_ms(), best = -1;

	if (h->n_pending == 0)
		return -1;
	for (size_t i = 0; i < HELPER_PENDING_MAX; i++) {
		const struct pending *p = &h->pending[i];
		int64_t wait;

		if (p->kind == PENDING_NONE)
			continue;
		/* fd waits still look at the task's liveness now and then */
		wait = p->fd < 0 || (p->retry_at && p->retry_at - now < HELPER_PENDING_SWEEP_MS)
			? p->retry_at - now
			: h->pending_sweep_at - now;
		if (wait < 0)
			wait = 0;
		if (best < 0 || wait < best)
			best = wait;
	}
	return (int)best;
}

void pending_drop_all(struct helper *h)
{
	for (size_t i = 0; i < HELPER_PENDING_MAX; i++)
		if (h->pending[i].kind != PENDING_NONE)
			pending_clear(h, &h->pending[i]);
}
