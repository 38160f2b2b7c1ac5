/* Time windows: the `when` grammar, and when a window is open or next
 * changes, in the local time of the process's TZ (see window.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "window.h"

#define SECONDS_PER_DAY 86400L
#define WINDOW_DURATION_MAX (366L * SECONDS_PER_DAY)
#define WINDOW_TOKEN_MAX 64
/* A weekly pattern that changes at all changes within a week of any
 * instant; the day before for ranges that cross midnight, and a day more
 * for the week whose only occurrence fell into a skipped DST hour. */
#define WEEKLY_SCAN_DAYS 10
/* Local offsets from UTC stay within this, with room to spare. */
#define OFFSET_BOUND (27L * 3600)

static const char *const day_names[7] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

/* --- civil dates as days since 1970-01-01 (proleptic Gregorian) --- */

static long days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int weekday(long days)
{
	long w = (days + 4) % 7; /* 1970-01-01 was a Thursday */

	return (int)(w < 0 ? w + 7 : w);
}

static int days_in_month(int y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : len[m - 1];
}

/* --- local time --- */

/* The wall clock at t, as seconds since 1970-01-01 00:00 on that clock. */
static long long wall_at(time_t t)
{
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return 0;
	return (long long)days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * SECONDS_PER_DAY +
		tm.tm_hour * 3600L + tm.tm_min * 60L + tm.tm_sec;
}

static long local_day(time_t t)
{
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return 0;
	return days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* The first instant at which the local clock shows day+sec or later. A
 * time that occurs twice (clocks going back) is its first occurrence; one
 * that does not occur (clocks going forward) is the instant of the jump. */
static time_t local_instant(long day, long sec)
{
	long long want = (long long)day * SECONDS_PER_DAY + sec;
	bool found = false;
	time_t best = 0, lo, hi;
	int y, m, d;

	day += sec / SECONDS_PER_DAY;
	sec %= SECONDS_PER_DAY;
	civil_from_days(day, &y, &m, &d);
	for (int isdst = -1; isdst <= 1; isdst++) {
		struct tm tm = { .tm_year = y - 1900,
				 .tm_mon = m - 1,
				 .tm_mday = d,
				 .tm_hour = (int)(sec / 3600),
				 .tm_min = (int)(sec / 60 % 60),
				 .tm_sec = (int)(sec % 60),
				 .tm_isdst = isdst };
		time_t t = mktime(&tm);

		if (t == (time_t)-1 || wall_at(t) != want)
			continue;
		if (!found || t < best)
			best = t;
		found = true;
	}
	if (found)
		return best;
	/* in a gap: the clock is below want at lo and past it at hi */
	lo = (time_t)(want - OFFSET_BOUND);
	hi = (time_t)(want + OFFSET_BOUND);
	while (hi - lo > 1) {
		time_t mid = lo + (hi - lo) / 2;

		if (wall_at(mid) >= want)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* The interval [start, end) of a range that starts on local day (for a
 * weekly range) or on its own date. */
static void range_interval(const struct window_range *r, long day, time_t *start, time_t *end)
{
	if (r->kind != WINDOW_WEEKLY)
		day = days_from_civil(r->year, r->month, r->day);
	if (r->kind == WINDOW_ISO) {
		*start = local_instant(day, r->start_min * 60L + r->start_sec);
		*end = *start + (time_t)r->duration;
		return;
	}
	*start = local_instant(day, r->start_min * 60L);
	*end = local_instant(r->end_min <= r->start_min ? day + 1 : day, r->end_min * 60L);
}

static bool range_open(const struct window_range *r, time_t t)
{
	time_t start, end;

	if (r->kind != WINDOW_WEEKLY) {
		range_interval(r, 0, &start, &end);
		return start <= t && t < end;
	}
	/* a weekly range open at t started today or yesterday */
	for (long day = local_day(t) - 1, last = day + 1; day <= last; day++) {
		if (!(r->days & (1u << weekday(day))))
			continue;
		range_interval(r, day, &start, &end);
		if (start <= t && t < end)
			return true;
	}
	return false;
}

bool window_is_open(const struct window_when *when, time_t now)
{
	for (size_t i = 0; i < when->count && i < WINDOW_RANGES_MAX; i++)
		if (range_open(&when->ranges[i], now))
			return true;
	return false;
}

/* --- next change --- */

struct instants {
	time_t *items;
	size_t count, capacity;
};

static int instants_add(struct instants *set, time_t t, time_t after)
{
	if (t <= after)
		return 0;
	if (set->count == set->capacity) {
		size_t cap = set->capacity ? set->capacity * 2 : 64;
		time_t *grown = realloc(set->items, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		set->items = grown;
		set->capacity = cap;
	}
	set->items[set->count++] = t;
	return 0;
}

/* The starts and ends of the weekly ranges on the days around anchor. */
static int add_weekly(const struct window_when *when, time_t anchor, time_t after, struct instants *set)
{
	long first = local_day(anchor) - 1;
	int r = 0;

	for (size_t i = 0; i < when->count && r == 0; i++) {
		const struct window_range *range = &when->ranges[i];

		if (range->kind != WINDOW_WEEKLY)
			continue;
		for (long day = first; day < first + WEEKLY_SCAN_DAYS && r == 0; day++) {
			time_t start, end;

			if (!(range->days & (1u << weekday(day))))
				continue;
			range_interval(range, day, &start, &end);
			r = instants_add(set, start, after);
			if (r == 0)
				r = instants_add(set, end, after);
		}
	}
	return r;
}

static int compare_instants(const void *a, const void *b)
{
	time_t x = *(const time_t *)a, y = *(const time_t *)b;

	return x < y ? -1 : x > y;
}

/* Every change is the start or end of a range. Past the last fixed date
 * that ends or starts, the weekly pattern alone decides, and it changes
 * within a week if it changes at all: the weekly starts and ends near now
 * and near each fixed boundary are enough. */
static int change_candidates(const struct window_when *when, time_t now, struct instants *set)
{
	int r = add_weekly(when, now, now, set);

	for (size_t i = 0; i < when->count && r == 0; i++) {
		const struct window_range *range = &when->ranges[i];
		time_t start, end;

		if (range->kind == WINDOW_WEEKLY)
			continue;
		range_interval(range, 0, &start, &end);
		r = instants_add(set, start, now);
		if (r == 0)
			r = instants_add(set, end, now);
		if (r == 0 && end > now)
			r = add_weekly(when, end, now, set);
		if (r == 0 && start > now)
			r = add_weekly(when, start, now, set);
	}
	return r;
}

time_t window_next_change(const struct window_when *when, time_t now)
{
	struct instants set = { NULL, 0, 0 };
	bool open = window_is_open(when, now);
	time_t next = 0;

	if (change_candidates(when, now, &set) < 0) {
		/* no memory to look ahead: have the caller look again soon */
		next = now + 60;
		goto out;
	}
	if (set.count)
		qsort(set.items, set.count, sizeof(set.items[0]), compare_instants);
	for (size_t i = 0; i < set.count; i++) {
		if (i && set.items[i] == set.items[i - 1])
			continue;
		if (window_is_open(when, set.items[i]) != open) {
			next = set.items[i];
			break;
		}
	}
out:
	free(set.items);
	return next;
}

/* --- the grammar --- */

struct scanner {
	const char *p;
	size_t range; /* 1-based, for messages */
	char *err;
	size_t errlen;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void skip_blanks_at(const char **p)
{
	while (is_blank(**p))
		(*p)++;
}

static void skip_blanks(struct scanner *s)
{
	skip_blanks_at(&s->p);
}

__attribute__((format(printf, 2, 3))) static int fail(struct scanner *s, const char *fmt, ...)
{
	char what[WINDOW_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(s->err, s->errlen, "range %zu: %s", s->range, what);
	return -EINVAL;
}

/* Copies the word at s->p, up to one of stops (or the end), into out
 * (cut to fit, for messages) and returns its length. */
static size_t take_word(struct scanner *s, const char *stops, char *out, size_t outlen)
{
	size_t len = strcspn(s->p, stops), copied = len < outlen ? len : outlen - 1;

	memcpy(out, s->p, copied);
	out[copied] = '\0';
	s->p += len;
	return len;
}

/* Exactly n digits at *p. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* Steps over c when *p is c. */
static bool expect(const char **p, char c)
{
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

/* "YYYY-MM-DD" at *p; advances past it. */
static int parse_date(struct scanner *s, const char **p, const char *word, struct window_range *r)
{
	if (!digits(p, 4, &r->year) || !expect(p, '-') || !digits(p, 2, &r->month) || !expect(p, '-') ||
	    !digits(p, 2, &r->day))
		return fail(s, "'%s' is not a date (YYYY-MM-DD)", word);
	if (r->year < 1970 || r->year > 9999 || r->month < 1 || r->month > 12 || r->day < 1 ||
	    r->day > days_in_month(r->year, r->month))
		return fail(s, "'%s' is not a date (no such day)", word);
	return 0;
}

/* "H:MM" or "HH:MM" (and ":SS" when sec is not NULL) at *p, into minutes
 * after midnight; 24:00 only when allow_24. */
static int parse_clock(const char **p, bool allow_24, int *min, int *sec)
{
	int h, m, sc = 0;

	if (!digits(p, 2, &h) && !digits(p, 1, &h))
		return -EINVAL;
	if (!expect(p, ':') || !digits(p, 2, &m))
		return -EINVAL;
	if (sec && expect(p, ':') && !digits(p, 2, &sc))
		return -EINVAL;
	if (m > 59 || sc > 59 || h > 24 || (h == 24 && (!allow_24 || m || sc)))
		return -EINVAL;
	*min = h * 60 + m;
	if (sec)
		*sec = sc;
	return 0;
}

/* "HH:MM-HH:MM" (blanks allowed around '-') up to ',' or the end. */
static int parse_times(struct scanner *s, struct window_range *r)
{
	char word[WINDOW_TOKEN_MAX];
	const char *p;
	size_t len;

	skip_blanks(s);
	len = strcspn(s->p, ",");
	while (len && is_blank(s->p[len - 1]))
		len--;
	take_word(s, ",", word, len + 1 < sizeof(word) ? len + 1 : sizeof(word));
	if (len == 0)
		return fail(s, "a time range (HH:MM-HH:MM) is missing");
	if (len >= sizeof(word))
		return fail(s, "'%s...' is too long for a time range", word);
	p = word;
	if (parse_clock(&p, false, &r->start_min, NULL) < 0)
		return fail(s, "'%s' is not a time range (HH:MM-HH:MM, 00:00 to 24:00)", word);
	skip_blanks_at(&p);
	if (!expect(&p, '-'))
		return fail(s, "'%s' is not a time range (HH:MM-HH:MM, 00:00 to 24:00)", word);
	skip_blanks_at(&p);
	if (parse_clock(&p, true, &r->end_min, NULL) < 0 || *p)
		return fail(s, "'%s' is not a time range (HH:MM-HH:MM, 00:00 to 24:00)", word);
	if (r->end_min == r->start_min)
		return fail(s, "'%s' is empty (it ends when it starts)", word);
	return 0;
}

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int day_index(const char *p, size_t len)
{
	for (int i = 0; i < 7; i++)
		if (len == 3 && strncmp(p, day_names[i], 3) == 0)
			return i;
	return -1;
}

/* "mon-fri", "sat", "mon,wed", "fri-mon" (wraps past Sunday). */
static int parse_days(struct scanner *s, const char *word, struct window_range *r)
{
	const char *p = word;

	r->days = 0;
	for (;;) {
		size_t len = strcspn(p, ",-");
		int from = day_index(p, len), to;

		if (from < 0)
			return fail(s, "'%.*s' is not a day (sun mon tue wed thu fri sat)", (int)len, p);
		to = from;
		p += len;
		if (*p == '-') {
			len = strcspn(++p, ",-");
			to = day_index(p, len);
			if (to < 0)
				return fail(s, "'%.*s' is not a day (sun mon tue wed thu fri sat)", (int)len, p);
			p += len;
		}
		for (int d = from;; d = (d + 1) % 7) {
			r->days |= 1u << d;
			if (d == to)
				break;
		}
		if (*p == '\0')
			return 0;
		if (*p != ',')
			return fail(s, "'%s' is not a list of days (e.g. mon-fri or mon,wed)", word);
		p++;
	}
}

/* "2h", "90m", "1h30m", "45s", "1d12h": units in that order, each once. */
static int parse_duration(const char *p, long *out)
{
	static const struct {
		char unit;
		long seconds;
	} units[] = { { 'd', SECONDS_PER_DAY }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 } };
	size_t next = 0;
	long total = 0;

	if (*p == '\0')
		return -EINVAL;
	while (*p) {
		long v = 0;
		size_t u;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		while (*p >= '0' && *p <= '9') {
			v = v * 10 + (*p++ - '0');
			if (v > WINDOW_DURATION_MAX)
				return -EINVAL;
		}
		for (u = next; u < sizeof(units) / sizeof(units[0]) && units[u].unit != *p; u++)
			;
		if (u == sizeof(units) / sizeof(units[0]))
			return -EINVAL;
		total += v * units[u].seconds;
		if (total > WINDOW_DURATION_MAX)
			return -EINVAL;
		next = u + 1;
		p++;
	}
	if (total == 0)
		return -EINVAL;
	*out = total;
	return 0;
}

/* "2026-12-10T09:00[:SS]/DURATION" */
static int parse_iso(struct scanner *s, const char *word, struct window_range *r)
{
	const char *p = word;
	int r0;

	r->kind = WINDOW_ISO;
	r0 = parse_date(s, &p, word, r);
	if (r0 < 0)
		return r0;
	if (!expect(&p, 'T') || parse_clock(&p, false, &r->start_min, &r->start_sec) < 0 || *p != '/')
		return fail(s, "'%s' is not DATE T TIME/DURATION (e.g. 2026-12-10T09:00/2h)", word);
	if (parse_duration(p + 1, &r->duration) < 0)
		return fail(s, "'%s' is not a duration (e.g. 2h, 90m, 1h30m, 45s; not zero, at most 366d)", p + 1);
	return 0;
}

static int parse_range(struct scanner *s, struct window_range *r)
{
	char word[WINDOW_TOKEN_MAX];
	const char *p;
	size_t len;

	memset(r, 0, sizeof(*r));
	skip_blanks(s);
	len = take_word(s, is_letter(s->p[0]) ? " \t" : " \t,", word, sizeof(word));
	if (len == 0)
		return fail(s, "nothing here (ranges are separated by ',')");
	if (len >= sizeof(word))
		return fail(s, "'%s...' is too long", word);
	if (is_letter(word[0])) {
		r->kind = WINDOW_WEEKLY;
		if (parse_days(s, word, r) < 0)
			return -EINVAL;
		return parse_times(s, r);
	}
	if (strchr(word, 'T') || strchr(word, '/'))
		return parse_iso(s, word, r);
	if (strchr(word, ':')) {
		/* a time range alone: every day */
		r->kind = WINDOW_WEEKLY;
		r->days = 0x7f;
		s->p -= len;
		return parse_times(s, r);
	}
	r->kind = WINDOW_DATE_TIMES;
	p = word;
	if (parse_date(s, &p, word, r) < 0)
		return -EINVAL;
	if (*p)
		return fail(s, "'%s' is not a date (YYYY-MM-DD)", word);
	return parse_times(s, r);
}

int window_when_parse(const char *text, struct window_when *out, char *err, size_t errlen)
{
	struct scanner s = { text, 1, err, errlen };
	int r;

	memset(out, 0, sizeof(*out));
	skip_blanks(&s);
	if (*s.p == '\0') {
		snprintf(err, errlen, "no time range (e.g. 2026-12-10 09:00-11:00 or mon-fri 08:00-18:00)");
		return -EINVAL;
	}
	for (;; s.range++) {
		if (out->count == WINDOW_RANGES_MAX) {
			snprintf(err, errlen, "more than %d ranges", WINDOW_RANGES_MAX);
			goto fail;
		}
		r = parse_range(&s, &out->ranges[out->count]);
		if (r < 0)
			goto fail;
		out->count++;
		skip_blanks(&s);
		if (*s.p == '\0')
			return 0;
		if (*s.p != ',') {
			char rest[WINDOW_TOKEN_MAX];

			take_word(&s, ",", rest, sizeof(rest));
			fail(&s, "unexpected '%s' after the range (ranges are separated by ',')", rest);
			goto fail;
		}
		s.p++;
	}
fail:
	memset(out, 0, sizeof(*out));
	return -EINVAL;
}
