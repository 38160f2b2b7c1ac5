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

#include "mountns.h"
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

/* The program of a script's "#!" line, which execve opens next. */
static void find_interpreter(const char *path, struct why_path *out)
{
	char line[PATHUTIL_PATH_MAX];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	size_t got = 0, len;

	if (fd < 0)
		return;
	(void)read_all(fd, line, sizeof(line) - 1, &got);
	close(fd);
	line[got] = '\0';
	if (got < 3 || line[0] != '#' || line[1] != '!')
		return;
	len = strcspn(line + 2 + strspn(line + 2, " \t"), " \t\n");
	if (len && len < sizeof(out->interpreter) && line[2 + strspn(line + 2, " \t")] == '/') {
		memcpy(out->interpreter, line + 2 + strspn(line + 2, " \t"), len);
		out->interpreter[len] = '\0';
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
		if (f->may_exec)
			find_interpreter(real, out);
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

/* The user's private instance of /tmp or /var/tmp for path (mountns.c's
 * layout), and the rest of path below it. NULL when path is elsewhere. */
static const char *private_instance(const char *path, uid_t uid, char *instance, size_t len)
{
	static const struct {
		const char *target;
		const char *name;
	} dirs[] = { { "/var/tmp", "var-tmp" }, { "/tmp", "tmp" } };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!path_is_inside(path, dirs[i].target))
			continue;
		snprintf(instance, len, "%s/%u/%s", MOUNTNS_PRIVATE_TMP_BASE, (unsigned)uid, dirs[i].name);
		return path + strlen(dirs[i].target);
	}
	return NULL;
}

/* The session's name for a path found in the instance (instance + x
 * becomes target's tree + x). */
static void session_name(const char *found, const char *instance, const char *target, const char *rest,
			 struct why_path *out)
{
	size_t len = strlen(instance);

	if (strncmp(found, instance, len) == 0 && (found[len] == '/' || !found[len]))
		snprintf(out->resolved, sizeof(out->resolved), "%.*s%s", (int)(rest - target), target, found + len);
	else
		snprintf(out->resolved, sizeof(out->resolved), "%s", found);
}

/* Looks at path in the private instance open as dirfd: walked from the
 * fd (the instances' base is root's alone), permissions as the user. */
static void inspect_private(int dirfd, const char *target, const char *instance, const char *rest, struct why_path *out)
{
	char relative[PATHUTIL_PATH_MAX], parent[PATHUTIL_PATH_MAX];
	struct access_facts *f = &out->facts;
	struct stat st;
	char *slash;
	int fd;

	out->private_tmp = true;
	snprintf(out->resolved, sizeof(out->resolved), "%s", target);
	snprintf(relative, sizeof(relative), "%s", rest[0] ? rest + 1 : ".");
	if (dirfd < 0) {
		/* made empty at login: nothing there yet, the directory itself 1777 */
		f->exists = rest[0] == '\0';
		f->is_dir = f->exists;
		f->parent_exists = rest[0] && !strchr(rest + 1, '/');
		f->may_read = f->may_write = f->may_exec = true;
		return;
	}
	fd = openat(dirfd, relative, O_PATH | O_CLOEXEC);
	if (fd >= 0) {
		char link[64], real[PATHUTIL_PATH_MAX];
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, real, sizeof(real) - 1);
		if (n > 0) {
			real[n] = '\0';
			session_name(real, instance, target, rest, out);
		}
		f->exists = fstat(fd, &st) == 0;
		f->is_dir = f->exists && S_ISDIR(st.st_mode);
		close(fd);
		f->may_read = faccessat(dirfd, relative, R_OK, AT_EACCESS) == 0;
		f->may_write = faccessat(dirfd, relative, f->is_dir ? W_OK | X_OK : W_OK, AT_EACCESS) == 0;
		f->may_exec = !f->is_dir && faccessat(dirfd, relative, X_OK, AT_EACCESS) == 0;
		return;
	}
	if (errno == EACCES) {
		f->exists = true;
		out->walk_refused = true;
		return;
	}
	if (errno != ENOENT)
		return;
	snprintf(parent, sizeof(parent), "%s", relative);
	slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(parent, sizeof(parent), ".");
	if (fstatat(dirfd, parent, &st, 0) == 0 && S_ISDIR(st.st_mode)) {
		f->parent_exists = true;
		f->may_write = faccessat(dirfd, parent, W_OK | X_OK, AT_EACCESS) == 0;
	}
}

int why_path_inspect(const char *path, const char *user, uid_t uid, gid_t gid, bool private_tmp, struct why_path *out)
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
		char instance[PATHUTIL_PATH_MAX];
		const char *rest = private_tmp ? private_instance(path, uid, instance, sizeof(instance)) : NULL;
		struct why_path found;
		int dirfd = -1;

		close(fds[0]);
		memset(&found, 0, sizeof(found));
		/* the instances' base is root's 0700: opened before dropping */
		if (rest)
			dirfd = open(instance, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (getuid() != uid &&
		    (initgroups(user, gid) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0))
			_exit(1);
		if (rest)
			inspect_private(dirfd, path, instance, rest, &found);
		else
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
