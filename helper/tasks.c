/* pidfd cache (see tasks.h). */
#include <errno.h>
#include <stdbool.h>
#include <sys/syscall.h>
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

/* A free entry, else the least recently used one. */
static struct task_entry *victim_of(struct task_cache *cache)
{
	struct task_entry *victim = &cache->entries[0];

	for (size_t i = 0; i < TASK_CACHE_SIZE; i++) {
		struct task_entry *e = &cache->entries[i];

		if (e->pidfd < 0)
			return e;
		if (e->used < victim->used)
			victim = e;
	}
	return victim;
}

static void entry_clear(struct task_entry *e)
{
	if (e->pidfd >= 0)
		close(e->pidfd);
	*e = (struct task_entry){ .tid = 0, .pidfd = -1, .used = 0 };
}

/* Our fd table is full (the session's limits.files is ours too): closes
 * the pidfds of tasks that are gone, or else the least recently used one,
 * never keep. False when there was nothing to close. */
static bool make_room(struct task_cache *cache, int keep)
{
	struct task_entry *victim;
	bool freed = false;

	for (size_t i = 0; i < TASK_CACHE_SIZE; i++) {
		struct task_entry *e = &cache->entries[i];

		if (e->pidfd >= 0 && e->pidfd != keep && syscall(SYS_pidfd_send_signal, e->pidfd, 0, NULL, 0) < 0 &&
		    errno == ESRCH) {
			entry_clear(e);
			freed = true;
		}
	}
	if (freed)
		return true;
	victim = NULL;
	for (size_t i = 0; i < TASK_CACHE_SIZE; i++) {
		struct task_entry *e = &cache->entries[i];

		if (e->pidfd >= 0 && e->pidfd != keep && (!victim || e->used < victim->used))
			victim = e;
	}
	if (!victim)
		return false;
	entry_clear(victim);
	return true;
}

int task_pidfd(struct task_cache *cache, pid_t tid)
{
	struct task_entry *victim;
	int fd;

	for (size_t i = 0; i < TASK_CACHE_SIZE; i++) {
		struct task_entry *e = &cache->entries[i];

		if (e->pidfd >= 0 && e->tid == tid) {
			e->used = ++cache->clock;
			return e->pidfd;
		}
	}
	fd = pidfd_open_thread(tid);
	if ((fd == -EMFILE || fd == -ENFILE) && make_room(cache, -1))
		fd = pidfd_open_thread(tid);
	if (fd < 0)
		return fd;
	victim = victim_of(cache);
	if (victim->pidfd >= 0)
		close(victim->pidfd);
	*victim = (struct task_entry){ .tid = tid, .pidfd = fd, .used = ++cache->clock };
	return fd;
}

void task_forget(struct task_cache *cache, pid_t tid)
{
	for (size_t i = 0; i < TASK_CACHE_SIZE; i++) {
		struct task_entry *e = &cache->entries[i];

		if (e->pidfd >= 0 && e->tid == tid)
			entry_clear(e);
	}
}

int task_take_fd(struct task_cache *cache, pid_t tid, int target_fd)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		int pidfd = task_pidfd(cache, tid), fd;

		if (pidfd < 0)
			return pidfd;
		fd = pidfd_take_fd(pidfd, target_fd);
		if ((fd == -EMFILE || fd == -ENFILE) && make_room(cache, pidfd))
			fd = pidfd_take_fd(pidfd, target_fd);
		if (fd != -ESRCH)
			return fd;
		/* the cached task is gone; tid may be a new task now */
		task_forget(cache, tid);
	}
	return -ESRCH;
}
