/* why_path_inspect(): the path as the user sees it, found by a child that
 * has dropped to the user, so that links are followed and permissions are
 * checked with the user's credentials, not root's. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "why_path.h"

/* A link the user could re-point: the user owns it, or may write the
 * directory it is in (and the directory is not sticky, or the link is
 * the user's). */
static bool user_could_make(const char *link, const struct stat *st, uid_t uid)
{
	char dir[PATHUTIL_PATH_MAX];
	const char *slash = strrchr(link, '/');
	struct stat dst;
	size_t len;

	if (st->st_uid == uid)
		return true;
	len = slash && slash != link ? (size_t)(slash - link) : 1;
	if (len >= sizeof(dir))
		return true;
	memcpy(dir, link, len);
	dir[len] = '\0';
	if (access(dir, W_OK) != 0 || stat(dir, &dst) != 0)
		return false;
	return !(dst.st_mode & S_ISVTX) || dst.st_uid == uid;
}

/* The links on the way through path (as written) that the user could
 * have made. */
static void find_user_links(const char *path, uid_t uid, struct why_path *out)
{
	char prefix[PATHUTIL_PATH_MAX];
	size_t len = strlen(path);

	for (size_t i = 1; i <= len && out->n_user_links < WHY_PATH_LINKS_MAX; i++) {
		struct stat st;

		if (path[i] != '/' && path[i] != '\0')
			continue;
		memcpy(prefix, path, i);
		prefix[i] = '\0';
		if (lstat(prefix, &st) == 0 && S_ISLNK(st.st_mode) && user_could_make(prefix, &st, uid))
			memcpy(out->user_links[out->n_user_links++], prefix, i + 1);
	}
}

/* The child's part, as the user. */
static void inspect_as_user(const char *path, uid_t uid, struct why_path *out)
{
	char parent[PATHUTIL_PATH_MAX], real[PATH_MAX];
	struct access_facts *f = &out->facts;
	const char *base;
	struct stat st;

	find_user_links(path, uid, out);
	if (realpath(path, real) && strlen(real) < sizeof(out->resolved)) {
		memcpy(out->resolved, real, strlen(real) + 1);
		f->exists = stat(real, &st) == 0;
		f->is_dir = f->exists && S_ISDIR(st.st_mode);
		f->may_read = access(real, R_OK) == 0;
		f->may_write = f->is_dir ? access(real, W_OK | X_OK) == 0 : access(real, W_OK) == 0;
		f->may_exec = access(real, X_OK) == 0 && !f->is_dir;
		return;
	}
	snprintf(out->resolved, sizeof(out->resolved), "%s", path);
	if (errno == EACCES) {
		/* the walk stops at a directory the user cannot search */
		f->exists = true;
		out->walk_refused = true;
		return;
	}
	if (errno != ENOENT)
		return;
	/* a new file: the directory it goes into */
	base = strrchr(path, '/');
	if (!base || (size_t)(base - path) >= sizeof(parent))
		return;
	memcpy(parent, path, (size_t)(base - path));
	parent[base - path] = '\0';
	if (!parent[0])
		strcpy(parent, "/");
	if (!realpath(parent, real) || stat(real, &st) != 0 || !S_ISDIR(st.st_mode))
		return;
	f->parent_exists = true;
	f->may_write = access(real, W_OK | X_OK) == 0;
	snprintf(out->resolved, sizeof(out->resolved), "%s%s", strcmp(real, "/") ? real : "", base);
}

int why_path_inspect(const char *path, const char *user, uid_t uid, gid_t gid, struct why_path *out)
{
	int fds[2], status, r = 0;
	size_t got = 0;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	if (path[0] != '/' || strlen(path) >= PATHUTIL_PATH_MAX)
		return -EINVAL;
	if (getuid() != 0 && getuid() != uid)
		return -EPERM;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		goto out;
	}
	if (pid == 0) {
		struct why_path found;

		close(fds[0]);
		memset(&found, 0, sizeof(found));
		if (getuid() != uid &&
		    (initgroups(user, gid) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0))
			_exit(1);
		inspect_as_user(path, uid, &found);
		_exit(write_all(fds[1], &found, sizeof(found)) < 0 ? 1 : 0);
	}
	close(fds[1]);
	fds[1] = -1;
	r = read_all(fds[0], out, sizeof(*out), &got);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		r = -EPERM; /* could not become the user */
	else if (r == 0 && got != sizeof(*out))
		r = -EIO;
	out->resolved[sizeof(out->resolved) - 1] = '\0';
out:
	close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return r;
}
