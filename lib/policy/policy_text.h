/* The compact text form of a resolved policy, carried in session records
 * from the PAM module to the shell and the helper. Strictly parsed. */
#ifndef CORRAL_POLICY_TEXT_H
#define CORRAL_POLICY_TEXT_H

#include <stddef.h>

#include "policy.h"

#define RECORD_MAGIC "corral-policy 1"
#define RECORD_SIZE_MAX ((size_t)256 * 1024)
#define RECORD_LINE_MAX ((size_t)64 * 1024)

/* Writes the policy as text into a malloc'd, NUL-terminated buffer:
 *   corral-policy 1
 *   user NAME / uid N / gid N / home PATH / exempt yes|no
 *   section "[group:students] /etc/corral/corral.ini:12"   (repeated)
 *   key KEY ITEM...                                        (set keys only)
 *   end
 * Every line is a list of tokens quoted as in corral.ini values.
 * Returns 0, -EINVAL (a value that cannot be written, e.g. a control
 * character) or -ENOMEM. */
int policy_text_write(const struct policy *policy, char **out, size_t *outlen);

/* Parses text back into out and compiles it. Anything unexpected --
 * unknown field, repeated field, missing "end", a value that is not in
 * canonical form -- is -EINVAL with a reason in err. */
int policy_text_read(const char *text, size_t len, struct policy *out, char *err, size_t errlen);

#endif
