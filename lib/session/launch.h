/* Starting a session: the unconfined path (exec the program), or the
 * confined one (fork; the child confines itself and execs the program; the
 * parent becomes corral-helper). Shared by corral-shell and `corralctl run`. */
#ifndef CORRAL_LAUNCH_H
#define CORRAL_LAUNCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "policy.h"
#include "sandbox.h"

#define LAUNCH_ERR_MAX 512

struct launch_request {
	const struct policy *policy;
	const struct sandbox_plan *plan; /* NULL: not confined */
	int abi;
	const char *path; /* the program to exec */
	char *const *argv;
	char *const *envp;
	bool processes_in_cgroup; /* limits.processes is the cgroup's job */
	const char *session_id;   /* for the helper's log lines, or NULL */
	bool helper_pinned;       /* exec helper_fd, not the helper found by path */
	int helper_fd;
};

/* An O_PATH fd of the corral-helper this program would run (beside it, or
 * the installed one), for a caller about to enter a mount namespace in which
 * that path may be noexec or gone. fd, or -errno. */
int launch_pin_helper(void);

/* Execs the program (not confined) or corral-helper (confined, with the
 * confined child waiting for it). Returns only when that failed: -errno
 * with a reason in err, and nothing of the user's has run. */
int launch_session(const struct launch_request *request, char *err, size_t errlen);

#endif
