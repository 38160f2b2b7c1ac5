/* Facts about processes read from /proc: parent, start time, ancestry.
 * The text of /proc/PID/stat is parsed here and nowhere else. */
#ifndef CORRAL_PROCINFO_H
#define CORRAL_PROCINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROCINFO_STAT_MAX 1024
#define PROCINFO_MAX_ANCESTRY 256 /* deeper process chains are not followed */

struct proc_stat {
	pid_t ppid;
	pid_t pgrp;
	char state;
	uint64_t start_time; /* clock ticks after boot: tells a reused pid apart */
};

/* Parses the text of /proc/PID/stat (the command name may hold anything,
 * ')' and spaces included). 0 or -EINVAL. Pure. */
int proc_stat_parse(const char *text, size_t len, struct proc_stat *out);

/* Reads /proc/PID/stat. 0, -ENOENT (no such process) or -errno. */
int proc_stat_read(pid_t pid, struct proc_stat *out);

/* Is pid alive and started at start_time (not a reused pid)? */
bool proc_is_alive(pid_t pid, uint64_t start_time);

/* Is ancestor (with that start time) an ancestor of pid, or pid itself? */
bool proc_is_ancestor(pid_t ancestor, uint64_t start_time, pid_t pid);

/* The same walk without looking at the ancestor: for a caller that knows
 * it is alive and the same process (itself). */
bool proc_descends_from(pid_t ancestor, pid_t pid);

/* The process (thread group) of a thread id: "Tgid:" of its status. The
 * pid, or -errno (-ESRCH: gone). */
pid_t proc_thread_group(pid_t tid);

/* The inode of /proc/PID/ns/mnt (pid 0: the calling process), or -errno. */
int proc_mount_namespace(pid_t pid, uint64_t *inode);

#endif
