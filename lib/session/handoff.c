/* Policy memfd of the shell-to-helper hand-off (see handoff.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "handoff.h"
#include "policy_text.h"
#include "util.h"

int handoff_policy_memfd(const struct policy *policy)
{
	char *text = NULL;
	size_t len = 0;
	int fd, r;

	r = policy_text_write(policy, &text, &len);
	if (r < 0)
		return r;
	fd = memfd_create("corral-policy", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	r = write_all(fd, text, len);
	if (r < 0)
		goto out;
	if (fcntl(fd, F_ADD_SEALS, HANDOFF_SEALS_REQUIRED) < 0)
		r = -errno;
out:
	free(text);
	if (r < 0 && fd >= 0)
		close(fd);
	return r < 0 ? r : fd;
}

int handoff_policy_read(int fd, struct policy *out, char *err, size_t errlen)
{
	struct stat st;
	char *text;
	int seals, r;

	policy_init(out);
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || (seals & HANDOFF_SEALS_REQUIRED) != HANDOFF_SEALS_REQUIRED)
		return set_err(err, errlen, -EPERM, "the policy memfd is not sealed");
	if (fstat(fd, &st) < 0 || st.st_size <= 0 || (size_t)st.st_size > RECORD_SIZE_MAX)
		return set_err(err, errlen, -EINVAL, "the policy memfd has no usable size");
	text = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (text == MAP_FAILED)
		return set_err(err, errlen, -errno, "cannot map the policy memfd: %s", strerror(errno));
	r = policy_text_read(text, (size_t)st.st_size, out, err, errlen);
	munmap(text, (size_t)st.st_size);
	return r;
}

void handoff_signal_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGQUIT);
}
