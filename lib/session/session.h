/* What a session runs, decided from the policy and how it was asked for:
 * an interactive shell, a command string (-c / SSH_ORIGINAL_COMMAND), or an
 * argv (`corralctl run`); restricted-command mode is applied here. */
#ifndef CORRAL_SESSION_H
#define CORRAL_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "pathutil.h"
#include "policy.h"
#include "session_origin.h"
#include "session_spec.h"
#include "strlist.h"

#define SESSION_EXIT_REFUSED 126 /* the policy refuses the command */
#define SESSION_EXIT_NO_POLICY 1 /* no valid policy: fail closed */
#define SESSION_ERR_MAX 512
/* Where restricted-mode commands are looked up (sftp-server lives in
 * /usr/lib/openssh on Debian). */
#define SESSION_COMMAND_PATH "/usr/local/bin:/usr/bin:/bin:/usr/lib/openssh:/usr/libexec/openssh"

enum session_mode {
	SESSION_MODE_EXEC,      /* exec the program, not confined (or already inside a session) */
	SESSION_MODE_CONFINED,  /* confine it, corral-helper serving it */
	SESSION_MODE_REFUSED,   /* the policy refuses it: SESSION_EXIT_REFUSED */
	SESSION_MODE_NOT_FOUND, /* no such program: 127 */
};

/* What a session runs and how. argv may point into this struct: do not
 * copy it; session_command_free() it. */
struct session_command {
	enum session_mode mode;
	char path[PATHUTIL_PATH_MAX]; /* the program to exec */
	char *const *argv;
	const char *refused;                    /* REFUSED: what, for the log line */
	char login_name[PATHUTIL_PATH_MAX + 1]; /* the shell's argv[0] ("-bash" for a login) */
	char *shell_argv[4];
	struct strlist words; /* a command string split (restricted mode) */
};

/* Decides the program, its argv and the mode from the policy and how the
 * session was asked for; restricted-mode programs are looked up in
 * search_path (SESSION_COMMAND_PATH), never the session's PATH. Starts
 * nothing (it only looks at files); the reason of REFUSED and NOT_FOUND is
 * in err. */
void session_command_choose(const struct policy *policy, const struct session_spec *spec, const char *search_path,
			    struct session_command *out, char *err, size_t errlen);

void session_command_free(struct session_command *command);

/* Runs the session. Returns its exit status, or SESSION_EXIT_REFUSED /
 * SESSION_EXIT_NO_POLICY with a one-line reason in err (and a log line).
 * Does not return when it execs without confinement. */
int session_run(const struct policy *policy, const struct session_spec *spec, char *const *environment, char *err,
		size_t errlen);

/* True when this process already runs inside a corral session: the
 * session's seccomp filter answers its canary (see syscall_filter.h). Only
 * a process that is already confined (or that controls its own unconfined
 * process, and so gains nothing) can give that answer. */
bool session_already_confined(void);

#endif
