/* What a policy change means for a session that is already running
 * (issue 16): which keys the new policy narrows, so that `corralctl apply`
 * can tell what must change live (corral-helper's decisions, cgroup
 * limits, the session's time) from what no layer can change in a running
 * session and must end it after the grace period. Pure. */
#ifndef CORRAL_POLICY_CHANGE_H
#define CORRAL_POLICY_CHANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

/* Does new grant less than old for key? A key the running session no
 * longer consults (shell, env.*, services, commands, umask, ...) never
 * narrows it. Unknown shapes count as narrowing: never less safe. */
bool policy_key_narrows(const struct policy *old, const struct policy *new, enum policy_key key);

/* The keys that narrow from old to new among those live[key] is false
 * for (no layer of the running session can change them), ", "-joined
 * into out. Returns how many. */
size_t policy_fixed_narrowing(const struct policy *old, const struct policy *new, const bool live[KEY_COUNT], char *out,
			      size_t outlen);

#endif
