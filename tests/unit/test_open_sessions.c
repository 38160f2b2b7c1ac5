/* Unit tests for limits.sessions: the counting decision of
 * lib/session/open_sessions.c and the key's row in the key table. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "keys.h"
#include "open_sessions.h"
#include "policy.h"
#include "tap.h"

static void test_decision(void)
{
	static const struct session_seen records[] = {
		{ 1000, true }, { 1001, true }, { 1000, false }, { 1000, true }, { 1002, false },
	};
	size_t n = sizeof(records) / sizeof(records[0]), open = 99;

	ok(open_sessions_allow_one_more(records, n, 1000, 3, &open), "two live of uid 1000, limit 3: allowed");
	is_int(open, 2, "the stale record and other users' records do not count");
	ok(!open_sessions_allow_one_more(records, n, 1000, 2, &open), "two live, limit 2: the third is refused");
	ok(!open_sessions_allow_one_more(records, n, 1000, 1, &open), "two live, limit 1 (lowered since): refused");
	ok(open_sessions_allow_one_more(records, n, 1002, 1, &open) && open == 0,
	   "only a stale record of uid 1002: allowed under limit 1");
	ok(!open_sessions_allow_one_more(records, n, 1002, 0, &open), "limit 0 refuses even without sessions");
	ok(!open_sessions_allow_one_more(NULL, 0, 1000, 0, &open) && open == 0, "limit 0, no records at all: refused");
	ok(open_sessions_allow_one_more(NULL, 0, 1000, 1, &open) && open == 0, "no records, limit 1: allowed");
	ok(open_sessions_allow_one_more(records, n, 1000, 1000000000, &open), "the largest limit allows");
}

static void test_key(void)
{
	int key = key_lookup("limits.sessions");
	const struct key_info *info = key >= 0 ? key_info((enum policy_key)key) : NULL;
	char err[POLICY_ERR_MAX] = "";
	struct policy p;

	ok(key == KEY_LIMITS_SESSIONS && info && !info->is_list && !info->group_only,
	   "limits.sessions is a scalar key of every section");
	if (!info)
		return;
	is_int(key_check_item(info, "0", err, sizeof(err)), 0, "0 is a valid limit (refuses every session)");
	is_int(key_check_item(info, "-1", err, sizeof(err)), -EINVAL, "-1 is not");
	is_str(err, "'-1' is not a whole number", "with the count's reason");
	policy_init(&p);
	p.settings[KEY_LIMITS_SESSIONS].set = true;
	strlist_append(&p.settings[KEY_LIMITS_SESSIONS].items, "4");
	is_int(policy_compile(&p, err, sizeof(err)), 0, "compiles");
	is_int(p.number[KEY_LIMITS_SESSIONS], 4, "into policy.number[KEY_LIMITS_SESSIONS]");
	policy_free(&p);
}

int main(void)
{
	test_decision();
	test_key();
	return tap_done();
}
