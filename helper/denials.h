/* Denials logged to syslog, rate-limited by a token bucket so a process
 * hammering a forbidden address cannot flood the log, and counted for the
 * summary at the end of the session. */
#ifndef CORRAL_HELPER_DENIALS_H
#define CORRAL_HELPER_DENIALS_H

#include <stdbool.h>
#include <stdint.h>

#define DENIAL_LOG_BURST 20     /* lines that may come at once */
#define DENIAL_LOG_PER_SECOND 5 /* lines per second after the burst */

struct denial_log {
	const char *user;
	const char *session;
	bool enabled; /* log.denials */
	double tokens;
	int64_t last_ms;
	uint64_t denied;
	uint64_t suppressed;
};

void denials_init(struct denial_log *log, const char *user, const char *session, bool enabled);

/* Takes one token (refilled at DENIAL_LOG_PER_SECOND up to the burst) at
 * time now_ms. Pure arithmetic, so it can be tested. */
bool denials_take_token(struct denial_log *log, int64_t now_ms);

/* Counts a denial and logs it if a token is left:
 * "user= session= event=denied op= target= rule= errno=". */
void denials_record(struct denial_log *log, const char *op, const char *target, const char *rule, int error);

/* The end-of-session summary line. */
void denials_summary(const struct denial_log *log, int status);

int64_t monotonic_ms(void);

#endif
