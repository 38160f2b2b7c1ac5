/* corralctl apply's work, for the command and its follower. */
#ifndef CORRAL_CTL_APPLY_H
#define CORRAL_CTL_APPLY_H

#include <time.h>

struct apply_result {
	unsigned sessions; /* running sessions seen */
	unsigned changed;  /* whose live file was rewritten */
	unsigned ending;   /* newly set to end after the grace period */
	time_t next_event; /* the next window edge, grant expiry or end (0: none) */
};

/* The time a session has after a narrowing no layer makes live, when no
 * window names its own grace (`grace`, default 5m). */
#define APPLY_GRACE_DEFAULT 300

/* Applies the config at config_path (NULL: the system's) to every running
 * session (of only_user, when not NULL) at now; grace as above. 0, or
 * -errno (an invalid config changes nothing). */
int apply_all(const char *config_path, const char *only_user, time_t now, long grace, struct apply_result *result);

#endif
