/* corral-helper's command line: built by the launcher (corral-shell,
 * `corralctl run`) and by pam_corral's keeper, parsed by corral-helper. */
#ifndef CORRAL_HELPER_ARGS_H
#define CORRAL_HELPER_ARGS_H

#include <stdint.h>
#include <sys/types.h>

#define HELPER_ARGV_MAX 16
#define HELPER_ARG_NUMBER_MAX 20 /* digits (and sign) of one number */

enum helper_start {
	HELPER_START_CHILD,    /* by the launcher: our child confines itself, says hello, waits for the go */
	HELPER_START_EXTERNAL, /* by the keeper: serve a process that is not our child */
};

struct helper_args {
	enum helper_start start;
	pid_t child;         /* CHILD: the confined child */
	pid_t external;      /* EXTERNAL: the process pam_corral confined */
	int control;         /* CHILD: our end of the socketpair to the child */
	int policy;          /* the sealed policy memfd */
	int notify;          /* EXTERNAL: the seccomp listener, or -1: nothing trapped */
	const char *session; /* the session id for log lines, or NULL */
};

/* A built command line; argv points into numbers, and into the session id. */
struct helper_argv {
	char *argv[HELPER_ARGV_MAX];
	char numbers[3][HELPER_ARG_NUMBER_MAX + 2];
};

/* Fills out->argv (NULL-terminated, argv[0] CORRAL_HELPER_NAME) for args.
 * 0, or -EINVAL for an unknown start. */
int helper_args_build(const struct helper_args *args, struct helper_argv *out);

/* Parses corral-helper's argv into out (notify -1 when absent). 0, or
 * -EINVAL for anything but one of the two complete command lines; on
 * failure what was parsed so far stays in out, so the caller can still
 * kill a named child. */
int helper_args_parse(int argc, char *const *argv, struct helper_args *out);

#endif
