/* corral-shell's start without the variables the loader and libc act on
 * (see clean_env.c). */
#ifndef CORRAL_CLEAN_ENV_H
#define CORRAL_CLEAN_ENV_H

#include <stdbool.h>

/* 0 when envp holds none of them (and not more than corral passes on);
 * else execs this program again with them dropped, and returns -errno
 * only when that failed: the caller must then refuse to go on. */
int clean_env_or_restart(char **argv, char **envp);

#endif
