/* corral-helper's state: one per session, outside the sandbox, the parent
 * of the session tree and the owner of its seccomp notification fd. */
#ifndef CORRAL_HELPER_H
#define CORRAL_HELPER_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "denials.h"
#include "image.h"
#include "notify.h"
#include "policy.h"
#include "live.h"
#include "supervisor.h"
#include "tasks.h"

/* Bounds on what one request may make the helper copy or hold. */
#define HELPER_SEND_MAX ((size_t)256 * 1024) /* bytes of one send done on a process's behalf */
#define HELPER_IOV_MAX 1024                  /* UIO_MAXIOV: the kernel refuses more */
#define HELPER_CONTROL_MAX 4096              /* ancillary data of one sendmsg */
#define HELPER_FDS_MAX 253                   /* SCM_MAX_FD */
#define HELPER_MMSG_MAX 1024                 /* sendmmsg batches (the kernel caps at UIO_MAXIOV) */
#define HELPER_PENDING_MAX 256               /* requests waiting for a socket */
#define HELPER_RETRY_MS 10                   /* retry of a unix connect whose listener is full */
#define HELPER_PENDING_SWEEP_MS 1000         /* how often waiting requests' tasks are looked at */
#define HELPER_IDLE_RELEASE_MS 10000         /* quiet this long: our code is unmapped (image.h) */

enum pending_kind {
	PENDING_NONE,
	PENDING_CONNECT, /* a connect in progress: answer with SO_ERROR when writable */
	PENDING_RETRY,   /* handle the whole request again when fd is writable (or at retry_at) */
};

struct pending {
	enum pending_kind kind;
	struct seccomp_notif req; /* the known part of the request */
	int fd;                   /* our duplicate of the socket */
	int64_t retry_at;         /* monotonic ms: the retry of a wait without an fd, or
				     * the SO_SNDTIMEO deadline of one with an fd (0: none) */
};

struct helper {
	struct policy policy;
	const char *session; /* session id, or "-" */
	pid_t child;
	pid_t root;          /* the session's processes descend from it (us, or the keeper's leader) */
	uint64_t root_start; /* its start time: a reused pid is not the root */
	bool root_is_self;   /* the root is this process (not after continue_detached's fork) */
	int notify_fd;       /* -1 when nothing is trapped */
	int signal_fd;
	struct notify_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct task_cache tasks;
	struct denial_log denials;
	struct supervisor supervisor;
	struct live_policies live; /* corralctl apply's changes since the session began */
	struct pending pending[HELPER_PENDING_MAX];
	size_t n_pending;
	int64_t pending_sweep_at; /* monotonic ms: the next look at the waiting tasks */
	bool serve_only;          /* lingering or external: no child of ours to wait for */
	bool notify_gone;         /* the listener hung up: no task uses the filter any more */
	char *send_buffer;        /* HELPER_SEND_MAX bytes */
	uint64_t handled;
	struct image_ranges image; /* our own read-only pages (image.h) */
	bool image_touched;        /* work was done since they were last unmapped */
	int quiet_ms;              /* since the last wake-up that found something to do */
};

/* Answers a request; a request whose task went away is simply dropped. */
void helper_respond(struct helper *h, const struct seccomp_notif *req, int64_t value, int error);

/* Handles one notification (dispatch by system call). */
void helper_handle(struct helper *h, const struct seccomp_notif *req);

/* Network system calls: connect, sendto, sendmsg, sendmmsg. */
void mediate_connect(struct helper *h, const struct seccomp_notif *req);
void mediate_sendto(struct helper *h, const struct seccomp_notif *req);
void mediate_sendmsg(struct helper *h, const struct seccomp_notif *req);
void mediate_sendmmsg(struct helper *h, const struct seccomp_notif *req);
void mediate_memfd_create(struct helper *h, const struct seccomp_notif *req);
/* Does this kernel make non-executable memfds (MFD_NOEXEC_SEAL, 6.3)? */
bool noexec_seal_supported(void);
void mediate_listen(struct helper *h, const struct seccomp_notif *req);
void mediate_bind(struct helper *h, const struct seccomp_notif *req);
/* prlimit64, setpriority, sched_set*, ioprio_set, kcmp, process_madvise,
 * migrate_pages, move_pages naming another process (xproc.c). */
void mediate_cross_process(struct helper *h, const struct seccomp_notif *req);
/* kill, tkill, tgkill, rt_(tg)sigqueueinfo, pidfd_send_signal, pidfd_open
 * where Landlock has no signal scope (signals.c). */
void mediate_signal(struct helper *h, const struct seccomp_notif *req);

/* Session membership (members.c): a process or thread of the session;
 * every process of the user in process group pgrp is; the pid a pidfd
 * refers to (0: it has exited; -1: not a pidfd). */
bool helper_is_member(const struct helper *h, pid_t pid);
bool helper_group_is_member(const struct helper *h, pid_t pgrp);
pid_t helper_pidfd_pid(int pidfd);

/* Parks a request until fd is writable (or until retry_ms passes when fd
 * is -1; with an fd, retry_ms > 0 is the socket's send timeout, after
 * which the request is answered as the kernel would: EINPROGRESS for a
 * connect, EAGAIN for a send). Takes fd. False when full (the caller
 * answers instead). */
bool pending_add(struct helper *h, enum pending_kind kind, const struct seccomp_notif *req, int fd, int retry_ms);
/* Runs what became ready; ready[i] is the poll result of pending[i]. */
void pending_run(struct helper *h, const short *ready, size_t n);
/* Milliseconds until the earliest retry, or -1. */
int pending_timeout(const struct helper *h);
void pending_drop_all(struct helper *h);

/* The event loop: until the session is over. Returns the exit status. */
int helper_loop(struct helper *h);

#endif
