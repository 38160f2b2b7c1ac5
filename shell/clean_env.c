/* corral-shell's start: it is linked statically, so no dynamic loader runs
 * and nothing from LD_PRELOAD or LD_LIBRARY_PATH can run code in it. What
 * libc would act on later (NSS modules found through LD_LIBRARY_PATH,
 * GCONV_PATH, tunables) may come from the user through the login daemon's
 * environment (pam_env's user_readenv, ~/.pam_environment): such a start,
 * and every start a static program cannot finish (NSS), goes on in
 * corral-session without those variables. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "beside.h"
#include "clean_env.h"
#include "paths.h"

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

static char *clean[ENV_MAX + 1];

bool clean_env_needed(char **envp)
{
	size_t n = 0, all = 0;
	bool dirty = false;

	for (char **e = envp; e && *e; e++, all++) {
		if (unsafe(*e))
			dirty = true;
		else if (n < ENV_MAX)
			clean[n++] = *e;
	}
	clean[n] = NULL;
	return dirty || all > ENV_MAX;
}

int clean_env_exec_session(char **argv)
{
	char path[PATH_MAX];

	program_beside_self(CORRAL_SESSION_NAME, CORRAL_SESSION_PATH, path, sizeof(path));
	/* argv as it came: argv[0] "-corral-shell" says "login shell" */
	execve(path, argv, clean);
	fprintf(stderr, "corral: cannot run %s: %s\n", path, strerror(errno));
	return -errno;
}
