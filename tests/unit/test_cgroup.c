/* Unit tests of session cgroups (lib/kernel/cgroup.c, lib/kernel/cgroup_systemd.c): the
 * layout read from mountinfo, /proc/self/cgroup paths, cpu quotas, the
 * systemd unit properties and scope names, and open/close on fake cgroupfs
 * trees (plain directories and files in a temporary directory: nothing
 * under /sys/fs/cgroup is touched). Tree tests need root. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_systemd.h"
#include "logind.h"
#include "session_record.h"
#include "tap.h"

/* This machine's hybrid layout: v1 controllers (cpu and cpuacct apart),
 * name=systemd, and an empty cgroup2 at /sys/fs/cgroup/unified. */
static const char hybrid[] = "22 1 259:1 / / rw,relatime shared:1 - ext4 /dev/root rw\n"
			     "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
			     "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
			     "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
			     "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
			     "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
			     "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
			     "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
			     "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
			     "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
			     "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
			     "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

/* Debian 10 style: cpu and cpuacct comounted, optional fields present. */
static const char comounted[] =
	"24 18 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:4 - tmpfs tmpfs ro,mode=755\n"
	"25 24 0:23 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:5 - cgroup2 cgroup2 rw,nsdelegate\n"
	"26 24 0:24 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:6 - cgroup cgroup "
	"rw,xattr,name=systemd\n"
	"29 24 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:9 master:3 - cgroup cgroup "
	"rw,cpu,cpuacct\n"
	"30 24 0:28 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup "
	"rw,net_cls,net_prio\n"
	"31 24 0:29 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,pids\n"
	"32 24 0:30 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,memory\n"
	"33 24 0:31 / /sys/fs/cgroup/freezer rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,freezer";

static const char pure_v2[] = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n"
			      "26 23 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
			      "rw,nsdelegate,memory_recursiveprot\n"
			      "27 22 0:24 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n";

static void test_layout(void)
{
	struct cgroup_layout l;

	is_int(cgroup_layout_parse(hybrid, strlen(hybrid), false, &l), 0, "hybrid layout parses");
	is_int(l.mode, CGROUP_V1, "hybrid host uses v1");
	is_str(l.v1[CGROUP_V1_PIDS], "/sys/fs/cgroup/pids", "pids mount");
	is_str(l.v1[CGROUP_V1_MEMORY], "/sys/fs/cgroup/memory", "memory mount");
	is_str(l.v1[CGROUP_V1_CPU], "/sys/fs/cgroup/cpu", "cpu mount (not cpuset, not cpuacct)");
	is_str(l.v1[CGROUP_V1_FREEZER], "/sys/fs/cgroup/freezer", "freezer mount");
	is_str(l.v2, "/sys/fs/cgroup/unified", "the unified mount is noted too");
	cgroup_layout_parse(hybrid, strlen(hybrid), true, &l);
	is_int(l.mode, CGROUP_V1, "hybrid with systemd running is still v1");

	is_int(cgroup_layout_parse(comounted, strlen(comounted), true, &l), 0, "comounted layout parses");
	is_int(l.mode, CGROUP_V1, "comounted: v1");
	is_str(l.v1[CGROUP_V1_CPU], "/sys/fs/cgroup/cpu,cpuacct", "cpu is the cpu,cpuacct mount");
	is_str(l.v1[CGROUP_V1_PIDS], "/sys/fs/cgroup/pids", "pids mount");
	is_str(l.v1[CGROUP_V1_FREEZER], "/sys/fs/cgroup/freezer", "last line without a newline read");

	is_int(cgroup_layout_parse(pure_v2, strlen(pure_v2), false, &l), 0, "pure v2 parses");
	is_int(l.mode, CGROUP_V2, "pure v2 without systemd: CGROUP_V2");
	is_str(l.v2, "/sys/fs/cgroup", "unified mount point");
	ok(!l.v1[0][0] && !l.v1[1][0] && !l.v1[2][0] && !l.v1[3][0], "no v1 mounts");
	cgroup_layout_parse(pure_v2, strlen(pure_v2), true, &l);
	is_int(l.mode, CGROUP_SYSTEMD, "pure v2 with systemd: CGROUP_SYSTEMD");

	{
		static const char none[] = "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
					   "23 22 0:5 / /proc rw - proc proc rw\n"
					   "24 22 0:6 / /cgroup rw - tmpfs cgroup rw,pids,memory\n"
					   "25 22 0:7 / /mnt/x rw - fuse.cgroupfs cgroup rw,cpu\n";

		is_int(cgroup_layout_parse(none, strlen(none), true, &l), 0, "a host without cgroups parses");
		is_int(l.mode, CGROUP_NONE, "no cgroup mounts (a tmpfs called cgroup does not count): CGROUP_NONE");
		is_int(cgroup_layout_parse("", 0, true, &l), 0, "empty mountinfo parses");
		is_int(l.mode, CGROUP_NONE, "empty mountinfo: CGROUP_NONE");
	}
	{
		static const char junk[] = "garbage\n\n - \n1 2 3 - cgroup\n1 2 3 4 5 - cgroup cgroup\n"
					   "x x x x /evil - cgroup2\n";

		is_int(cgroup_layout_parse(junk, strlen(junk), false, &l), 0, "junk lines are skipped");
		is_int(l.mode, CGROUP_NONE, "and give nothing");
	}
	{
		static const char escaped[] =
			"40 31 0:36 / /srv/my\\040cgroups/pids rw,relatime - cgroup cgroup rw,pids\n"
			"41 31 0:38 / /srv/tab\\011and\\134backslash rw,relatime - cgroup2 cgroup2 rw\n";

		cgroup_layout_parse(escaped, strlen(escaped), false, &l);
		is_str(l.v1[CGROUP_V1_PIDS], "/srv/my cgroups/pids", "\\040 in a mount point is a space");
		is_str(l.v2, "/srv/tab\tand\\backslash", "\\011 and \\134 unescaped");
	}
	{
		static const char twice[] = "1 1 0:1 / /first rw - cgroup2 cgroup2 rw\n"
					    "2 1 0:2 / /second rw - cgroup2 cgroup2 rw\n"
					    "3 1 0:3 / /p1 rw - cgroup cgroup rw,pids\n"
					    "4 1 0:4 / /p2 rw - cgroup cgroup rw,pids\n";

		cgroup_layout_parse(twice, strlen(twice), false, &l);
		ok(strcmp(l.v2, "/first") == 0 && strcmp(l.v1[CGROUP_V1_PIDS], "/p1") == 0,
		   "the first mount of each wins");
	}
	{
		char *longline = malloc(CGROUP_PATH_MAX + 200);
		size_t n = (size_t)snprintf(longline, CGROUP_PATH_MAX + 200, "1 1 0:1 / /");

		memset(longline + n, 'a', CGROUP_PATH_MAX);
		n += CGROUP_PATH_MAX;
		n += (size_t)snprintf(longline + n, 100, " rw - cgroup cgroup rw,pids\n");
		is_int(cgroup_layout_parse(longline, n, false, &l), 0, "an over-long mount point parses");
		is_int(l.mode, CGROUP_NONE, "and is ignored");
		free(longline);
	}
}

static void test_self_path(void)
{
	static const char v1text[] = "12:pids:/user.slice/user-1000.slice/session-3.scope\n"
				     "11:cpuset:/\n"
				     "4:cpu,cpuacct:/user.slice\n"
				     "3:memory:/user.slice/user-1000.slice/session-3.scope\n"
				     "1:name=systemd:/user.slice/user-1000.slice/session-3.scope\n"
				     "0::/user.slice/user-1000.slice/session-3.scope\n";
	char out[CGROUP_PATH_MAX];

	ok(cgroup_self_path_parse(v1text, strlen(v1text), "pids", out, sizeof(out)) == 0 &&
		   strcmp(out, "/user.slice/user-1000.slice/session-3.scope") == 0,
	   "pids path");
	ok(cgroup_self_path_parse(v1text, strlen(v1text), "cpu", out, sizeof(out)) == 0 &&
		   strcmp(out, "/user.slice") == 0,
	   "cpu from the comounted cpu,cpuacct line (not cpuset)");
	ok(cgroup_self_path_parse(v1text, strlen(v1text), "cpuacct", out, sizeof(out)) == 0 &&
		   strcmp(out, "/user.slice") == 0,
	   "cpuacct from the same line");
	ok(cgroup_self_path_parse(v1text, strlen(v1text), "cpuset", out, sizeof(out)) == 0 && strcmp(out, "/") == 0,
	   "cpuset is its own line");
	ok(cgroup_self_path_parse(v1text, strlen(v1text), "", out, sizeof(out)) == 0 &&
		   strcmp(out, "/user.slice/user-1000.slice/session-3.scope") == 0,
	   "unified ('' controller) from the 0:: line");
	is_int(cgroup_self_path_parse(v1text, strlen(v1text), "freezer", out, sizeof(out)), -ENOENT,
	       "a controller not listed is -ENOENT");
	is_int(cgroup_self_path_parse(v1text, strlen(v1text), "systemd", out, sizeof(out)), -ENOENT,
	       "'systemd' does not match 'name=systemd'");
	is_int(cgroup_self_path_parse(v1text, strlen(v1text), "pids", out, 10), -ENOENT, "a path that does not fit");
	is_int(cgroup_self_path_parse("0::/", 4, "", out, sizeof(out)), 0, "v2 only, no newline");
	is_str(out, "/", "root path");
	is_int(cgroup_self_path_parse("0::/", 4, "pids", out, sizeof(out)), -ENOENT, "no pids line on pure v2");
	is_int(cgroup_self_path_parse("5:pids:/a\n", 10, "", out, sizeof(out)), -ENOENT, "no unified line on pure v1");
	is_int(cgroup_self_path_parse("garbage\n::\n", 11, "", out, sizeof(out)), 0, "a '::' line is a unified line");
	is_str(out, "", "with an empty path");
	is_int(cgroup_self_path_parse("", 0, "", out, sizeof(out)), -ENOENT, "empty text");
}

static void test_pure_helpers(void)
{
	struct cgroup_limits all = { .processes = 50, .memory = 100 * 1024 * 1024, .cpu_percent = 50 };
	struct cgroup_limits mem = { .memory = 1 };
	struct cgroup_limits none = { 0 };
	struct systemd_property props[CGROUP_SYSTEMD_MAX_PROPERTIES];

	is_int(cgroup_cpu_quota_us(50), 50000, "50%% is 50000 us per 100000");
	is_int(cgroup_cpu_quota_us(200), 200000, "200%% is 200000 us (two CPUs)");
	is_int(cgroup_cpu_quota_us(1), 1000, "1%% is 1000 us");
	is_int(cgroup_cpu_quota_us(100), CGROUP_CPU_PERIOD_US, "100%% is one period");

	is_int(cgroup_systemd_properties(&all, false, props), 4, "three limits, four properties");
	ok(strcmp(props[0].name, "TasksMax") == 0 && props[0].value == 50, "TasksMax = 50");
	ok(strcmp(props[1].name, "MemoryMax") == 0 && props[1].value == 104857600, "MemoryMax = 104857600");
	ok(strcmp(props[2].name, "MemorySwapMax") == 0 && props[2].value == 0,
	   "MemorySwapMax = 0: swap cannot stretch it");
	ok(strcmp(props[3].name, "CPUQuotaPerSecUSec") == 0 && props[3].value == 500000,
	   "CPUQuotaPerSecUSec = 50 * 10000");
	all.cpu_percent = 250;
	cgroup_systemd_properties(&all, false, props);
	is_int(props[3].value, 2500000, "250%% is 2.5 s of CPU per second");
	is_int(cgroup_systemd_properties(&mem, false, props), 2, "memory only: two properties");
	ok(strcmp(props[0].name, "MemoryMax") == 0 && strcmp(props[1].name, "MemorySwapMax") == 0,
	   "MemoryMax and MemorySwapMax");
	is_int(cgroup_systemd_properties(&none, false, props), 0, "no limits, no properties");
	is_int(cgroup_systemd_properties(&mem, true, props), 4, "reset: every property");
	ok(props[0].value == CGROUP_SYSTEMD_INFINITY && props[1].value == 1 && props[2].value == 0 &&
		   props[3].value == CGROUP_SYSTEMD_INFINITY,
	   "reset: the unset ones are infinity, the set one stays");
	is_int(cgroup_systemd_properties(&none, true, props), 4, "reset without limits: all four, all infinity");
	ok(props[0].value == CGROUP_SYSTEMD_INFINITY && props[1].value == CGROUP_SYSTEMD_INFINITY &&
		   props[2].value == CGROUP_SYSTEMD_INFINITY && props[3].value == CGROUP_SYSTEMD_INFINITY,
	   "all infinity");
}

static void test_unit_names(void)
{
	struct cgroup_limits some = { .processes = 10 }, none = { 0 };
	struct cgroup_request req = { .id = "0123456789abcdef0123456789abcdef", .uid = 1001, .user = "alice" };
	struct systemd_units u;
	char esc[64], long_name[300];

	is_int(cgroup_systemd_escape("students", esc, sizeof(esc)), 0, "escape a plain name");
	is_str(esc, "students", "letters stay");
	cgroup_systemd_escape("lab-2_x.y:z", esc, sizeof(esc));
	is_str(esc, "lab\\x2d2_x.y:z", "'-' would nest a slice: \\x2d; '_', '.', ':' stay");
	cgroup_systemd_escape("admins$", esc, sizeof(esc));
	is_str(esc, "admins\\x24", "'$' is escaped");
	cgroup_systemd_escape(".hidden", esc, sizeof(esc));
	is_str(esc, "\\x2ehidden", "a leading '.' is escaped");
	is_int(cgroup_systemd_escape("a-b", esc, 6), -ENAMETOOLONG, "an escape that does not fit");

	is_int(cgroup_systemd_units(&req, &u), 0, "no shared limits: units");
	is_int(u.slice_count, 0, "no slices");
	is_str(u.parent, "corral.slice", "the scope goes in corral.slice");
	is_str(u.scope, "corral-0123456789abcdef0123456789abcdef.scope", "corral-ID.scope");

	req.user_limits = some;
	is_int(cgroup_systemd_units(&req, &u), 0, "user limits");
	ok(u.slice_count == 1 && strcmp(u.slices[0], "corral-user_1001.slice") == 0,
	   "one slice: corral-user_UID.slice");
	ok(u.slice_limits[0] == &req.user_limits, "carrying the user's limits");
	is_str(u.parent, "corral-user_1001.slice", "the scope goes there");

	req.group = "lab-2";
	req.group_limits = some;
	is_int(cgroup_systemd_units(&req, &u), 0, "group and user limits");
	is_int(u.slice_count, 2, "two slices");
	is_str(u.slices[0], "corral-group_lab\\x2d2.slice", "the group's slice, escaped");
	is_str(u.slices[1], "corral-group_lab\\x2d2-user_1001.slice", "the user's, nested in it");
	ok(u.slice_limits[0] == &req.group_limits && u.slice_limits[1] == &req.user_limits, "each with its limits");
	is_str(u.parent, "corral-group_lab\\x2d2-user_1001.slice", "the scope in the innermost");

	req.user_limits = none;
	is_int(cgroup_systemd_units(&req, &u), 0, "group limits only");
	ok(u.slice_count == 1 && strcmp(u.parent, "corral-group_lab\\x2d2.slice") == 0,
	   "the scope in the group's slice");
	req.group_limits = none;
	is_int(cgroup_systemd_units(&req, &u), 0, "a group without limits");
	ok(u.slice_count == 0 && strcmp(u.parent, "corral.slice") == 0, "is no level");

	memset(long_name, 'g', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	req.group = long_name;
	req.group_limits = some;
	is_int(cgroup_systemd_units(&req, &u), -ENAMETOOLONG, "a group name too long for a unit name");
	req.group = NULL;
	req.id = "a/b";
	is_int(cgroup_systemd_units(&req, &u), -EINVAL, "an id with a slash");
}

/* ------------------------------------------------------------------ fake trees */

/* A session of our own process with only session limits. */
static int open_with(const struct cgroup_layout *layout, const char *id, const struct cgroup_limits *limits,
		     struct cgroup_session *s)
{
	struct cgroup_request req = { .id = id, .pid = getpid(), .uid = 4242, .user = "t", .session = *limits };

	return cgroup_session_open(layout, &req, s);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static const char *read_text(const char *dir, const char *name)
{
	static char buf[4096];
	char path[CGROUP_PATH_MAX + 64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

static bool exists(const char *dir, const char *name)
{
	char path[CGROUP_PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* Leaves dir/cgroup.procs empty (made when missing), so that a later read
 * of it shows only what close writes. */
static int truncate_procs(const char *dir)
{
	char path[CGROUP_PATH_MAX + 64];
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	return fd < 0 ? -errno : close(fd);
}

static int make_dirs(const char *path)
{
	char copy[CGROUP_PATH_MAX];

	snprintf(copy, sizeof(copy), "%s", path);
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(copy, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

/* Our own cgroup path for a controller ("" = unified) from /proc/self/cgroup. */
static int own_path(const char *controller, char *out, size_t outlen)
{
	char text[CGROUP_FILE_MAX];
	ssize_t n;
	int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	return cgroup_self_path_parse(text, (size_t)n, controller, out, outlen);
}

/* The fake hierarchy's copy of the cgroup we are in, where close moves us back. */
static int fake_previous(const char *mount, const char *controller, char *out, size_t outlen)
{
	char rel[CGROUP_PATH_MAX];
	int r = own_path(controller, rel, sizeof(rel));

	if (r < 0)
		return r;
	snprintf(out, outlen, "%s%s", mount, strcmp(rel, "/") == 0 ? "" : rel);
	return make_dirs(out);
}

/* open records where we came from from /proc/self/cgroup: a host without
 * these hierarchies cannot run that part of the test. */
static bool have_hierarchies(const char *const *controllers, size_t n)
{
	char rel[CGROUP_PATH_MAX];

	for (size_t i = 0; i < n; i++)
		if (own_path(controllers[i], rel, sizeof(rel)) < 0) {
			ok(1, "# SKIP this process is in no '%s' hierarchy", controllers[i]);
			return false;
		}
	return true;
}

static bool holds_pid(const char *dir, pid_t pid)
{
	const char *text = read_text(dir, "cgroup.procs");

	return text && atoi(text) == pid;
}

static void test_v2_tree(const char *root)
{
	struct cgroup_limits limits = { .processes = 50, .memory = 100 * 1024 * 1024, .cpu_percent = 50 };
	struct cgroup_layout layout = { .mode = CGROUP_V2 };
	char id[SESSION_ID_LEN + 1], dir[CGROUP_PATH_MAX], base[CGROUP_PATH_MAX], prev[CGROUP_PATH_MAX];
	struct cgroup_session s, twin;
	const char *text;
	int r;

	if (!have_hierarchies((const char *[]){ "" }, 1))
		return;
	snprintf(layout.v2, sizeof(layout.v2), "%s", root);
	session_id_generate(id);
	snprintf(base, sizeof(base), "%s/corral", root);
	snprintf(dir, sizeof(dir), "%s/corral/%s", root, id);
	if (!ok(fake_previous(root, "", prev, sizeof(prev)) == 0, "setup: our cgroup in the fake v2 tree"))
		return;

	r = open_with(&layout, id, &limits, &s);
	is_int(r, 0, "v2: open with processes, memory and cpu limits");
	if (r < 0)
		return;
	is_int(s.mode, CGROUP_V2, "session mode v2");
	is_int(s.count, 1, "one cgroup");
	is_str(s.dirs[0], dir, "the cgroup is ROOT/corral/ID");
	is_str(s.previous[0], prev, "where we came from is remembered");
	is_int(s.limits, CGROUP_LIMIT_PROCESSES | CGROUP_LIMIT_MEMORY | CGROUP_LIMIT_CPU, "all three limits enforced");
	text = read_text(root, "cgroup.subtree_control");
	is_str(text, "+pids +memory +cpu", "root's subtree_control enables the controllers");
	text = read_text(base, "cgroup.subtree_control");
	is_str(text, "+pids +memory +cpu", "corral/'s subtree_control enables them too");
	is_str(read_text(dir, "pids.max"), "50", "pids.max = 50");
	is_str(read_text(dir, "memory.max"), "104857600", "memory.max = 100M in bytes");
	ok(!exists(dir, "memory.swap.max"), "memory.swap.max not made up when the kernel has none");
	is_str(read_text(dir, "cpu.max"), "50000 100000", "cpu.max = '50000 100000'");
	ok(holds_pid(dir, getpid()), "cgroup.procs holds our pid");

	/* a second session with the same id must not take over or remove this one */
	r = open_with(&layout, id, &limits, &twin);
	is_int(r, -EEXIST, "opening the same id again is -EEXIST");
	ok(exists(dir, "pids.max") && twin.count == 0, "and the first session's cgroup is untouched");

	ok(truncate_procs(prev) == 0 && truncate_procs(dir) == 0, "setup: empty the fake cgroup.procs files");
	r = cgroup_session_close(&s, false);
	ok(r == -ENOTEMPTY || r == -EBUSY, "close: the fake directory cannot be removed (%d)", r);
	is_str(read_text(dir, "cgroup.kill"), "1", "close wrote 1 to cgroup.kill");
	ok(holds_pid(prev, getpid()), "and moved us back where we came from first");
	is_int(s.count, 0, "the session holds no cgroups after close");
	is_int(cgroup_session_close(&s, false), 0, "closing again does nothing");

	/* linger: we leave, the cgroup and its processes stay */
	session_id_generate(id);
	snprintf(dir, sizeof(dir), "%s/corral/%s", root, id);
	r = open_with(&layout, id, &limits, &s);
	is_int(r, 0, "v2: open another session");
	truncate_procs(prev);
	is_int(cgroup_session_close(&s, true), 0, "close with linger");
	ok(!exists(dir, "cgroup.kill") && exists(dir, "pids.max"), "lingering: nothing killed, the cgroup stays");
	ok(holds_pid(prev, getpid()), "but we moved out");
}

static void test_v2_no_limits(const char *root)
{
	struct cgroup_limits none = { 0 };
	struct cgroup_layout layout = { .mode = CGROUP_V2 };
	char id[SESSION_ID_LEN + 1], dir[CGROUP_PATH_MAX], prev[CGROUP_PATH_MAX];
	struct cgroup_session s;
	int r;

	if (!have_hierarchies((const char *[]){ "" }, 1))
		return;
	snprintf(layout.v2, sizeof(layout.v2), "%s", root);
	session_id_generate(id);
	snprintf(dir, sizeof(dir), "%s/corral/%s", root, id);
	if (!ok(fake_previous(root, "", prev, sizeof(prev)) == 0, "setup: a second fake v2 tree"))
		return;
	r = open_with(&layout, id, &none, &s);
	is_int(r, 0, "v2 without limits: open (the cgroup still ends the session)");
	ok(r == 0 && s.count == 1 && s.limits == 0, "one cgroup, no limits");
	ok(!exists(root, "cgroup.subtree_control"), "no controllers enabled");
	ok(!exists(dir, "pids.max") && !exists(dir, "memory.max") && !exists(dir, "cpu.max"), "no limit files written");
	ok(holds_pid(dir, getpid()), "our pid moved in");
	if (r == 0) {
		truncate_procs(dir);
		r = cgroup_session_close(&s, false);
		ok(r == -ENOTEMPTY || r == -EBUSY, "close (%d)", r);
	}
}

static void test_v1_tree(const char *root)
{
	static const char *const names[CGROUP_V1_COUNT] = { "pids", "memory", "cpu", "freezer" };
	struct cgroup_limits limits = { .processes = 50, .memory = 100 * 1024 * 1024, .cpu_percent = 50 };
	struct cgroup_layout layout = { .mode = CGROUP_V1 };
	char id[SESSION_ID_LEN + 1], dir[CGROUP_V1_COUNT][CGROUP_PATH_MAX], prev[CGROUP_V1_COUNT][CGROUP_PATH_MAX];
	struct cgroup_session s;
	bool all_moved = true;
	int r;

	if (!have_hierarchies(names, CGROUP_V1_COUNT))
		return;
	session_id_generate(id);
	for (int c = 0; c < CGROUP_V1_COUNT; c++) {
		snprintf(layout.v1[c], sizeof(layout.v1[c]), "%s/%s", root, names[c]);
		snprintf(dir[c], sizeof(dir[c]), "%s/corral/%s", layout.v1[c], id);
		if (!ok(fake_previous(layout.v1[c], names[c], prev[c], sizeof(prev[c])) == 0,
			"setup: fake %s hierarchy", names[c]))
			return;
	}
	r = open_with(&layout, id, &limits, &s);
	is_int(r, 0, "v1: open with processes, memory and cpu limits");
	if (r < 0)
		return;
	is_int(s.mode, CGROUP_V1, "session mode v1");
	is_int(s.count, 4, "four cgroups: pids, memory, cpu, freezer");
	for (int c = 0; c < CGROUP_V1_COUNT; c++) {
		is_str(s.dirs[c], dir[c], "%s cgroup is MOUNT/corral/ID", names[c]);
		is_str(s.previous[c], prev[c], "%s: where we came from", names[c]);
		ok(holds_pid(dir[c], getpid()), "%s cgroup.procs holds our pid", names[c]);
	}
	is_int(s.freezer_slot, 4, "freezer_slot points at the freezer cgroup");
	is_int(s.limits, CGROUP_LIMIT_PROCESSES | CGROUP_LIMIT_MEMORY | CGROUP_LIMIT_CPU, "all three limits enforced");
	is_str(read_text(dir[CGROUP_V1_PIDS], "pids.max"), "50", "pids.max = 50");
	is_str(read_text(dir[CGROUP_V1_MEMORY], "memory.limit_in_bytes"), "104857600", "memory.limit_in_bytes = 100M");
	ok(!exists(dir[CGROUP_V1_MEMORY], "memory.memsw.limit_in_bytes"),
	   "memory.memsw.limit_in_bytes not created without swap accounting");
	is_str(read_text(dir[CGROUP_V1_CPU], "cpu.cfs_period_us"), "100000", "cpu.cfs_period_us = 100000");
	is_str(read_text(dir[CGROUP_V1_CPU], "cpu.cfs_quota_us"), "50000", "cpu.cfs_quota_us = 50000");
	ok(!exists(dir[CGROUP_V1_PIDS], "cgroup.subtree_control"), "no v2 files in v1 cgroups");

	for (int c = 0; c < CGROUP_V1_COUNT; c++)
		if (truncate_procs(dir[c]) < 0 || truncate_procs(prev[c]) < 0)
			ok(0, "setup: empty %s cgroup.procs", names[c]);
	r = cgroup_session_close(&s, false);
	ok(r == -ENOTEMPTY || r == -EBUSY, "close: the fake directories cannot be removed (%d)", r);
	is_str(read_text(dir[CGROUP_V1_FREEZER], "freezer.state"), "THAWED",
	       "the freezer was used, and thawed at the end");
	for (int c = 0; c < CGROUP_V1_COUNT; c++)
		all_moved &= holds_pid(prev[c], getpid());
	ok(all_moved, "we were moved back in every hierarchy");
	ok(!exists(dir[CGROUP_V1_PIDS], "cgroup.kill"), "v1 has no cgroup.kill");
}

static void test_v1_partial(const char *root)
{
	struct cgroup_layout layout = { .mode = CGROUP_V1 };
	struct cgroup_limits processes = { .processes = 10 };
	struct cgroup_limits memory = { .memory = 1024 * 1024 };
	struct cgroup_limits cpu = { .cpu_percent = 10 };
	char id[SESSION_ID_LEN + 1], path[CGROUP_PATH_MAX + 64], prev[CGROUP_PATH_MAX];
	struct cgroup_session s;
	int r;

	if (!have_hierarchies((const char *[]){ "pids", "freezer" }, 2))
		return;
	session_id_generate(id);
	snprintf(layout.v1[CGROUP_V1_PIDS], CGROUP_PATH_MAX, "%s/pids", root);
	snprintf(layout.v1[CGROUP_V1_FREEZER], CGROUP_PATH_MAX, "%s/freezer", root);
	fake_previous(layout.v1[CGROUP_V1_PIDS], "pids", prev, sizeof(prev));
	fake_previous(layout.v1[CGROUP_V1_FREEZER], "freezer", prev, sizeof(prev));

	is_int(open_with(&layout, id, &memory, &s), -EOPNOTSUPP,
	       "limits.memory without a memory controller: -EOPNOTSUPP");
	is_int(s.count, 0, "nothing kept");
	snprintf(path, sizeof(path), "%s/corral", layout.v1[CGROUP_V1_PIDS]);
	ok(access(path, F_OK) < 0, "and no directory left behind");
	is_int(open_with(&layout, id, &cpu, &s), -EOPNOTSUPP, "limits.cpu without a cpu controller: -EOPNOTSUPP");
	ok(access(path, F_OK) < 0, "still no directory");

	r = open_with(&layout, id, &processes, &s);
	is_int(r, 0, "limits.processes with pids and freezer only");
	ok(r == 0 && s.count == 2 && s.freezer_slot == 2 && s.limits == CGROUP_LIMIT_PROCESSES,
	   "two cgroups, the freezer second, processes enforced");
	if (r == 0) {
		for (size_t i = 0; i < s.count; i++)
			truncate_procs(s.dirs[i]);
		r = cgroup_session_close(&s, false);
		ok(r == -ENOTEMPTY || r == -EBUSY, "close (%d)", r);
	}

	layout.v1[CGROUP_V1_PIDS][0] = '\0';
	is_int(open_with(&layout, id, &processes, &s), -EOPNOTSUPP,
	       "limits.processes without a pids controller: -EOPNOTSUPP");
}

/* limits.group.* and limits.user.* as levels above the session's cgroup. */
static void test_v2_shared(const char *root)
{
	struct cgroup_layout layout = { .mode = CGROUP_V2 };
	struct cgroup_request req = {
		.pid = getpid(),
		.uid = 1001,
		.user = "alice",
		.group = "lab-2",
		.session = { .processes = 20 },
		.user_limits = { .memory = 2 * 1024 * 1024 },
		.group_limits = { .processes = 100, .cpu_percent = 150 },
	};
	char id[SESSION_ID_LEN + 1], group[CGROUP_PATH_MAX], user[CGROUP_PATH_MAX + 16], dir[CGROUP_PATH_MAX + 64],
		prev[CGROUP_PATH_MAX], rel[CGROUP_PATH_MAX];
	struct cgroup_session s;
	int r;

	if (!have_hierarchies((const char *[]){ "" }, 1))
		return;
	snprintf(layout.v2, sizeof(layout.v2), "%s", root);
	session_id_generate(id);
	req.id = id;
	snprintf(group, sizeof(group), "%s/corral/group-lab-2", root);
	snprintf(user, sizeof(user), "%s/user-1001", group);
	snprintf(dir, sizeof(dir), "%s/%s", user, id);
	if (!ok(fake_previous(root, "", prev, sizeof(prev)) == 0, "setup: a fake v2 tree for shared levels"))
		return;
	is_int(cgroup_session_relpath(&req, rel, sizeof(rel)), 0, "the relative path");
	ok(strncmp(rel, "group-lab-2/user-1001/", 22) == 0 && strcmp(rel + 22, id) == 0, "is group-G/user-UID/ID");
	is_int(cgroup_session_relpath(&req, rel, 30), -ENAMETOOLONG, "and says when it does not fit");
	r = cgroup_session_open(&layout, &req, &s);
	is_int(r, 0, "v2: open with group, user and session limits");
	if (r < 0)
		return;
	is_str(s.dirs[0], dir, "the session's cgroup is corral/group-G/user-UID/ID");
	is_int(s.shared_levels, 2, "two shared levels above it");
	is_int(s.limits, CGROUP_LIMIT_PROCESSES | CGROUP_LIMIT_SHARED,
	       "session processes and the shared levels enforced");
	is_str(read_text(group, "pids.max"), "100", "group: pids.max = 100");
	is_str(read_text(group, "cpu.max"), "150000 100000", "group: cpu.max = 150%%");
	is_str(read_text(group, "memory.max"), "max", "group: memory.max reset to max (the user level limits memory)");
	is_str(read_text(group, "cgroup.subtree_control"), "+pids +memory +cpu",
	       "group: controllers for the levels below");
	is_str(read_text(user, "memory.max"), "2097152", "user: memory.max = 2M");
	is_str(read_text(user, "pids.max"), "max", "user: pids.max reset to max");
	is_str(read_text(user, "cpu.max"), "max 100000", "user: cpu.max reset to max");
	is_str(read_text(user, "cgroup.subtree_control"), "+pids +memory +cpu", "user: controllers for the session");
	is_str(read_text(dir, "pids.max"), "20", "session: pids.max = 20");
	ok(!exists(dir, "memory.max") && !exists(dir, "cpu.max"), "session: nothing it does not limit itself");
	ok(holds_pid(dir, getpid()), "our pid moved into the session's cgroup");
	truncate_procs(prev);
	truncate_procs(dir);
	r = cgroup_session_close(&s, false);
	ok(r == -ENOTEMPTY || r == -EBUSY, "close: fake directories cannot be removed (%d)", r);
	ok(holds_pid(prev, getpid()), "moved back where we came from");
	ok(exists(user, "memory.max"), "a level that cannot be removed stays");
}

static void test_v1_shared(const char *root)
{
	static const char *const names[CGROUP_V1_COUNT] = { "pids", "memory", "cpu", "freezer" };
	struct cgroup_layout layout = { .mode = CGROUP_V1 };
	struct cgroup_request req = {
		.pid = getpid(),
		.uid = 1002,
		.user = "bob",
		.user_limits = { .processes = 30, .cpu_percent = 50 },
	};
	char id[SESSION_ID_LEN + 1], user[CGROUP_V1_COUNT][CGROUP_PATH_MAX], prev[CGROUP_PATH_MAX];
	struct cgroup_session s;
	int r;

	if (!have_hierarchies(names, CGROUP_V1_COUNT))
		return;
	session_id_generate(id);
	req.id = id;
	for (int c = 0; c < CGROUP_V1_COUNT; c++) {
		snprintf(layout.v1[c], sizeof(layout.v1[c]), "%s/%s", root, names[c]);
		snprintf(user[c], sizeof(user[c]), "%s/corral/user-1002", layout.v1[c]);
		if (!ok(fake_previous(layout.v1[c], names[c], prev, sizeof(prev)) == 0, "setup: fake %s", names[c]))
			return;
	}
	r = cgroup_session_open(&layout, &req, &s);
	is_int(r, 0, "v1: open with user limits only");
	if (r < 0)
		return;
	is_int(s.count, 3, "pids, cpu and freezer (no memory limit at any level)");
	is_int(s.shared_levels, 1, "one shared level");
	is_int(s.limits, CGROUP_LIMIT_SHARED, "no session limit, the user's level enforced");
	is_str(read_text(user[CGROUP_V1_PIDS], "pids.max"), "30", "user: pids.max = 30");
	is_str(read_text(user[CGROUP_V1_CPU], "cpu.cfs_quota_us"), "50000", "user: cpu.cfs_quota_us = 50000");
	ok(!exists(user[CGROUP_V1_MEMORY], "memory.limit_in_bytes"), "no memory level made");
	for (size_t i = 0; i < s.count; i++) {
		char want[CGROUP_PATH_MAX + 64];
		const char *slash = strrchr(s.dirs[i], '/');

		snprintf(want, sizeof(want), "/%s", id);
		ok(slash && strcmp(slash, want) == 0 && strncmp(s.dirs[i], root, strlen(root)) == 0 &&
			   strstr(s.dirs[i], "/corral/user-1002/") != NULL,
		   "%s is under corral/user-UID/", s.dirs[i]);
		truncate_procs(s.dirs[i]);
	}
	for (int c = 0; c < CGROUP_V1_COUNT; c++) {
		fake_previous(layout.v1[c], names[c], prev, sizeof(prev));
		truncate_procs(prev);
	}
	r = cgroup_session_close(&s, false);
	ok(r == -ENOTEMPTY || r == -EBUSY, "close (%d)", r);

	/* the config lost the user's cpu limit: the next login resets it */
	req.user_limits.cpu_percent = 0;
	session_id_generate(id);
	r = cgroup_session_open(&layout, &req, &s);
	is_int(r, 0, "another login after the cpu limit was taken out");
	ok(s.count == 2, "pids and freezer only now");
	is_str(read_text(user[CGROUP_V1_CPU], "cpu.cfs_quota_us"), "50000",
	       "the cpu level is not touched when no level needs the cpu controller");
	if (r == 0) {
		for (size_t i = 0; i < s.count; i++)
			truncate_procs(s.dirs[i]);
		cgroup_session_close(&s, false);
	}
}

/* logind's KillUserProcesses rule, which session.linger never widens. */
static void test_logind_rule(void)
{
	struct strlist none, root, alice;

	strlist_init(&none);
	strlist_init(&root);
	strlist_init(&alice);
	strlist_append(&root, "root");
	strlist_append(&alice, "alice");
	ok(!logind_shall_kill(false, &none, &root, "alice"), "KillUserProcesses=no (Debian's default): keep");
	ok(logind_shall_kill(true, &none, &root, "alice"), "KillUserProcesses=yes: kill");
	ok(!logind_shall_kill(true, &none, &root, "root"), "root is excluded by default");
	ok(!logind_shall_kill(true, &none, &none, "root"), "an empty exclude list still spares root");
	ok(logind_shall_kill(true, &none, &alice, "root"), "an exclude list without root does not");
	ok(!logind_shall_kill(true, &none, &alice, "alice"), "an excluded user is kept");
	ok(logind_shall_kill(false, &alice, &root, "alice"),
	   "KillOnlyUsers: its members are killed even with KillUserProcesses=no");
	ok(!logind_shall_kill(true, &alice, &root, "bob"), "and only they");
	strlist_free(&root);
	strlist_free(&alice);
}

static void test_none(void)
{
	struct cgroup_layout layout = { .mode = CGROUP_NONE };
	struct cgroup_limits none = { 0 }, some = { .processes = 5 };
	struct cgroup_session s;

	is_int(open_with(&layout, "x", &none, &s), 0, "no cgroups, no limits: fine");
	ok(s.count == 0 && s.limits == 0, "and nothing made");
	is_int(cgroup_session_close(&s, false), 0, "closing it is a no-op");
	is_int(cgroup_session_count(&s), -ENOENT, "no cgroup to count");
	is_int(open_with(&layout, "x", &some, &s), -EOPNOTSUPP, "no cgroups but a limit: -EOPNOTSUPP");
	some = (struct cgroup_limits){ .cpu_percent = 5 };
	is_int(open_with(&layout, "x", &some, &s), -EOPNOTSUPP, "also for limits.cpu");
}

static void test_count(const char *root)
{
	struct cgroup_session s = { .mode = CGROUP_V2, .count = 1 };
	char text[64], path[CGROUP_PATH_MAX + 64];
	int fd;

	snprintf(s.dirs[0], sizeof(s.dirs[0]), "%s", root);
	snprintf(text, sizeof(text), "%d\n%d\n", (int)getpid(), (int)getpid());
	snprintf(path, sizeof(path), "%s/cgroup.procs", root);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ok(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text) && close(fd) == 0,
	   "setup: a cgroup.procs of two lines");
	is_int(cgroup_session_count(&s), 2, "cgroup_session_count counts the lines");
	snprintf(s.dirs[0], sizeof(s.dirs[0]), "%s/nonexistent", root);
	is_int(cgroup_session_count(&s), -ENOENT, "a missing cgroup is -ENOENT");
}

int main(void)
{
	test_layout();
	test_self_path();
	test_pure_helpers();
	test_unit_names();
	test_logind_rule();
	test_none();
	if (geteuid() != 0) {
		ok(1, "# SKIP fake cgroup trees need root");
		return tap_done();
	}
	{
		static const char *const kinds[] = { "v2",    "v2-bare",   "v1",       "v1-partial",
						     "count", "v2-shared", "v1-shared" };
		char root[64], sub[128];

		snprintf(root, sizeof(root), "/tmp/corral-cgroup-XXXXXX");
		if (!mkdtemp(root) || chmod(root, 0755) < 0) {
			ok(0, "setup: temporary directory");
			return tap_done();
		}
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
			snprintf(sub, sizeof(sub), "%s/%s", root, kinds[i]);
			if (mkdir(sub, 0755) < 0)
				ok(0, "setup: %s", sub);
		}
		snprintf(sub, sizeof(sub), "%s/v2", root);
		test_v2_tree(sub);
		snprintf(sub, sizeof(sub), "%s/v2-bare", root);
		test_v2_no_limits(sub);
		snprintf(sub, sizeof(sub), "%s/v1", root);
		test_v1_tree(sub);
		snprintf(sub, sizeof(sub), "%s/v1-partial", root);
		test_v1_partial(sub);
		snprintf(sub, sizeof(sub), "%s/count", root);
		test_count(sub);
		snprintf(sub, sizeof(sub), "%s/v2-shared", root);
		test_v2_shared(sub);
		snprintf(sub, sizeof(sub), "%s/v1-shared", root);
		test_v1_shared(sub);
		nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	}
	return tap_done();
}
