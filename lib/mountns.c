/* Session mount namespace: the plan from the policy, and the mounts. */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mountns.h"
#include "pathutil.h"
#include "safepath.h"

#ifndef MOUNT_ATTR_NOEXEC
#define MOUNT_ATTR_NOEXEC 0x00000008
#define MOUNT_ATTR_NOSUID 0x00000002
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif

static bool inside_any(const struct strlist *trees, const char *path)
{
	for (size_t i = 0; i < trees->count; i++)
		if (path_is_inside(path, trees->items[i]))
			return true;
	return false;
}

bool mountns_needed(const struct policy *policy)
{
	return policy->confine &&
	       (policy_is_set(policy, KEY_FS_EXEC) || policy->private_tmp || policy->pin_hosts);
}

void mountns_plan_free(struct mountns_plan *plan)
{
	strlist_free(&plan->noexec);
	strlist_free(&plan->exec_again);
	memset(plan, 0, sizeof(*plan));
}

static int add_unique(struct strlist *list, const char *path)
{
	return strlist_contains(list, path) ? 0 : strlist_append(list, path);
}

int mountns_plan(const struct policy *policy, struct mountns_plan *out)
{
	static const char *const common[] = { MOUNTNS_COMMON_WRITABLE };
	const struct strlist *exec = policy_list(policy, KEY_FS_EXEC);
	const struct strlist *write = policy_list(policy, KEY_FS_WRITE);
	int r = 0;

	memset(out, 0, sizeof(*out));
	strlist_init(&out->noexec);
	strlist_init(&out->exec_again);
	if (!mountns_needed(policy))
		return 0;
	out->needed = true;
	out->private_tmp = policy->private_tmp;
	out->pin_hosts = policy->pin_hosts;
	if (!policy_is_set(policy, KEY_FS_EXEC))
		return 0;
	/* what the user can write must not be executable, unless fs.exec says
	 * so (ld.so maps a program it can read, and Landlock does not check
	 * mmap). Read-only trees stay as they are: what is in them is the
	 * admin's, and corral-shell, corral-helper and the libraries every
	 * program maps live there. */
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]) && r == 0; i++)
		if (!inside_any(exec, common[i]))
			r = add_unique(&out->noexec, common[i]);
	if (r == 0 && policy->home && policy->home[0] == '/' && !inside_any(exec, policy->home))
		r = add_unique(&out->noexec, policy->home);
	for (size_t i = 0; i < write->count && r == 0; i++)
		if (!inside_any(exec, write->items[i]))
			r = add_unique(&out->noexec, write->items[i]);
	for (size_t i = 0; i < exec->count && r == 0; i++)
		if (inside_any(&out->noexec, exec->items[i]))
			r = add_unique(&out->exec_again, exec->items[i]);
	if (r < 0)
		mountns_plan_free(out);
	return r;
}

/* Makes the tree at path (and every mount below it) a mount of its own
 * with these attributes: a recursive clone of it, changed, moved back onto
 * it. The path is opened without following links the user could have made
 * (uid), and the mounts act on that fd, not on the name. "/" is changed in
 * place (our namespace's copy): a mount over it would not be seen. A
 * missing path or a file is left alone. */
static int remount_tree(const char *path, uid_t uid, unsigned long long set, unsigned long long clear)
{
	struct mount_attr attr = { .attr_set = set, .attr_clr = clear };
	struct stat st;
	int fd, tree = -1, r = 0;

	fd = safepath_open(path, uid);
	if (fd < 0)
		return fd == -ENOENT || fd == -ENOTDIR || fd == -EACCES ? 0 : fd;
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))
		goto out;
	if (strcmp(path, "/") == 0) {
		if (syscall(__NR_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
			r = -errno;
		goto out;
	}
	tree = (int)syscall(__NR_open_tree, fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0 ||
	    syscall(__NR_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0 ||
	    syscall(__NR_move_mount, tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		r = -errno;
out:
	if (tree >= 0)
		close(tree);
	close(fd);
	return r;
}

/* Opens (creating when missing) a root-owned directory beneath dirfd that
 * no one else may write, or -errno. mode applies on creation. */
static int private_dir_at(int dirfd, const char *name, mode_t mode)
{
	struct stat st;
	int fd;

	if (mkdirat(dirfd, name, mode) == 0) {
		/* mkdir honours the umask; set the exact mode */
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0 && fchmod(fd, mode) < 0) {
			close(fd);
			return -errno;
		}
		return fd < 0 ? -errno : fd;
	}
	if (errno != EEXIST)
		return -errno;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 07777) != mode) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

/* Opens an absolute root-owned path component by component (no symlinks),
 * creating what is missing with mode. */
static int private_path(const char *path, mode_t mode)
{
	char copy[PATHUTIL_PATH_MAX], *save = NULL;
	int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy)) {
		close(fd);
		return -ENAMETOOLONG;
	}
	for (char *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		bool last = save == NULL || *save == '\0';
		int next;

		if (!last) {
			/* parents like /var/lib may already exist with their own modes */
			next = safepath_dir_at(fd, part, true);
		} else {
			next = private_dir_at(fd, part, mode);
		}
		close(fd);
		if (next < 0)
			return next;
		fd = next;
	}
	return fd;
}

static int bind_fd_over(int fd, const char *target)
{
	char source[64];

	snprintf(source, sizeof(source), "/proc/self/fd/%d", fd);
	if (mount(source, target, NULL, MS_BIND, NULL) < 0)
		return -errno;
	return 0;
}

/* /tmp and /var/tmp from tmp_base/UID/{tmp,var-tmp} (root-owned, sticky). */
static int private_tmp(const struct mountns_request *req, char *err, size_t errlen)
{
	static const struct {
		const char *target;
		const char *name;
	} dirs[] = { { "/tmp", "tmp" }, { "/var/tmp", "var-tmp" } };
	char name[32];
	int base, user, r = 0;

	base = private_path(req->tmp_base, 0700);
	if (base < 0) {
		snprintf(err, errlen, "private /tmp: %s must be a root-owned directory of mode 0700: %s",
			 req->tmp_base, strerror(-base));
		return base;
	}
	snprintf(name, sizeof(name), "%u", (unsigned)req->uid);
	user = private_dir_at(base, name, 0711);
	close(base);
	if (user < 0) {
		snprintf(err, errlen, "private /tmp: %s/%s: %s", req->tmp_base, name, strerror(-user));
		return user;
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && r == 0; i++) {
		int fd = private_dir_at(user, dirs[i].name, 01777);

		r = fd < 0 ? fd : bind_fd_over(fd, dirs[i].target);
		if (fd >= 0)
			close(fd);
		if (r < 0)
			snprintf(err, errlen, "private %s: %s", dirs[i].target, strerror(-r));
	}
	close(user);
	return r;
}

static int pin_hosts(const char *hosts_file, char *err, size_t errlen)
{
	int fd = open(hosts_file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), r;

	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "pinned /etc/hosts: %s: %s", hosts_file, strerror(-r));
		return r;
	}
	r = bind_fd_over(fd, "/etc/hosts");
	close(fd);
	if (r == 0 && mount(NULL, "/etc/hosts", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			    NULL) < 0)
		r = -errno;
	if (r < 0)
		snprintf(err, errlen, "pinned /etc/hosts: %s", strerror(-r));
	return r;
}

int mountns_enter(const struct mountns_request *req, char *err, size_t errlen)
{
	const struct mountns_plan *plan = req->plan;
	int r;

	err[0] = '\0';
	if (!plan->needed)
		return 0;
	if (unshare(CLONE_NEWNS) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot make a mount namespace: %s", strerror(-r));
		return r;
	}
	/* host mounts still reach the session; the session's never leave it */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot make the mounts private: %s", strerror(-r));
		return r;
	}
	if (plan->private_tmp) {
		r = private_tmp(req, err, errlen);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < plan->noexec.count; i++) {
		r = remount_tree(plan->noexec.items[i], req->uid, MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSUID, 0);
		if (r < 0) {
			snprintf(err, errlen, "cannot mount %s noexec: %s", plan->noexec.items[i],
				 r == -ELOOP ? "it leads through a symbolic link the user could have made" : strerror(-r));
			return r;
		}
	}
	for (size_t i = 0; i < plan->exec_again.count; i++) {
		r = remount_tree(plan->exec_again.items[i], req->uid, 0, MOUNT_ATTR_NOEXEC);
		if (r < 0) {
			snprintf(err, errlen, "cannot allow exec again in %s: %s", plan->exec_again.items[i],
				 r == -ELOOP ? "it leads through a symbolic link the user could have made" : strerror(-r));
			return r;
		}
	}
	if (plan->pin_hosts && req->hosts_file)
		return pin_hosts(req->hosts_file, err, errlen);
	return 0;
}
