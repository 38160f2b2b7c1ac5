/* pidfds of the session's tasks, cached (opening one per request costs
 * more than the request): a small fixed table, least recently used out. */
#ifndef CORRAL_HELPER_TASKS_H
#define CORRAL_HELPER_TASKS_H

#include <stdint.h>
#include <sys/types.h>

#define TASK_CACHE_SIZE 64

struct task_entry {
	pid_t tid;
	int pidfd;     /* -1: free */
	uint64_t used; /* for eviction */
};

struct task_cache {
	struct task_entry entries[TASK_CACHE_SIZE];
	uint64_t clock;
};

void task_cache_init(struct task_cache *cache);
void task_cache_clear(struct task_cache *cache);

/* A pidfd for thread tid. A cached one is good while its task lives (a
 * dead one answers ESRCH: then it is opened again). The caller must check
 * the request is still valid after this, which ties the pidfd to the task
 * that made it. Returns the fd (owned by the cache) or -errno. */
int task_pidfd(struct task_cache *cache, pid_t tid);

/* Forgets tid's pidfd (after ESRCH). */
void task_forget(struct task_cache *cache, pid_t tid);

/* The task's fd, duplicated into the helper (pidfd_getfd), retrying once
 * with a fresh pidfd if the cached task died. fd or -errno. */
int task_take_fd(struct task_cache *cache, pid_t tid, int target_fd);

#endif
