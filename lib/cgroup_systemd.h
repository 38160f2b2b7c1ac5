/* Session limits on systemd hosts: the session's scope belongs to systemd,
 * so the limits are set on it through the manager's bus API
 * (SetUnitProperties) instead of in a cgroup of our own. */
#ifndef CORRAL_CGROUP_SYSTEMD_H
#define CORRAL_CGROUP_SYSTEMD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"

#define CGROUP_SYSTEMD_BUS_TIMEOUT_US 5000000ULL   /* a login must not hang on the bus */
#define CGROUP_SYSTEMD_MAX_PROPERTIES 3

struct systemd_property {
	const char *name;   /* TasksMax, MemoryMax, CPUQuotaPerSecUSec */
	uint64_t value;
};

/* The unit properties that express limits. Pure. Returns how many. */
size_t cgroup_systemd_properties(const struct cgroup_limits *limits,
				 struct systemd_property out[CGROUP_SYSTEMD_MAX_PROPERTIES]);

/* The scope unit of a unified cgroup path ("/user.slice/.../session-3.scope"
 * gives "session-3.scope"). Pure. 0 or -ENOENT when it is not a scope. */
int cgroup_systemd_scope_of(const char *path, char *unit, size_t unitlen);

/* Sets the limits on the caller's scope and remembers it in out. */
int cgroup_systemd_open(const struct cgroup_layout *layout, const struct cgroup_limits *limits, pid_t pid,
			struct cgroup_session *out);

/* Kills every process of the scope but the caller. 0, -EBUSY or -errno. */
int cgroup_systemd_end(struct cgroup_session *session);

#endif
