/* limits.sessions: counting a user's open sessions from the session records
 * and deciding whether one more may open. */
#ifndef CORRAL_OPEN_SESSIONS_H
#define CORRAL_OPEN_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What counting needs of one session record. */
struct session_seen {
	uid_t uid;
	bool live; /* its leader process still runs (same start time) */
};

/* May uid open one more session when these records exist and at most limit
 * sessions may be open at once? Stale records (their process is gone) do
 * not count; limit 0 refuses every session. *open gets the count. Pure. */
bool open_sessions_allow_one_more(const struct session_seen *sessions, size_t n, uid_t uid, uint64_t limit,
				  size_t *open);

/* The records in run_dir/sessions as open_sessions_allow_one_more() sees
 * them; unreadable ones (going away, malformed) are left out, they name no
 * user that can be trusted. A missing directory is no records. *out is
 * malloc'd. 0 or -errno. */
int open_sessions_read(const char *run_dir, struct session_seen **out, size_t *n);

#endif
