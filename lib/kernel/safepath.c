/* Component-by-component path resolution (see safepath.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safepath.h"

/* Could uid have put a link in this directory (or replaced one)? Group
 * write counts whatever the groups: the conservative answer. */
static bool writable_by(const struct stat *dir, uid_t uid)
{
	if (dir->st_uid == uid)
		return true;
	return (dir->st_mode & (S_IWGRP | S_IWOTH)) != 0;
}

int safepath_open(const char *path, uid_t uid)
{
	char rest[PATH_MAX], target[PATH_MAX];
	int fd, links = 0;
	size_t at = 0;

	if (path[0] != '/' || strlen(path) >= sizeof(rest))
		return -EINVAL;
	snprintf(rest, sizeof(rest), "%s", path);
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (rest[at]) {
		char name[NAME_MAX + 1];
		struct stat dir, st;
		size_t len;
		int next;

		at += strspn(rest + at, "/");
		len = strcspn(rest + at, "/");
		if (len == 0)
			break;
		if (len > NAME_MAX) {
			close(fd);
			return -ENAMETOOLONG;
		}
		memcpy(name, rest + at, len);
		name[len] = '\0';
		at += len;
		if (strcmp(name, ".") == 0)
			continue;
		next = openat(fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 || fstat(next, &st) < 0) {
			int r = -errno;

			if (next >= 0)
				close(next);
			close(fd);
			return r;
		}
		if (!S_ISLNK(st.st_mode)) {
			close(fd);
			fd = next;
			continue;
		}
		if (st.st_uid == uid || fstat(fd, &dir) < 0 || writable_by(&dir, uid) || ++links > SAFEPATH_MAX_LINKS) {
			close(next);
			close(fd);
			return -ELOOP;
		}
		/* root's link: go on from its target, then what was left */
		{
			ssize_t n = readlinkat(next, "", target, sizeof(target) - 1);
			char joined[PATH_MAX];

			close(next);
			if (n <= 0 ||
			    snprintf(joined, sizeof(joined), "%.*s/%s", (int)n, target, rest + at) >=
				    (int)sizeof(joined)) {
				close(fd);
				return n <= 0 ? -EINVAL : -ENAMETOOLONG;
			}
			if (target[0] == '/') {
				close(fd);
				fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
				if (fd < 0)
					return -errno;
			}
			snprintf(rest, sizeof(rest), "%s", joined);
			at = 0;
		}
	}
	return fd;
}

int safepath_dir_at(int parent, const char *name, bool create)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST)
			return -errno;
		fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	return fd < 0 ? -errno : fd;
}
