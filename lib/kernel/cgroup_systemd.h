/* Session cgroups on systemd hosts: every corral session gets a transient
 * scope of its own (corral-ID.scope), made over the manager's bus API, in
 * corral's slices: corral.slice, and below it a slice per group and per
 * user where limits.group.* / limits.user.* are set. Never the caller's
 * logind scope: `su -` from an admin's session limits and ends only the
 * student's processes. */
#ifndef CORRAL_CGROUP_SYSTEMD_H
#define CORRAL_CGROUP_SYSTEMD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"

#define CGROUP_SYSTEMD_BUS_TIMEOUT_US 5000000ULL /* a login must not hang on the bus */
#define CGROUP_SYSTEMD_MAX_PROPERTIES 4
#define CGROUP_SYSTEMD_UNIT_MAX 256 /* systemd's limit on a unit name, NUL included */
#define CGROUP_SYSTEMD_ROOT_SLICE "corral.slice"
#define CGROUP_SYSTEMD_INFINITY UINT64_MAX /* "no limit" in the bus API */

struct systemd_property {
	const char *name; /* TasksMax, MemoryMax, MemorySwapMax, CPUQuotaPerSecUSec */
	uint64_t value;
};

/* The unit properties that express limits. With reset, every property is
 * given, unset ones as CGROUP_SYSTEMD_INFINITY (for a slice that outlives
 * a config change). Pure. Returns how many. */
size_t cgroup_systemd_properties(const struct cgroup_limits *limits, bool reset,
				 struct systemd_property out[CGROUP_SYSTEMD_MAX_PROPERTIES]);

/* The units of a session: the slices that carry limits (outermost first)
 * and the scope. "corral-group_G.slice" (G escaped the way systemd escapes
 * unit names), "corral[-group_G]-user_UID.slice", "corral-ID.scope"; the
 * scope's slice is the innermost one, else corral.slice. Pure. Returns 0,
 * -ENAMETOOLONG (a group name too long for a unit name) or -EINVAL. */
struct systemd_units {
	char slices[CGROUP_LEVEL_MAX - 1][CGROUP_SYSTEMD_UNIT_MAX];
	const struct cgroup_limits *slice_limits[CGROUP_LEVEL_MAX - 1];
	size_t slice_count;
	char parent[CGROUP_SYSTEMD_UNIT_MAX]; /* the scope's slice */
	char scope[CGROUP_SYSTEMD_UNIT_MAX];
};
int cgroup_systemd_units(const struct cgroup_request *request, struct systemd_units *out);

/* Escapes one name for use inside a unit name (systemd's rules: letters,
 * digits, ':', '_' and '.' stay, a leading '.' and everything else becomes
 * \xNN; '-' too, which would nest slices). Pure. 0 or -ENAMETOOLONG. */
int cgroup_systemd_escape(const char *name, char *out, size_t outlen);

/* Sets the shared levels' limits on their slices, starts the session's
 * scope with pid in it and waits until pid is there. */
int cgroup_systemd_open(const struct cgroup_layout *layout, const struct cgroup_request *request,
			struct cgroup_session *out);

#endif
