/* A user's policy from the config in one call: load, exempt check,
 * resolve. Shared by corral-session (session_policy_load), corralctl and
 * pam_corral, which each word a failure in their own way. */
#ifndef CORRAL_POLICY_LOAD_H
#define CORRAL_POLICY_LOAD_H

#include "policy.h"
#include "users.h"

#define POLICY_LOAD_REASON_MAX 768

/* Decide exemption first (pam_corral): an exempt user gets the unconfined
 * default without the config being resolved (no more group lookups), and
 * a failed exempt lookup fails before the config's own errors. Without
 * it, a valid config is resolved for exempt users too (their settings
 * still shape the unconfined session). */
#define POLICY_LOAD_EXEMPT_FIRST 1u

enum policy_load_step {
	POLICY_LOAD_DONE,
	POLICY_LOAD_EXEMPT_LOOKUP,  /* POLICY_LOAD_EXEMPT_FIRST: the exempt groups could not be looked up */
	POLICY_LOAD_CONFIG,         /* the config is not valid, and the user is not exempt */
	POLICY_LOAD_RESOLVE,        /* policy_resolve() failed */
	POLICY_LOAD_EXEMPT_DEFAULT, /* out of memory making an exempt user's default */
};

struct policy_load_status {
	int exempt; /* policy_user_is_exempt(): 1, 0, or -errno */
	enum policy_load_step failed;
	/* CONFIG: the config's first error ("" when there is none: out of
	 * memory); RESOLVE: policy_resolve()'s reason; else "" */
	char reason[POLICY_LOAD_REASON_MAX];
};

/* Loads the config at config_path (NULL: the system's) and resolves
 * user's policy into out; an exempt user gets the unconfined default when
 * the config is not valid. flags: 0 or POLICY_LOAD_EXEMPT_FIRST. 0, or
 * -errno with status saying which step failed and why (-ENOMEM or -EINVAL
 * for the config); out is set only on 0. status->exempt is set either way. */
int policy_load_for_user(const char *config_path, const struct user_info *user, unsigned flags, struct policy *out,
			 struct policy_load_status *status);

#endif
