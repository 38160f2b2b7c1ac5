/* pam_corral's module arguments: debug, config=PATH, rundir=PATH,
 * tmpdir=PATH, landlock_abi=N (a test knob: the Landlock ABI the session
 * uses at most, so the other layers' fallbacks can be tried on a new
 * kernel). Parsed without side effects so they can be unit-tested. */
#ifndef CORRAL_PAM_MODULE_ARGS_H
#define CORRAL_PAM_MODULE_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#define MODULE_ARGS_MAX_UNKNOWN 8

struct module_args {
	bool debug;
	const char *config;                           /* NULL: the system's corral.ini */
	const char *run_dir;                          /* where session records go */
	const char *tmp_base;                         /* where private /tmp instances live */
	int landlock_abi;                             /* 0: what the kernel has */
	const char *unknown[MODULE_ARGS_MAX_UNKNOWN]; /* logged and ignored */
	size_t n_unknown;
	const char *invalid; /* a known argument with a bad value (not absolute) */
};

/* Points into argv; argv must outlive out. */
void module_args_parse(int argc, const char **argv, struct module_args *out);

#endif
