/* What root does when a confined session opens and closes: the session's
 * cgroup, the hard rlimits only root can raise, its mount namespace, pinned hosts and the session
 * record. Shared by pam_corral and `corralctl run` (the same path, minus
 * PAM). Logs nothing: the caller logs once, with err. */
#ifndef CORRAL_SESSION_SETUP_H
#define CORRAL_SESSION_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cgroup.h"
#include "policy.h"
#include "session_record.h"
#include "users.h"

#define SESSION_SETUP_ERR_MAX 768
#define SESSION_HOSTS_SUBDIR "hosts"

struct session_setup_request {
	struct policy *policy;   /* resolved; its host names get resolved here */
	const char *service;     /* PAM service, or "corralctl" */
	pid_t leader;            /* the process that owns the session */
	const char *run_dir;     /* SESSION_RUN_DIR unless testing */
	const char *tmp_base;    /* MOUNTNS_PRIVATE_TMP_BASE unless testing */
	const char *helper_path; /* corral-helper the keeper starts (NULL: the installed one) */
	int landlock_abi_cap;    /* root's test knob, written into the record; 0: none */
	/* the user as the policy was resolved for: its groups are the ones
	 * the session's paths are looked up with (NULL: looked up again) */
	const struct user_info *user;
};

/* What open did, so close undoes exactly that (also after a half-way failure). */
struct session_setup {
	char id[SESSION_ID_LEN + 1];
	char run_dir[256];
	bool record_written;
	bool hosts_written;
	bool linger;
	struct cgroup_session cgroup;
	char warning[SESSION_SETUP_ERR_MAX]; /* non-fatal: e.g. a host name that did not resolve */
};

/* Sets everything up in the calling process (root). 0, or -errno with the
 * reason in err after undoing what was done; the session must then be
 * refused. state is always safe to pass to session_setup_close(). */
int session_setup_open(const struct session_setup_request *request, struct session_setup *state, char *err,
		       size_t errlen);

/* Removes the record and the pinned hosts file; unless the session lingers,
 * ends every process left in its cgroup and removes the cgroup. 0 or the
 * first -errno (reason in err); it does all it can either way. */
int session_setup_close(struct session_setup *state, char *err, size_t errlen);

#endif
