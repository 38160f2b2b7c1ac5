/* seccomp notification, pidfd and remote-memory wrappers (see notify.h). */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "notify.h"
#include "procinfo.h"

int notify_sizes_get(struct notify_sizes *out)
{
	struct seccomp_notif_sizes sizes = { 0 };

	/* Only an emulator (valgrind 3.19) lacks this operation while
	 * passing the notify ioctls through. Our header's sizes are safe
	 * then: each ioctl number encodes the size of its struct, and the
	 * kernel matches RECV and SEND by the whole number. */
	if (syscall(__NR_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0 && errno != ENOSYS)
		return -errno;
	out->notif = sizes.seccomp_notif > sizeof(struct seccomp_notif) ? sizes.seccomp_notif
									: sizeof(struct seccomp_notif);
	out->resp = sizes.seccomp_notif_resp > sizeof(struct seccomp_notif_resp) ? sizes.seccomp_notif_resp
										 : sizeof(struct seccomp_notif_resp);
	return 0;
}

int notify_set_sync_wakeup(int notify_fd)
{
	return ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0 ? -errno : 0;
}

int notify_receive(int notify_fd, struct seccomp_notif *req, size_t size)
{
	memset(req, 0, size);
	return ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0 ? -errno : 0;
}

bool notify_id_valid(int notify_fd, uint64_t id)
{
	return ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

int notify_respond(int notify_fd, struct seccomp_notif_resp *resp, size_t size, uint64_t id, int64_t val, int error)
{
	memset(resp, 0, size);
	resp->id = id;
	resp->val = error ? 0 : val;
	resp->error = error ? -error : 0;
	return ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 ? -errno : 0;
}

int notify_continue(int notify_fd, struct seccomp_notif_resp *resp, size_t size, uint64_t id)
{
	memset(resp, 0, size);
	resp->id = id;
	resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	return ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 ? -errno : 0;
}

int notify_answer_with_fd(int notify_fd, uint64_t id, int fd, bool cloexec)
{
	struct seccomp_notif_addfd addfd = {
		.id = id,
		.flags = SECCOMP_ADDFD_FLAG_SEND,
		.srcfd = (uint32_t)fd,
		.newfd_flags = cloexec ? O_CLOEXEC : 0,
	};
	int r = ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);

	return r < 0 ? -errno : r;
}

int pidfd_open_thread(pid_t tid)
{
	static bool no_thread_pidfds;
	long fd = -1;
	pid_t tgid;

	if (!no_thread_pidfds) {
		fd = syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
		if (fd >= 0 || errno != EINVAL)
			return fd < 0 ? -errno : (int)fd;
		no_thread_pidfds = true; /* before Linux 6.9 */
	}
	/* the thread's process: fds and memory are the same for the threads
	 * of a process (glibc's threads share the fd table) */
	fd = syscall(SYS_pidfd_open, tid, 0);
	if (fd >= 0 || errno != EINVAL)
		return fd < 0 ? -errno : (int)fd;
	tgid = proc_thread_group(tid);
	if (tgid < 0)
		return tgid;
	fd = syscall(SYS_pidfd_open, tgid, 0);
	return fd < 0 ? -errno : (int)fd;
}

int pidfd_take_fd(int pidfd, int target_fd)
{
	long fd;

	if (target_fd < 0)
		return -EBADF;
	fd = syscall(SYS_pidfd_getfd, pidfd, target_fd, 0);
	return fd < 0 ? -errno : (int)fd;
}

/* Copies len bytes between buf and addr in tid's memory, all or nothing. */
static int process_transfer(pid_t tid, uint64_t addr, void *buf, size_t len, bool to_process)
{
	struct iovec local = { .iov_base = buf, .iov_len = len };
	/* an address in the other process: never dereferenced here */
	// NOLINTNEXTLINE(performance-no-int-to-ptr)
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };
	ssize_t n;

	if (len == 0)
		return 0;
	if (addr == 0)
		return -EFAULT;
	if (to_process)
		n = process_vm_writev(tid, &local, 1, &remote, 1, 0);
	else
		n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}

int process_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	return process_transfer(tid, addr, buf, len, false);
}

int process_write(pid_t tid, uint64_t addr, const void *buf, size_t len)
{
	return process_transfer(tid, addr, (void *)buf, len, true);
}

int process_read_string(pid_t tid, uint64_t addr, char *buf, size_t max)
{
	size_t got = 0;

	if (max == 0)
		return -ENAMETOOLONG;
	while (got < max) {
		/* up to the page's end in one read (bytes past the NUL in the
		 * same page are harmless to read), not beyond: the next page
		 * may not be mapped */
		size_t page_left = 4096 - (size_t)((addr + got) % 4096);
		size_t want = max - got < page_left ? max - got : page_left;
		int r;

		r = process_read(tid, addr + got, buf + got, want);
		if (r < 0)
			return r;
		if (memchr(buf + got, '\0', want))
			return 0;
		got += want;
	}
	buf[max - 1] = '\0';
	return -ENAMETOOLONG;
}
