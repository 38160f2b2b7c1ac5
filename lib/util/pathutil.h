/* Path handling for policy paths: expansion of ~, %h, %u, lexical
 * normalisation, and tree membership by path components. Pure functions. */
#ifndef CORRAL_PATHUTIL_H
#define CORRAL_PATHUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "strlist.h"

#define PATHUTIL_PATH_MAX 4096

/* Checks a path as written in the config, before any user is known:
 * it must be absolute, or start with "~" (alone or "~/"), or with "%h";
 * "%u", "%h" and "%%" are the only escapes; no ".." component; no
 * control characters. Returns 0 or -EINVAL with a reason in err. */
int path_check_syntax(const char *text, char *err, size_t errlen);

/* Expands ~ / %h (home) and %u (user) and normalises the result into out
 * (size outlen). The user name must not contain '/' and must not be "." or
 * ".."; home must be absolute. Returns 0, -EINVAL (reason in err) or
 * -ENAMETOOLONG. */
int path_expand(const char *text, const char *user, const char *home, char *out, size_t outlen, char *err,
		size_t errlen);

/* Lexical normalisation of an absolute path in place: collapses "//",
 * drops "." components and a trailing '/' (except for "/" itself).
 * Refuses ".." components and relative paths with -EINVAL. */
int path_normalize(char *path);

/* True when normalised absolute path is tree itself or lies beneath it,
 * compared component by component: "/home/al" is not inside "/home/alice",
 * everything is inside "/". */
bool path_is_inside(const char *path, const char *tree);

/* path_is_inside for any of the trees; no trees (NULL or empty): false. */
bool path_is_inside_any(const char *path, const struct strlist *trees);

#endif
