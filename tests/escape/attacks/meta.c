/* Metadata attacks: change what the policy lets the session only read (or
 * not reach at all) without writing its content: modes, owners, times,
 * extended attributes, and the names in a directory. Each call is made
 * the way a program would, by path and through file descriptors opened
 * read-only or O_PATH (which Landlock does not check).
 *
 *   meta chmod PATH MODE         chmod(2) (MODE in octal)
 *   meta fchmod PATH MODE        open O_RDONLY, fchmod
 *   meta fchmodat PATH MODE      fchmodat(AT_FDCWD, PATH)
 *   meta fchmodat-empty PATH MODE  O_PATH fd, fchmodat2(fd, "", AT_EMPTY_PATH)
 *   meta procfd-chmod PATH MODE  O_PATH fd, chmod("/proc/self/fd/N")
 *   meta chown PATH [GID]        chown(2) to the caller's own uid and its gid
 *   meta fchown PATH [GID]       (or GID: a group the caller is in); fchown
 *   meta lchown PATH [GID]       on an O_RDONLY fd; lchown; fchownat of an
 *   meta fchownat-empty PATH [GID]  O_PATH fd with AT_EMPTY_PATH
 *   meta utimens PATH            utimensat, explicit times (2009-02-13)
 *   meta utimens-now PATH        utimensat(NULL): now
 *   meta utime PATH              utime(2), explicit times
 *   meta futimens PATH           open O_RDONLY, futimens with explicit times
 *   meta setxattr PATH           setxattr user.escape=1
 *   meta lsetxattr PATH          lsetxattr user.escape=1
 *   meta fsetxattr PATH          open O_RDONLY, fsetxattr user.escape=1
 *   meta removexattr PATH        removexattr user.escape
 *   meta truncate PATH           truncate(2) to 0
 *   meta otrunc PATH             open(O_WRONLY|O_TRUNC)
 *   meta mknod PATH              mknod(S_IFREG|0644)
 *   meta mkfifo PATH             mkfifo 0644
 *   meta exchange A B            renameat2(RENAME_EXCHANGE)
 *   meta umount PATH             umount2(MNT_DETACH)
 *   meta show PATH...            (for the test, as root) one line a path: mode,
 *                                owner, group, size, mtime and ctime in ns,
 *                                the names of its xattrs
 */
#include "common.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <time.h>
#include <utime.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

static const struct timespec when[2] = { { 1234567890, 0 }, { 1234567890, 0 } };

static int open_fd(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		printf("open:");
	return fd;
}

static int show(int n, char **paths)
{
	for (int i = 0; i < n; i++) {
		struct stat st;
		char names[4096];
		ssize_t len;

		if (lstat(paths[i], &st) < 0) {
			printf("%s %s\n", paths[i], err_name(errno));
			continue;
		}
		printf("%s %o %u %u %lld %lld.%09ld %lld.%09ld", paths[i], (unsigned)st.st_mode, (unsigned)st.st_uid,
		       (unsigned)st.st_gid, (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
		       (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
		len = llistxattr(paths[i], names, sizeof(names));
		for (ssize_t at = 0; at < len; at += (ssize_t)strlen(names + at) + 1)
			printf(" %s", names + at);
		printf("\n");
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *op = ARG(1), *a = ARG(2);
	mode_t mode = (mode_t)strtoul(ARG(3), NULL, 8);
	gid_t gid = argc > 3 ? (gid_t)strtoul(argv[3], NULL, 10) : getgid();
	int fd;

	if (OP("show"))
		return show(argc - 2, argv + 2);
	if (OP("chmod"))
		return report(chmod(a, mode));
	if (OP("fchmodat"))
		return report(fchmodat(AT_FDCWD, a, mode, 0));
	if (OP("chown"))
		return report(chown(a, getuid(), gid));
	if (OP("lchown"))
		return report(lchown(a, getuid(), gid));
	if (OP("utimens"))
		return report(utimensat(AT_FDCWD, a, when, 0));
	if (OP("utimens-now"))
		return report(utimensat(AT_FDCWD, a, NULL, 0));
	if (OP("utime")) {
		struct utimbuf t = { .actime = 1234567890, .modtime = 1234567890 };

		return report(utime(a, &t));
	}
	if (OP("setxattr"))
		return report(setxattr(a, "user.escape", "1", 1, 0));
	if (OP("lsetxattr"))
		return report(lsetxattr(a, "user.escape", "1", 1, 0));
	if (OP("removexattr"))
		return report(removexattr(a, "user.escape"));
	if (OP("truncate"))
		return report(truncate(a, 0));
	if (OP("otrunc"))
		return report(open(a, O_WRONLY | O_TRUNC | O_CLOEXEC));
	if (OP("mknod"))
		return report(mknod(a, S_IFREG | 0644, 0));
	if (OP("mkfifo"))
		return report(mkfifo(a, 0644));
	if (OP("exchange"))
		return report(renameat2(AT_FDCWD, a, AT_FDCWD, ARG(3), RENAME_EXCHANGE));
	if (OP("umount"))
		return report(umount2(a, MNT_DETACH));

	/* the rest act on a file descriptor */
	if (OP("fchmod") || OP("fchown") || OP("futimens") || OP("fsetxattr")) {
		if ((fd = open_fd(a, O_RDONLY)) < 0)
			return report(-1);
		if (OP("fchmod"))
			return report(fchmod(fd, mode));
		if (OP("fchown"))
			return report(fchown(fd, getuid(), gid));
		if (OP("futimens"))
			return report(futimens(fd, when));
		return report(fsetxattr(fd, "user.escape", "1", 1, 0));
	}
	if (OP("fchmodat-empty") || OP("procfd-chmod") || OP("fchownat-empty")) {
		char path[64];

		if ((fd = open_fd(a, O_PATH)) < 0)
			return report(-1);
		if (OP("fchmodat-empty"))
			return report(syscall(SYS_fchmodat2, fd, "", mode, AT_EMPTY_PATH));
		if (OP("fchownat-empty"))
			return report(fchownat(fd, "", getuid(), gid, AT_EMPTY_PATH));
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		return report(chmod(path, mode));
	}
	return usage("meta", op);
}
