/* Thin wrappers around seccomp user notification, pidfds and the memory
 * of a trapped process. Kernel-facing: every function returns -errno and
 * logs nothing; the caller decides and logs once. */
#ifndef CORRAL_NOTIFY_H
#define CORRAL_NOTIFY_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD 0x80 /* O_EXCL: a pidfd for one thread (Linux 6.9) */
#endif

struct notify_sizes {
	size_t notif;
	size_t resp;
};

/* The kernel's sizes of the notification structures (they may be larger
 * than our headers say). 0 or -errno. */
int notify_sizes_get(struct notify_sizes *out);

/* Same-CPU wake-ups for the notifying task (Linux 6.6). 0 or -errno. */
int notify_set_sync_wakeup(int notify_fd);

/* Receives one notification into req (notify_sizes.notif bytes, zeroed
 * here). Blocks when none is pending: poll first. 0 or -errno. */
int notify_receive(int notify_fd, struct seccomp_notif *req, size_t size);

/* Is the notification still pending (its task still waiting)? */
bool notify_id_valid(int notify_fd, uint64_t id);

/* Answers with a return value (error = 0) or an error (val ignored). */
int notify_respond(int notify_fd, struct seccomp_notif_resp *resp, size_t size, uint64_t id, int64_t val, int error);

/* Lets the kernel run the call as it is. Only for calls the kernel itself
 * still decides in full (its own checks cannot be raced past): never after
 * deciding on memory the process can change. */
int notify_continue(int notify_fd, struct seccomp_notif_resp *resp, size_t size, uint64_t id);

/* Installs fd in the task's table and answers the call with its number
 * there, in one step (SECCOMP_ADDFD_FLAG_SEND: the task is woken once, not
 * once for the fd and again for the answer); cloexec sets O_CLOEXEC on it.
 * Returns that number; -ENOENT when the task is gone (there is nothing to
 * answer); any other -errno when the kernel could not install it (EMFILE:
 * the call still waits, and the caller answers it). */
int notify_answer_with_fd(int notify_fd, uint64_t id, int fd, bool cloexec);

/* A pidfd for one thread (PIDFD_THREAD) or -errno. */
int pidfd_open_thread(pid_t tid);
/* A duplicate of the task's fd (needs ptrace access to it) or -errno. */
int pidfd_take_fd(int pidfd, int target_fd);

/* Reads len bytes at addr of task tid, all or nothing. 0, -EFAULT (short
 * or unmapped), -EPERM (no ptrace access) or -errno. */
int process_read(pid_t tid, uint64_t addr, void *buf, size_t len);
/* Writes len bytes at addr of task tid, all or nothing. */
int process_write(pid_t tid, uint64_t addr, const void *buf, size_t len);
/* Reads a NUL-terminated string of at most max - 1 bytes. 0, -ENAMETOOLONG, -EFAULT. */
int process_read_string(pid_t tid, uint64_t addr, char *buf, size_t max);

#endif
