/* Unit tests for lib/policy/values.c: every accepted form of each scalar type and
 * the edges where a value stops being valid. */
#include <errno.h>
#include <stdint.h>

#include "tap.h"
#include "values.h"

#define SENTINEL 0x5a5a5a5aULL

struct num_case {
	const char *text;
	int rc;
	uint64_t want;
};

typedef int (*num_parser)(const char *, uint64_t *);

static void run_table(const char *name, num_parser parse, const struct num_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t got = SENTINEL;
		int r = parse(cases[i].text, &got);

		is_int(r, cases[i].rc, "%s('%s') return code", name, cases[i].text);
		if (cases[i].rc == 0)
			ok(got == cases[i].want, "%s('%s') = %llu (want %llu)", name, cases[i].text,
			   (unsigned long long)got, (unsigned long long)cases[i].want);
		else
			ok(got == SENTINEL, "%s('%s') leaves out untouched", name, cases[i].text);
	}
}

#define RUN(parser, table) run_table(#parser, parser, table, sizeof(table) / sizeof(table[0]))

/* Junk every numeric parser refuses. */
static const char *const common_bad[] = {
	"",    " ",   "-1",  "+1",    " 1",    "1 ", "1\t", "\t1", "0x10",
	"1.5", "1e3", "abc", "1,000", "1_000", "-0", "\n1", "1\n",
};

/* Test names must stay on one TAP line: escape control characters. */
static const char *printable(const char *s, char *buf, size_t len)
{
	size_t at = 0;

	for (; *s && at + 5 < len; s++)
		at += (size_t)snprintf(buf + at, len - at, (unsigned char)*s < 0x20 ? "\\x%02x" : "%c",
				       (unsigned)(unsigned char)*s);
	buf[at] = '\0';
	return buf;
}

static void test_common_bad(void)
{
	num_parser parsers[] = { value_parse_count, value_parse_size, value_parse_duration, value_parse_percent };
	const char *names[] = { "count", "size", "duration", "percent" };

	for (size_t p = 0; p < sizeof(parsers) / sizeof(parsers[0]); p++) {
		for (size_t i = 0; i < sizeof(common_bad) / sizeof(common_bad[0]); i++) {
			uint64_t got = SENTINEL;
			char shown[32];

			printable(common_bad[i], shown, sizeof(shown));
			is_int(parsers[p](common_bad[i], &got), -EINVAL, "%s refuses '%s'", names[p], shown);
			ok(got == SENTINEL, "%s('%s') leaves out untouched", names[p], shown);
		}
	}
}

static const struct num_case count_cases[] = {
	{ "0", 0, 0 },
	{ "1", 0, 1 },
	{ "007", 0, 7 },
	{ "65535", 0, 65535 },
	{ "65536", 0, 65536 },
	{ "999999999", 0, 999999999 },
	{ "1000000000", 0, VALUE_COUNT_MAX },
	{ "0001000000000", 0, VALUE_COUNT_MAX },
	{ "1000000001", -EINVAL, 0 },
	{ "4294967296", -EINVAL, 0 },
	{ "18446744073709551615", -EINVAL, 0 },
	{ "18446744073709551616", -EINVAL, 0 },
	{ "99999999999999999999999999", -EINVAL, 0 },
	{ "1k", -EINVAL, 0 },
	{ "1K", -EINVAL, 0 },
	{ "unlimited", -EINVAL, 0 },
	{ "10%", -EINVAL, 0 },
};

static const struct num_case size_cases[] = {
	{ "0", 0, 0 },
	{ "512", 0, 512 },
	{ "64K", 0, 65536 },
	{ "64k", 0, 65536 },
	{ "0K", 0, 0 },
	{ "1M", 0, 1048576 },
	{ "1m", 0, 1048576 },
	{ "2G", 0, 2147483648ULL },
	{ "2g", 0, 2147483648ULL },
	{ "1T", 0, 1099511627776ULL },
	{ "1t", 0, 1099511627776ULL },
	{ "unlimited", 0, UINT64_MAX },
	{ "18446744073709551615", 0, UINT64_MAX },
	{ "18446744073709551616", -EINVAL, 0 },
	{ "99999999999999999999", -EINVAL, 0 },
	{ "18014398509481983K", 0, UINT64_MAX - 1023 },
	{ "18014398509481984K", -EINVAL, 0 },
	{ "17592186044415M", 0, 17592186044415ULL << 20 },
	{ "17592186044416M", -EINVAL, 0 },
	{ "17179869183G", 0, 17179869183ULL << 30 },
	{ "17179869184G", -EINVAL, 0 },
	{ "16777215T", 0, 16777215ULL << 40 },
	{ "16777216T", -EINVAL, 0 },
	{ "1KB", -EINVAL, 0 },
	{ "1KiB", -EINVAL, 0 },
	{ "1KK", -EINVAL, 0 },
	{ "1B", -EINVAL, 0 },
	{ "1P", -EINVAL, 0 },
	{ "1E", -EINVAL, 0 },
	{ "K", -EINVAL, 0 },
	{ "1 K", -EINVAL, 0 },
	{ "Unlimited", -EINVAL, 0 },
	{ "UNLIMITED", -EINVAL, 0 },
	{ "unlimited ", -EINVAL, 0 },
	{ "infinity", -EINVAL, 0 },
	{ "-1K", -EINVAL, 0 },
};

static const struct num_case duration_cases[] = {
	{ "1", 0, 1 },
	{ "30", 0, 30 },
	{ "30s", 0, 30 },
	{ "5m", 0, 300 },
	{ "2h", 0, 7200 },
	{ "1d", 0, 86400 },
	{ "90m", 0, 5400 },
	{ "366d", 0, 31622400 },
	{ "367d", -EINVAL, 0 },
	{ "31622400", 0, 31622400 },
	{ "31622400s", 0, 31622400 },
	{ "31622401", -EINVAL, 0 },
	{ "527040m", 0, 31622400 },
	{ "527041m", -EINVAL, 0 },
	{ "8784h", 0, 31622400 },
	{ "8785h", -EINVAL, 0 },
	{ "0", -EINVAL, 0 },
	{ "0s", -EINVAL, 0 },
	{ "0m", -EINVAL, 0 },
	{ "0d", -EINVAL, 0 },
	{ "000", -EINVAL, 0 },
	{ "18446744073709551615d", -EINVAL, 0 },
	{ "307445734561825861m", -EINVAL, 0 },
	{ "18446744073709551616", -EINVAL, 0 },
	{ "1M", -EINVAL, 0 },
	{ "1S", -EINVAL, 0 },
	{ "1H", -EINVAL, 0 },
	{ "1D", -EINVAL, 0 },
	{ "1w", -EINVAL, 0 },
	{ "1ms", -EINVAL, 0 },
	{ "1ss", -EINVAL, 0 },
	{ "1h30m", -EINVAL, 0 },
	{ "s", -EINVAL, 0 },
	{ "1 s", -EINVAL, 0 },
	{ "1.5h", -EINVAL, 0 },
};

static const struct num_case percent_cases[] = {
	{ "1", 0, 1 },
	{ "50", 0, 50 },
	{ "50%", 0, 50 },
	{ "100", 0, 100 },
	{ "250", 0, 250 },
	{ "250%", 0, 250 },
	{ "409600", 0, 100ULL * VALUE_CPU_MAX_CORES },
	{ "409600%", 0, 100ULL * VALUE_CPU_MAX_CORES },
	{ "409601", -EINVAL, 0 },
	{ "409601%", -EINVAL, 0 },
	{ "18446744073709551616", -EINVAL, 0 },
	{ "0", -EINVAL, 0 },
	{ "0%", -EINVAL, 0 },
	{ "%", -EINVAL, 0 },
	{ "50%%", -EINVAL, 0 },
	{ "%50", -EINVAL, 0 },
	{ "50 %", -EINVAL, 0 },
	{ "50% ", -EINVAL, 0 },
	{ "-5", -EINVAL, 0 },
	{ "+5%", -EINVAL, 0 },
	{ "2.5", -EINVAL, 0 },
};

struct bool_case {
	const char *text;
	int rc;
	bool want;
};

static const struct bool_case bool_cases[] = {
	{ "yes", 0, true },
	{ "no", 0, false },
	{ "true", 0, true },
	{ "false", 0, false },
	{ "on", 0, true },
	{ "off", 0, false },
	{ "1", 0, true },
	{ "0", 0, false },
	{ "Yes", -EINVAL, false },
	{ "YES", -EINVAL, false },
	{ "True", -EINVAL, false },
	{ "ON", -EINVAL, false },
	{ "", -EINVAL, false },
	{ "y", -EINVAL, false },
	{ "n", -EINVAL, false },
	{ "2", -EINVAL, false },
	{ "01", -EINVAL, false },
	{ "yes ", -EINVAL, false },
	{ " yes", -EINVAL, false },
	{ "nope", -EINVAL, false },
	{ "yess", -EINVAL, false },
	{ "of", -EINVAL, false },
	{ "enable", -EINVAL, false },
};

static void test_bool(void)
{
	for (size_t i = 0; i < sizeof(bool_cases) / sizeof(bool_cases[0]); i++) {
		const struct bool_case *c = &bool_cases[i];
		bool got;

		/* preset to the opposite so a wrong or missing write shows */
		got = !c->want;
		is_int(value_parse_bool(c->text, &got), c->rc, "bool('%s') return code", c->text);
		if (c->rc == 0)
			ok(got == c->want, "bool('%s') value", c->text);
		else
			ok(got == !c->want, "bool('%s') leaves out untouched", c->text);
	}
}

struct umask_case {
	const char *text;
	int rc;
	mode_t want;
};

static const struct umask_case umask_cases[] = {
	{ "022", 0, 022 },       { "0077", 0, 077 },     { "7", 0, 07 },          { "0", 0, 0 },
	{ "0000", 0, 0 },        { "77", 0, 077 },       { "777", 0, 0777 },      { "0777", 0, 0777 },
	{ "027", 0, 027 },       { "1000", -EINVAL, 0 }, { "01000", -EINVAL, 0 }, { "00000", -EINVAL, 0 },
	{ "00777", -EINVAL, 0 }, { "4777", -EINVAL, 0 }, { "7777", -EINVAL, 0 },  { "8", -EINVAL, 0 },
	{ "078", -EINVAL, 0 },   { "9", -EINVAL, 0 },    { "", -EINVAL, 0 },      { "0o77", -EINVAL, 0 },
	{ "0x7", -EINVAL, 0 },   { "-1", -EINVAL, 0 },   { "+7", -EINVAL, 0 },    { " 7", -EINVAL, 0 },
	{ "7 ", -EINVAL, 0 },    { "77a", -EINVAL, 0 },  { "u=rwx", -EINVAL, 0 },
};

static void test_umask(void)
{
	for (size_t i = 0; i < sizeof(umask_cases) / sizeof(umask_cases[0]); i++) {
		const struct umask_case *c = &umask_cases[i];
		mode_t got = 05555;

		is_int(value_parse_umask(c->text, &got), c->rc, "umask('%s') return code", c->text);
		if (c->rc == 0)
			is_int(got, c->want, "umask('%s') value", c->text);
		else
			is_int(got, 05555, "umask('%s') leaves out untouched", c->text);
	}
}

int main(void)
{
	test_bool();
	RUN(value_parse_count, count_cases);
	RUN(value_parse_size, size_cases);
	RUN(value_parse_duration, duration_cases);
	RUN(value_parse_percent, percent_cases);
	test_umask();
	test_common_bad();
	return tap_done();
}
