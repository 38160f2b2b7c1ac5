/* Unit tests of time windows (lib/policy/window.c): each form of `when`,
 * bad input and its message, midnight crossing, the DST days of
 * Europe/Berlin in 2026, and the next change. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "window.h"
#include "tap.h"

#define MIN 60
#define HOUR 3600

/* An instant written in UTC, independent of the code under test. */
static time_t utc(int y, int m, int d, int h, int mi)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi };

	return timegm(&tm);
}

static struct window_when when;

static int parse(const char *text)
{
	char err[WINDOW_ERR_MAX] = "";
	int r = window_when_parse(text, &when, err, sizeof(err));

	if (r < 0)
		tap_diag("  '%s': %s", text, err);
	return r;
}

static void test_forms(void)
{
	is_int(parse("2026-12-10 09:00-11:00"), 0, "a date and times");
	ok(when.count == 1 && when.ranges[0].kind == WINDOW_DATE_TIMES && when.ranges[0].year == 2026 &&
		   when.ranges[0].month == 12 && when.ranges[0].day == 10 && when.ranges[0].start_min == 540 &&
		   when.ranges[0].end_min == 660,
	   "  read as 2026-12-10, 540-660 minutes");
	is_int(parse("mon-fri 08:00-18:00"), 0, "weekdays and times");
	ok(when.count == 1 && when.ranges[0].kind == WINDOW_WEEKLY && when.ranges[0].days == 0x3e,
	   "  Monday to Friday");
	is_int(parse("mon,wed 9:00-10:30"), 0, "a list of days, a one-digit hour");
	ok(when.ranges[0].days == 0x0a && when.ranges[0].start_min == 540 && when.ranges[0].end_min == 630,
	   "  Monday and Wednesday, 9:00 to 10:30");
	is_int(parse("fri-mon 22:00-02:00"), 0, "a day range past Sunday, times past midnight");
	is_int(when.ranges[0].days, 0x63, "  Friday, Saturday, Sunday, Monday");
	is_int(parse("2026-12-10T09:00:30/1h30m"), 0, "ISO start with seconds and a duration");
	ok(when.ranges[0].kind == WINDOW_ISO && when.ranges[0].start_min == 540 && when.ranges[0].start_sec == 30 &&
		   when.ranges[0].duration == 5400,
	   "  09:00:30 for 5400 s");
	is_int(parse("2026-12-10T09:00/2h"), 0, "ISO without seconds");
	is_int(when.ranges[0].duration, 2 * HOUR, "  2h");
	is_int(parse("2026-12-10 09:00-11:00, mon-fri 08:00-18:00"), 0, "two ranges, no quoting");
	is_int(when.count, 2, "  both kept");
	is_int(parse(" mon,wed 9:00 - 10:30 ,sat 10:00-12:00,2026-12-24T18:00/1d "), 0,
	       "commas in a day list, blanks around '-' and ','");
	ok(when.count == 3 && when.ranges[1].days == 0x40 && when.ranges[2].duration == 24 * HOUR, "  three ranges");
	is_int(parse("08:00-18:00"), 0, "times alone: every day");
	is_int(when.ranges[0].days, 0x7f, "  all seven days");
	is_int(parse("sat 20:00-24:00"), 0, "24:00 ends a day");
}

static void test_bad(void)
{
	static const struct {
		const char *text, *needle;
	} bad[] = {
		{ "", "no time range" },
		{ "   ", "no time range" },
		{ "2026-13-10 09:00-11:00", "range 1: '2026-13-10' is not a date (no such day)" },
		{ "2026-02-29 09:00-10:00", "'2026-02-29' is not a date (no such day)" },
		{ "2026-12-1 09:00-10:00", "'2026-12-1' is not a date (YYYY-MM-DD)" },
		{ "26-12-10 09:00-10:00", "is not a date" },
		{ "mon-fry 08:00-18:00", "range 1: 'fry' is not a day" },
		{ "Mon 08:00-18:00", "'Mon' is not a day" },
		{ "mon-fri-sat 08:00-18:00", "'mon-fri-sat' is not a list of days" },
		{ "mon, 08:00-18:00", "'' is not a day" },
		{ "mon-fri 8-18", "'8-18' is not a time range" },
		{ "mon-fri 08:00-25:00", "'08:00-25:00' is not a time range" },
		{ "mon-fri 08:60-09:00", "is not a time range" },
		{ "mon-fri 24:00-08:00", "'24:00-08:00' is not a time range" },
		{ "mon-fri 10:00-10:00", "'10:00-10:00' is empty" },
		{ "mon-fri", "range 1: a time range (HH:MM-HH:MM) is missing" },
		{ "2026-12-10", "a time range (HH:MM-HH:MM) is missing" },
		{ "2026-12-10 09:00-11:00,", "range 2: nothing here" },
		{ "2026-12-10 09:00-11:00,, sat 10:00-11:00", "range 2: nothing here" },
		{ "2026-12-10 09:00-11:00 sat", "'09:00-11:00 sat' is not a time range" },
		{ "mon 09:00-10:00, tue 9-10", "range 2: '9-10' is not a time range" },
		{ "2026-12-10T09:00/0m", "'0m' is not a duration" },
		{ "2026-12-10T09:00/2x", "'2x' is not a duration" },
		{ "2026-12-10T09:00/30m2h", "'30m2h' is not a duration" },
		{ "2026-12-10T09:00/400d", "'400d' is not a duration" },
		{ "2026-12-10T09:00/", "'' is not a duration" },
		{ "2026-12-10T09:00", "'2026-12-10T09:00' is not DATE T TIME/DURATION" },
		{ "2026-12-10T25:00/1h", "is not DATE T TIME/DURATION" },
		{ "2026-12-10T09:00/1h 10:00", "unexpected '10:00' after the range" },
		{ "\"2026-12-10 09:00-11:00\"", "is not a date" },
		{ "mon 09:00-10:00                                                             x",
		  "is too long for a time range" },
		{ "mon,tue,wed,thu,fri,sat,sun,mon,tue,wed,thu,fri,sat,sun,mon,tue,wed 09:00-10:00", "is too long" },
	};
	char err[WINDOW_ERR_MAX], many[2048] = "";

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		when.count = 99;
		ok(window_when_parse(bad[i].text, &when, err, sizeof(err)) == -EINVAL && strstr(err, bad[i].needle) &&
			   when.count == 0,
		   "'%s' refused: %s", bad[i].text, err);
	}
	for (int i = 0; i <= WINDOW_RANGES_MAX; i++)
		strcat(many, i ? ", sat 10:00-11:00" : "sat 10:00-11:00");
	err[0] = '\0';
	ok(window_when_parse(many, &when, err, sizeof(err)) == -EINVAL && strstr(err, "more than 32 ranges"),
	   "33 ranges refused: %s", err);
}

/* open at each instant of open[], closed at each of closed[] */
static void check_open(const char *what, const time_t *open, size_t n_open, const time_t *closed, size_t n_closed)
{
	size_t good = 0;

	for (size_t i = 0; i < n_open; i++)
		if (window_is_open(&when, open[i]))
			good++;
		else
			tap_diag("  closed at %lld", (long long)open[i]);
	for (size_t i = 0; i < n_closed; i++)
		if (!window_is_open(&when, closed[i]))
			good++;
		else
			tap_diag("  open at %lld", (long long)closed[i]);
	ok(good == n_open + n_closed, "%s", what);
}

#define CHECK_OPEN(what, open, closed) \
	check_open(what, open, sizeof(open) / sizeof(open[0]), closed, sizeof(closed) / sizeof(closed[0]))

static void test_open(void)
{
	/* Berlin in December is UTC+1 */
	parse("2026-12-10 09:00-11:00");
	{
		time_t open[] = { utc(2026, 12, 10, 8, 0), utc(2026, 12, 10, 9, 59) + 59 };
		time_t closed[] = { utc(2026, 12, 10, 8, 0) - 1, utc(2026, 12, 10, 10, 0), utc(2027, 12, 10, 8, 30) };

		CHECK_OPEN("a date: open from 09:00 local, closed at 11:00", open, closed);
	}
	is_int(window_next_change(&when, utc(2026, 12, 1, 0, 0)), utc(2026, 12, 10, 8, 0), "  next: it opens");
	is_int(window_next_change(&when, utc(2026, 12, 10, 8, 30)), utc(2026, 12, 10, 10, 0), "  next: it closes");
	is_int(window_next_change(&when, utc(2026, 12, 10, 10, 0)), 0, "  over: no next change");

	parse("2026-12-10T09:00/2h");
	{
		time_t open[] = { utc(2026, 12, 10, 8, 0), utc(2026, 12, 10, 9, 59) };
		time_t closed[] = { utc(2026, 12, 10, 7, 59), utc(2026, 12, 10, 10, 0) };

		CHECK_OPEN("ISO: the same two hours", open, closed);
	}

	/* 2026-12-10 is a Thursday */
	parse("mon-fri 08:00-18:00");
	{
		time_t open[] = { utc(2026, 12, 10, 11, 0), utc(2026, 12, 14, 7, 0), utc(2026, 12, 11, 16, 59) };
		time_t closed[] = { utc(2026, 12, 12, 11, 0), utc(2026, 12, 13, 11, 0), utc(2026, 12, 10, 17, 0),
				    utc(2026, 12, 10, 6, 59) };

		CHECK_OPEN("weekdays 08:00-18:00: open on Thursday noon and Monday 08:00, not on the weekend", open,
			   closed);
	}
	is_int(window_next_change(&when, utc(2026, 12, 11, 18, 0)), utc(2026, 12, 14, 7, 0),
	       "  next after Friday evening: Monday 08:00");
	is_int(window_next_change(&when, utc(2026, 12, 10, 11, 0)), utc(2026, 12, 10, 17, 0),
	       "  next on Thursday noon: 18:00");

	parse("08:00-18:00, mon-sun 17:00-09:00");
	is_int(window_next_change(&when, utc(2026, 12, 10, 11, 0)), 0, "overlapping daily ranges: never changes");
	ok(window_is_open(&when, utc(2026, 12, 10, 3, 0)), "  and always open");
}

static void test_midnight(void)
{
	/* 2026-12-11 is a Friday */
	parse("fri 22:00-02:00");
	{
		time_t open[] = { utc(2026, 12, 11, 21, 0), utc(2026, 12, 11, 23, 0), utc(2026, 12, 12, 0, 59) };
		time_t closed[] = { utc(2026, 12, 11, 20, 59), utc(2026, 12, 12, 1, 0), utc(2026, 12, 10, 22, 0),
				    utc(2026, 12, 11, 0, 30) };

		CHECK_OPEN("fri 22:00-02:00: Friday night into Saturday, not Thursday night", open, closed);
	}
	is_int(window_next_change(&when, utc(2026, 12, 11, 20, 0)), utc(2026, 12, 11, 21, 0), "  next: it opens");
	is_int(window_next_change(&when, utc(2026, 12, 11, 23, 0)), utc(2026, 12, 12, 1, 0), "  next: Saturday 02:00");
	parse("2026-12-31 22:00-02:00");
	{
		time_t open[] = { utc(2027, 1, 1, 0, 30) };
		time_t closed[] = { utc(2027, 1, 1, 1, 0), utc(2026, 12, 31, 20, 0) };

		CHECK_OPEN("a date's range ends the next day, across the year", open, closed);
	}
	parse("sat 20:00-24:00");
	is_int(window_next_change(&when, utc(2026, 12, 12, 20, 0)), utc(2026, 12, 12, 23, 0),
	       "24:00 is midnight at the end of the day");
}

/* 2026-03-29 in Berlin: 02:00 CET becomes 03:00 CEST at 01:00 UTC;
 * 2026-10-25: 03:00 CEST becomes 02:00 CET at 01:00 UTC. */
static void test_dst(void)
{
	parse("2026-03-29 02:30-03:30");
	{
		time_t open[] = { utc(2026, 3, 29, 1, 0), utc(2026, 3, 29, 1, 29) };
		time_t closed[] = { utc(2026, 3, 29, 0, 59) + 59, utc(2026, 3, 29, 1, 30) };

		CHECK_OPEN("spring forward: 02:30 does not exist, the range opens at the jump (03:00 CEST)", open,
			   closed);
	}
	is_int(window_next_change(&when, utc(2026, 3, 29, 0, 0)), utc(2026, 3, 29, 1, 0), "  next: the jump");
	parse("2026-03-29 01:00-04:00");
	is_int(window_next_change(&when, utc(2026, 3, 29, 0, 0)), utc(2026, 3, 29, 2, 0),
	       "spring forward: 01:00-04:00 lasts two real hours");
	parse("2026-03-29T01:30/2h");
	is_int(window_next_change(&when, utc(2026, 3, 29, 0, 30)), utc(2026, 3, 29, 2, 30),
	       "spring forward: an ISO duration is real time (ends 04:30 CEST)");
	parse("sun 02:00-03:00");
	ok(!window_is_open(&when, utc(2026, 3, 29, 1, 0)) && !window_is_open(&when, utc(2026, 3, 29, 0, 59)),
	   "spring forward: a weekly range inside the skipped hour does not happen that day");
	is_int(window_next_change(&when, utc(2026, 3, 28, 12, 0)), utc(2026, 4, 5, 0, 0),
	       "  next: the Sunday after, 02:00 CEST");

	parse("2026-10-25 02:30-03:30");
	{
		time_t open[] = { utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 15), utc(2026, 10, 25, 2, 29) };
		time_t closed[] = { utc(2026, 10, 25, 0, 29), utc(2026, 10, 25, 2, 30) };

		CHECK_OPEN("fall back: from the first 02:30 (CEST) to 03:30 CET, through the repeated hour", open,
			   closed);
	}
	is_int(window_next_change(&when, utc(2026, 10, 25, 0, 30)), utc(2026, 10, 25, 2, 30),
	       "  next: closes once, two real hours later");
	parse("2026-10-25 01:00-02:30");
	{
		time_t open[] = { utc(2026, 10, 24, 23, 0), utc(2026, 10, 25, 0, 29) };
		time_t closed[] = { utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 15) };

		CHECK_OPEN("fall back: a range ending in the repeated hour ends at its first occurrence", open, closed);
	}
	is_int(window_next_change(&when, utc(2026, 10, 25, 0, 30)), 0, "  and does not open again");
	parse("sun 01:00-04:00");
	is_int(window_next_change(&when, utc(2026, 10, 24, 23, 30)), utc(2026, 10, 25, 3, 0),
	       "fall back: a weekly 01:00-04:00 lasts four real hours that Sunday");
}

static void test_next_change(void)
{
	/* a long range covers the weekly one; the change after it is far
	 * from now: Saturday 2026-12-26 12:00 local */
	parse("2026-12-01T00:00/25d11h, sat 10:00-12:00");
	is_int(window_next_change(&when, utc(2026, 12, 2, 0, 0)), utc(2026, 12, 26, 11, 0),
	       "a weekly range right after a long date range: its end is the next change");
	parse("2026-12-10 09:00-11:00, 2026-12-10 11:00-12:00");
	is_int(window_next_change(&when, utc(2026, 12, 10, 8, 30)), utc(2026, 12, 10, 11, 0),
	       "adjacent ranges: no change where one ends and the next starts");
	parse("2025-01-01 09:00-10:00");
	ok(!window_is_open(&when, utc(2026, 12, 10, 8, 30)) && window_next_change(&when, utc(2026, 12, 10, 8, 30)) == 0,
	   "a past range: closed, and no next change");
	parse("mon 09:00-10:00, 2027-06-01 09:00-10:00");
	is_int(window_next_change(&when, utc(2026, 12, 10, 8, 30)), utc(2026, 12, 14, 8, 0),
	       "the first of a weekly and a later date range");
}

int main(void)
{
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	test_forms();
	test_bad();
	test_open();
	test_midnight();
	test_dst();
	test_next_change();
	return tap_done();
}
