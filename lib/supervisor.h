/* The parent side of a session until corral-helper takes it over: child
 * subreaper, signal forwarding, session.max_time and session.idle_timeout,
 * ending what is left of the tree at logout unless session.linger. */
#ifndef CORRAL_SUPERVISOR_H
#define CORRAL_SUPERVISOR_H

#include <signal.h>
#include <sys/types.h>

#include "policy.h"

#define SUPERVISOR_WARN_BEFORE 60      /* seconds of warning before an idle end */
#define SUPERVISOR_KILL_GRACE 2        /* seconds between SIGHUP and SIGKILL */

/* The signals the supervisor takes over; block them before fork so none
 * is lost, and restore the old mask in the child. */
void supervisor_signal_set(sigset_t *set);

/* Supervises child until it exits and (unless lingering) nothing of its
 * tree is left. Returns the exit status to pass on: the child's own, or
 * 128 + signal. Never fails: errors are logged and the tree is ended. */
int supervisor_run(pid_t child, const struct policy *policy);

/* Kills every process the supervisor is parent of until none is left. */
void supervisor_end_tree(void);

#endif
