/* What corralctl's grant and request commands share: reading +VALUE
 * arguments, times and durations as text, log fields, making a grant. */
#ifndef CORRAL_GRANT_CTL_H
#define CORRAL_GRANT_CTL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "grants.h"

#define CTL_TIME_TEXT_MAX 40
#define CTL_LOG_FIELD_MAX 1024
#define CTL_VALUES_TEXT_MAX 8192
#define CTL_WHO_MAX 300

/* A "+VALUE" argument of key: the item (no '+') appended to out. 0, or
 * -EINVAL with why on standard error, -ENOMEM. */
int ctl_grant_value(enum policy_key key, const char *arg, struct strlist *out);
/* A --for argument: 0 and seconds, or -EINVAL (said on standard error). */
int ctl_grant_duration(const char *arg, uint64_t *seconds);

/* "2026-12-10T09:00:00+0100": local time, with its offset. */
void ctl_time_text(time_t t, char *out, size_t outlen);
/* "90m", "2h", "3d", "45s": the largest unit that divides it. */
void ctl_duration_text(uint64_t seconds, char *out, size_t outlen);
/* The items, space-separated, each quoted when it must be (strlist). */
void ctl_values_text(const struct strlist *values, const char *prefix, char *out, size_t outlen);
/* text made safe for a log field's double quotes ('"' and '\\' become
 * '\''). */
void ctl_log_text(const char *text, char *out, size_t outlen);

/* Who runs corralctl, for a grant's "by": the login name (audit login
 * uid) when there is one, with the uid's name. */
void ctl_who(char *out, size_t outlen);

/* Writes a grant of user (made at now, for seconds) into GRANTS_DIR
 * (made when missing), logs event=grant, and gives its id. 0 or -errno
 * (said on standard error). */
int ctl_grant_create(const char *user, enum policy_key key, const struct strlist *values, uint64_t seconds,
		     const char *by, const char *reason, char *id, size_t idlen);

/* Running sessions of user follow a grant made or ended at once
 * (apply_all for that user, with the system's config); a note on
 * standard error when they could not. */
void ctl_grant_apply(const char *user);

/* The arguments after the command's name: --for D / --for=D and
 * --reason T / --reason=T anywhere (NULL when absent), everything else in
 * order into pos (room for argc). 0, or -EINVAL on another option. */
int ctl_grant_args(int argc, char **argv, char **pos, int *npos, const char **duration, const char **reason);

/* Exit unless root (1, with a line on standard error). */
int ctl_need_root(const char *what);

#endif
