/* Parsers for corral.ini scalar values. Hand-rolled instead of strtoull,
 * which accepts signs, spaces and hex, and wraps "-1" to UINT64_MAX. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "values.h"

#define SECONDS_PER_DAY 86400ULL
#define DURATION_MAX (366ULL * SECONDS_PER_DAY)

/* Reads one or more decimal digits from *pos into *out, refusing overflow;
 * leaves *pos on the first non-digit. */
static int read_decimal(const char **pos, uint64_t *out)
{
	const char *p = *pos;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned digit = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - digit) / 10)
			return -EINVAL;
		v = v * 10 + digit;
	}
	*pos = p;
	*out = v;
	return 0;
}

int value_parse_bool(const char *text, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(text, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(text, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

int value_parse_count(const char *text, uint64_t *out)
{
	const char *p = text;
	uint64_t v;

	if (read_decimal(&p, &v) < 0 || *p != '\0' || v > VALUE_COUNT_MAX)
		return -EINVAL;
	*out = v;
	return 0;
}

int value_parse_size(const char *text, uint64_t *out)
{
	const char *p = text;
	unsigned shift = 0;
	uint64_t v;

	if (strcmp(text, "unlimited") == 0) {
		*out = UINT64_MAX;
		return 0;
	}
	if (read_decimal(&p, &v) < 0)
		return -EINVAL;
	switch (*p) {
	case '\0':
		break;
	case 'K':
	case 'k':
		shift = 10;
		break;
	case 'M':
	case 'm':
		shift = 20;
		break;
	case 'G':
	case 'g':
		shift = 30;
		break;
	case 'T':
	case 't':
		shift = 40;
		break;
	default:
		return -EINVAL;
	}
	if (shift && p[1] != '\0')
		return -EINVAL;
	if (v > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

int value_parse_duration(const char *text, uint64_t *out)
{
	const char *p = text;
	uint64_t v, unit;

	if (read_decimal(&p, &v) < 0)
		return -EINVAL;
	/* lowercase only: "M" would read as months to some people */
	switch (*p) {
	case '\0':
	case 's':
		unit = 1;
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = SECONDS_PER_DAY;
		break;
	default:
		return -EINVAL;
	}
	if (*p != '\0' && p[1] != '\0')
		return -EINVAL;
	if (v == 0 || v > DURATION_MAX / unit)
		return -EINVAL;
	*out = v * unit;
	return 0;
}

int value_parse_percent(const char *text, uint64_t *out)
{
	const char *p = text;
	uint64_t v;

	if (read_decimal(&p, &v) < 0)
		return -EINVAL;
	if (*p == '%')
		p++;
	if (*p != '\0' || v == 0 || v > 100ULL * VALUE_CPU_MAX_CORES)
		return -EINVAL;
	*out = v;
	return 0;
}

int value_parse_umask(const char *text, mode_t *out)
{
	unsigned v = 0;
	size_t n;

	for (n = 0; text[n] != '\0'; n++) {
		if (n == 4 || text[n] < '0' || text[n] > '7')
			return -EINVAL;
		v = v * 8 + (unsigned)(text[n] - '0');
	}
	if (n == 0 || v > 0777)
		return -EINVAL;
	*out = (mode_t)v;
	return 0;
}
