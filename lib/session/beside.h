/* Finding a corral program beside the running one (a build tree, the
 * tests) before the installed path; never from the environment. */
#ifndef CORRAL_BESIDE_H
#define CORRAL_BESIDE_H

#include <stddef.h>

/* out: NAME in the directory of the file at SELF (NULL: unknown) when it is
 * executable there, else INSTALLED. */
void program_beside(const char *self, const char *name, const char *installed, char *out, size_t outlen);

/* The same beside /proc/self/exe. */
void program_beside_self(const char *name, const char *installed, char *out, size_t outlen);

#endif
