/* The session's view of the filesystem: the plan from the policy, and the
 * mounts (see mountns.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mountns.h"
#include "pathutil.h"
#include "safepath.h"

#ifndef MOUNT_ATTR_NOEXEC
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
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
#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif

#define HIDDEN_ATTRS (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)
#define PLACEHOLDER_FILE "file"
#define PLACEHOLDER_DIR ".hidden" /* in the run dir: the placeholders' mount point, in our namespace only */

static bool files_restricted(const struct policy *policy)
{
	return policy_is_set(policy, KEY_FS_READ) || policy_is_set(policy, KEY_FS_WRITE) ||
		policy_is_set(policy, KEY_FS_EXEC);
}

bool mountns_needed(const struct policy *policy)
{
	return policy->confine &&
		(files_restricted(policy) || policy_is_set(policy, KEY_FS_DENY) || policy->private_tmp ||
		 policy->pin_hosts);
}

bool mountns_required(const struct policy *policy)
{
	return policy->confine && (policy_is_set(policy, KEY_FS_EXEC) || policy->private_tmp || policy->pin_hosts);
}

void mountns_plan_free(struct mountns_plan *plan)
{
	strlist_free(&plan->writable);
	strlist_free(&plan->writable_top);
	strlist_free(&plan->exec);
	strlist_free(&plan->loader);
	strlist_free(&plan->hidden);
	strlist_free(&plan->create);
	strlist_free(&plan->pinned);
	memset(plan, 0, sizeof(*plan));
}

static int add_unique(struct strlist *list, const char *path)
{
	return strlist_contains(list, path) ? 0 : strlist_append(list, path);
}

static int add_all(struct strlist *list, const char *const *paths, size_t n)
{
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++)
		r = add_unique(list, paths[i]);
	return r;
}

/* The innermost fs.write tree holding path, or NULL. */
static const char *writable_tree_of(const struct strlist *write, const char *path)
{
	const char *best = NULL;

	for (size_t i = 0; i < write->count; i++)
		if (path_is_inside(path, write->items[i]) && (!best || strlen(write->items[i]) > strlen(best)))
			best = write->items[i];
	return best;
}

/* Renaming ~/.config away and making a new ~/.config/autostart would give
 * the denied name back: every directory strictly between the writable
 * tree and the denied path becomes a mount point, which cannot be renamed
 * or removed (EBUSY). */
static int pin_ancestors(const struct strlist *write, const char *denied, struct strlist *pinned)
{
	const char *tree = writable_tree_of(write, denied);
	char path[PATHUTIL_PATH_MAX];
	size_t tree_len;
	int r = 0;

	if (!tree || strcmp(tree, denied) == 0 || snprintf(path, sizeof(path), "%s", denied) >= (int)sizeof(path))
		return 0;
	tree_len = strcmp(tree, "/") == 0 ? 0 : strlen(tree);
	for (char *slash = strrchr(path, '/'); slash && (size_t)(slash - path) > tree_len && r == 0;
	     slash = strrchr(path, '/')) {
		*slash = '\0';
		r = add_unique(pinned, path);
	}
	return r;
}

int mountns_plan(const struct policy *policy, const struct strlist *loader_trees, struct mountns_plan *out)
{
	static const char *const daemon_mounts[] = { MOUNTNS_DAEMON_MOUNTS };
	static const char *const daemon_trees[] = { MOUNTNS_DAEMON_TREES };
	const struct strlist *exec = policy_list(policy, KEY_FS_EXEC);
	const struct strlist *write = policy_list(policy, KEY_FS_WRITE);
	const struct strlist *deny = policy_list(policy, KEY_FS_DENY);
	int r = 0;

	memset(out, 0, sizeof(*out));
	strlist_init(&out->writable);
	strlist_init(&out->writable_top);
	strlist_init(&out->exec);
	strlist_init(&out->loader);
	strlist_init(&out->hidden);
	strlist_init(&out->create);
	strlist_init(&out->pinned);
	if (!mountns_needed(policy))
		return 0;
	out->needed = true;
	out->private_tmp = policy->private_tmp;
	out->pin_hosts = policy->pin_hosts;
	/* whatever Landlock lets the session open, it can change nothing but
	 * fs.write, metadata included (chmod, utime, xattrs: Landlock does
	 * not see them) */
	out->read_only = files_restricted(policy);
	out->no_exec = policy_is_set(policy, KEY_FS_EXEC);
	for (size_t i = 0; i < write->count && out->read_only && r == 0; i++)
		r = add_unique(&out->writable, write->items[i]);
	if (r == 0 && out->read_only)
		r = add_all(&out->writable, daemon_trees, sizeof(daemon_trees) / sizeof(daemon_trees[0]));
	if (r == 0 && out->read_only)
		r = add_all(&out->writable_top, daemon_mounts, sizeof(daemon_mounts) / sizeof(daemon_mounts[0]));
	for (size_t i = 0; i < exec->count && r == 0; i++)
		r = add_unique(&out->exec, exec->items[i]);
	/* programs in fs.exec need their libraries mapped executable; the
	 * trees are the loader's, root's (added here, shown by check/explain) */
	for (size_t i = 0; out->no_exec && loader_trees && i < loader_trees->count && r == 0; i++)
		if (!path_is_inside_any(loader_trees->items[i], exec))
			r = add_unique(&out->loader, loader_trees->items[i]);
	for (size_t i = 0; i < deny->count && r == 0; i++) {
		r = add_unique(&out->hidden, deny->items[i]);
		/* the user could make a missing one in the session: it is made
		 * first, so that it can be covered */
		if (r == 0 && path_is_inside_any(deny->items[i], write))
			r = add_unique(&out->create, deny->items[i]);
		if (r == 0)
			r = pin_ancestors(write, deny->items[i], &out->pinned);
	}
	if (r < 0)
		mountns_plan_free(out);
	return r;
}

/* ------------------------------------------------------------------ mounts */

/* One place whose mount attributes change, with the fd it was found at. */
struct entry {
	const char *path;
	unsigned long long clear; /* MOUNT_ATTR_* cleared on it */
	bool below;               /* and on the mounts below it */
	int fd;                   /* O_PATH, -1 when there is nothing there */
	int depth;
};

static int depth_of(const char *path)
{
	int n = 0;

	for (const char *p = path; *p; p++)
		n += *p == '/' && p[1] != '\0';
	return n;
}

static int add_entry(struct entry **entries, size_t *n, const char *path, unsigned long long clear, bool below)
{
	struct entry *grown;

	for (size_t i = 0; i < *n; i++)
		if (strcmp((*entries)[i].path, path) == 0) {
			(*entries)[i].clear |= clear;
			(*entries)[i].below |= below;
			return 0;
		}
	grown = realloc(*entries, (*n + 1) * sizeof(**entries));
	if (!grown)
		return -ENOMEM;
	*entries = grown;
	grown[(*n)++] = (struct entry){
		.path = path, .clear = clear, .below = below, .fd = -1, .depth = depth_of(path)
	};
	return 0;
}

static int deepest_first(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return y->depth - x->depth;
}

static int mount_setattr_fd(int fd, bool recursive, unsigned long long set, unsigned long long clear)
{
	struct mount_attr attr = { .attr_set = set, .attr_clr = clear };

	if (syscall(__NR_mount_setattr, fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof(attr)) <
	    0)
		return -errno;
	return 0;
}

static bool is_mount_root(int fd)
{
	struct statx stx;

	return statx(fd, "", AT_EMPTY_PATH, 0, &stx) == 0 && (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
		(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

/* Gives the place at fd its own mount with these attributes cleared: in
 * place when it is a mount's root already, else a clone of it (with every
 * mount below, already changed: entries go deepest first) moved onto it. */
static int clear_at(const struct entry *e)
{
	struct stat st;
	int tree, r = 0;

	/* a device, socket or fifo is written and run nowhere but through
	 * its driver: a read-only or noexec mount changes nothing for it, and
	 * a bind of /dev/ptmx would lose its pts sibling (openpty fails) */
	if (fstat(e->fd, &st) == 0 && !S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return 0;
	if (is_mount_root(e->fd))
		return mount_setattr_fd(e->fd, e->below, 0, e->clear);
	tree = (int)syscall(__NR_open_tree, e->fd, "",
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return -errno;
	r = mount_setattr_fd(tree, e->below, 0, e->clear);
	if (r == 0 &&
	    syscall(__NR_move_mount, tree, "", e->fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		r = -errno;
	close(tree);
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
		snprintf(err, errlen, "private /tmp: %s must be a root-owned directory of mode 0700: %s", req->tmp_base,
			 strerror(-base));
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
	if (r == 0 &&
	    mount(NULL, "/etc/hosts", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) <
		    0)
		r = -errno;
	if (r < 0)
		snprintf(err, errlen, "pinned /etc/hosts: %s", strerror(-r));
	return r;
}

/* Opens a policy path as O_PATH without following a link the user could
 * have made, the last component not followed at all (a denied symbolic
 * link is covered itself). */
static int open_nofollow(const char *path, uid_t uid)
{
	char parent[PATHUTIL_PATH_MAX];
	const char *name;
	char *slash;
	int dir, fd;

	if (strcmp(path, "/") == 0)
		return safepath_open(path, uid);
	if (snprintf(parent, sizeof(parent), "%s", path) >= (int)sizeof(parent))
		return -ENAMETOOLONG;
	slash = strrchr(parent, '/');
	if (!slash)
		return -EINVAL;
	name = path + (slash - parent) + 1;
	*slash = '\0';
	dir = safepath_open(parent[0] ? parent : "/", uid);
	if (dir < 0)
		return dir;
	fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	close(dir);
	return fd < 0 ? -errno : fd;
}

/* ----------------------------------------------- paths found as the user */

/* Policy paths may lie where root cannot look (a home on NFS with
 * root_squash), and a missing denied path must be made by the user, owned
 * by the user: a thread of ours with the user's file identity opens them.
 * The kernel keeps credentials per thread (glibc's setgroups() changes all
 * of a process's threads; the system call, the thread's own): fsuid, fsgid
 * and the groups are what path lookup, NFS and mkdir go by, and a fsuid
 * other than 0 takes the file capabilities out of the thread's effective
 * set. A thread, not a child: no fork of the login daemon, and the fds are
 * ours already. */
struct user_lookup {
	const char *path;
	bool create;   /* mkdir -p (0700) when missing */
	bool nofollow; /* the last component is not followed */
	int fd;        /* result, or -errno */
};

struct lookup_batch {
	struct user_lookup *items;
	size_t n;
};

/* The view's lookups: the denied paths first (before any cover), the
 * session's trees after the covers. */
enum { BATCH_HIDE, BATCH_VIEW, BATCH_COUNT };

struct lookup_thread {
	const struct mountns_request *req;
	struct lookup_batch *batch;
	int result;
};

static int make_parents(const char *path)
{
	char copy[PATHUTIL_PATH_MAX];

	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return -ENAMETOOLONG;
	for (char *p = copy + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		{
			char saved = *p;

			*p = '\0';
			/* a link the user planted on the way makes the open below fail */
			if (mkdir(copy, 0700) < 0 && errno != EEXIST)
				return -errno;
			*p = saved;
		}
		if (*p == '\0')
			return 0;
	}
}

/* This thread's file identity becomes the user's; the thread ends with it. */
static int become_user_files(const struct mountns_request *req)
{
	if (!req->groups || req->n_groups == 0)
		return -EINVAL;
	if (syscall(SYS_setgroups, req->n_groups, req->groups) < 0)
		return -errno;
	/* setfsuid() and setfsgid() say nothing of failure: ask again */
	setfsgid(req->gid);
	if ((gid_t)setfsgid((gid_t)-1) != req->gid)
		return -EPERM;
	setfsuid(req->uid);
	if ((uid_t)setfsuid((uid_t)-1) != req->uid)
		return -EPERM;
	return 0;
}

static void *lookup_thread_main(void *arg)
{
	struct lookup_thread *t = arg;
	const struct mountns_request *req = t->req;
	struct lookup_batch *batch = t->batch;

	t->result = become_user_files(req);
	for (size_t i = 0; i < batch->n && t->result == 0; i++) {
		struct user_lookup *item = &batch->items[i];
		int fd = item->nofollow ? open_nofollow(item->path, req->uid) : safepath_open(item->path, req->uid);

		if (fd == -ENOENT && item->create) {
			int made = make_parents(item->path);

			fd = made < 0 ? made : open_nofollow(item->path, req->uid);
		}
		item->fd = fd;
	}
	return NULL;
}

/* Fills batch->items[i].fd as the user: an fd, or -errno. One thread a
 * batch, started after the mounts made before it (the covers), which it
 * sees: it shares our mount namespace. 0, or -errno when the user's
 * identity could not be taken (then no item was looked up). */
static int as_user_batch(const struct mountns_request *req, struct lookup_batch *batch)
{
	struct lookup_thread t = { .req = req, .batch = batch, .result = -ECHILD };
	pthread_t thread;
	int r;

	for (size_t i = 0; i < batch->n; i++)
		batch->items[i].fd = -ENOENT;
	if (batch->n == 0)
		return 0;
	r = pthread_create(&thread, NULL, lookup_thread_main, &t);
	if (r != 0)
		return -r;
	r = pthread_join(thread, NULL);
	if (r != 0)
		return -r;
	return t.result;
}

/* -------------------------------------------------------------- fs.deny */

/* A small tmpfs (root-owned, mode 0000) holding one empty file of mode
 * 0000, mounted in our namespace only on a directory of corral's run dir
 * (older kernels clone only attached mounts): every denied path gets a
 * read-only clone of its root or of its file. *where is the mount point,
 * for the caller to detach once the clones are made. */
static int make_placeholders(const char *run_dir, char *where, size_t wherelen, int *dir_template, int *file_template)
{
	int run, dir, file, r = 0;

	*dir_template = *file_template = -1;
	where[0] = '\0';
	run = open(run_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (run < 0)
		return -errno;
	dir = private_dir_at(run, PLACEHOLDER_DIR, 0700);
	close(run);
	if (dir < 0)
		return dir;
	close(dir);
	if (snprintf(where, wherelen, "%s/%s", run_dir, PLACEHOLDER_DIR) >= (int)wherelen)
		return -ENAMETOOLONG;
	if (mount("corral-hidden", where, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0000,size=4k") < 0) {
		r = -errno;
		where[0] = '\0';
		return r;
	}
	*dir_template = open(where, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	file = *dir_template < 0 ? -1
				 : openat(*dir_template, PLACEHOLDER_FILE, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (file < 0 || fchmod(file, 0) < 0)
		r = -errno;
	if (file >= 0)
		close(file);
	if (r == 0) {
		*file_template = openat(*dir_template, PLACEHOLDER_FILE, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (*file_template < 0)
			r = -errno;
	}
	return r;
}

static int cover(int target, int dir_template, int file_template)
{
	struct stat st;
	int clone, r = 0;

	if (fstat(target, &st) < 0)
		return -errno;
	clone = (int)syscall(__NR_open_tree, S_ISDIR(st.st_mode) ? dir_template : file_template, "",
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (clone < 0)
		return -errno;
	r = mount_setattr_fd(clone, false, HIDDEN_ATTRS, 0);
	if (r == 0 &&
	    syscall(__NR_move_mount, clone, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		r = -errno;
	close(clone);
	return r;
}

/* A directory made a mount point of its own, with what is mounted below it. */
static int pin(int fd)
{
	int tree = (int)syscall(__NR_open_tree, fd, "",
				OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	int r = 0;

	if (tree < 0)
		return -errno;
	if (syscall(__NR_move_mount, tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		r = -errno;
	close(tree);
	return r;
}

/* What hide() looks up as the user: the denied paths, then the directories
 * to pin. 0 or -ENOMEM. */
static int hide_lookups(const struct mountns_plan *plan, struct lookup_batch *batch)
{
	struct user_lookup *items;
	size_t n;

	batch->items = NULL;
	batch->n = 0;
	if (plan->hidden.count == 0)
		return 0;
	n = plan->hidden.count + plan->pinned.count;
	items = calloc(n, sizeof(*items));
	if (!items)
		return -ENOMEM;
	for (size_t i = 0; i < plan->hidden.count; i++)
		items[i] = (struct user_lookup){ .path = plan->hidden.items[i],
						 .nofollow = true,
						 .create = strlist_contains(&plan->create, plan->hidden.items[i]) };
	/* after the denied paths: what making them made is there to pin */
	for (size_t i = 0; i < plan->pinned.count; i++)
		items[plan->hidden.count + i] = (struct user_lookup){ .path = plan->pinned.items[i] };
	batch->items = items;
	batch->n = n;
	return 0;
}

/* Every denied path that exists (or was made) gets its placeholder. A
 * denied file with other names (hard links) is refused by the sandbox.
 * The batch's fds are closed here. */
static int hide(const struct mountns_request *req, struct lookup_batch *batch, char *err, size_t errlen)
{
	const struct mountns_plan *plan = req->plan;
	struct user_lookup *items = batch->items;
	int dir_template = -1, file_template = -1, r;
	char where[PATHUTIL_PATH_MAX] = "";
	size_t n = batch->n;
	struct stat st;

	r = as_user_batch(req, batch);
	if (r < 0)
		snprintf(err, errlen, "fs.deny: cannot look up the denied paths as the user: %s", strerror(-r));
	if (r == 0) {
		r = req->run_dir ? make_placeholders(req->run_dir, where, sizeof(where), &dir_template, &file_template)
				 : -EINVAL;
		if (r < 0)
			snprintf(err, errlen, "fs.deny: cannot make the inaccessible placeholder: %s", strerror(-r));
	}
	for (size_t i = 0; i < plan->hidden.count && r == 0; i++) {
		int fd = items[i].fd;

		/* what the user cannot reach (missing, no permission on the
		 * way) needs no cover; a link the user planted on the way to it
		 * cannot be trusted to lead where the admin meant */
		if (fd == -ENOENT || fd == -ENOTDIR || fd == -EACCES || fd == -EPERM)
			continue;
		/* a cover hides a name, not the file: another name of it (a
		 * hard link) would still reach it */
		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink > 1) {
			snprintf(err, errlen,
				 "fs.deny: '%s' has %lu names (hard links); another of them would still reach it",
				 plan->hidden.items[i], (unsigned long)st.st_nlink);
			r = -EMLINK;
			break;
		}
		r = fd < 0 ? fd : cover(fd, dir_template, file_template);
		if (r < 0)
			snprintf(err, errlen, "fs.deny: cannot hide %s: %s", plan->hidden.items[i],
				 r == -ELOOP ? "it leads through a symbolic link the user could have made"
					     : strerror(-r));
	}
	/* deepest first (a descendant's path is the longer): a pin's clone
	 * takes the covers and pins below it */
	for (size_t done = 0; done < plan->pinned.count && r == 0; done++) {
		size_t deepest = plan->hidden.count;
		int fd;

		for (size_t j = plan->hidden.count; j < n; j++)
			if (items[j].path &&
			    (!items[deepest].path || strlen(items[j].path) > strlen(items[deepest].path)))
				deepest = j;
		fd = items[deepest].fd;
		items[deepest].path = NULL; /* taken */
		if (fd == -ENOENT || fd == -ENOTDIR || fd == -EACCES)
			continue;
		r = fd < 0 ? fd : pin(fd);
		if (r < 0)
			snprintf(err, errlen,
				 "fs.deny: cannot keep the directories above the denied paths in place: %s",
				 r == -ELOOP ? "one leads through a symbolic link the user could have made"
					     : strerror(-r));
	}
	for (size_t i = 0; i < n; i++)
		if (items[i].fd >= 0) {
			close(items[i].fd);
			items[i].fd = -ENOENT;
		}
	if (dir_template >= 0)
		close(dir_template);
	if (file_template >= 0)
		close(file_template);
	/* the covers are clones of their own: the template goes */
	if (where[0])
		umount2(where, MNT_DETACH);
	return r;
}

/* ------------------------------------------------------ read-only, noexec */

static int collect_entries(const struct mountns_request *req, struct entry **entries, size_t *n)
{
	const struct mountns_plan *plan = req->plan;
	int r = 0;

	for (size_t i = 0; i < plan->writable.count && r == 0; i++)
		r = add_entry(entries, n, plan->writable.items[i], MOUNT_ATTR_RDONLY, true);
	for (size_t i = 0; i < plan->writable_top.count && r == 0; i++)
		r = add_entry(entries, n, plan->writable_top.items[i], MOUNT_ATTR_RDONLY, false);
	if (r == 0 && plan->read_only && req->run_dir)
		r = add_entry(entries, n, req->run_dir, MOUNT_ATTR_RDONLY, true);
	for (size_t i = 0; i < plan->exec.count && plan->no_exec && r == 0; i++)
		r = add_entry(entries, n, plan->exec.items[i], MOUNT_ATTR_NOEXEC, true);
	for (size_t i = 0; i < plan->loader.count && plan->no_exec && r == 0; i++)
		r = add_entry(entries, n, plan->loader.items[i], MOUNT_ATTR_NOEXEC, true);
	for (size_t i = 0; plan->no_exec && req->programs && req->programs[i] && r == 0; i++)
		r = add_entry(entries, n, req->programs[i], MOUNT_ATTR_NOEXEC, false);
	return r;
}

/* Policy trees are found as the user (links the user made are refused,
 * what root_squash hides from root is reached); the system's as root. */
static bool is_policy_path(const struct mountns_plan *plan, const char *path)
{
	return strlist_contains(&plan->exec, path) ||
		(strlist_contains(&plan->writable, path) && !strlist_contains(&plan->writable_top, path));
}

/* The view's entries (collect_entries()) and, of them, the policy trees
 * to look up as the user. 0 or -errno. */
static int view_lookups(const struct mountns_request *req, struct entry **entries, size_t *n,
			struct lookup_batch *batch)
{
	const struct mountns_plan *plan = req->plan;
	int r;

	*entries = NULL;
	*n = 0;
	batch->items = NULL;
	batch->n = 0;
	if (!plan->read_only && !plan->no_exec)
		return 0;
	r = collect_entries(req, entries, n);
	if (r < 0)
		return r;
	batch->items = calloc(*n ? *n : 1, sizeof(*batch->items));
	if (!batch->items)
		return -ENOMEM;
	for (size_t i = 0; i < *n; i++)
		if (is_policy_path(plan, (*entries)[i].path))
			batch->items[batch->n++] = (struct user_lookup){ .path = (*entries)[i].path };
	return 0;
}

static int open_entries(const struct mountns_request *req, struct entry *entries, size_t n, struct lookup_batch *batch)
{
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		if (is_policy_path(req->plan, entries[i].path))
			continue;
		/* the user's links are refused there too; root's are followed */
		entries[i].fd = safepath_open(entries[i].path, req->uid);
		if (entries[i].fd < 0 && entries[i].fd != -ENOENT && entries[i].fd != -ENOTDIR)
			r = entries[i].fd;
	}
	if (r == 0 && batch->n)
		r = as_user_batch(req, batch);
	for (size_t i = 0, k = 0; i < n && k < batch->n; i++) {
		if (!is_policy_path(req->plan, entries[i].path))
			continue;
		if (r == 0)
			entries[i].fd = batch->items[k].fd;
		else if (batch->items[k].fd >= 0)
			close(batch->items[k].fd);
		batch->items[k].fd = -ENOENT; /* the entry's now, or closed */
		k++;
	}
	return r;
}

/* Entries' fds are closed here, the array is the caller's. */
static int restrict_view(const struct mountns_request *req, struct entry *entries, size_t n, struct lookup_batch *batch,
			 char *err, size_t errlen)
{
	const struct mountns_plan *plan = req->plan;
	unsigned long long set = (plan->read_only ? MOUNT_ATTR_RDONLY : 0) | (plan->no_exec ? MOUNT_ATTR_NOEXEC : 0);
	int root, r;

	if (!set)
		return 0;
	r = open_entries(req, entries, n, batch);
	if (r < 0) {
		snprintf(err, errlen, "cannot find the session's trees: %s", strerror(-r));
		goto out;
	}
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	r = root < 0 ? -errno : mount_setattr_fd(root, true, set, 0);
	if (root >= 0)
		close(root);
	if (r < 0) {
		snprintf(err, errlen, "cannot make the session's view read-only/noexec: %s", strerror(-r));
		goto out;
	}
	if (n)
		qsort(entries, n, sizeof(*entries), deepest_first);
	for (size_t i = 0; i < n && r == 0; i++) {
		const struct entry *e = &entries[i];

		if (e->fd == -ENOENT || e->fd == -ENOTDIR || e->fd == -EACCES)
			continue; /* nothing there, or nothing the user can reach */
		r = e->fd < 0 ? e->fd : clear_at(e);
		if (r < 0)
			snprintf(err, errlen, "cannot make %s %s in the session's view: %s", e->path,
				 e->clear & MOUNT_ATTR_RDONLY ? "writable" : "executable",
				 r == -ELOOP ? "it leads through a symbolic link the user could have made"
					     : strerror(-r));
	}
out:
	for (size_t i = 0; i < n; i++)
		if (entries[i].fd >= 0) {
			close(entries[i].fd);
			entries[i].fd = -ENOENT;
		}
	return r;
}

/* The covers and the read-only/noexec view, with one child for what is
 * looked up as the user (both batches are known before the first mount). */
static int make_view(const struct mountns_request *req, char *err, size_t errlen)
{
	struct lookup_batch batches[BATCH_COUNT] = { { NULL, 0 }, { NULL, 0 } };
	struct entry *entries = NULL;
	size_t n_entries = 0;
	int r;

	r = hide_lookups(req->plan, &batches[BATCH_HIDE]);
	if (r == 0)
		r = view_lookups(req, &entries, &n_entries, &batches[BATCH_VIEW]);
	/* nothing looked up yet: no fd to close below */
	for (size_t b = 0; b < BATCH_COUNT; b++)
		for (size_t i = 0; i < batches[b].n; i++)
			batches[b].items[i].fd = -ENOENT;
	if (r < 0) {
		snprintf(err, errlen, "cannot plan the session's view: %s", strerror(-r));
		goto out;
	}
	/* the covers first: the clones of the trees around them take them along */
	if (batches[BATCH_HIDE].n)
		r = hide(req, &batches[BATCH_HIDE], err, errlen);
	if (r == 0)
		r = restrict_view(req, entries, n_entries, &batches[BATCH_VIEW], err, errlen);
out:
	for (size_t b = 0; b < BATCH_COUNT; b++) {
		for (size_t i = 0; i < batches[b].n; i++)
			if (batches[b].items[i].fd >= 0)
				close(batches[b].items[i].fd);
		free(batches[b].items);
	}
	for (size_t i = 0; i < n_entries; i++)
		if (entries[i].fd >= 0)
			close(entries[i].fd);
	free(entries);
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
	if (plan->pin_hosts && req->hosts_file) {
		r = pin_hosts(req->hosts_file, err, errlen);
		if (r < 0)
			return r;
	}
	return make_view(req, err, errlen);
}
