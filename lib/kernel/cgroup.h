/* A session's cgroup: limits.processes / .memory / .cpu, and a handle on
 * every process of the session so logout can end them. Works on the v1
 * controllers (pids, memory, cpu, freezer), on a plain unified v2 tree, and
 * on systemd hosts (a transient scope of corral's own, in corral's slices,
 * made over the bus: never the caller's logind scope).
 * Kernel-facing: returns -errno, logs nothing. */
#ifndef CORRAL_CGROUP_H
#define CORRAL_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CGROUP_PATH_MAX 512
#define CGROUP_BASE_NAME "corral"
#define CGROUP_CPU_PERIOD_US 100000ULL
#define CGROUP_KILL_ROUNDS 100 /* freeze-kill-thaw passes before giving up */
#define CGROUP_FILE_MAX 4096   /* longest cgroup file we read */

enum cgroup_mode {
	CGROUP_NONE,    /* no usable hierarchy */
	CGROUP_V1,      /* separate controller mounts */
	CGROUP_V2,      /* unified hierarchy, no systemd managing it */
	CGROUP_SYSTEMD, /* unified hierarchy under systemd: the scope is systemd's */
};

enum cgroup_v1_controller { CGROUP_V1_PIDS, CGROUP_V1_MEMORY, CGROUP_V1_CPU, CGROUP_V1_FREEZER, CGROUP_V1_COUNT };

struct cgroup_layout {
	enum cgroup_mode mode;
	char v1[CGROUP_V1_COUNT][CGROUP_PATH_MAX]; /* mount points, "" when absent */
	char v2[CGROUP_PATH_MAX];                  /* unified mount point, "" when absent */
};

/* Which limits a session's cgroup enforces. */
enum cgroup_limit_bit {
	CGROUP_LIMIT_PROCESSES = 1u << 0,
	CGROUP_LIMIT_MEMORY = 1u << 1,
	CGROUP_LIMIT_CPU = 1u << 2,
	CGROUP_LIMIT_SHARED = 1u << 3, /* the limits.user.* / limits.group.* levels above it */
};

struct cgroup_limits {
	uint64_t processes;   /* 0 = not limited */
	uint64_t memory;      /* bytes; 0 = not limited */
	uint64_t cpu_percent; /* of one CPU; 0 = not limited */
};

#define CGROUP_GROUP_NAME_MAX 257 /* a group name as the config allows it, and its NUL */

/* What one session asks for: its own limits and the shared levels above
 * it, outermost first: all confined members of one group, then all
 * sessions of one user. A level with no limit is left out. */
struct cgroup_request {
	const char *id; /* the session id: its cgroup's name */
	pid_t pid;      /* moved into the session's cgroup */
	uid_t uid;
	const char *user; /* for systemd's unit description */
	struct cgroup_limits session;
	struct cgroup_limits user_limits;  /* limits.user.* */
	struct cgroup_limits group_limits; /* limits.group.* of the section named group */
	const char *group;                 /* NULL or "" when group_limits is all zero */
};

#define CGROUP_LEVEL_MAX 3 /* group, user, session */

/* What open created, so close can undo exactly that. */
struct cgroup_session {
	enum cgroup_mode mode;
	size_t count;
	char dirs[CGROUP_V1_COUNT][CGROUP_PATH_MAX];     /* the session's cgroups */
	char previous[CGROUP_V1_COUNT][CGROUP_PATH_MAX]; /* where the caller came from */
	char unit[CGROUP_PATH_MAX];                      /* systemd: the session's scope unit */
	size_t freezer_slot;                             /* v1: 1 + index of the freezer dir; 0 = none */
	size_t shared_levels;                            /* group/user directories above each dir */
	unsigned limits;                                 /* enum cgroup_limit_bit */
};

/* Reads the layout from a mountinfo text and, for systemd, whether it runs
 * (systemd_running). Pure. 0 or -EINVAL. */
int cgroup_layout_parse(const char *mountinfo, size_t len, bool systemd_running, struct cgroup_layout *out);
/* The layout of this host (/proc/self/mountinfo, /run/systemd/system). */
int cgroup_layout_detect(struct cgroup_layout *out);

/* "QUOTA PERIOD" for cpu.max, or the v1 quota in microseconds. Pure. */
uint64_t cgroup_cpu_quota_us(uint64_t percent);

/* The caller's cgroup path (relative to the hierarchy root) for a v1
 * controller name, or the unified one (controller ""), from the text of
 * /proc/self/cgroup. Pure. 0 or -ENOENT. */
int cgroup_self_path_parse(const char *text, size_t len, const char *controller, char *out, size_t outlen);

/* True when any of the limits is set. Pure. */
bool cgroup_limits_any(const struct cgroup_limits *limits);

/* The relative path of the session's cgroup below the hierarchy's corral/
 * directory: "[group-NAME/][user-UID/]ID", one level per shared level that
 * has limits. Pure. 0 or -ENAMETOOLONG. */
int cgroup_session_relpath(const struct cgroup_request *request, char *out, size_t outlen);

/* Creates the session's cgroups (MOUNT/corral/[group-G/][user-UID/]ID on v1
 * and a plain v2 tree; a transient scope in corral's slices on systemd),
 * writes the limits of every level, and moves pid in. 0, -EOPNOTSUPP (a
 * limit this host cannot enforce) or -errno; on failure whatever was
 * created is removed again. */
int cgroup_session_open(const struct cgroup_layout *layout, const struct cgroup_request *request,
			struct cgroup_session *out);

/* Kills every process in the session's cgroups except the caller (moved
 * back to where it came from first), then removes them. With linger the
 * processes stay and so do the cgroups. 0, -EBUSY (some survived) or -errno. */
int cgroup_session_close(struct cgroup_session *session, bool linger);

/* Removes session cgroups left empty by sessions that lingered: every
 * base/corral/[group-G/][user-UID/]ID older than CGROUP_COLLECT_AGE seconds for which in_use(ID)
 * is false (rmdir fails on one that still has processes, so those stay).
 * Returns how many were removed. */
#define CGROUP_COLLECT_AGE 60
size_t cgroup_collect_lingered(const struct cgroup_layout *layout, bool (*in_use)(const char *id, void *data),
			       void *data);

/* 1 when dir/cgroup.procs lists pid, 0 when not, or -errno. */
int cgroup_holds_pid(const char *dir, pid_t pid);

/* A running session's limits, lowered in one of its directories (corralctl
 * apply): each limit set in l is written to the file this directory has
 * for it (v2 or v1); *applied gets the CGROUP_LIMIT_* bits written. A
 * limit whose controller the directory lacks is left out: the caller
 * sees it missing from *applied. 0 or -errno. */
int cgroup_dir_narrow(const char *dir, const struct cgroup_limits *l, unsigned *applied);

/* Number of processes in the session's first cgroup, or -errno. */
long cgroup_session_count(const struct cgroup_session *session);

#endif
