/* Starting a session: the unconfined path (exec the program), or the
 * confined one (fork; the child confines itself and execs; the parent
 * supervises). Shared by corral-shell and `corralctl run`. */
#ifndef CORRAL_LAUNCH_H
#define CORRAL_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"
#include "sandbox.h"

#define LAUNCH_ERR_MAX 512

struct launch_request {
	const struct policy *policy;
	const struct sandbox_plan *plan;   /* NULL: not confined */
	int abi;
	const char *path;                  /* the program to exec */
	char *const *argv;
	char *const *envp;
	bool processes_in_cgroup;          /* limits.processes is the cgroup's job */
};

/* Not confined: execs, returns only on failure (-errno). Confined: returns
 * the session's exit status (>= 0) after it ended, or -errno with a reason
 * in err when it could not start (nothing of the user's ran). */
int launch_session(const struct launch_request *request, char *err, size_t errlen);

#endif
