/* Restricted-command mode: split a command string into argv without a
 * shell, and match argv[0] against the policy's `commands`. Pure functions. */
#ifndef CORRAL_COMMAND_H
#define CORRAL_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

#include "strlist.h"

#define COMMAND_MAX_LENGTH 65536
#define COMMAND_MAX_ARGS 4096

/* Splits like a POSIX shell splits words: blanks separate, single quotes
 * take everything literally, double quotes allow \" \\ \$ \` escapes.
 * Anything that needs a shell is refused with -EINVAL and a reason:
 * ; | & $ ` < > ( ) * ? [ ] { } ~ # !, newlines, and backslashes outside
 * quotes. An empty command is -EINVAL too. */
int command_split(const char *text, struct strlist *argv, char *err, size_t errlen);

/* Is argv0 allowed by commands? An item with '/' must equal argv0 exactly;
 * a bare name matches argv0 when argv0 is that name or any path ending in
 * "/name". Returns the matching item or NULL. */
const char *command_match(const struct strlist *commands, const char *argv0);

#endif
