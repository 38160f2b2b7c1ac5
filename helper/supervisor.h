/* The session's lifecycle, driven by corral-helper's event loop: signals
 * forwarded to the session, its exit status, session.max_time and
 * session.idle_timeout, and the end of the tree at logout (the helper is
 * the session's child subreaper, so orphans come to it). */
#ifndef CORRAL_HELPER_SUPERVISOR_H
#define CORRAL_HELPER_SUPERVISOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/signalfd.h>
#include <sys/types.h>
#include <time.h>

#include "policy.h"

#define SUPERVISOR_WARN_BEFORE 60      /* seconds of warning before an idle end */
#define SUPERVISOR_KILL_GRACE 2        /* seconds between SIGHUP and SIGKILL */
#define SUPERVISOR_IDLE_CHECK_MS 10000 /* how often the terminal is looked at */

struct supervisor {
	pid_t child;
	const struct policy *policy;
	const char *session;
	uint64_t max_time;
	uint64_t idle;
	time_t started;
	time_t ending;      /* when SIGHUP was sent: SIGKILL follows */
	time_t end_at;      /* monotonic: a narrowing no layer makes live ends it then (corralctl apply) */
	time_t idle_looked; /* monotonic second the terminal was last looked at */
	bool child_done;
	bool warned;
	int status; /* the child's exit status, 128 + signal */
};

void supervisor_init(struct supervisor *s, pid_t child, const struct policy *policy, const char *session);

/* Milliseconds until the supervisor needs to look again, or -1. */
int supervisor_timeout_ms(const struct supervisor *s);

/* A signal read from the signalfd: forwarded to the session unless it is
 * SIGCHLD (then reap) or the terminal already sent it to the session. */
void supervisor_on_signal(struct supervisor *s, const struct signalfd_siginfo *si);

/* Reaps every child that has exited; notes the session child's status. */
void supervisor_reap(struct supervisor *s);

/* Deadlines: max_time, idle_timeout, the SIGKILL after the grace. */
void supervisor_tick(struct supervisor *s);

/* A live change (corralctl apply): session.max_time and idle_timeout
 * only ever come down; end_at (wall clock, 0: none) ends the session
 * then, the terminal told at once why and when. */
void supervisor_narrow(struct supervisor *s, uint64_t max_time, uint64_t idle, time_t end_at, const char *why);
/* Kills every process the helper is parent of until none is left. */
void supervisor_end_tree(void);

/* Is any child (the session's own or an orphan) still ours? */
bool supervisor_has_children(void);

#endif
