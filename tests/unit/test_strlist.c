/* Unit tests for lib/util/strlist.c: list operations, the list-value tokenizer
 * and quoting that must read back through the tokenizer unchanged. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strlist.h"
#include "tap.h"

#define MAX_ITEMS 6

struct split_case {
	const char *in;
	int rc;
	size_t count;
	const char *items[MAX_ITEMS];
	const char *reason; /* substring of err on failure */
};

static const struct split_case split_cases[] = {
	{ "", 0, 0, { NULL }, NULL },
	{ "   \t  ", 0, 0, { NULL }, NULL },
	{ "a", 0, 1, { "a" }, NULL },
	{ "a b", 0, 2, { "a", "b" }, NULL },
	{ "  a \t\t b  ", 0, 2, { "a", "b" }, NULL },
	{ "\ta\t", 0, 1, { "a" }, NULL },
	{ "+x -y a=b", 0, 3, { "+x", "-y", "a=b" }, NULL },
	{ "\"a b\"", 0, 1, { "a b" }, NULL },
	{ "\"\"", 0, 1, { "" }, NULL },
	{ "\"\" x \"\"", 0, 3, { "", "x", "" }, NULL },
	{ "x \"y z\" w", 0, 3, { "x", "y z", "w" }, NULL },
	{ "\"a\\\"b\"", 0, 1, { "a\"b" }, NULL },
	{ "\"a\\\\b\"", 0, 1, { "a\\b" }, NULL },
	{ "\"\\\\\"", 0, 1, { "\\" }, NULL },
	{ "\"\\\"\"", 0, 1, { "\"" }, NULL },
	{ "\"a\tb\"", 0, 1, { "a\tb" }, NULL },
	{ "\"  \"", 0, 1, { "  " }, NULL },
	{ "\"a\"\t\"b\"", 0, 2, { "a", "b" }, NULL },
	{ "/home/%u ~/x %h", 0, 3, { "/home/%u", "~/x", "%h" }, NULL },
	{ "\xc3\xa9t\xc3\xa9 \xe2\x82\xac", 0, 2, { "\xc3\xa9t\xc3\xa9", "\xe2\x82\xac" }, NULL },
	{ "\"abc", -EINVAL, 0, { NULL }, "unterminated" },
	{ "a \"b c", -EINVAL, 0, { NULL }, "unterminated" },
	{ "\"", -EINVAL, 0, { NULL }, "unterminated" },
	{ "\"abc\\", -EINVAL, 0, { NULL }, "unterminated" },
	{ "\"abc\\\"", -EINVAL, 0, { NULL }, "unterminated" },
	{ "a\"b\"", -EINVAL, 0, { NULL }, "middle" },
	{ "ab\"", -EINVAL, 0, { NULL }, "middle" },
	{ "\"a\"b", -EINVAL, 0, { NULL }, "closing" },
	{ "\"a\"\"b\"", -EINVAL, 0, { NULL }, "closing" },
	{ "a\\b", -EINVAL, 0, { NULL }, "backslash" },
	{ "\\", -EINVAL, 0, { NULL }, "backslash" },
	{ "x a\\ b", -EINVAL, 0, { NULL }, "backslash" },
	{ "\"a\\nb\"", -EINVAL, 0, { NULL }, "unknown escape '\\n'" },
	{ "\"a\\ b\"", -EINVAL, 0, { NULL }, "unknown escape" },
	{ "\"a\\\x01\"", -EINVAL, 0, { NULL }, "" },
	{ "a\nb", -EINVAL, 0, { NULL }, "control character 0x0a" },
	{ "a\rb", -EINVAL, 0, { NULL }, "control character 0x0d" },
	{ "a\r", -EINVAL, 0, { NULL }, "control character" },
	{ "a \x7f", -EINVAL, 0, { NULL }, "control character 0x7f" },
	{ "\"a\x01\"", -EINVAL, 0, { NULL }, "control character 0x01" },
	{ "\"a\x1b[0m\"", -EINVAL, 0, { NULL }, "control character" },
	{ "\x0b", -EINVAL, 0, { NULL }, "control character" },
};

static void test_split_table(void)
{
	for (size_t i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
		const struct split_case *c = &split_cases[i];
		struct strlist list;
		char err[256] = "";
		int r;

		strlist_init(&list);
		r = strlist_split(c->in, &list, err, sizeof(err));
		is_int(r, c->rc, "split case %zu: return code", i);
		is_int(list.count, c->count, "split case %zu: item count", i);
		for (size_t k = 0; k < c->count && k < list.count; k++)
			is_str(list.items[k], c->items[k], "split case %zu: item %zu", i, k);
		if (c->rc < 0) {
			ok(err[0] != '\0' && strstr(err, c->reason) != NULL,
			   "split case %zu: reason '%s' mentions '%s'", i, err, c->reason);
		}
		strlist_free(&list);
	}
}

/* Builds a string of n copies of ch between optional quotes. */
static char *repeat(char ch, size_t n, bool quotes)
{
	char *s = malloc(n + 3);
	size_t at = 0;

	if (!s)
		abort();
	if (quotes)
		s[at++] = '"';
	memset(s + at, ch, n);
	at += n;
	if (quotes)
		s[at++] = '"';
	s[at] = '\0';
	return s;
}

static void test_split_item_max(void)
{
	struct strlist list;
	char err[128];
	char *s;

	strlist_init(&list);
	s = repeat('x', STRLIST_ITEM_MAX, false);
	is_int(strlist_split(s, &list, err, sizeof(err)), 0, "item of STRLIST_ITEM_MAX accepted");
	is_int(list.count, 1, "one long item");
	if (list.count == 1)
		is_int(strlen(list.items[0]), STRLIST_ITEM_MAX, "long item kept whole");
	free(s);
	strlist_free(&list);

	s = repeat('x', STRLIST_ITEM_MAX + 1, false);
	is_int(strlist_split(s, &list, err, sizeof(err)), -EINVAL, "item of STRLIST_ITEM_MAX+1 refused");
	ok(strstr(err, "longer than") != NULL, "long item reason: %s", err);
	is_int(list.count, 0, "nothing added after a long item");
	free(s);

	s = repeat('y', STRLIST_ITEM_MAX, true);
	is_int(strlist_split(s, &list, NULL, 0), 0, "quoted item of STRLIST_ITEM_MAX accepted");
	free(s);
	strlist_free(&list);

	s = repeat('y', STRLIST_ITEM_MAX + 1, true);
	is_int(strlist_split(s, &list, NULL, 0), -EINVAL, "quoted item of STRLIST_ITEM_MAX+1 refused");
	free(s);

	/* the limit counts decoded characters: 4096 escaped quotes fit */
	s = malloc(2 * STRLIST_ITEM_MAX + 8);
	if (!s)
		abort();
	s[0] = '"';
	for (size_t i = 0; i < STRLIST_ITEM_MAX; i++) {
		s[1 + 2 * i] = '\\';
		s[2 + 2 * i] = '"';
	}
	strcpy(s + 1 + 2 * STRLIST_ITEM_MAX, "\" z");
	is_int(strlist_split(s, &list, NULL, 0), 0, "limit counts decoded characters");
	is_int(list.count, 2, "escaped long item and a short one");
	if (list.count == 2) {
		is_int(strlen(list.items[0]), STRLIST_ITEM_MAX, "decoded length");
		is_str(list.items[1], "z", "item after the long one");
	}
	free(s);
	strlist_free(&list);
}

static void test_split_keeps_out(void)
{
	struct strlist list;
	char err[128];

	strlist_init(&list);
	is_int(strlist_append(&list, "keep"), 0, "append keep");
	is_int(strlist_split("a b \"c", &list, err, sizeof(err)), -EINVAL, "split error");
	is_int(list.count, 1, "out left as it was on error");
	is_str(list.items[0], "keep", "old item intact on error");

	is_int(strlist_split("a \"b c\"", &list, err, sizeof(err)), 0, "split appends");
	is_int(list.count, 3, "split appended to existing items");
	is_str(list.items[0], "keep", "old item first");
	is_str(list.items[1], "a", "new item 1");
	is_str(list.items[2], "b c", "new item 2");

	is_int(strlist_split("x\\y", &list, NULL, 0), -EINVAL, "error with NULL err");
	is_int(strlist_split("x\\y", &list, err, 0), -EINVAL, "error with errlen 0");
	is_int(list.count, 3, "still 3 items");
	strlist_free(&list);
	is_int(list.count, 0, "free resets count");
	ok(list.items == NULL, "free resets items");
}

static void test_list_ops(void)
{
	struct strlist a, b;

	strlist_init(&a);
	strlist_init(&b);
	ok(!strlist_contains(&a, "x"), "empty list contains nothing");
	is_int(strlist_remove(&a, "x"), 0, "remove from empty list");
	for (int i = 0; i < 100; i++) {
		char item[16];

		snprintf(item, sizeof(item), "i%d", i % 10);
		if (strlist_append(&a, item) < 0)
			break;
	}
	is_int(a.count, 100, "100 appended (growth)");
	ok(strlist_contains(&a, "i3"), "contains i3");
	ok(!strlist_contains(&a, "i10"), "does not contain i10");
	is_int(strlist_remove(&a, "i3"), 10, "removes every copy");
	is_int(a.count, 90, "count after remove");
	ok(!strlist_contains(&a, "i3"), "i3 gone");
	is_str(a.items[2], "i2", "order kept before");
	is_str(a.items[3], "i4", "order kept after");
	is_int(strlist_remove(&a, "nope"), 0, "removing a missing item");

	strlist_free(&a);
	is_int(strlist_append(&b, ""), 0, "empty item");
	ok(strlist_contains(&b, ""), "contains empty item");
	strlist_free(&b);
}

struct quote_case {
	const char *item;
	const char *want;
};

static const struct quote_case quote_cases[] = {
	{ "abc", "abc" },
	{ "/home/%u/x", "/home/%u/x" },
	{ "a b", "\"a b\"" },
	{ "a\tb", "\"a\tb\"" },
	{ "", "\"\"" },
	{ " ", "\" \"" },
	{ "a\"b", "\"a\\\"b\"" },
	{ "\"", "\"\\\"\"" },
	{ "back\\slash", "\"back\\\\slash\"" },
	{ "\\", "\"\\\\\"" },
	{ "\\\"", "\"\\\\\\\"\"" },
	{ "x\" \"y", "\"x\\\" \\\"y\"" },
	{ "\xc3\xa9", "\xc3\xa9" },
};

static void test_quote_table(void)
{
	for (size_t i = 0; i < sizeof(quote_cases) / sizeof(quote_cases[0]); i++) {
		const struct quote_case *c = &quote_cases[i];
		struct strlist list;
		char buf[64] = "";

		is_int(strlist_append_quoted(buf, sizeof(buf), c->item), 0, "quote case %zu", i);
		is_str(buf, c->want, "quote case %zu: text", i);
		strlist_init(&list);
		is_int(strlist_split(buf, &list, NULL, 0), 0, "quote case %zu: splits", i);
		is_int(list.count, 1, "quote case %zu: one item back", i);
		if (list.count == 1)
			is_str(list.items[0], c->item, "quote case %zu: round trip", i);
		strlist_free(&list);
	}
}

static void test_quote_list(void)
{
	const char *items[] = { "plain", "", "two words", "q\"uote", "b\\s", "\t", "end" };
	size_t n = sizeof(items) / sizeof(items[0]);
	struct strlist list;
	char buf[256] = "";
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		if (i > 0)
			strcat(buf, " ");
		r = strlist_append_quoted(buf, sizeof(buf), items[i]);
	}
	is_int(r, 0, "quoted list built: %s", buf);
	strlist_init(&list);
	is_int(strlist_split(buf, &list, NULL, 0), 0, "quoted list splits");
	is_int(list.count, n, "quoted list item count");
	for (size_t i = 0; i < n && i < list.count; i++)
		is_str(list.items[i], items[i], "quoted list item %zu", i);
	strlist_free(&list);
}

static void test_quote_limits(void)
{
	char buf[8];
	char *big;

	/* "abc" + NUL needs 4 bytes */
	strcpy(buf, "");
	is_int(strlist_append_quoted(buf, 4, "abc"), 0, "exact fit");
	is_str(buf, "abc", "exact fit text");
	strcpy(buf, "");
	is_int(strlist_append_quoted(buf, 3, "abc"), -ENOSPC, "one byte short");
	is_str(buf, "", "buf unchanged on ENOSPC");

	/* "\"a b\"" + NUL needs 6 */
	strcpy(buf, "x ");
	is_int(strlist_append_quoted(buf, 8, "a b"), 0, "quoted exact fit after text");
	is_str(buf, "x \"a b\"", "appended after existing text");
	strcpy(buf, "x ");
	is_int(strlist_append_quoted(buf, 7, "a b"), -ENOSPC, "quoted one byte short");
	is_str(buf, "x ", "buf unchanged on quoted ENOSPC");
	strcpy(buf, "");
	is_int(strlist_append_quoted(buf, 2, ""), -ENOSPC, "empty item needs 3 bytes");
	is_int(strlist_append_quoted(buf, 3, ""), 0, "empty item in 3 bytes");
	is_str(buf, "\"\"", "empty item text");
	is_int(strlist_append_quoted(buf, 0, "a"), -ENOSPC, "buflen 0");

	strcpy(buf, "");
	is_int(strlist_append_quoted(buf, sizeof(buf), "a\nb"), -EINVAL, "newline cannot be quoted");
	is_int(strlist_append_quoted(buf, sizeof(buf), "\x7f"), -EINVAL, "DEL cannot be quoted");
	is_int(strlist_append_quoted(buf, sizeof(buf), "a b\x01"), -EINVAL, "0x01 cannot be quoted");
	is_str(buf, "", "buf unchanged on EINVAL");

	big = repeat('z', STRLIST_ITEM_MAX + 1, false);
	{
		char *out = malloc(2 * STRLIST_ITEM_MAX);

		if (!out)
			abort();
		out[0] = '\0';
		is_int(strlist_append_quoted(out, 2 * STRLIST_ITEM_MAX, big), -EINVAL,
		       "item over STRLIST_ITEM_MAX cannot be read back");
		big[STRLIST_ITEM_MAX] = '\0';
		is_int(strlist_append_quoted(out, 2 * STRLIST_ITEM_MAX, big), 0, "item of STRLIST_ITEM_MAX can");
		free(out);
	}
	free(big);
}

int main(void)
{
	test_list_ops();
	test_split_table();
	test_split_item_max();
	test_split_keeps_out();
	test_quote_table();
	test_quote_list();
	test_quote_limits();
	return tap_done();
}
