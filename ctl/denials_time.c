/* corralctl denials --since: the times an admin types (see denials_parse.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "denials_parse.h"

#define SINCE_TEXT_MAX 64

/* "10m", "2h", "3d", "90s", "15" (minutes): a span back from now. */
static int parse_ago(const char *text, time_t now, time_t *out)
{
	char *end;
	unsigned long long n;
	long long unit;

	if (!isdigit((unsigned char)text[0]))
		return -EINVAL;
	errno = 0;
	n = strtoull(text, &end, 10);
	if (errno)
		return -EINVAL;
	if (strcmp(end, "s") == 0)
		unit = 1;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0 || *end == '\0')
		unit = 60;
	else if (strcmp(end, "h") == 0)
		unit = 3600;
	else if (strcmp(end, "d") == 0)
		unit = 86400;
	else if (strcmp(end, "w") == 0)
		unit = 7LL * 86400;
	else
		return -EINVAL;
	if (n > (unsigned long long)now / (unsigned long long)unit)
		return -EINVAL;
	*out = now - (time_t)(n * (unsigned long long)unit);
	return 0;
}

static time_t local_midnight(time_t now, int days_back)
{
	struct tm tm;

	localtime_r(&now, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday -= days_back;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static bool valid_clock(long long h, long long mi, long long s)
{
	return h >= 0 && h < 24 && mi >= 0 && mi < 60 && s >= 0 && s < 61;
}

/* "HH:MM[:SS]": the end, or NULL. */
static const char *clock_of(const char *p, long long *h, long long *mi, long long *s)
{
	*s = 0;
	if (!(p = denials_digits(p, 1, 2, h)) || *p != ':' || !(p = denials_digits(p + 1, 2, 2, mi)))
		return NULL;
	if (*p == ':' && !(p = denials_digits(p + 1, 2, 2, s)))
		return NULL;
	return valid_clock(*h, *mi, *s) ? p : NULL;
}

int denials_parse_since(const char *text, time_t now, time_t *out)
{
	long long y, mo, d, h = 0, mi = 0, s = 0;
	const char *p;
	struct tm tm;
	char *end;

	if (!text || !text[0] || strlen(text) >= SINCE_TEXT_MAX)
		return -EINVAL;
	if (strcmp(text, "today") == 0 || strcmp(text, "yesterday") == 0) {
		*out = local_midnight(now, text[0] == 'y');
		return 0;
	}
	if (text[0] == '@') {
		long long epoch;

		errno = 0;
		epoch = strtoll(text + 1, &end, 10);
		if (errno || *end || epoch < 0 || !isdigit((unsigned char)text[1]))
			return -EINVAL;
		*out = (time_t)epoch;
		return 0;
	}
	p = denials_digits(text, 4, 4, &y);
	if (p && *p == '-') {
		memset(&tm, 0, sizeof(tm));
		if (!(p = denials_digits(p + 1, 1, 2, &mo)) || *p != '-' || !(p = denials_digits(p + 1, 1, 2, &d)))
			return -EINVAL;
		if ((*p == ' ' || *p == 'T') && !(p = clock_of(p + 1, &h, &mi, &s)))
			return -EINVAL;
		if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1970)
			return -EINVAL;
		tm.tm_year = (int)y - 1900;
		tm.tm_mon = (int)mo - 1;
		tm.tm_mday = (int)d;
		tm.tm_hour = (int)h;
		tm.tm_min = (int)mi;
		tm.tm_sec = (int)s;
		tm.tm_isdst = -1;
		*out = mktime(&tm);
		return *out == (time_t)-1 ? -EINVAL : 0;
	}
	if (strchr(text, ':')) {
		p = clock_of(text, &h, &mi, &s);
		if (!p || *p)
			return -EINVAL;
		*out = local_midnight(now, 0) + (time_t)(h * 3600 + mi * 60 + s);
		return 0;
	}
	return parse_ago(text, now, out);
}
