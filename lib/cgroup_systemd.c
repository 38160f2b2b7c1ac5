/* systemd variant of the session cgroup (see cgroup_systemd.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_systemd.h"

#define SCOPE_SUFFIX ".scope"
#define PROC_CGROUP_MAX 4096

size_t cgroup_systemd_properties(const struct cgroup_limits *limits,
				 struct systemd_property out[CGROUP_SYSTEMD_MAX_PROPERTIES])
{
	size_t n = 0;

	if (limits->processes)
		out[n++] = (struct systemd_property){ "TasksMax", limits->processes };
	if (limits->memory)
		out[n++] = (struct systemd_property){ "MemoryMax", limits->memory };
	if (limits->cpu_percent)  /* microseconds of CPU per second of wall time */
		out[n++] = (struct systemd_property){ "CPUQuotaPerSecUSec", limits->cpu_percent * 10000 };
	return n;
}

int cgroup_systemd_scope_of(const char *path, char *unit, size_t unitlen)
{
	const char *last = strrchr(path, '/');
	size_t len, suffix = strlen(SCOPE_SUFFIX);

	last = last ? last + 1 : path;
	len = strlen(last);
	if (len <= suffix || strcmp(last + len - suffix, SCOPE_SUFFIX) != 0 || len >= unitlen)
		return -ENOENT;
	for (const char *p = last; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("-_.:@\\", *p)))
			return -ENOENT;
	memcpy(unit, last, len + 1);
	return 0;
}

static int set_properties(const char *unit, const struct systemd_property *props, size_t n)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus *bus = NULL;
	int r;

	r = sd_bus_open_system(&bus);
	if (r < 0)
		goto out;
	r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
					   "org.freedesktop.systemd1.Manager", "SetUnitProperties");
	if (r >= 0)
		r = sd_bus_message_append(m, "sb", unit, 1);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(sv)");
	for (size_t i = 0; i < n && r >= 0; i++)
		r = sd_bus_message_append(m, "(sv)", props[i].name, "t", props[i].value);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_call(bus, m, CGROUP_SYSTEMD_BUS_TIMEOUT_US, &error, &reply);
out:
	sd_bus_error_free(&error);
	sd_bus_message_unref(reply);
	sd_bus_message_unref(m);
	sd_bus_flush_close_unref(bus);
	return r < 0 ? r : 0;
}

static int own_unified_path(pid_t pid, char *out, size_t outlen)
{
	char path[64], text[PROC_CGROUP_MAX] = "";
	ssize_t n;
	int fd, r;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, text, sizeof(text) - 1);
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	return cgroup_self_path_parse(text, (size_t)n, "", out, outlen);
}

int cgroup_systemd_open(const struct cgroup_layout *layout, const struct cgroup_limits *limits, pid_t pid,
			struct cgroup_session *out)
{
	struct systemd_property props[CGROUP_SYSTEMD_MAX_PROPERTIES];
	char rel[CGROUP_PATH_MAX] = "";
	size_t n = cgroup_systemd_properties(limits, props);
	int r;

	r = own_unified_path(pid, rel, sizeof(rel));
	if (r == 0)
		r = cgroup_systemd_scope_of(rel, out->unit, sizeof(out->unit));
	if (r < 0)
		/* not in a scope (pam_systemd missing?): nothing we may limit */
		return n ? -EOPNOTSUPP : 0;
	if (snprintf(out->dirs[0], sizeof(out->dirs[0]), "%s%s", layout->v2, rel) >= (int)sizeof(out->dirs[0]))
		return -ENAMETOOLONG;
	out->count = 1;
	if (n) {
		r = set_properties(out->unit, props, n);
		if (r < 0)
			return r;
		for (size_t i = 0; i < n; i++)
			out->limits |= strcmp(props[i].name, "TasksMax") == 0    ? CGROUP_LIMIT_PROCESSES
				       : strcmp(props[i].name, "MemoryMax") == 0 ? CGROUP_LIMIT_MEMORY
										 : CGROUP_LIMIT_CPU;
	}
	return 0;
}

int cgroup_systemd_end(struct cgroup_session *s)
{
	char path[CGROUP_PATH_MAX + 64];
	struct timespec pause = { .tv_sec = 0, .tv_nsec = 10000000L };

	if (s->count == 0)
		return 0;
	snprintf(path, sizeof(path), "%s/cgroup.procs", s->dirs[0]);
	for (int round = 0; round < CGROUP_KILL_ROUNDS; round++) {
		char text[CGROUP_FILE_MAX];
		long others = 0;
		ssize_t n;
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return errno == ENOENT ? 0 : -errno;
		n = read(fd, text, sizeof(text) - 1);
		close(fd);
		if (n <= 0)
			return 0;
		text[n] = '\0';
		for (char *p = text, *end; *p; p = end + (*end != '\0')) {
			long pid = strtol(p, &end, 10);

			if (end == p)
				break;
			if (pid > 0 && pid != getpid()) {
				others++;
				kill((pid_t)pid, SIGKILL);
			}
		}
		if (others == 0)
			return 0;
		nanosleep(&pause, NULL);
	}
	return -EBUSY;
}
