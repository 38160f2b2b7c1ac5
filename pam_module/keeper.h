/* For services that do not start the login shell (cron, atd, ...), the
 * module confines the calling process itself, which then can no longer
 * clean up after the session. A small root process, started before the
 * confinement and detached from the daemon, waits for that process to end
 * and then closes the session (record, cgroup). */
#ifndef CORRAL_PAM_KEEPER_H
#define CORRAL_PAM_KEEPER_H

#include <sys/types.h>

#include "session_setup.h"

/* Starts the keeper for leader. 0 or -errno (then nobody will clean up:
 * the caller must close the session itself and refuse it). */
int keeper_start(struct session_setup *setup, pid_t leader);

#endif
