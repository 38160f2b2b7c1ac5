/* memfd_create served by the helper: the session gets a memfd that can
 * never become executable (MFD_NOEXEC_SEAL), so code cannot run from an
 * anonymous file, which Landlock's fs.exec does not see. */
#include <errno.h>
#include <linux/memfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helper.h"

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#define MEMFD_NAME_MAX 250 /* 249 bytes and the NUL: the kernel's limit */
#define MEMFD_KNOWN_FLAGS \
	(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC | \
	 ((unsigned)MFD_HUGE_MASK << MFD_HUGE_SHIFT))

bool noexec_seal_supported(void)
{
	static int known = -1;

	if (known < 0) {
		int fd = memfd_create("corral-probe", MFD_CLOEXEC | MFD_NOEXEC_SEAL);

		known = fd >= 0 || errno != EINVAL;
		if (fd >= 0)
			close(fd);
	}
	return known;
}

void mediate_memfd_create(struct helper *h, const struct seccomp_notif *req)
{
	unsigned flags = (unsigned)req->data.args[1];
	char name[MEMFD_NAME_MAX];
	int r, fd, injected;

	if (flags & ~MEMFD_KNOWN_FLAGS) {
		helper_respond(h, req, 0, EINVAL);
		return;
	}
	if (flags & MFD_EXEC) {
		denials_record(&h->denials, "memfd_create", "MFD_EXEC", "fs.exec", EACCES);
		helper_respond(h, req, 0, EACCES);
		return;
	}
	r = process_read_string((pid_t)req->pid, req->data.args[0], name, sizeof(name));
	if (!notify_id_valid(h->notify_fd, req->id))
		return;
	if (r < 0) {
		helper_respond(h, req, 0, r == -ENAMETOOLONG ? EINVAL : r == -EPERM ? EPERM : EFAULT);
		return;
	}
	if (!noexec_seal_supported()) {
		/* before Linux 6.3 a memfd cannot be made non-executable for
		 * good: the user could chmod it back, and Landlock does not see
		 * it. Refused, as vm.memfd_noexec = 2 refuses an executable one. */
		denials_record(&h->denials, "memfd_create", name, "fs.exec (no non-executable memfds before Linux 6.3)",
			       EPERM);
		helper_respond(h, req, 0, EPERM);
		return;
	}
	fd = memfd_create(name, (flags & ~(MFD_EXEC | MFD_CLOEXEC)) | MFD_NOEXEC_SEAL | MFD_CLOEXEC);
	if (fd < 0) {
		helper_respond(h, req, 0, errno);
		return;
	}
	injected = notify_answer_with_fd(h->notify_fd, req->id, fd, flags & MFD_CLOEXEC);
	/* the task holds its own reference now: its close is the last (the
	 * memfd's teardown is its own, not the next request's) */
	close(fd);
	if (injected < 0 && injected != -ENOENT)
		helper_respond(h, req, 0, -injected);
}
