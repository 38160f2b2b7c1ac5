/* What a session starts with besides confinement: its environment
 * (env.keep / env.set plus the login variables) and its rlimits. */
#ifndef CORRAL_SESSION_ENV_H
#define CORRAL_SESSION_ENV_H

#include <stdbool.h>

#include "policy.h"
#include "strlist.h"

#define SESSION_PATH "/usr/local/bin:/usr/bin:/bin"

/* Builds "NAME=VALUE" items: variables of current matching env.keep (glob),
 * TERM as it is, then HOME, USER, LOGNAME, SHELL and PATH as they must be,
 * then env.set (later items win). Pure. 0 or -ENOMEM. */
int session_env_build(const struct policy *policy, char *const *current, const char *shell, struct strlist *out);

/* Sets the soft and hard rlimits the policy names (limits.files, .file_size,
 * .core, and .processes as RLIMIT_NPROC unless the session's cgroup already
 * counts its tasks: RLIMIT_NPROC counts every process of the user).
 * 0 or -errno. */
int session_apply_rlimits(const struct policy *policy, bool processes_in_cgroup);

/* What only root can do for those limits: raise a hard limit the policy
 * sets above the current one. Nothing is lowered: this runs in the login
 * daemon's own process (a small RLIMIT_FSIZE there would kill sshd when it
 * writes lastlog for a large uid); the session's first process lowers them
 * itself. 0 or -errno. */
int session_raise_hard_limits(const struct policy *policy);

#endif
