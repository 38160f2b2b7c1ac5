/* /proc readers behind procinfo.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procinfo.h"

#define STAT_START_FIELD 22 /* starttime, counting pid as field 1 */

static int parse_u64(const char *s, const char **end, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*end = p;
	*out = v;
	return 0;
}

int proc_stat_parse(const char *text, size_t len, struct proc_stat *out)
{
	char buf[PROCINFO_STAT_MAX];
	const char *p, *end;
	uint64_t value;
	int field;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, text, len);
	buf[len] = '\0';
	/* fields after the name start behind its last ')' */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2] || p[3] != ' ')
		return -EINVAL;
	out->state = p[2];
	p += 4; /* field 4: ppid */
	/* "12abc" is not a ppid: the field must end where the next begins */
	if (parse_u64(p, &end, &value) < 0 || value > INT32_MAX || *end != ' ')
		return -EINVAL;
	out->ppid = (pid_t)value;
	p = end + 1; /* field 5: pgrp */
	if (parse_u64(p, &end, &value) < 0 || value > INT32_MAX || *end != ' ')
		return -EINVAL;
	out->pgrp = (pid_t)value;
	for (field = 5; field < STAT_START_FIELD; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -EINVAL;
		p++;
	}
	if (parse_u64(p, &end, &value) < 0 || (*end != ' ' && *end != '\n' && *end != '\0'))
		return -EINVAL;
	out->start_time = value;
	return 0;
}

int proc_stat_read(pid_t pid, struct proc_stat *out)
{
	char path[64], buf[PROCINFO_STAT_MAX];
	ssize_t n;
	int fd, r;

	if (pid <= 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	return proc_stat_parse(buf, (size_t)n, out);
}

bool proc_is_alive(pid_t pid, uint64_t start_time)
{
	struct proc_stat st = { 0 };

	return proc_stat_read(pid, &st) == 0 && st.start_time == start_time && st.state != 'Z' && st.state != 'X';
}

bool proc_is_ancestor(pid_t ancestor, uint64_t start_time, pid_t pid)
{
	return proc_is_alive(ancestor, start_time) && proc_descends_from(ancestor, pid);
}

bool proc_descends_from(pid_t ancestor, pid_t pid)
{
	for (int depth = 0; depth < PROCINFO_MAX_ANCESTRY && pid > 0; depth++) {
		struct proc_stat st = { 0 };

		if (pid == ancestor)
			return true;
		if (proc_stat_read(pid, &st) < 0)
			return false;
		pid = st.ppid;
	}
	return false;
}

int proc_mount_namespace(pid_t pid, uint64_t *inode)
{
	char path[64];
	struct stat st;

	if (pid == 0)
		snprintf(path, sizeof(path), "/proc/self/ns/mnt");
	else
		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	if (stat(path, &st) < 0)
		return -errno;
	*inode = (uint64_t)st.st_ino;
	return 0;
}

pid_t proc_thread_group(pid_t tid)
{
	char path[64], text[2048];
	const char *line;
	ssize_t n;
	int fd;

	if (tid <= 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	text[n] = '\0';
	line = strstr(text, "\nTgid:");
	return line ? (pid_t)strtol(line + 6, NULL, 10) : -ESRCH;
}
