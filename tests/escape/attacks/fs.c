/* Filesystem attacks of a confined student: reach a file outside the
 * granted trees (or inside fs.deny) through .., links, renames, magic
 * links, O_PATH re-opens and openat2.
 *
 *   fs read PATH                open and read a byte
 *   fs write PATH               open an existing file for writing (appends nothing)
 *   fs create PATH              create a new file
 *   fs list DIR                 read a directory: ok:N (entries)
 *   fs openat DIR REL           open DIR (O_PATH), then openat(dirfd, REL) and read
 *   fs chdir DIR REL            chdir(DIR), then open REL and read
 *   fs openat2 DIR REL FLAGS    openat2 with RESOLVE_ flags (beneath,in_root,
 *                               no_xdev,no_magiclinks,no_symlinks or none) and read
 *   fs reopen PATH              O_PATH open (Landlock does not check it), then
 *                               re-open /proc/self/fd/N for reading
 *   fs flink PATH NEW           O_PATH open, then linkat /proc/self/fd/N to NEW
 *   fs link OLD NEW | rename OLD NEW | symlink TARGET LINK
 *   fs truncate PATH | unlink PATH | mkdir PATH | rmdir PATH
 */
#include "common.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static int read_fd(int fd)
{
	char c;

	if (fd < 0)
		return report(-1);
	if (read(fd, &c, 1) < 0)
		return report(-1);
	close(fd);
	return report(0);
}

static unsigned long long resolve_flags(const char *list)
{
	static const struct {
		const char *name;
		unsigned long long flag;
	} names[] = {
		{ "beneath", RESOLVE_BENEATH }, { "in_root", RESOLVE_IN_ROOT }, { "no_xdev", RESOLVE_NO_XDEV },
		{ "no_magiclinks", RESOLVE_NO_MAGICLINKS }, { "no_symlinks", RESOLVE_NO_SYMLINKS },
	};
	unsigned long long flags = 0;
	char copy[256], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", list);
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(w, names[i].name) == 0)
				flags |= names[i].flag;
	return flags;
}

int main(int argc, char **argv)
{
	const char *op = ARG(1), *a = ARG(2), *b = ARG(3);

	if (OP("read"))
		return read_fd(open(a, O_RDONLY | O_CLOEXEC));
	if (OP("write")) {
		int fd = open(a, O_WRONLY | O_APPEND | O_CLOEXEC);

		return report(fd < 0 ? -1 : write(fd, "", 0));
	}
	if (OP("create"))
		return report(open(a, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
	if (OP("list")) {
		DIR *d = opendir(a);
		struct dirent *de;
		char n[32];
		int count = 0;

		if (!d)
			return report(-1);
		errno = 0;
		while ((de = readdir(d)) != NULL)
			count++;
		if (errno)
			return report(-1);
		snprintf(n, sizeof(n), "%d", count);
		return report_detail(0, n);
	}
	if (OP("openat")) {
		int dir = open(a, O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (dir < 0)
			return report(-1);
		return read_fd(openat(dir, b, O_RDONLY | O_CLOEXEC));
	}
	if (OP("chdir")) {
		if (chdir(a) < 0)
			return report(-1);
		return read_fd(open(b, O_RDONLY | O_CLOEXEC));
	}
	if (OP("openat2")) {
		struct open_how how = { .flags = O_RDONLY | O_CLOEXEC, .resolve = resolve_flags(ARG(4)) };
		int dir = open(a, O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (dir < 0)
			return report(-1);
		return read_fd((int)syscall(SYS_openat2, dir, b, &how, sizeof(how)));
	}
	if (OP("reopen") || OP("flink")) {
		int fd = open(a, O_PATH | O_CLOEXEC);
		char path[64];

		if (fd < 0) {
			printf("O_PATH:");
			return report(-1);
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (OP("reopen"))
			return read_fd(open(path, O_RDONLY | O_CLOEXEC));
		return report(linkat(AT_FDCWD, path, AT_FDCWD, b, AT_SYMLINK_FOLLOW));
	}
	if (OP("link"))
		return report(link(a, b));
	if (OP("rename"))
		return report(rename(a, b));
	if (OP("symlink"))
		return report(symlink(a, b));
	if (OP("truncate"))
		return report(truncate(a, 0));
	if (OP("unlink"))
		return report(unlink(a));
	if (OP("mkdir"))
		return report(mkdir(a, 0700));
	if (OP("rmdir"))
		return report(rmdir(a));
	return usage("fs", op);
}
