/* Confining the calling process: no_new_privs, capabilities, Landlock and
 * seccomp, in that order. The shell's child and pam_corral (for services
 * that do not start the login shell) share it. Logs nothing. */
#ifndef CORRAL_CONFINE_H
#define CORRAL_CONFINE_H

#include <stdbool.h>
#include <stddef.h>

#include "sandbox.h"

/* drop_capabilities: clear every capability, ambient and inheritable ones
 * too (a login daemon's process that must still change its uid keeps
 * them; the kernel drops them at that change and no_new_privs keeps them
 * from coming back through exec). *listener: see sandbox_apply(). 0 or
 * -errno with the step in err. */
int confine_process(const struct sandbox_plan *plan, int abi, bool drop_capabilities, int *listener, char *err,
		    size_t errlen);

#endif
