/* Calls that change another process (its limits, priority, scheduling, CPU
 * affinity, I/O priority, memory placement), trapped when they name one:
 * allowed for the session's own processes, EPERM for any other (with
 * ipc.signals = session). The kernel still makes its own checks on what
 * we let through: we answer "continue" on register arguments only, never
 * on memory the process could change meanwhile. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper.h"
#include "procinfo.h"

#ifndef IOPRIO_WHO_PROCESS
#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_WHO_PGRP 2
#define IOPRIO_WHO_USER 3
#endif

/* The process a pidfd of the trapped task refers to is the session's. */
static int process_madvise_target_is_member(struct helper *h, const struct seccomp_notif *req, int target_fd)
{
	int fd = task_take_fd(&h->tasks, (pid_t)req->pid, target_fd), member;

	if (fd < 0)
		return 0;
	member = helper_is_member(h, helper_pidfd_pid(fd));
	close(fd);
	return member;
}

/* 1 when the call may go on, 0 when it names something outside. */
static int decide(struct helper *h, const struct seccomp_notif *req)
{
	const __u64 *a = req->data.args;

	switch (req->data.nr) {
	case __NR_prlimit64:
	case __NR_sched_setaffinity:
	case __NR_sched_setparam:
	case __NR_sched_setscheduler:
	case __NR_sched_setattr:
	case __NR_migrate_pages:
	case __NR_move_pages:
		return helper_is_member(h, (pid_t)a[0]);
	case __NR_setpriority:
		if ((int)a[0] == PRIO_PROCESS)
			return helper_is_member(h, (pid_t)a[1]);
		if ((int)a[0] == PRIO_PGRP)
			return helper_group_is_member(h, (pid_t)a[1]);
		return 0; /* PRIO_USER: every process of the user, the session's or not */
	case __NR_ioprio_set:
		if ((int)a[0] == IOPRIO_WHO_PROCESS)
			return helper_is_member(h, (pid_t)a[1]);
		if ((int)a[0] == IOPRIO_WHO_PGRP)
			return helper_group_is_member(h, (pid_t)a[1]);
		return 0;
	case __NR_kcmp:
		return helper_is_member(h, (pid_t)a[0]) && helper_is_member(h, (pid_t)a[1]);
	case __NR_process_madvise:
		return process_madvise_target_is_member(h, req, (int)a[0]);
	default:
		return 0;
	}
}

static const char *call_name(int nr)
{
	switch (nr) {
	case __NR_prlimit64:
		return "prlimit64";
	case __NR_setpriority:
		return "setpriority";
	case __NR_sched_setaffinity:
		return "sched_setaffinity";
	case __NR_sched_setparam:
		return "sched_setparam";
	case __NR_sched_setscheduler:
		return "sched_setscheduler";
	case __NR_sched_setattr:
		return "sched_setattr";
	case __NR_ioprio_set:
		return "ioprio_set";
	case __NR_kcmp:
		return "kcmp";
	case __NR_process_madvise:
		return "process_madvise";
	case __NR_migrate_pages:
		return "migrate_pages";
	case __NR_move_pages:
		return "move_pages";
	default:
		return "?";
	}
}

void mediate_cross_process(struct helper *h, const struct seccomp_notif *req)
{
	char target[64];

	if (decide(h, req)) {
		notify_continue(h->notify_fd, h->resp, h->sizes.resp, req->id);
		return;
	}
	snprintf(target, sizeof(target), "%s %lld", call_name(req->data.nr),
		 (long long)(int)
			 req->data.args[req->data.nr == __NR_setpriority || req->data.nr == __NR_ioprio_set ? 1 : 0]);
	denials_record(&h->denials, "process", target, "ipc.signals", EPERM);
	helper_respond(h, req, 0, EPERM);
}
