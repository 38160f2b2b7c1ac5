/* systemd variant of the session cgroup (see cgroup_systemd.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_systemd.h"
#include "systemd_bus.h"
#include "util.h"

#define PROC_CGROUP_MAX 4096
#define WAIT_FIRST_NS 200000L /* the first look at where the scope put us */
#define WAIT_STEP_MAX_NS 20000000L

size_t cgroup_systemd_properties(const struct cgroup_limits *limits, bool reset,
				 struct systemd_property out[CGROUP_SYSTEMD_MAX_PROPERTIES])
{
	const uint64_t none = CGROUP_SYSTEMD_INFINITY;
	size_t n = 0;

	if (limits->processes || reset)
		out[n++] = (struct systemd_property){ "TasksMax", limits->processes ? limits->processes : none };
	if (limits->memory || reset) {
		out[n++] = (struct systemd_property){ "MemoryMax", limits->memory ? limits->memory : none };
		/* swap must not stretch the memory limit */
		out[n++] = (struct systemd_property){ "MemorySwapMax", limits->memory ? 0 : none };
	}
	if (limits->cpu_percent || reset) /* microseconds of CPU per second of wall time */
		out[n++] = (struct systemd_property){ "CPUQuotaPerSecUSec",
						      limits->cpu_percent ? limits->cpu_percent * 10000 : none };
	return n;
}

int cgroup_systemd_escape(const char *name, char *out, size_t outlen)
{
	size_t len = 0;

	for (const char *p = name; *p; p++) {
		unsigned char c = (unsigned char)*p;
		bool plain = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
			      c == '_' || c == '.') &&
			!(c == '.' && p == name);
		int n = plain ? snprintf(out + len, outlen - len, "%c", c)
			      : snprintf(out + len, outlen - len, "\\x%02x", c);

		if (n < 0 || (size_t)n >= outlen - len)
			return -ENAMETOOLONG;
		len += (size_t)n;
	}
	if (len == 0 && outlen)
		out[0] = '\0';
	return 0;
}

static int fits(int n)
{
	return n < 0 || n >= CGROUP_SYSTEMD_UNIT_MAX ? -ENAMETOOLONG : 0;
}

int cgroup_systemd_units(const struct cgroup_request *req, struct systemd_units *out)
{
	char prefix[CGROUP_SYSTEMD_UNIT_MAX] = "corral";
	int r;

	memset(out, 0, sizeof(*out));
	if (!req->id || !req->id[0] || strchr(req->id, '/'))
		return -EINVAL;
	if (req->group && req->group[0] && cgroup_limits_any(&req->group_limits)) {
		char group[CGROUP_SYSTEMD_UNIT_MAX];

		r = cgroup_systemd_escape(req->group, group, sizeof(group));
		if (r == 0)
			r = fits(snprintf(prefix, sizeof(prefix), "corral-group_%s", group));
		if (r == 0)
			r = fits(snprintf(out->slices[0], sizeof(out->slices[0]), "%s.slice", prefix));
		if (r < 0)
			return r;
		out->slice_limits[out->slice_count++] = &req->group_limits;
	}
	if (cgroup_limits_any(&req->user_limits)) {
		char *slice = out->slices[out->slice_count];

		r = fits(snprintf(slice, CGROUP_SYSTEMD_UNIT_MAX, "%s-user_%u.slice", prefix, (unsigned)req->uid));
		if (r < 0)
			return r;
		out->slice_limits[out->slice_count++] = &req->user_limits;
	}
	snprintf(out->parent, sizeof(out->parent), "%s",
		 out->slice_count ? out->slices[out->slice_count - 1] : CGROUP_SYSTEMD_ROOT_SLICE);
	return fits(snprintf(out->scope, sizeof(out->scope), "corral-%s.scope", req->id));
}

static int append_limits(const struct systemd_bus *api, sd_bus_message *m, const struct cgroup_limits *limits,
			 bool reset)
{
	struct systemd_property props[CGROUP_SYSTEMD_MAX_PROPERTIES];
	size_t n = cgroup_systemd_properties(limits, reset, props);
	int r = 0;

	for (size_t i = 0; i < n && r >= 0; i++)
		r = api->message_append(m, "(sv)", props[i].name, "t", props[i].value);
	return r;
}

static int new_manager_call(const struct systemd_bus *api, sd_bus *bus, sd_bus_message **m, const char *method)
{
	return api->message_new_method_call(bus, m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
					    "org.freedesktop.systemd1.Manager", method);
}

static int call(const struct systemd_bus *api, sd_bus *bus, sd_bus_message *m)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	int r = api->call(bus, m, CGROUP_SYSTEMD_BUS_TIMEOUT_US, &error, NULL);

	api->error_free(&error);
	return r;
}

/* A shared level's limits, set again at every login: a limit taken out of
 * the config must not stay behind on a slice that outlives it. */
static int set_slice_limits(const struct systemd_bus *api, sd_bus *bus, const char *slice,
			    const struct cgroup_limits *limits)
{
	sd_bus_message *m = NULL;
	int r = new_manager_call(api, bus, &m, "SetUnitProperties");

	if (r >= 0)
		r = api->message_append(m, "sb", slice, 1);
	if (r >= 0)
		r = api->message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = append_limits(api, m, limits, true);
	if (r >= 0)
		r = api->message_close_container(m);
	if (r >= 0)
		r = call(api, bus, m);
	api->message_unref(m);
	return r < 0 ? r : 0;
}

static int start_scope(const struct systemd_bus *api, sd_bus *bus, const struct systemd_units *units,
		       const struct cgroup_request *req)
{
	char description[256];
	sd_bus_message *m = NULL;
	int r = new_manager_call(api, bus, &m, "StartTransientUnit");

	snprintf(description, sizeof(description), "corral session %s of %s", req->id, req->user ? req->user : "?");
	if (r >= 0)
		r = api->message_append(m, "ss", units->scope, "fail");
	if (r >= 0)
		r = api->message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = api->message_append(m, "(sv)(sv)(sv)", "Description", "s", description, "Slice", "s", units->parent,
					"PIDs", "au", 1, (uint32_t)req->pid);
	/* a scope whose processes were killed must not stay behind as failed;
	 * the kernel's OOM killer ends the process that ran over the session's
	 * memory, not (OOMPolicy=stop, a scope's default) the whole session
	 * and the login daemon's process in it */
	if (r >= 0)
		r = api->message_append(m, "(sv)(sv)", "CollectMode", "s", "inactive-or-failed", "OOMPolicy", "s",
					"continue");
	if (r >= 0)
		r = append_limits(api, m, &req->session, false);
	if (r >= 0)
		r = api->message_close_container(m);
	if (r >= 0)
		r = api->message_append(m, "a(sa(sv))", 0);
	if (r >= 0)
		r = call(api, bus, m);
	api->message_unref(m);
	return r < 0 ? r : 0;
}

static int unified_path_of(pid_t pid, char *out, size_t outlen)
{
	char path[64], text[PROC_CGROUP_MAX];
	size_t n;
	int fd, r;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = read_all(fd, text, sizeof(text) - 1, &n);
	close(fd);
	if (r < 0)
		return r;
	return cgroup_self_path_parse(text, n, "", out, outlen);
}

static bool ends_with_unit(const char *path, const char *unit)
{
	size_t len = strlen(path), ulen = strlen(unit);

	return len > ulen && path[len - ulen - 1] == '/' && strcmp(path + len - ulen, unit) == 0;
}

/* The scope's start job moves pid; the session's first fork must come after. */
static int wait_for_move(pid_t pid, const char *scope, char *rel, size_t rellen)
{
	struct timespec step = { .tv_sec = 0, .tv_nsec = WAIT_FIRST_NS };
	uint64_t waited_ns = 0;

	for (;;) {
		int r = unified_path_of(pid, rel, rellen);

		if (r < 0)
			return r;
		if (ends_with_unit(rel, scope))
			return 0;
		if (waited_ns >= CGROUP_SYSTEMD_BUS_TIMEOUT_US * 1000)
			return -ETIMEDOUT;
		nanosleep(&step, NULL);
		waited_ns += (uint64_t)step.tv_nsec;
		if (step.tv_nsec < WAIT_STEP_MAX_NS)
			step.tv_nsec *= 2;
	}
}

int cgroup_systemd_open(const struct cgroup_layout *layout, const struct cgroup_request *req,
			struct cgroup_session *out)
{
	char rel[CGROUP_PATH_MAX] = "", previous[CGROUP_PATH_MAX] = "";
	const struct systemd_bus *api;
	struct systemd_units units;
	sd_bus *bus = NULL;
	int r;

	r = cgroup_systemd_units(req, &units);
	if (r < 0)
		return r;
	/* where the caller came from: close moves it back there (su from an
	 * admin's session), so that the end of the session spares it */
	if (unified_path_of(getpid(), previous, sizeof(previous)) == 0 &&
	    snprintf(out->previous[0], CGROUP_PATH_MAX, "%s%s", layout->v2, previous) >= CGROUP_PATH_MAX)
		out->previous[0][0] = '\0';
	r = systemd_bus_load(&api);
	if (r < 0)
		return r;
	r = api->open_system(&bus);
	for (size_t i = 0; i < units.slice_count && r >= 0; i++)
		r = set_slice_limits(api, bus, units.slices[i], units.slice_limits[i]);
	if (r >= 0)
		r = start_scope(api, bus, &units, req);
	api->flush_close_unref(bus);
	if (r < 0)
		return r;
	snprintf(out->unit, sizeof(out->unit), "%s", units.scope);
	r = wait_for_move(req->pid, units.scope, rel, sizeof(rel));
	if (r < 0)
		return r;
	if (snprintf(out->dirs[0], sizeof(out->dirs[0]), "%s%s", layout->v2, rel) >= (int)sizeof(out->dirs[0]))
		return -ENAMETOOLONG;
	out->count = 1;
	out->shared_levels = units.slice_count;
	out->limits = (req->session.processes ? CGROUP_LIMIT_PROCESSES : 0) |
		(req->session.memory ? CGROUP_LIMIT_MEMORY : 0) | (req->session.cpu_percent ? CGROUP_LIMIT_CPU : 0) |
		(units.slice_count ? CGROUP_LIMIT_SHARED : 0);
	return 0;
}
