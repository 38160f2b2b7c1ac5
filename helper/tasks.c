/* pidfd cache (see tasks.h). */
#include <errno.h>
#include <unistd.h>

#include "notify.h"
#include "tasks.h"

void task_cache_init(struct task_cache *cache)
{
	for (size_t i = 0; i < TASK_CACHE_SIZE; i++)
		cache->entries[i] = (struct task_entry){ .tid = 0, .pidfd = -1, .used = 0 };
	cache->clock = 0;
}

void task_cache_clear(struct task_cache *cache)
{
	for (size_t i = 0; i < TASK_CACHE_SIZE; i++)
		if (cache->entries[i].pidfd >= 0)
			close(cache->entries[i].pidfd);
	task_cache_init(cache);
}

int task_pidfd(struct task_cache *cache, pid_t tid)
{
	struct task_entry *victim = &cache->entries[0];
	int fd;

	for (size_t i = 0; i < TASK_CACHE_SIZE; i++) {
		struct task_entry *e = &cache->entries[i];

		if (e->pidfd >= 0 && e->tid == tid) {
			e->used = ++cache->clock;
			return e->pidfd;
		}
		if (e->pidfd < 0 || e->used < victim->used)
			victim = e;
	}
	fd = pidfd_open_thread(tid);
	if (fd < 0)
		return fd;
	if (victim->pidfd >= 0)
		close(victim->pidfd);
	*victim = (struct task_entry){ .tid = tid, .pidfd = fd, .used = ++cache->clock };
	return fd;
}

void task_forget(struct task_cache *cache, pid_t tid)
{
	for (size_t i = 0; i < TASK_CACHE_SIZE; i++) {
		struct task_entry *e = &cache->entries[i];

		if (e->pidfd >= 0 && e->tid == tid) {
			close(e->pidfd);
			*e = (struct task_entry){ .tid = 0, .pidfd = -1, .used = 0 };
		}
	}
}

int task_take_fd(struct task_cache *cache, pid_t tid, int target_fd)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		int pidfd = task_pidfd(cache, tid), fd;

		if (pidfd < 0)
			return pidfd;
		fd = pidfd_take_fd(pidfd, target_fd);
		if (fd != -ESRCH)
			return fd;
		/* the cached task is gone; tid may be a new task now */
		task_forget(cache, tid);
	}
	return -ESRCH;
}
