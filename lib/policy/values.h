/* Parsers for the scalar value types of corral.ini: booleans, sizes,
 * durations, counts, percentages and octal umasks. Pure functions. */
#ifndef CORRAL_VALUES_H
#define CORRAL_VALUES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Every parser returns 0 or -EINVAL (never -ERANGE: an overflow is just
 * "not a valid value"), takes the whole string (no trailing junk, no
 * leading/trailing space, no sign) and leaves *out untouched on error. */

/* yes/no, true/false, on/off, 1/0 (lowercase only). */
int value_parse_bool(const char *text, bool *out);
/* Decimal count, 0 .. VALUE_COUNT_MAX. */
#define VALUE_COUNT_MAX 1000000000ULL
int value_parse_count(const char *text, uint64_t *out);
/* Bytes: decimal with optional suffix K, M, G, T (powers of 1024,
 * uppercase or lowercase); "unlimited" gives UINT64_MAX. */
int value_parse_size(const char *text, uint64_t *out);
/* Seconds: decimal with optional suffix s, m, h, d; no suffix = seconds.
 * Zero is refused (a zero timeout is a mistake, not "off"). Max 366 days. */
int value_parse_duration(const char *text, uint64_t *out);
/* Percent of one CPU: 1 .. 100 * VALUE_CPU_MAX_CORES, optional trailing '%'. */
#define VALUE_CPU_MAX_CORES 4096
int value_parse_percent(const char *text, uint64_t *out);
/* Octal umask, 1 to 4 digits, 0000 .. 0777. */
int value_parse_umask(const char *text, mode_t *out);

#endif
