/* A running session's live policy (corralctl apply): corral-helper watches
 * for its session's live file, reads it with the record's distrust, and
 * from then on decides every trapped network call by all of its policies
 * at once, so that a change narrows the session and nothing widens it. */
#ifndef CORRAL_HELPER_LIVE_H
#define CORRAL_HELPER_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "netpolicy.h"
#include "session_live.h"

struct helper;

struct live_policies {
	struct policy *items[SESSION_LIVE_POLICIES_MAX];
	enum session_live_role roles[SESSION_LIVE_POLICIES_MAX];
	size_t count;
	int watch_fd; /* inotify on the session's record, or -1 */
};

/* Starts watching for the session's live file (a session with a record
 * only) and reads one that is already there. */
void live_start(struct helper *h);
/* The record's times changed: re-read the file (not when the record is gone). */
void live_on_event(struct helper *h);
void live_free(struct live_policies *live);

/* The decisions: by the login's policy until root wrote a live file;
 * then the current policy and every ceiling (or the grants) must allow,
 * and the first refusal's rule is the answer's. */
void live_decide_inet(struct helper *h, enum net_proto proto, const struct net_addr *addr, uint16_t port,
		      bool (*is_local)(void *data), void *data, struct netpolicy_result *out);
bool live_unix_allowed(struct helper *h, const char *real_path, char *rule, size_t rulelen);
bool live_abstract_unix_allowed(struct helper *h, char *rule, size_t rulelen);
void live_decide_bind(struct helper *h, uint16_t port, struct netpolicy_result *out);

#endif
