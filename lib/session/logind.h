/* What systemd-logind says about a user's processes at logout, so that a
 * corral session lingers only when logind would let it (KillUserProcesses,
 * KillOnlyUsers, KillExcludeUsers of logind.conf). */
#ifndef CORRAL_LOGIND_H
#define CORRAL_LOGIND_H

#include <stdbool.h>

#include "strlist.h"

/* logind's own rule (manager_shall_kill): never anyone in the exclude
 * list, nor root when that list is empty; with an only list, its members
 * only; else the KillUserProcesses setting. Pure. */
bool logind_shall_kill(bool kill_user_processes, const struct strlist *only, const struct strlist *exclude,
		       const char *user);

/* Asks logind over the system bus. 1 kill, 0 keep, -errno (no logind). */
int logind_kills_processes_of(const char *user);

#endif
