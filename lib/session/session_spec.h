/* How a session was asked for and what root prepared for it: filled by
 * its starter (corral-session, `corralctl run`) and session_origin.c. */
#ifndef CORRAL_SESSION_SPEC_H
#define CORRAL_SESSION_SPEC_H

#include <stdbool.h>

enum session_kind {
	SESSION_INTERACTIVE,
	SESSION_COMMAND_STRING,
	SESSION_ARGV,
};

struct session_spec {
	enum session_kind kind;
	bool login;          /* a login shell: argv[0] starts with '-' */
	const char *command; /* SESSION_COMMAND_STRING */
	char *const *argv;   /* SESSION_ARGV */
	bool nested;         /* already inside a corral session: just run */
	/* what root prepared at login (pam_corral, or `corralctl run` as root) */
	const char *session_id; /* the verified session record, or NULL */
	bool namespace_ready;   /* this process is in the session's mount namespace */
	unsigned cgroup_limits; /* enum cgroup_limit_bit the session's cgroup enforces */
	/* corral-helper opened (O_PATH) before entering that namespace, whose
	 * noexec mounts may cover where it was found; otherwise found by path */
	bool helper_pinned;
	int helper_fd;
	int landlock_abi_cap; /* root's test knob (record, corralctl run --landlock-abi); 0: none */
};

#endif
