/* corral-shell's first stage: a static program (no dynamic loader, so no
 * LD_PRELOAD or LD_LIBRARY_PATH can run code in it) that drops the
 * variables the loader and libc act on and execs the real corral-shell,
 * corral-session. A login daemon's environment can come from the user
 * (pam_env's user_readenv, ~/.pam_environment): without this stage a
 * preloaded library would run before any confinement. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "beside.h"
#include "paths.h"

#define ENV_MAX 4096 /* variables passed on; the rest is dropped */

extern char **environ;

/* glibc's list of variables it ignores for setuid programs, and every LD_ */
static int unsafe(const char *item)
{
	static const char *const names[] = {
		"GCONV_PATH",  "GETCONF_DIR",  "GLIBC_TUNABLES", "HOSTALIASES", "LOCALDOMAIN",
		"LOCPATH",     "MALLOC_TRACE", "NIS_PATH",       "NLSPATH",     "RESOLV_HOST_CONF",
		"RES_OPTIONS", "TMPDIR",       "TZDIR",
	};
	size_t len = strcspn(item, "=");

	if (strncmp(item, "LD_", 3) == 0)
		return 1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && strncmp(item, names[i], len) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	static char *clean[ENV_MAX + 1];
	char path[PATH_MAX];
	size_t n = 0;

	(void)argc;
	for (char **e = environ; e && *e && n < ENV_MAX; e++)
		if (!unsafe(*e))
			clean[n++] = *e;
	clean[n] = NULL;
	program_beside_self(CORRAL_SESSION_NAME, CORRAL_SESSION_PATH, path, sizeof(path));
	/* argv as it came: argv[0] "-corral-shell" says "login shell" */
	execve(path, argv, clean);
	fprintf(stderr, "corral: cannot run %s: %s\n", path, strerror(errno));
	return 1;
}
