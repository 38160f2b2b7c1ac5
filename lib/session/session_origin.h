/* Where a login's policy comes from (the verified session record, or the
 * config) and what confinement needs root to have prepared. Knows nothing
 * of how the session is then started (session.h). */
#ifndef CORRAL_SESSION_ORIGIN_H
#define CORRAL_SESSION_ORIGIN_H

#include <stddef.h>

#include "policy.h"
#include "session_spec.h"
#include "users.h"

/* Can the session be confined as the policy says, given what root prepared?
 * The session mount namespace (fs.exec, fs.private_tmp, net.pin_hosts) and
 * the memory and cpu cgroup limits only exist when pam_corral (or
 * `corralctl run` as root) made them. Pure. 0, or -EOPNOTSUPP with what is
 * missing in err: the session is refused, never run with less. */
int session_requirements_check(const struct policy *policy, const struct session_spec *spec, char *err, size_t errlen);

/* The policy of a login: from the session record named by session_id when
 * it verifies (root-owned, for this uid, its session alive and an ancestor
 * of this process), which also fills spec's session_id, namespace_ready and
 * cgroup_limits; otherwise from the config (why the record was not used is
 * in note; the user's groups are loaded then, if they were not). 0, or
 * -errno with a one-line reason in err (fail closed). */
/* The same from the record alone, without NSS (static corral-shell cannot
 * load NSS modules): the record must be for uid, and the account's name is
 * the one pam_corral resolved into it (user gets it: name and uid only).
 * Every other check of the record is made. 0, or -errno with why: the
 * caller then takes the full way (session_policy_for_login()). */
int session_policy_from_record(const char *session_id, uid_t uid, struct user_info *user, struct policy *out,
			       struct session_spec *spec, char *why, size_t whylen);

int session_policy_for_login(const char *session_id, struct user_info *user, struct policy *out,
			     struct session_spec *spec, char *err, size_t errlen, char *note, size_t notelen);

/* The policy a login of user gets from the config at config_path (NULL:
 * the system's): resolved when the config is valid; the unconfined default
 * for an exempt user when it is not. Returns 0, or -errno with a one-line
 * reason in err (the caller refuses the session: fail closed). */
int session_policy_load(const char *config_path, const struct user_info *user, struct policy *out, char *err,
			size_t errlen);

#endif
