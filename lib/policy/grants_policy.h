/* The policy of only what a user's grants add: corral-helper's live
 * decision lets a grant reach past a session's ceilings, and must not let
 * anything else through. */
#ifndef CORRAL_GRANTS_POLICY_H
#define CORRAL_GRANTS_POLICY_H

#include <time.h>

#include "grants.h"
#include "policy.h"
#include "users.h"

/* Every grantable key set, empty but for the items of user's grants open
 * at now (made canonical for the user), confine yes: an unset net.connect
 * would allow every destination. 0; -ENOENT (the user has no grant at
 * now); -EINVAL (reason in err); -ENOMEM. out is set only on 0. */
int grants_policy(const struct grant_set *set, const struct user_info *user, time_t now, struct policy *out, char *err,
		  size_t errlen);

#endif
