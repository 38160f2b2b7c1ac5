/* A corral program beside the running one, else the installed one (see beside.h). */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "beside.h"

void program_beside(const char *self, const char *name, const char *installed, char *out, size_t outlen)
{
	const char *slash = self ? strrchr(self, '/') : NULL;

	if (slash && snprintf(out, outlen, "%.*s/%s", (int)(slash - self), self, name) < (int)outlen &&
	    access(out, X_OK) == 0)
		return;
	snprintf(out, outlen, "%s", installed);
}

void program_beside_self(const char *name, const char *installed, char *out, size_t outlen)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0)
		self[n] = '\0';
	program_beside(n > 0 ? self : NULL, name, installed, out, outlen);
}
