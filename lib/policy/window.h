/* Time windows ([window:NAME] sections): when each is open, in local time,
 * DST-safe, and when it next opens or closes. Pure: the clock is a
 * parameter. */
#ifndef CORRAL_WINDOW_H
#define CORRAL_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define WINDOW_RANGES_MAX 32
#define WINDOW_ERR_MAX 256
#define WINDOW_GRACE_DEFAULT 300 /* seconds: "5m" */

enum window_range_kind {
	WINDOW_DATE_TIMES, /* "2026-12-10 09:00-11:00": one day, local time */
	WINDOW_WEEKLY,     /* "mon-fri 08:00-18:00", "sat 10:00-12:00", "mon,wed 9:00-10:30" */
	WINDOW_ISO,        /* "2026-12-10T09:00[:SS]/DURATION" (2h, 90m, 1h30m, 45s) */
};

struct window_range {
	enum window_range_kind kind;
	int year, month, day;   /* DATE_TIMES, ISO: the local date */
	unsigned days;          /* WEEKLY: bit 0 = Sunday ... bit 6 = Saturday */
	int start_min, end_min; /* minutes after local midnight; end may be <= start: ends next day */
	int start_sec;          /* ISO: seconds of the start */
	long duration;          /* ISO: seconds */
};

struct window_when {
	struct window_range ranges[WINDOW_RANGES_MAX];
	size_t count;
};

/* Parses the value of `when` (one or more ranges separated by ","; see
 * corral.ini(5)). 0 or -EINVAL with the reason in err. */
int window_when_parse(const char *text, struct window_when *out, char *err, size_t errlen);

/* Is the window open at now (local time of the process's TZ)? Each range
 * is one interval; a wall time in it is the first instant the local clock
 * shows it: a time skipped when clocks go forward is the instant of the
 * jump, a time repeated when they go back is its first occurrence. An ISO
 * range's duration is real time. */
bool window_is_open(const struct window_when *when, time_t now);

/* The first instant after now at which window_is_open() changes, or 0
 * when it never changes again. */
time_t window_next_change(const struct window_when *when, time_t now);

#endif
