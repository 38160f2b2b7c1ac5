/* corral-shell's clean start: it is linked statically (no dynamic loader,
 * so nothing from LD_PRELOAD or LD_LIBRARY_PATH runs in it), and before
 * anything else it makes sure libc will not act on what a login daemon's
 * environment may carry from the user (pam_env's user_readenv,
 * ~/.pam_environment): NSS modules found through LD_LIBRARY_PATH, GCONV_PATH,
 * tunables. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clean_env.h"

#define ENV_MAX 4096 /* variables passed on; the rest is dropped */

/* glibc's list of variables it ignores for setuid programs, and every LD_ */
static bool unsafe(const char *item)
{
	static const char *const names[] = {
		"GCONV_PATH",  "GETCONF_DIR",  "GLIBC_TUNABLES", "HOSTALIASES", "LOCALDOMAIN",
		"LOCPATH",     "MALLOC_TRACE", "NIS_PATH",       "NLSPATH",     "RESOLV_HOST_CONF",
		"RES_OPTIONS", "TMPDIR",       "TZDIR",
	};
	size_t len = strcspn(item, "=");

	if (strncmp(item, "LD_", 3) == 0)
		return true;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && strncmp(item, names[i], len) == 0)
			return true;
	return false;
}

int clean_env_or_restart(char **argv, char **envp)
{
	static char *clean[ENV_MAX + 1];
	bool dirty = false;
	size_t n = 0, all = 0;

	for (char **e = envp; e && *e; e++, all++) {
		if (unsafe(*e))
			dirty = true;
		else if (n < ENV_MAX)
			clean[n++] = *e;
	}
	/* the usual login: nothing to drop, one program image */
	if (!dirty && all <= ENV_MAX)
		return 0;
	clean[n] = NULL;
	/* libc took what it takes at start-up from the environment it had
	 * (a static program's dlopen search path, tunables): start again
	 * without them, argv as it came ("-corral-shell": a login shell) */
	execve("/proc/self/exe", argv, clean);
	return -errno;
}
