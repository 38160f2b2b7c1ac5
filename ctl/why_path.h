/* What `why` finds on disk for a path, looked at as the user would: links
 * followed with the user's permissions, the file's permissions for the
 * user, and the links on the way that the user could re-point. */
#ifndef CORRAL_WHY_PATH_H
#define CORRAL_WHY_PATH_H

#include <sys/types.h>

#include "access.h"
#include "pathutil.h"

#define WHY_PATH_LINKS_MAX 4

struct why_path {
	char resolved[PATHUTIL_PATH_MAX]; /* links followed; a missing last component kept */
	struct access_facts facts;
	bool walk_refused; /* a directory on the way cannot be searched by the user */
	size_t n_user_links;
	char user_links[WHY_PATH_LINKS_MAX][PATHUTIL_PATH_MAX]; /* links the user made or could replace */
	char interpreter[PATHUTIL_PATH_MAX]; /* a script's "#!" program, when the user can read the script */
	bool private_tmp;                    /* looked at in the user's private /tmp or /var/tmp */
};

/* Looks at path (absolute) as uid/gid with user's groups, in a child
 * process that drops to the user (root's own permissions never resolve
 * anything for the user). With private_tmp, a path under /tmp or /var/tmp
 * is looked at in the user's private instance (what the session sees
 * there), and named by its path in the session. 0, -EINVAL (not absolute,
 * too long), -EPERM (another user asked, not as root), or -errno of
 * fork/pipe. */
int why_path_inspect(const char *path, const char *user, uid_t uid, gid_t gid, bool private_tmp, struct why_path *out);

#endif
