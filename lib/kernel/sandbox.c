/* Plans and applies a session's Landlock ruleset and seccomp filters. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layers.h"
#include "loader.h"
#include "netpolicy.h"
#include "pathutil.h"
#include "safepath.h"
#include "sandbox.h"

/* Rights that only make sense on directories; a rule on a file must not
 * carry them (the kernel answers EINVAL). */
#define LL_DIRECTORY_ONLY \
	(LL_FS_READ_DIR | LL_FS_REMOVE_DIR | LL_FS_REMOVE_FILE | LL_FS_MAKE_CHAR | LL_FS_MAKE_DIR | LL_FS_MAKE_REG | \
	 LL_FS_MAKE_SOCK | LL_FS_MAKE_FIFO | LL_FS_MAKE_BLOCK | LL_FS_MAKE_SYM | LL_FS_REFER)
#define NET_ABI_NEEDED 4
#define SCOPE_ABI_NEEDED 6
#define SANDBOX_MAX_DEPTH 32
#define SANDBOX_BIND_RULES_MAX 64 /* more net.bind ports than this: corral-helper decides */

static int add_path_rule(struct sandbox_plan *plan, const char *path, uint64_t access)
{
	struct sandbox_path_rule *paths = realloc(plan->paths, (plan->n_paths + 1) * sizeof(*paths));

	if (!paths)
		return -ENOMEM;
	plan->paths = paths;
	plan->paths[plan->n_paths++] = (struct sandbox_path_rule){ .path = path, .access = access };
	return 0;
}

void sandbox_plan_free(struct sandbox_plan *plan)
{
	free(plan->paths);
	memset(plan, 0, sizeof(*plan));
}

static void need_abi(struct sandbox_plan *plan, int abi)
{
	if (abi > plan->abi_needed)
		plan->abi_needed = abi;
}

/* What the table gave Landlock, the helper and the filter for the network
 * and the scopes. */
static void plan_network(const struct policy *policy, const struct row_layer *rows, struct sandbox_plan *plan)
{
	plan->filter.allow_udp = netpolicy_socket_allowed(policy, NET_PROTO_UDP);
	plan->filter.allow_icmp = netpolicy_socket_allowed(policy, NET_PROTO_ICMP);
	if (rows[KEY_NET_CONNECT].by & BY_LANDLOCK) {
		plan->handled.net |= LL_NET_CONNECT_TCP;
		plan->connect_ports = &policy->net_connect;
		need_abi(plan, NET_ABI_NEEDED);
	}
	if (rows[KEY_NET_BIND].by & BY_LANDLOCK) {
		plan->handled.net |= LL_NET_BIND_TCP;
		need_abi(plan, NET_ABI_NEEDED);
		/* a Landlock rule per port costs a system call each at session
		 * start: a wide range (8000-8999) is decided by corral-helper
		 * instead, with Landlock refusing every TCP bind it did not make */
		if (port_set_size(&policy->net_bind) <= SANDBOX_BIND_RULES_MAX)
			plan->bind_ports = &policy->net_bind;
		else
			plan->filter.notify_bind = true;
	} else if (rows[KEY_NET_BIND].by & BY_HELPER) {
		plan->filter.notify_bind = true;
	}
	/* Landlock checks bind(), but listen() on an unbound socket binds a
	 * random port without it */
	plan->filter.notify_listen = (rows[KEY_NET_BIND].by & BY_HELPER) != 0;
	plan->filter.notify_net = ((rows[KEY_NET_CONNECT].by | rows[KEY_NET_DENY].by | rows[KEY_NET_LOOPBACK].by |
				    rows[KEY_IPC_UNIX].by | rows[KEY_IPC_ABSTRACT_UNIX].by) &
				   BY_HELPER) != 0;
	if (rows[KEY_IPC_ABSTRACT_UNIX].by & BY_LANDLOCK)
		plan->handled.scoped |= LL_SCOPE_ABSTRACT_UNIX;
	if (rows[KEY_IPC_SIGNALS].by & BY_LANDLOCK)
		plan->handled.scoped |= LL_SCOPE_SIGNAL;
	else if (rows[KEY_IPC_SIGNALS].by)
		plan->filter.notify_signals = true;
	/* Landlock's scope covers signals, not limits or priorities */
	plan->filter.notify_cross_process = rows[KEY_IPC_SIGNALS].by != 0;
	if (plan->handled.scoped)
		need_abi(plan, SCOPE_ABI_NEEDED);
}

static int plan_files(const struct policy *policy, const struct row_layer *rows, struct sandbox_plan *plan)
{
	static const struct {
		enum policy_key key;
		uint64_t access;
	} grants[] = {
		{ KEY_FS_READ, LL_FS_READ },
		{ KEY_FS_WRITE, LL_FS_READ | LL_FS_WRITE },
		/* running a program means reading it (scripts, ld.so's mappings) */
		{ KEY_FS_EXEC, LL_FS_READ | LL_FS_EXECUTE },
	};
	bool restricted = false;
	int r;

	for (size_t g = 0; g < sizeof(grants) / sizeof(grants[0]); g++)
		restricted |= (rows[grants[g].key].by & BY_LANDLOCK) != 0;
	/* an executable memfd would run code from outside fs.exec (Landlock
	 * and the noexec mounts do not see kernel-internal mounts):
	 * corral-helper serves memfd_create with non-executable, sealed memfds */
	plan->filter.notify_memfd = policy_is_set(policy, KEY_FS_EXEC);
	if (!restricted)
		return 0;
	need_abi(plan, 1);
	/* in the session's view the denied paths are covered, and the trees
	 * around them keep every right; without it Landlock carves them out */
	plan->deny = rows[KEY_FS_DENY].by == BY_LANDLOCK ? policy_list(policy, KEY_FS_DENY) : NULL;
	plan->deny_links = policy_list(policy, KEY_FS_DENY);
	plan->handled.fs = LL_FS_READ | LL_FS_WRITE | LL_FS_EXECUTE;
	for (size_t g = 0; g < sizeof(grants) / sizeof(grants[0]); g++) {
		const struct strlist *items = policy_list(policy, grants[g].key);

		for (size_t i = 0; i < items->count; i++) {
			r = add_path_rule(plan, items->items[i], grants[g].access);
			if (r < 0)
				return r;
		}
	}
	/* the kernel opens the dynamic loader for exec with every dynamically
	 * linked program: it must be executable whatever fs.exec names (the
	 * noexec mounts keep it from mapping programs from outside fs.exec) */
	if (policy_is_set(policy, KEY_FS_EXEC) &&
	    !path_is_inside_any(LOADER_INTERPRETER, policy_list(policy, KEY_FS_EXEC)))
		return add_path_rule(plan, LOADER_INTERPRETER, LL_FS_READ_FILE | LL_FS_EXECUTE);
	return 0;
}

int sandbox_plan(const struct policy *policy, const struct host_layers *host, struct sandbox_plan *plan, char *err,
		 size_t errlen)
{
	struct row_layer *rows = calloc(ROW_COUNT, sizeof(*rows));
	int missing, r = 0;

	memset(plan, 0, sizeof(*plan));
	if (!rows)
		return -ENOMEM;
	plan->uid = policy->uid;
	/* the one table: what Landlock, the view, the helper and the filter
	 * each enforce on this kernel; a key no layer covers is refused */
	missing = layers_decide(policy, host, rows);
	if (missing >= 0) {
		snprintf(err, errlen, "%s cannot be enforced on this kernel: %s", layers_row_name(missing),
			 rows[missing].note);
		r = -EOPNOTSUPP;
		goto out;
	}
	r = plan_files(policy, rows, plan);
	if (r < 0)
		goto out;
	plan_network(policy, rows, plan);
	/* what this kernel handles beyond the minimum (e.g. device ioctls) */
	if (plan->handled.fs)
		plan->handled.fs = host->landlock.rights.fs;
	plan->handled.net &= host->landlock.rights.net;
	plan->handled.scoped &= host->landlock.rights.scoped;
	/* log.denials: the kernel reports the denials of the program the
	 * session execs and of everything after it (audit, from ABI 7); else
	 * none, not even of domains the session nests inside its own */
	plan->landlock_log = (policy->log_denials
				      ? LL_RESTRICT_SELF_LOG_NEW_EXEC_ON
				      : LL_RESTRICT_SELF_LOG_SAME_EXEC_OFF | LL_RESTRICT_SELF_LOG_SUBDOMAINS_OFF) &
		host->landlock.rights.log_flags;
	plan->filter.log_denials = policy->log_denials;
out:
	free(rows);
	if (r < 0)
		sandbox_plan_free(plan);
	return r;
} /* A denied path the user cannot open in any way anyway (read, write or
 * search/execute refused by its permissions, e.g. /etc/shadow) needs no
 * carving: carving costs a rule per sibling entry at session start. The
 * check runs as the user, in the session's process. */
static bool reachable(const char *path)
{
	return access(path, R_OK) == 0 || access(path, W_OK) == 0 || access(path, X_OK) == 0 || errno == ENOENT;
}

/* Is some denied path strictly beneath tree (and worth carving out)? */
static bool deny_below(const struct strlist *deny, const char *tree)
{
	for (size_t i = 0; deny && i < deny->count; i++)
		if (strcmp(deny->items[i], tree) != 0 && path_is_inside(deny->items[i], tree) &&
		    reachable(deny->items[i]))
			return true;
	return false;
}

/* Only when every denied path beneath tree exists and is not a directory
 * can tree keep READ_DIR: that right would reach into a denied directory. */
static bool denied_are_files(const struct strlist *deny, const char *tree)
{
	for (size_t i = 0; i < deny->count; i++) {
		struct stat st;

		if (!path_is_inside(deny->items[i], tree) || strcmp(deny->items[i], tree) == 0)
			continue;
		if (lstat(deny->items[i], &st) < 0 || S_ISDIR(st.st_mode))
			return false;
	}
	return true;
}

/* One rule on an open fd; the rights that only fit directories are
 * dropped for anything else. */
static int grant_fd(int ruleset, int fd, const char *path, uint64_t access, uint64_t handled, char *err, size_t errlen)
{
	struct stat st;
	int r;

	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		access &= ~LL_DIRECTORY_ONLY;
	r = landlock_allow_beneath(ruleset, fd, access & handled);
	if (r < 0)
		snprintf(err, errlen, "cannot add a Landlock rule for '%s': %s", path, strerror(-r));
	return r;
}

/* Opens a policy path for a rule (see safepath.h): the fd, -ENOENT when
 * there is nothing to grant, or another -errno with the reason in err. */
static int open_policy_path(const char *path, uid_t uid, char *err, size_t errlen)
{
	int fd = safepath_open(path, uid);

	if (fd == -ELOOP)
		snprintf(
			err, errlen,
			"policy path '%s' leads through a symbolic link the user could have made; refusing to follow it",
			path);
	else if (fd < 0 && fd != -ENOENT && fd != -ENOTDIR)
		snprintf(err, errlen, "cannot open '%s' for a Landlock rule: %s", path, strerror(-fd));
	return fd == -ENOTDIR ? -ENOENT : fd;
}

static int grant(int ruleset, const char *path, uid_t uid, uint64_t access, uint64_t handled, char *err, size_t errlen)
{
	int fd = open_policy_path(path, uid, err, errlen), r;

	if (fd < 0)
		return fd == -ENOENT ? 0 : fd; /* nothing there to grant */
	r = grant_fd(ruleset, fd, path, access, handled, err, errlen);
	close(fd);
	return r;
}

/* Grants the tree open as dirfd minus the denied paths inside it: every
 * entry that leads to no denied path gets the rule; the tree itself gets
 * nothing but, when safe, READ_DIR. Entries created in the tree later are
 * therefore not covered. Entries are opened beneath dirfd, never by name
 * from the root, and links among them are not followed. */
static int grant_around(int ruleset, int dirfd, const char *tree, uint64_t access, uint64_t handled,
			const struct strlist *deny, int depth, char *err, size_t errlen)
{
	char child[PATHUTIL_PATH_MAX];
	struct dirent *de;
	DIR *dir;
	int r = 0, fd;

	if (depth > SANDBOX_MAX_DEPTH) {
		snprintf(err, errlen, "fs.deny: '%s' is nested too deeply", tree);
		return -ELOOP;
	}
	if (denied_are_files(deny, tree) && (access & LL_FS_READ_DIR)) {
		r = grant_fd(ruleset, dirfd, tree, LL_FS_READ_DIR, handled, err, errlen);
		if (r < 0)
			return r;
	}
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOTDIR ? 0 : -errno;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(dir)) != NULL && r == 0) {
		struct stat st;
		int entry;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 || de->d_type == DT_LNK)
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", strcmp(tree, "/") ? tree : "", de->d_name) >=
		    (int)sizeof(child)) {
			r = -ENAMETOOLONG;
			break;
		}
		if (path_is_inside_any(child, deny))
			continue;
		entry = openat(dirfd, de->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (entry < 0)
			continue; /* gone meanwhile: nothing to grant */
		if (fstat(entry, &st) == 0 && !S_ISLNK(st.st_mode)) {
			if (deny_below(deny, child))
				r = grant_around(ruleset, entry, child, access, handled, deny, depth + 1, err, errlen);
			else
				r = grant_fd(ruleset, entry, child, access, handled, err, errlen);
		}
		close(entry);
	}
	closedir(dir);
	return r;
}

/* Landlock rules name inodes, not paths: a denied file with another name
 * (a hard link) inside a granted tree would be reachable through it. */
static int check_denied_links(const struct sandbox_plan *plan, char *err, size_t errlen)
{
	for (size_t i = 0; plan->deny_links && i < plan->deny_links->count; i++) {
		const char *path = plan->deny_links->items[i];
		bool granted = false;
		struct stat st;

		for (size_t j = 0; j < plan->n_paths && !granted; j++)
			granted = path_is_inside(path, plan->paths[j].path);
		if (!granted || lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink <= 1)
			continue;
		snprintf(
			err, errlen,
			"fs.deny: '%s' has %lu names (hard links); another of them in a granted tree would still reach it",
			path, (unsigned long)st.st_nlink);
		return -EMLINK;
	}
	return 0;
}

static int apply_landlock(const struct sandbox_plan *plan, char *err, size_t errlen)
{
	uid_t uid = plan->uid; /* also when root applies it (a cron session) */
	int ruleset, r = 0;

	r = check_denied_links(plan, err, errlen);
	if (r < 0)
		return r;

	ruleset = landlock_ruleset_create(&plan->handled);
	if (ruleset < 0) {
		snprintf(err, errlen, "cannot create a Landlock ruleset: %s", strerror(-ruleset));
		return ruleset;
	}
	for (size_t i = 0; i < plan->n_paths && r == 0; i++) {
		const struct sandbox_path_rule *rule = &plan->paths[i];
		int fd;

		if (path_is_inside_any(rule->path, plan->deny))
			continue;
		if (!deny_below(plan->deny, rule->path)) {
			r = grant(ruleset, rule->path, uid, rule->access, plan->handled.fs, err, errlen);
			continue;
		}
		fd = open_policy_path(rule->path, uid, err, errlen);
		if (fd < 0) {
			r = fd == -ENOENT ? 0 : fd;
			continue;
		}
		r = grant_around(ruleset, fd, rule->path, rule->access, plan->handled.fs, plan->deny, 0, err, errlen);
		close(fd);
	}
	for (size_t i = 0; plan->bind_ports && i < plan->bind_ports->count && r == 0; i++)
		for (uint32_t port = plan->bind_ports->ranges[i].low;
		     port <= plan->bind_ports->ranges[i].high && r == 0; port++)
			r = landlock_allow_port(ruleset, (uint16_t)port, LL_NET_BIND_TCP);
	for (size_t i = 0; plan->connect_ports && i < plan->connect_ports->count && r == 0; i++) {
		const struct netrule *rule = &plan->connect_ports->rules[i];

		if (!(rule->protocols & NET_PROTO_TCP))
			continue;
		for (size_t j = 0; j < rule->n_ports && r == 0; j++)
			for (uint32_t port = rule->ports[j].low; port <= rule->ports[j].high && r == 0; port++)
				r = landlock_allow_port(ruleset, (uint16_t)port, LL_NET_CONNECT_TCP);
	}
	if (r < 0 && !err[0])
		snprintf(err, errlen, "cannot add a Landlock rule: %s", strerror(-r));
	if (r == 0) {
		r = landlock_restrict_self(ruleset, plan->landlock_log);
		if (r < 0)
			snprintf(err, errlen, "cannot enforce the Landlock ruleset: %s", strerror(-r));
	}
	close(ruleset);
	return r;
}

int sandbox_apply(const struct sandbox_plan *plan, int abi, int *listener, char *err, size_t errlen)
{
	int r;

	err[0] = '\0';
	if (abi < plan->abi_needed) {
		snprintf(err, errlen, "kernel Landlock ABI %d is older than the plan's %d", abi, plan->abi_needed);
		return -EOPNOTSUPP;
	}
	if (plan->handled.fs || plan->handled.net || plan->handled.scoped) {
		r = apply_landlock(plan, err, errlen);
		if (r < 0)
			return r;
	}
	r = syscall_filter_install(&plan->filter, listener);
	if (r < 0)
		snprintf(err, errlen, "cannot install the seccomp filter: %s", strerror(-r));
	return r;
}

/* For bench/landlock_layer: the plan's Landlock layer alone, without the
 * seccomp filters, so that a benchmark can tell what Landlock's own rules
 * cost from what the whole session costs. Not used by the product. */
int sandbox_apply_landlock_only(const struct sandbox_plan *plan, char *err, size_t errlen)
{
	err[0] = '\0';
	if (!plan->handled.fs && !plan->handled.net && !plan->handled.scoped)
		return 0;
	return apply_landlock(plan, err, errlen);
}
