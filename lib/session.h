/* What a session runs, decided from the policy and how it was asked for:
 * an interactive shell, a command string (-c / SSH_ORIGINAL_COMMAND), or an
 * argv (`corralctl run`); restricted-command mode is applied here. */
#ifndef CORRAL_SESSION_H
#define CORRAL_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

#define SESSION_EXIT_REFUSED 126     /* the policy refuses the command */
#define SESSION_EXIT_NO_POLICY 1     /* no valid policy: fail closed */
#define SESSION_ERR_MAX 512
/* Where restricted-mode commands are looked up (sftp-server lives in
 * /usr/lib/openssh on Debian). */
#define SESSION_COMMAND_PATH "/usr/local/bin:/usr/bin:/bin:/usr/lib/openssh:/usr/libexec/openssh"

enum session_kind {
	SESSION_INTERACTIVE,
	SESSION_COMMAND_STRING,
	SESSION_ARGV,
};

struct session_spec {
	enum session_kind kind;
	bool login;                 /* a login shell: argv[0] starts with '-' */
	const char *command;        /* SESSION_COMMAND_STRING */
	char *const *argv;          /* SESSION_ARGV */
	bool nested;                /* already inside a corral session: just run */
};

/* Runs the session. Returns its exit status, or SESSION_EXIT_REFUSED /
 * SESSION_EXIT_NO_POLICY with a one-line reason in err (and a log line).
 * Does not return when it execs without confinement. */
int session_run(const struct policy *policy, const struct session_spec *spec, char *const *environment,
		char *err, size_t errlen);

/* The policy a login of user gets from the config at config_path (NULL:
 * the system's): resolved when the config is valid; the unconfined default
 * for an exempt user when it is not. Returns 0, or -errno with a one-line
 * reason in err (the caller refuses the session: fail closed). */
int session_policy_load(const char *config_path, const struct user_info *user, struct policy *out,
			char *err, size_t errlen);

/* True when this process already runs inside a corral session: no_new_privs
 * and a seccomp filter are set, and its parent is the same corral program
 * (the supervisor), which only ever starts confined children. */
bool session_already_confined(void);

#endif
