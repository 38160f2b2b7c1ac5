/* Calls that change another process (its limits, priority, scheduling, CPU
 * affinity, I/O priority, memory placement), trapped when they name one:
 * allowed for the session's own processes, EPERM for any other (with
 * ipc.signals = session). The kernel still makes its own checks on what
 * we let through: we answer "continue" on register arguments only, never
 * on memory the process could change meanwhile. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper.h"
#include "procinfo.h"

#ifndef IOPRIO_WHO_PROCESS
#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_WHO_PGRP 2
#define IOPRIO_WHO_USER 3
#endif
#define FDINFO_MAX 1024

/* Is pid (a process or a thread) inside the session: a descendant of its
 * root, which every process of the session stays (the helper is the
 * tree's subreaper; the keeper's leader is the root of a cron session)?
 * The helper itself is not: it is outside the sandbox. */
static bool is_member(const struct helper *h, pid_t pid)
{
	return pid > 0 && pid != h->root && proc_is_ancestor(h->root, h->root_start, pid);
}

/* Every process of the user in process group pgrp is the session's (a
 * group of someone else's processes is the kernel's to refuse). */
static bool group_is_member(const struct helper *h, pid_t pgrp)
{
	uid_t uid = getuid();
	struct dirent *de;
	bool any = false, all = true;
	DIR *proc = opendir("/proc");

	if (!proc)
		return false;
	while (all && (de = readdir(proc)) != NULL) {
		struct proc_stat st = { 0 };
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		struct stat owner;

		if (*end || pid <= 0 || fstatat(dirfd(proc), de->d_name, &owner, 0) < 0 || owner.st_uid != uid ||
		    proc_stat_read((pid_t)pid, &st) < 0 || st.pgrp != pgrp)
			continue;
		any = true;
		all = is_member(h, (pid_t)pid);
	}
	closedir(proc);
	return any && all;
}

/* The process a pidfd of the trapped task refers to ("Pid:" of its fdinfo). */
static pid_t pidfd_target(struct helper *h, const struct seccomp_notif *req, int target_fd)
{
	char path[64], text[FDINFO_MAX];
	pid_t pid = -1;
	ssize_t n;
	int fd = task_take_fd(&h->tasks, (pid_t)req->pid, target_fd), info;

	if (fd < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	info = open(path, O_RDONLY | O_CLOEXEC);
	n = info < 0 ? -1 : read(info, text, sizeof(text) - 1);
	if (info >= 0)
		close(info);
	close(fd);
	if (n > 0) {
		const char *line;

		text[n] = '\0';
		line = strstr(text, "\nPid:");
		if (line)
			pid = (pid_t)strtol(line + 5, NULL, 10);
	}
	return pid;
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
		return is_member(h, (pid_t)a[0]);
	case __NR_setpriority:
		if ((int)a[0] == PRIO_PROCESS)
			return is_member(h, (pid_t)a[1]);
		if ((int)a[0] == PRIO_PGRP)
			return group_is_member(h, (pid_t)a[1]);
		return 0;   /* PRIO_USER: every process of the user, the session's or not */
	case __NR_ioprio_set:
		if ((int)a[0] == IOPRIO_WHO_PROCESS)
			return is_member(h, (pid_t)a[1]);
		if ((int)a[0] == IOPRIO_WHO_PGRP)
			return group_is_member(h, (pid_t)a[1]);
		return 0;
	case __NR_kcmp:
		return is_member(h, (pid_t)a[0]) && is_member(h, (pid_t)a[1]);
	case __NR_process_madvise:
		return is_member(h, pidfd_target(h, req, (int)a[0]));
	default:
		return 0;
	}
}

static const char *call_name(int nr)
{
	switch (nr) {
	case __NR_prlimit64: return "prlimit64";
	case __NR_setpriority: return "setpriority";
	case __NR_sched_setaffinity: return "sched_setaffinity";
	case __NR_sched_setparam: return "sched_setparam";
	case __NR_sched_setscheduler: return "sched_setscheduler";
	case __NR_sched_setattr: return "sched_setattr";
	case __NR_ioprio_set: return "ioprio_set";
	case __NR_kcmp: return "kcmp";
	case __NR_process_madvise: return "process_madvise";
	case __NR_migrate_pages: return "migrate_pages";
	case __NR_move_pages: return "move_pages";
	default: return "?";
	}
}

void mediate_cross_process(struct helper *h, const struct seccomp_notif *req)
{
	char target[64];

	if (decide(h, req)) {
		notify_continue(h->notify_fd, h->resp, h->sizes.resp, req->id);
		return;
	}
	snprintf(target, sizeof(target), "%s %lld", call_name(req->data.nr), (long long)(int)req->data.args[
		req->data.nr == __NR_setpriority || req->data.nr == __NR_ioprio_set ? 1 : 0]);
	denials_record(&h->denials, "process", target, "ipc.signals", EPERM);
	helper_respond(h, req, 0, EPERM);
}
