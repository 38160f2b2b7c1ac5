/* For services that do not start the login shell (cron, atd, ...), the
 * module confines the calling process itself, which then can no longer
 * clean up after the session, nor serve its own trapped system calls. A
 * small root process, started before the confinement and detached from the
 * daemon, starts corral-helper (as the user) on the caller's notification
 * fd, waits for the caller to end and then closes the session. */
#ifndef CORRAL_PAM_KEEPER_H
#define CORRAL_PAM_KEEPER_H

#include <sys/types.h>

#include "policy.h"
#include "session_setup.h"

struct keeper_request {
	struct session_setup *setup;
	const struct policy *policy;
	pid_t leader;            /* the process being confined */
	const char *helper_path; /* NULL: the installed corral-helper */
	const char *service;     /* for the log line at the session's end */
};

/* Starts the keeper; *channel is how to reach it. 0 or -errno (then nobody
 * will clean up: the caller must close the session itself and refuse it). */
int keeper_start(const struct keeper_request *request, int *channel);

/* After confining itself: tells the keeper its listener fd number (-1 when
 * nothing is trapped) and waits until corral-helper serves it. 0 or -errno
 * (refuse the session). */
int keeper_hand_over(int channel, int listener);

#endif
