/* Session cgroups on v1 controllers and on a plain v2 tree; the systemd
 * variant lives in cgroup_systemd.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_systemd.h"
#include "util.h"

#define MOUNTINFO_MAX ((size_t)1024 * 1024)
#define WAIT_STEP_NS 10000000L
#define CGROUP_PROCS_MAX \
	((size_t)64 * \
	 1024) /* a cgroup.procs listing we read whole */ /* 10 ms between looks at a cgroup being emptied */

static const char *const v1_names[CGROUP_V1_COUNT] = { "pids", "memory", "cpu", "freezer" };

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
		    s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static bool has_option(const char *options, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = options; *p;) {
		size_t n = strcspn(p, ",");

		if (n == len && strncmp(p, name, len) == 0)
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

/* One mountinfo line: mount point, fs type and super options. */
static void parse_mount_line(char *line, struct cgroup_layout *out)
{
	char *fields[12], *save = NULL, *dash, *type, *super;
	size_t n = 0;

	dash = strstr(line, " - ");
	if (!dash)
		return;
	*dash = '\0';
	for (char *f = strtok_r(line, " ", &save); f && n < 12; f = strtok_r(NULL, " ", &save))
		fields[n++] = f;
	if (n < 5)
		return;
	type = strtok_r(dash + 3, " ", &save);
	if (!type || !strtok_r(NULL, " ", &save))
		return;
	super = strtok_r(NULL, " ", &save);
	if (!super)
		return;
	unescape(fields[4]);
	if (strlen(fields[4]) >= CGROUP_PATH_MAX)
		return;
	if (strcmp(type, "cgroup2") == 0 && !out->v2[0]) {
		snprintf(out->v2, sizeof(out->v2), "%s", fields[4]);
	} else if (strcmp(type, "cgroup") == 0) {
		for (int c = 0; c < CGROUP_V1_COUNT; c++)
			if (!out->v1[c][0] && has_option(super, v1_names[c]))
				snprintf(out->v1[c], sizeof(out->v1[c]), "%s", fields[4]);
	}
}

int cgroup_layout_parse(const char *mountinfo, size_t len, bool systemd_running, struct cgroup_layout *out)
{
	const char *p = mountinfo, *end = mountinfo + len;
	bool any_v1 = false;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = strndup(p, n);

		if (!line)
			return -ENOMEM;
		parse_mount_line(line, out);
		free(line);
		p += n + 1;
	}
	for (int c = 0; c < CGROUP_V1_COUNT; c++)
		any_v1 |= out->v1[c][0] != '\0';
	/* a hybrid host (v1 controllers plus an empty unified mount) uses v1 */
	if (any_v1)
		out->mode = CGROUP_V1;
	else if (out->v2[0])
		out->mode = systemd_running ? CGROUP_SYSTEMD : CGROUP_V2;
	else
		out->mode = CGROUP_NONE;
	return 0;
}

static int read_small_file(const char *path, char *buf, size_t buflen, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), r;
	size_t got = 0;

	buf[0] = '\0';
	if (len)
		*len = 0;
	if (fd < 0)
		return -errno;
	r = read_all(fd, buf, buflen - 1, &got);
	close(fd);
	buf[got] = '\0';
	if (len)
		*len = got;
	return r;
}

int cgroup_layout_detect(struct cgroup_layout *out)
{
	struct stat st;
	char *text;
	size_t len;
	int r;

	text = malloc(MOUNTINFO_MAX);
	if (!text)
		return -ENOMEM;
	r = read_small_file("/proc/self/mountinfo", text, MOUNTINFO_MAX, &len);
	if (r == 0)
		r = cgroup_layout_parse(text, len, stat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode), out);
	free(text);
	return r;
}

uint64_t cgroup_cpu_quota_us(uint64_t percent)
{
	return percent * CGROUP_CPU_PERIOD_US / 100;
}

int cgroup_self_path_parse(const char *text, size_t len, const char *controller, char *out, size_t outlen)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *c1 = memchr(p, ':', n);

		if (c1) {
			const char *c2 = memchr(c1 + 1, ':', (size_t)(p + n - c1 - 1));

			if (c2) {
				char list[256];
				size_t list_len = (size_t)(c2 - c1 - 1), path_len = (size_t)(p + n - c2 - 1);

				if (list_len < sizeof(list)) {
					bool match;

					memcpy(list, c1 + 1, list_len);
					list[list_len] = '\0';
					match = controller[0] ? has_option(list, controller) : list_len == 0;
					if (match && path_len < outlen) {
						memcpy(out, c2 + 1, path_len);
						out[path_len] = '\0';
						return 0;
					}
				}
			}
		}
		p += n + 1;
	}
	return -ENOENT;
}

static int write_file(const char *dir, const char *name, const char *value)
{
	char path[CGROUP_PATH_MAX + 64];
	size_t len = strlen(value);
	ssize_t n;
	int fd, r = 0;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	/* O_CREAT only matters for a test's fake tree: cgroupfs makes the files */
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

static int write_number(const char *dir, const char *name, uint64_t value)
{
	char text[32];

	snprintf(text, sizeof(text), "%llu", (unsigned long long)value);
	return write_file(dir, name, text);
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int join_path(char *out, size_t outlen, const char *a, const char *b)
{
	if (snprintf(out, outlen, "%s/%s", a, b) >= (int)outlen)
		return -ENAMETOOLONG;
	return 0;
}

/* Where the caller sits now in one hierarchy (mount point + own path). */
static int previous_dir(const char *mount, const char *controller, char *out, size_t outlen)
{
	char text[CGROUP_FILE_MAX], rel[CGROUP_PATH_MAX];
	size_t len;
	int r = read_small_file("/proc/self/cgroup", text, sizeof(text), &len);

	if (r < 0)
		return r;
	r = cgroup_self_path_parse(text, len, controller, rel, sizeof(rel));
	if (r < 0)
		return r;
	if (snprintf(out, outlen, "%s%s", mount, strcmp(rel, "/") == 0 ? "" : rel) >= (int)outlen)
		return -ENAMETOOLONG;
	return 0;
}

static int move_pid(const char *dir, pid_t pid)
{
	char text[32];

	snprintf(text, sizeof(text), "%d", (int)pid);
	return write_file(dir, "cgroup.procs", text);
}

/* A name that is one directory entry of our own: never "", ".", ".." or a path. */
static bool is_plain_name(const char *name)
{
	return name && name[0] && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 && !strchr(name, '/');
}

bool cgroup_limits_any(const struct cgroup_limits *limits)
{
	return limits->processes || limits->memory || limits->cpu_percent;
}

/* The levels of a request, outermost first: their directory names and limits. */
struct level {
	char name[CGROUP_GROUP_NAME_MAX + 16];
	const struct cgroup_limits *limits;
};

static size_t request_levels(const struct cgroup_request *req, struct level out[CGROUP_LEVEL_MAX])
{
	size_t n = 0;

	if (req->group && req->group[0] && cgroup_limits_any(&req->group_limits)) {
		snprintf(out[n].name, sizeof(out[n].name), "group-%s", req->group);
		out[n++].limits = &req->group_limits;
	}
	if (cgroup_limits_any(&req->user_limits)) {
		snprintf(out[n].name, sizeof(out[n].name), "user-%u", (unsigned)req->uid);
		out[n++].limits = &req->user_limits;
	}
	snprintf(out[n].name, sizeof(out[n].name), "%s", req->id);
	out[n++].limits = &req->session;
	return n;
}

int cgroup_session_relpath(const struct cgroup_request *req, char *out, size_t outlen)
{
	struct level levels[CGROUP_LEVEL_MAX];
	size_t n = request_levels(req, levels), len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(out + len, outlen - len, "%s%s", i ? "/" : "", levels[i].name);

		if (w < 0 || (size_t)w >= outlen - len)
			return -ENAMETOOLONG;
		len += (size_t)w;
	}
	return 0;
}

/* Every limit any level sets, for which controllers are needed. */
static struct cgroup_limits union_of(const struct level *levels, size_t n)
{
	struct cgroup_limits u = { 0 };

	for (size_t i = 0; i < n; i++) {
		u.processes |= levels[i].limits->processes;
		u.memory |= levels[i].limits->memory;
		u.cpu_percent |= levels[i].limits->cpu_percent;
	}
	return u;
}

/* The directory of shared level i, from parent (the innermost one's). */
static void shared_level_dir(const char *parent, const struct level *levels, size_t shared, size_t i, char *out,
			     size_t outlen)
{
	size_t cut = strlen(parent);

	for (size_t up = shared - 1; up > i; up--)
		cut -= strlen(levels[up].name) + 1;
	snprintf(out, outlen, "%.*s", (int)cut, parent);
}

/* Makes base/level/... down to the session's parent; a shared level made
 * earlier is reused. Another logout's collector may remove an empty one
 * between our mkdir calls: then the walk starts again. */
static int make_levels(const char *base, const struct level *levels, size_t shared, char *out, size_t outlen)
{
	int r = 0;

	for (int attempt = 0; attempt < 3; attempt++) {
		r = snprintf(out, outlen, "%s", base) >= (int)outlen ? -ENAMETOOLONG : make_dir(out);
		for (size_t i = 0; i < shared && r == 0; i++) {
			size_t len = strlen(out);

			r = snprintf(out + len, outlen - len, "/%s", levels[i].name) >= (int)(outlen - len)
				? -ENAMETOOLONG
				: make_dir(out);
		}
		if (r != -ENOENT)
			break;
	}
	return r;
}

/* The limits of one shared level in one v1 hierarchy; an unset one is
 * reset, so a limit taken out of the config does not stay behind. */
static int write_shared_v1(const char *dir, enum cgroup_v1_controller c, const struct cgroup_limits *l)
{
	char memsw[CGROUP_PATH_MAX + 64];
	int r = 0;

	switch (c) {
	case CGROUP_V1_PIDS:
		return l->processes ? write_number(dir, "pids.max", l->processes) : write_file(dir, "pids.max", "max");
	case CGROUP_V1_MEMORY:
		/* memsw may never be below the memory limit: open it up first */
		snprintf(memsw, sizeof(memsw), "%s/memory.memsw.limit_in_bytes", dir);
		if (access(memsw, F_OK) == 0)
			r = write_file(dir, "memory.memsw.limit_in_bytes", "-1");
		if (r == 0)
			r = l->memory ? write_number(dir, "memory.limit_in_bytes", l->memory)
				      : write_file(dir, "memory.limit_in_bytes", "-1");
		if (r == 0 && l->memory && access(memsw, F_OK) == 0)
			r = write_number(dir, "memory.memsw.limit_in_bytes", l->memory);
		return r;
	case CGROUP_V1_CPU:
		r = write_number(dir, "cpu.cfs_period_us", CGROUP_CPU_PERIOD_US);
		if (r == 0)
			r = l->cpu_percent ? write_number(dir, "cpu.cfs_quota_us", cgroup_cpu_quota_us(l->cpu_percent))
					   : write_file(dir, "cpu.cfs_quota_us", "-1");
		return r;
	default:
		return 0;
	}
}

/* A session's own limit in one v1 hierarchy (its directory is new). */
static int write_session_v1(const char *dir, enum cgroup_v1_controller c, const struct cgroup_limits *l,
			    unsigned *enforced)
{
	char memsw[CGROUP_PATH_MAX + 64];
	int r = 0;

	if (c == CGROUP_V1_PIDS && l->processes) {
		r = write_number(dir, "pids.max", l->processes);
		*enforced |= r == 0 ? CGROUP_LIMIT_PROCESSES : 0;
	} else if (c == CGROUP_V1_MEMORY && l->memory) {
		r = write_number(dir, "memory.limit_in_bytes", l->memory);
		/* with swap accounting, swap must not stretch the limit */
		snprintf(memsw, sizeof(memsw), "%s/memory.memsw.limit_in_bytes", dir);
		if (r == 0 && access(memsw, F_OK) == 0)
			r = write_number(dir, "memory.memsw.limit_in_bytes", l->memory);
		*enforced |= r == 0 ? CGROUP_LIMIT_MEMORY : 0;
	} else if (c == CGROUP_V1_CPU && l->cpu_percent) {
		r = write_number(dir, "cpu.cfs_period_us", CGROUP_CPU_PERIOD_US);
		if (r == 0)
			r = write_number(dir, "cpu.cfs_quota_us", cgroup_cpu_quota_us(l->cpu_percent));
		*enforced |= r == 0 ? CGROUP_LIMIT_CPU : 0;
	}
	return r;
}

static int open_v1(const struct cgroup_layout *layout, const struct cgroup_request *req, struct cgroup_session *out)
{
	struct level levels[CGROUP_LEVEL_MAX];
	size_t n = request_levels(req, levels), shared = n - 1;
	struct cgroup_limits all = union_of(levels, n);
	const bool wanted[CGROUP_V1_COUNT] = {
		[CGROUP_V1_PIDS] = true, /* counts the session's tasks even without a limit */
		[CGROUP_V1_MEMORY] = all.memory != 0,
		[CGROUP_V1_CPU] = all.cpu_percent != 0,
		[CGROUP_V1_FREEZER] = true,
	};
	int r = 0;

	if ((all.memory && !layout->v1[CGROUP_V1_MEMORY][0]) || (all.cpu_percent && !layout->v1[CGROUP_V1_CPU][0]) ||
	    (all.processes && !layout->v1[CGROUP_V1_PIDS][0]))
		return -EOPNOTSUPP;
	out->shared_levels = shared;
	for (int c = 0; c < CGROUP_V1_COUNT && r == 0; c++) {
		char base[CGROUP_PATH_MAX], parent[CGROUP_PATH_MAX], *dir = out->dirs[out->count];

		if (!wanted[c] || !layout->v1[c][0])
			continue;
		r = join_path(base, sizeof(base), layout->v1[c], CGROUP_BASE_NAME);
		if (r == 0)
			r = make_levels(base, levels, shared, parent, sizeof(parent));
		/* each shared level in turn: parent holds the innermost one */
		for (size_t i = 0; i < shared && r == 0; i++) {
			char level_dir[CGROUP_PATH_MAX];

			shared_level_dir(parent, levels, shared, i, level_dir, sizeof(level_dir));
			r = write_shared_v1(level_dir, (enum cgroup_v1_controller)c, levels[i].limits);
		}
		if (r == 0)
			r = join_path(dir, CGROUP_PATH_MAX, parent, req->id);
		if (r == 0)
			r = previous_dir(layout->v1[c], v1_names[c], out->previous[out->count], CGROUP_PATH_MAX);
		if (r == 0 && mkdir(dir, 0755) < 0)
			r = -errno;
		if (r < 0)
			break;
		out->count++;
		if (c == CGROUP_V1_FREEZER)
			out->freezer_slot = out->count;
		r = write_session_v1(dir, (enum cgroup_v1_controller)c, &req->session, &out->limits);
	}
	for (size_t i = 0; i < out->count && r == 0; i++)
		r = move_pid(out->dirs[i], req->pid);
	if (r == 0 && shared)
		out->limits |= CGROUP_LIMIT_SHARED;
	return r;
}

/* The v2 limit files of one level; reset is for shared levels, where a
 * limit no longer set must not stay behind. */
static int write_limits_v2(const char *dir, const struct cgroup_limits *l, const struct cgroup_limits *enabled,
			   bool reset, unsigned *enforced)
{
	int r = 0;

	if (enabled->processes && (l->processes || reset)) {
		r = l->processes ? write_number(dir, "pids.max", l->processes) : write_file(dir, "pids.max", "max");
		*enforced |= r == 0 && l->processes ? CGROUP_LIMIT_PROCESSES : 0;
	}
	if (r == 0 && enabled->memory && (l->memory || reset)) {
		char swap[CGROUP_PATH_MAX + 64];

		r = l->memory ? write_number(dir, "memory.max", l->memory) : write_file(dir, "memory.max", "max");
		snprintf(swap, sizeof(swap), "%s/memory.swap.max", dir);
		if (r == 0 && access(swap, F_OK) == 0)
			r = write_file(dir, "memory.swap.max", l->memory ? "0" : "max");
		*enforced |= r == 0 && l->memory ? CGROUP_LIMIT_MEMORY : 0;
	}
	if (r == 0 && enabled->cpu_percent && (l->cpu_percent || reset)) {
		char value[64];

		if (l->cpu_percent)
			snprintf(value, sizeof(value), "%llu %llu",
				 (unsigned long long)cgroup_cpu_quota_us(l->cpu_percent),
				 (unsigned long long)CGROUP_CPU_PERIOD_US);
		else
			snprintf(value, sizeof(value), "max %llu", (unsigned long long)CGROUP_CPU_PERIOD_US);
		r = write_file(dir, "cpu.max", value);
		*enforced |= r == 0 && l->cpu_percent ? CGROUP_LIMIT_CPU : 0;
	}
	return r;
}

static int enable_controllers(const char *dir, const char *controllers)
{
	int r = controllers[0] ? write_file(dir, "cgroup.subtree_control", controllers) : 0;

	return r == -ENOENT || r == -EINVAL ? -EOPNOTSUPP : r;
}

static int open_v2(const struct cgroup_layout *layout, const struct cgroup_request *req, struct cgroup_session *out)
{
	struct level levels[CGROUP_LEVEL_MAX];
	size_t n = request_levels(req, levels), shared = n - 1;
	struct cgroup_limits all = union_of(levels, n);
	char base[CGROUP_PATH_MAX], parent[CGROUP_PATH_MAX], controllers[64] = "", *dir = out->dirs[0];
	unsigned ignored = 0;
	int r;

	if (all.processes)
		strcat(controllers, "+pids ");
	if (all.memory)
		strcat(controllers, "+memory ");
	if (all.cpu_percent)
		strcat(controllers, "+cpu ");
	if (controllers[0])
		controllers[strlen(controllers) - 1] = '\0';
	out->shared_levels = shared;
	r = join_path(base, sizeof(base), layout->v2, CGROUP_BASE_NAME);
	if (r == 0)
		r = make_dir(base);
	if (r == 0)
		r = enable_controllers(layout->v2, controllers);
	if (r == 0)
		r = enable_controllers(base, controllers);
	if (r == 0)
		r = make_levels(base, levels, shared, parent, sizeof(parent));
	/* every shared level: its limits, and the controllers for the levels below */
	for (size_t i = 0; i < shared && r == 0; i++) {
		char level_dir[CGROUP_PATH_MAX];

		shared_level_dir(parent, levels, shared, i, level_dir, sizeof(level_dir));
		r = write_limits_v2(level_dir, levels[i].limits, &all, true, &ignored);
		if (r == 0)
			r = enable_controllers(level_dir, controllers);
	}
	if (r == 0)
		r = join_path(dir, CGROUP_PATH_MAX, parent, req->id);
	if (r == 0)
		r = previous_dir(layout->v2, "", out->previous[0], CGROUP_PATH_MAX);
	if (r == 0 && mkdir(dir, 0755) < 0)
		r = -errno;
	if (r < 0)
		return r;
	out->count = 1;
	r = write_limits_v2(dir, &req->session, &req->session, false, &out->limits);
	if (r == 0)
		r = move_pid(dir, req->pid);
	if (r == 0 && shared)
		out->limits |= CGROUP_LIMIT_SHARED;
	return r;
}

int cgroup_session_open(const struct cgroup_layout *layout, const struct cgroup_request *req,
			struct cgroup_session *out)
{
	bool any = cgroup_limits_any(&req->session) || cgroup_limits_any(&req->user_limits) ||
		cgroup_limits_any(&req->group_limits);
	int r;

	memset(out, 0, sizeof(*out));
	out->mode = layout->mode;
	if (!is_plain_name(req->id) || (req->group && req->group[0] && strchr(req->group, '/')))
		return -EINVAL;
	switch (layout->mode) {
	case CGROUP_V1:
		r = open_v1(layout, req, out);
		break;
	case CGROUP_V2:
		r = open_v2(layout, req, out);
		break;
	case CGROUP_SYSTEMD:
		r = cgroup_systemd_open(layout, req, out);
		break;
	default:
		r = any ? -EOPNOTSUPP : 0;
		break;
	}
	if (r < 0) {
		cgroup_session_close(out, false);
		memset(out, 0, sizeof(*out));
	}
	return r;
}

static void pause_briefly(void)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = WAIT_STEP_NS };

	nanosleep(&ts, NULL);
}

/* dir/name (a list of ids, one a line) into a buffer of CGROUP_PROCS_MAX
 * for the caller to free, or -errno. */
static int cgroup_list_read(const char *dir, const char *name, char **text)
{
	char path[CGROUP_PATH_MAX + 64];
	int r;

	*text = malloc(CGROUP_PROCS_MAX);
	if (!*text)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	r = read_small_file(path, *text, CGROUP_PROCS_MAX, NULL);
	if (r < 0) {
		free(*text);
		*text = NULL;
	}
	return r;
}

/* SIGKILLs every pid listed in dir/cgroup.procs but the caller. Returns
 * how many were listed (the caller excluded), or -errno. */
static long kill_listed(const char *dir)
{
	pid_t self = getpid();
	long listed = 0;
	char *text, *p;
	int r = cgroup_list_read(dir, "cgroup.procs", &text);

	if (r < 0)
		return r;
	for (p = text; *p;) {
		char *end;
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		p = end + strspn(end, "\n");
		if (pid <= 0 || pid == self)
			continue;
		listed++;
		kill((pid_t)pid, SIGKILL);
	}
	free(text);
	return listed;
}

/* How many tasks (threads, a dying leader's too) dir lists, or -errno. */
static long cgroup_tasks_listed(const char *dir)
{
	long count = 0;
	char *text;
	int r = cgroup_list_read(dir, "tasks", &text);

	if (r < 0)
		return r;
	for (const char *p = text; *p; p++)
		count += *p == '\n';
	free(text);
	return count;
}

static bool freezer_reached(const char *dir, const char *state)
{
	char path[CGROUP_PATH_MAX + 64], text[64];

	snprintf(path, sizeof(path), "%s/freezer.state", dir);
	if (read_small_file(path, text, sizeof(text), NULL) < 0)
		return true; /* nothing to wait for */
	return strncmp(text, state, strlen(state)) == 0;
}

/* A cgroup removed under the reader (systemd collects an empty scope at
 * once) answers ENOENT, or ENODEV when it went between open and read. */
static bool cgroup_gone(long err)
{
	return err == -ENOENT || err == -ENODEV;
}

/* v1: freeze (so nothing forks while we look), kill what is listed, thaw
 * (frozen tasks cannot die), until the cgroup is empty. An empty cgroup
 * (the usual logout: the shell has ended) is not frozen: no task is in it
 * to fork, and only root can move one in. Freezing is not free: the first
 * frozen cgroup switches a static key, which patches kernel text on every
 * CPU (a millisecond on a VM), and thawing switches it back. */
static int end_v1(const struct cgroup_session *s)
{
	const char *freezer = s->freezer_slot ? s->dirs[s->freezer_slot - 1] : NULL;
	const char *pids = s->dirs[0];
	long listed = cgroup_tasks_listed(freezer ? freezer : pids);

	if (listed == 0)
		return 0;
	for (int round = 0; round < CGROUP_KILL_ROUNDS; round++) {
		long left;

		if (freezer && write_file(freezer, "freezer.state", "FROZEN") == 0)
			for (int wait = 0; wait < 50 && !freezer_reached(freezer, "FROZEN"); wait++)
				pause_briefly();
		left = kill_listed(freezer ? freezer : pids);
		if (freezer)
			write_file(freezer, "freezer.state", "THAWED");
		if (left <= 0)
			return left < 0 && !cgroup_gone(left) ? (int)left : 0;
		pause_briefly();
	}
	return -EBUSY;
}

/* The caller is still inside: cgroup.kill would take it too. */
static int end_sparing_caller(const char *dir)
{
	for (int round = 0; round < CGROUP_KILL_ROUNDS; round++) {
		long left = kill_listed(dir);

		if (left <= 0)
			return left < 0 && !cgroup_gone(left) ? (int)left : 0;
		pause_briefly();
	}
	return -EBUSY;
}

/* v2: cgroup.kill when the kernel has it, else the same kill loop. */
static int end_v2(const struct cgroup_session *s)
{
	for (int round = 0; round < CGROUP_KILL_ROUNDS; round++) {
		long left;

		if (round == 0)
			write_file(s->dirs[0], "cgroup.kill", "1");
		left = kill_listed(s->dirs[0]);
		if (left <= 0)
			return left < 0 && !cgroup_gone(left) ? (int)left : 0;
		pause_briefly();
	}
	return -EBUSY;
}

/* The shared levels above a removed session cgroup go too once no other
 * session uses them (rmdir refuses a cgroup that still has children). */
static void remove_empty_levels(const char *dir, size_t levels)
{
	char path[CGROUP_PATH_MAX];

	snprintf(path, sizeof(path), "%s", dir);
	for (size_t i = 0; i < levels; i++) {
		char *slash = strrchr(path, '/');

		if (!slash || slash == path)
			return;
		*slash = '\0';
		if (rmdir(path) < 0)
			return;
	}
}

int cgroup_session_close(struct cgroup_session *s, bool linger)
{
	bool moved_out = true;
	int r = 0, e;

	if (s->count == 0)
		return 0;
	/* out first: the caller must not freeze or kill itself */
	for (size_t i = 0; i < s->count; i++) {
		e = s->previous[i][0] ? move_pid(s->previous[i], getpid()) : -ENOENT;
		if (e < 0)
			moved_out = false;
		if (e < 0 && s->previous[i][0] && r == 0)
			r = e;
	}
	if (s->mode == CGROUP_SYSTEMD) {
		/* sshd's monitor cannot go back: logind's scope it came from
		 * ended when it left. It stays, spared by the kill loop, and
		 * systemd removes the scope once it is empty. */
		e = linger ? 0 : moved_out ? end_v2(s) : end_sparing_caller(s->dirs[0]);
		s->count = 0;
		return e;
	}
	if (linger)
		return r;
	e = !moved_out ? end_sparing_caller(s->dirs[0]) : s->mode == CGROUP_V1 ? end_v1(s) : end_v2(s);
	if (e < 0 && r == 0)
		r = e;
	for (size_t i = s->count; i-- > 0;) {
		for (int wait = 0; wait < 50; wait++) {
			if (rmdir(s->dirs[i]) == 0 || errno == ENOENT)
				break;
			if (errno != EBUSY || wait == 49) {
				if (r == 0)
					r = -errno;
				break;
			}
			pause_briefly();
		}
		remove_empty_levels(s->dirs[i], s->shared_levels);
	}
	s->count = 0;
	return r;
}

/* Collects in one directory: session cgroups (32 hex digits) whose
 * session is gone, and, one or two levels down, the group-G/ and user-UID/
 * levels, which go once nothing is left in them. */
static size_t collect_dir(int parent, const char *name, unsigned depth, bool (*in_use)(const char *id, void *data),
			  void *data)
{
	time_t now = time(NULL);
	struct dirent *de;
	size_t removed = 0;
	DIR *dir;
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return 0;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return 0;
	}
	while ((de = readdir(dir)) != NULL) {
		bool level = depth < CGROUP_LEVEL_MAX - 1 &&
			(strncmp(de->d_name, "group-", 6) == 0 || strncmp(de->d_name, "user-", 5) == 0);
		struct stat st;

		if (de->d_name[0] == '.' || (!level && (strlen(de->d_name) != 32 || in_use(de->d_name, data))))
			continue;
		/* young ones may belong to a login that is still being set up */
		if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode) ||
		    now - st.st_mtime < CGROUP_COLLECT_AGE)
			continue;
		if (level)
			removed += collect_dir(dirfd(dir), de->d_name, depth + 1, in_use, data);
		/* a level still in use keeps its children: rmdir refuses it */
		if (unlinkat(dirfd(dir), de->d_name, AT_REMOVEDIR) == 0 && !level)
			removed++;
	}
	closedir(dir);
	return removed;
}

static size_t collect_in(const char *mount, bool (*in_use)(const char *id, void *data), void *data)
{
	char base[CGROUP_PATH_MAX];

	if (!mount[0] || join_path(base, sizeof(base), mount, CGROUP_BASE_NAME) < 0)
		return 0;
	return collect_dir(AT_FDCWD, base, 0, in_use, data);
}

size_t cgroup_collect_lingered(const struct cgroup_layout *layout, bool (*in_use)(const char *id, void *data),
			       void *data)
{
	size_t removed = 0;

	if (layout->mode == CGROUP_V1)
		for (int c = 0; c < CGROUP_V1_COUNT; c++)
			removed += collect_in(layout->v1[c], in_use, data);
	else if (layout->mode == CGROUP_V2)
		removed += collect_in(layout->v2, in_use, data);
	return removed;
}

long cgroup_session_count(const struct cgroup_session *s)
{
	char path[CGROUP_PATH_MAX + 64], *text;
	long count = 0;
	int r;

	if (s->count == 0)
		return -ENOENT;
	text = malloc(CGROUP_PROCS_MAX);
	if (!text)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/cgroup.procs", s->dirs[0]);
	r = read_small_file(path, text, CGROUP_PROCS_MAX, NULL);
	for (char *p = text; r == 0 && *p; p++)
		count += *p == '\n';
	free(text);
	return r < 0 ? r : count;
}

/* Files a limit lives in, v2 then v1: whichever the session's directory has. */
static bool dir_has(const char *dir, const char *name)
{
	char path[CGROUP_PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

int cgroup_dir_narrow(const char *dir, const struct cgroup_limits *l, unsigned *applied)
{
	int r = 0;

	if (l->processes && dir_has(dir, "pids.max")) {
		r = write_number(dir, "pids.max", l->processes);
		*applied |= r == 0 ? CGROUP_LIMIT_PROCESSES : 0;
	}
	if (r == 0 && l->memory && dir_has(dir, "memory.max")) {
		r = write_number(dir, "memory.max", l->memory);
		*applied |= r == 0 ? CGROUP_LIMIT_MEMORY : 0;
	} else if (r == 0 && l->memory && dir_has(dir, "memory.limit_in_bytes")) {
		/* memsw may never be below the memory limit: lower memory first */
		r = write_number(dir, "memory.limit_in_bytes", l->memory);
		if (r == 0 && dir_has(dir, "memory.memsw.limit_in_bytes"))
			r = write_number(dir, "memory.memsw.limit_in_bytes", l->memory);
		*applied |= r == 0 ? CGROUP_LIMIT_MEMORY : 0;
	}
	if (r == 0 && l->cpu_percent && dir_has(dir, "cpu.max")) {
		char cpu[64];

		snprintf(cpu, sizeof(cpu), "%llu %llu", (unsigned long long)cgroup_cpu_quota_us(l->cpu_percent),
			 (unsigned long long)CGROUP_CPU_PERIOD_US);
		r = write_file(dir, "cpu.max", cpu);
		*applied |= r == 0 ? CGROUP_LIMIT_CPU : 0;
	} else if (r == 0 && l->cpu_percent && dir_has(dir, "cpu.cfs_quota_us")) {
		r = write_number(dir, "cpu.cfs_period_us", CGROUP_CPU_PERIOD_US);
		if (r == 0)
			r = write_number(dir, "cpu.cfs_quota_us", cgroup_cpu_quota_us(l->cpu_percent));
		*applied |= r == 0 ? CGROUP_LIMIT_CPU : 0;
	}
	return r;
}
