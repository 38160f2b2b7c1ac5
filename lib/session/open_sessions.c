/* limits.sessions: the count of a user's open sessions and the decision
 * (see open_sessions.h). */
#include <errno.h>
#include <stdlib.h>

#include "open_sessions.h"
#include "session_record.h"

bool open_sessions_allow_one_more(const struct session_seen *sessions, size_t n, uid_t uid, uint64_t limit,
				  size_t *open)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		if (sessions[i].uid == uid && sessions[i].live)
			count++;
	*open = count;
	return (uint64_t)count < limit;
}

int open_sessions_read(const char *run_dir, struct session_seen **out, size_t *n)
{
	struct session_seen *seen = NULL;
	struct strlist ids;
	size_t count = 0;
	int r;

	*out = NULL;
	*n = 0;
	r = session_record_list(run_dir, &ids);
	if (r < 0)
		return r;
	if (ids.count) {
		seen = calloc(ids.count, sizeof(*seen));
		if (!seen) {
			r = -ENOMEM;
			goto out;
		}
	}
	for (size_t i = 0; i < ids.count; i++) {
		char why[SESSION_RECORD_ERR_MAX];
		struct session_record rec;

		r = session_record_read(run_dir, ids.items[i], &rec, why, sizeof(why));
		if (r == -ENOMEM)
			goto out;
		if (r < 0) {
			r = 0;
			continue;
		}
		seen[count].uid = rec.uid;
		seen[count].live = session_record_is_live(&rec);
		count++;
		session_record_free(&rec);
	}
	*out = seen;
	*n = count;
	seen = NULL;
out:
	free(seen);
	strlist_free(&ids);
	return r;
}
