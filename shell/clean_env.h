/* corral-shell's static start and the hand-over to corral-session (see
 * clean_env.c). */
#ifndef CORRAL_CLEAN_ENV_H
#define CORRAL_CLEAN_ENV_H

#include <stdbool.h>

/* true in corral-shell (shell/linked_static.c), false in corral-session
 * (shell/linked_dynamic.c): a link-time fact, never a guess at run time */
extern const bool shell_is_static;

/* Does envp hold what the loader or libc act on (or more variables than
 * are passed on)? Keeps envp without them for clean_env_exec_session(). */
bool clean_env_needed(char **envp);

/* Execs corral-session (beside this program, else the installed one) with
 * argv and the environment clean_env_needed() kept; returns -errno only
 * when that failed: the caller must then refuse to go on. */
int clean_env_exec_session(char **argv);

#endif
