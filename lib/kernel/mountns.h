/* The session's view of the filesystem: a private mount namespace made by
 * root at login. Everything is read-only but fs.write (so nothing outside
 * it can be changed, content or metadata, by any call), noexec but fs.exec
 * and the library trees (so nothing else is executed or mapped executable,
 * ld.so and mmap included), each fs.deny path is covered by an inaccessible
 * node (so the tree around it keeps all of its rights), plus a per-user
 * /tmp and a pinned /etc/hosts. The login daemon lives in this namespace
 * too: the few files it writes (utmp, wtmp, ttys, corral's records) stay
 * writable. mountns_plan() is pure; mountns_enter() does the mounts. */
#ifndef CORRAL_MOUNTNS_H
#define CORRAL_MOUNTNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy.h"
#include "strlist.h"

#define MOUNTNS_ERR_MAX 512
#define MOUNTNS_PRIVATE_TMP_BASE "/var/lib/corral/tmp"
/* What the login daemons write while the session runs, as root: ttys and
 * ptys (chown at login), /proc/self. Their mount only, not those below. */
#define MOUNTNS_DAEMON_MOUNTS "/dev", "/dev/pts", "/proc"
/* ...and with what is below them: cgroups (the session's own, at logout),
 * the login records of bookworm and trixie. */
#define MOUNTNS_DAEMON_TREES \
	"/sys/fs/cgroup", "/run/utmp", "/var/log/wtmp", "/var/log/btmp", "/var/log/lastlog", "/var/lib/wtmpdb", \
		"/var/lib/lastlog"

struct mountns_plan {
	bool needed;
	bool private_tmp;
	bool pin_hosts;
	bool read_only;              /* every mount read-only but the writable ones */
	bool no_exec;                /* every mount noexec but the exec ones */
	struct strlist writable;     /* fs.write and the daemons' trees: read-write again */
	struct strlist writable_top; /* the daemons' mounts: read-write again, not below */
	struct strlist exec;         /* fs.exec and corral's programs: exec again */
	struct strlist loader;       /* library trees outside fs.exec: exec again (mmap) */
	struct strlist hidden;       /* fs.deny: an inaccessible node over each */
	struct strlist create;       /* denied paths inside fs.write: made (as the user) when missing */
	struct strlist pinned;       /* directories between an fs.write tree and a denied path in it:
				      * mount points, so that no rename re-creates the denied name */
};

/* Which mounts the policy needs; loader_trees is what loader_trees()
 * found. Pure (path arithmetic only). 0 or -ENOMEM. */
int mountns_plan(const struct policy *policy, const struct strlist *loader_trees, struct mountns_plan *out);
void mountns_plan_free(struct mountns_plan *plan);

/* Does the policy need a session mount namespace at all? Pure. */
bool mountns_needed(const struct policy *policy);

/* Can the policy not be enforced without it (fs.exec: ld.so and mmap;
 * fs.private_tmp; net.pin_hosts)? Without it fs.read, fs.write and fs.deny
 * fall back to Landlock alone (fs.deny carved out of its trees, their top
 * level then read-only; metadata outside fs.write not protected): that is
 * `corralctl run` by a user, who is not confined to begin with. Pure. */
bool mountns_required(const struct policy *policy);

struct mountns_request {
	const struct mountns_plan *plan;
	/* the user's identity for paths found as the user: the groups as the
	 * caller looked them up (those the policy was resolved with) */
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	size_t n_groups;
	const char *tmp_base;        /* root of the per-user /tmp instances */
	const char *hosts_file;      /* file to bind over /etc/hosts when pinning */
	const char *run_dir;         /* corral's records (written at login, removed at logout) */
	const char *const *programs; /* corral's own programs (the login shell's stages,
				       * the helper): exec again; NULL-terminated */
};

/* Unshares the calling process's mount namespace (no propagation back to
 * the host) and makes the planned mounts. Needs CAP_SYS_ADMIN. 0 or -errno
 * with the failing step in err; on failure the caller must refuse the
 * session (the process may be left in a half-made namespace). */
int mountns_enter(const struct mountns_request *request, char *err, size_t errlen);

#endif
