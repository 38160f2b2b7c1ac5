/* Who is the session's: the processes corral-helper may let a trapped call
 * reach (signals, limits, priorities of another process). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helper.h"
#include "procinfo.h"

#define FDINFO_MAX 1024

/* A descendant of the session's root, which every process of the session
 * stays (the helper is the tree's subreaper; the keeper's leader is the
 * root of a cron session). The helper itself is not: it is outside the
 * sandbox. */
bool helper_is_member(const struct helper *h, pid_t pid)
{
	if (pid <= 0 || pid == h->root)
		return false;
	/* the root is usually the helper itself: alive, and no other
	 * process, without reading its /proc entry at every call */
	if (h->root_is_self)
		return proc_descends_from(h->root, pid);
	return proc_is_ancestor(h->root, h->root_start, pid);
}

bool helper_group_is_member(const struct helper *h, pid_t pgrp)
{
	uid_t uid = getuid();
	struct dirent *de;
	bool any = false, all = true;
	DIR *proc = opendir("/proc");

	if (!proc)
		return false;
	while (all && (de = readdir(proc)) != NULL) {
		struct proc_stat st = { 0 };
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		struct stat owner;

		if (*end || pid <= 0 || fstatat(dirfd(proc), de->d_name, &owner, 0) < 0 || owner.st_uid != uid ||
		    proc_stat_read((pid_t)pid, &st) < 0 || st.pgrp != pgrp)
			continue;
		any = true;
		all = helper_is_member(h, (pid_t)pid);
	}
	closedir(proc);
	return any && all;
}

pid_t helper_pidfd_pid(int pidfd)
{
	char path[64], text[FDINFO_MAX];
	const char *line;
	ssize_t n;
	int info;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	info = open(path, O_RDONLY | O_CLOEXEC);
	if (info < 0)
		return -1;
	n = read(info, text, sizeof(text) - 1);
	close(info);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	line = strstr(text, "\nPid:");
	if (!line)
		return -1;
	/* an exited process shows -1 */
	return (pid_t)strtol(line + 5, NULL, 10) > 0 ? (pid_t)strtol(line + 5, NULL, 10) : 0;
}
