/* Whether a process is in a given cgroup: what corral-session checks of
 * the cgroup its record names. Apart from cgroup.c, which the shell does
 * not link (it talks to systemd over the bus). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cgroup.h"
#include "util.h"

#define PROCS_MAX ((size_t)64 * 1024) /* a cgroup.procs listing we read whole */

int cgroup_holds_pid(const char *dir, pid_t pid)
{
	char path[CGROUP_PATH_MAX + 64], *text;
	size_t got = 0;
	int fd, r = 0, found = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	text = malloc(PROCS_MAX);
	if (!text) {
		close(fd);
		return -ENOMEM;
	}
	r = read_all(fd, text, PROCS_MAX - 1, &got);
	close(fd);
	text[got] = '\0';
	for (char *p = text, *end; r == 0 && *p && !found; p = end + (*end != '\0')) {
		long listed = strtol(p, &end, 10);

		if (end == p)
			break;
		found = listed == (long)pid;
	}
	free(text);
	return r < 0 ? r : found;
}
