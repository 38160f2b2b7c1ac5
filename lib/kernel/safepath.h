/* Opening a policy path without following a symbolic link the user could
 * have planted: "fs.read = ~/course" must not become "/" because the user
 * ran `ln -s / ~/course`. Used as the user (Landlock rules) and as root (the
 * session's mounts). Kernel-facing: -errno, no logging. */
#ifndef CORRAL_SAFEPATH_H
#define CORRAL_SAFEPATH_H

#include <stdbool.h>
#include <sys/types.h>

#define SAFEPATH_MAX_LINKS 40 /* as the kernel's MAXSYMLINKS */

/* Opens absolute path as O_PATH (close-on-exec), following a symbolic link
 * only when uid neither owns it nor can write the directory holding it
 * (root's /lib -> usr/lib is fine; the user's own links are not).
 * Returns the fd, -ELOOP for such a link (or too many), or -errno. */
int safepath_open(const char *path, uid_t uid);

/* Opens the directory name under parent without following a symbolic link,
 * first making it (0755 less the umask) when create and it is missing.
 * The fd (O_RDONLY, close-on-exec), or -errno. */
int safepath_dir_at(int parent, const char *name, bool create);

#endif
