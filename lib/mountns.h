/* The session's private mount namespace (made by root at login): noexec on
 * every writable tree outside fs.exec, a per-user /tmp and /var/tmp, and a
 * pinned read-only /etc/hosts. Landlock does not check mmap(PROT_EXEC), so
 * without the noexec mounts `ld.so ~/program` would run code from outside
 * fs.exec. mountns_plan() is pure; mountns_enter() does the mounts. */
#ifndef CORRAL_MOUNTNS_H
#define CORRAL_MOUNTNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy.h"
#include "strlist.h"

#define MOUNTNS_ERR_MAX 512
#define MOUNTNS_PRIVATE_TMP_BASE "/var/lib/corral/tmp"
/* Writable places every session has besides its fs.write trees. */
#define MOUNTNS_COMMON_WRITABLE "/tmp", "/var/tmp", "/dev/shm"

struct mountns_plan {
	bool needed;
	bool private_tmp;
	struct strlist noexec;      /* trees mounted noexec,nosuid */
	struct strlist exec_again;  /* fs.exec trees inside those: exec restored */
	bool pin_hosts;
};

/* Which mounts the policy needs. Pure (path arithmetic only). 0 or -ENOMEM. */
int mountns_plan(const struct policy *policy, struct mountns_plan *out);
void mountns_plan_free(struct mountns_plan *plan);

/* Does the policy need a session mount namespace at all? Pure. */
bool mountns_needed(const struct policy *policy);

struct mountns_request {
	const struct mountns_plan *plan;
	uid_t uid;
	gid_t gid;
	const char *tmp_base;      /* root of the per-user /tmp instances */
	const char *hosts_file;    /* file to bind over /etc/hosts when pinning */
};

/* Unshares the calling process's mount namespace (no propagation back to
 * the host) and makes the planned mounts. Needs CAP_SYS_ADMIN. 0 or -errno
 * with the failing step in err; on failure the caller must refuse the
 * session (the process may be left in a half-made namespace). */
int mountns_enter(const struct mountns_request *request, char *err, size_t errlen);

#endif
