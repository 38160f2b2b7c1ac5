/* A library the user wrote, for LD_PRELOAD: its constructor says "ok" on
 * standard error, and appends a line naming the process it ran in to the
 * file named by ESCAPE_MARK, or to /proc/self/fd/2 when there is none.
 * The mark is written with open(2) so nothing else of libc's state is needed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void ran(void)
{
	const char *mark = getenv("ESCAPE_MARK");
	char line[512], exe[256] = "?";
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int fd;

	if (n > 0)
		exe[n] = '\0';
	snprintf(line, sizeof(line), "preloaded ok in %s uid=%d\n", exe, (int)getuid());
	fd = mark ? open(mark, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666) : -1;
	if (write(fd >= 0 ? fd : 2, line, strlen(line)) < 0)
		return;
	if (fd >= 0)
		close(fd);
}
