/* Unit tests of policy_resolve_at(): [window:NAME] sections open and
 * closed at a given instant, their replace / '+' / '-' rules, grants
 * before windows (a window wins), applies by user and by group, the next
 * change, item origins; and the config's checks of window sections. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "grants.h"
#include "policy.h"
#include "fixture.h"
#include "tap.h"

/* alice is in group "root" (gid 0, on every system); bob is not */
static gid_t alice_groups[] = { 1000, 0 };
static struct user_info alice = { .name = "alice",
				  .uid = 1000,
				  .gid = 1000,
				  .home = "/home/alice",
				  .shell = "/usr/bin/corral-shell",
				  .groups = alice_groups,
				  .n_groups = 2 };
static gid_t bob_groups[] = { 1001 };
static struct user_info bob = { .name = "bob",
				.uid = 1001,
				.gid = 1001,
				.home = "/home/bob",
				.shell = "/usr/bin/corral-shell",
				.groups = bob_groups,
				.n_groups = 1 };

static const char *const lab = "[default]\n"                                      /* 1 */
			       "confine = yes\n"                                  /* 2 */
			       "fs.read = /usr /etc\n"                            /* 3 */
			       "fs.deny = /etc/shadow\n"                          /* 4 */
			       "net.connect = tcp://:443\n"                       /* 5 */
			       "limits.sessions = 5\n"                            /* 6 */
			       "[user:alice]\n"                                   /* 7 */
			       "fs.read = +/srv\n"                                /* 8 */
			       "[window:exam]\n"                                  /* 9 */
			       "when = 2026-12-10 09:00-11:00\n"                  /* 10 */
			       "applies = group:no-such-group-xyz group:root\n"   /* 11 */
			       "net.connect = tcp://exam.example.org:443\n"       /* 12 */
			       "fs.deny = +~/notes\n"                             /* 13 */
			       "fs.read = -/srv\n"                                /* 14 */
			       "limits.sessions = 1\n"                            /* 15 */
			       "[window:bobs]\n"                                  /* 16 */
			       "when = 2026-12-10 10:00-12:00, sat 10:00-11:00\n" /* 17 */
			       "applies = user:bob\n"                             /* 18 */
			       "grace = 10m\n"                                    /* 19 */
			       "limits.sessions = 2\n";                           /* 20 */

static time_t utc(int y, int m, int d, int h, int mi)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi };

	return timegm(&tm);
}

/* Berlin is UTC+1 in December: 09:30 local is 08:30 UTC */
#define DURING utc(2026, 12, 10, 8, 30)
#define AFTER utc(2026, 12, 10, 10, 30)
#define BEFORE utc(2026, 12, 1, 0, 0)

static const char *joined(const struct strlist *list)
{
	static char buf[1024];

	buf[0] = '\0';
	for (size_t i = 0; i < list->count; i++) {
		if (i)
			strcat(buf, " ");
		strncat(buf, list->items[i], sizeof(buf) - strlen(buf) - 2);
	}
	return buf;
}

static const char *last(const struct strlist *list)
{
	return list->count ? list->items[list->count - 1] : "";
}

static struct config config;

static int resolve(const struct grant_set *grants, const struct user_info *user, time_t now, struct policy *p)
{
	char err[POLICY_ERR_MAX] = "";
	int r = policy_resolve_at(&config, grants, user, now, p, err, sizeof(err));

	if (r < 0)
		tap_diag("  resolve: %s", err);
	return r;
}

static void test_windows(void)
{
	struct policy p;

	if (!ok(config_from_ini(lab, &config) == 0, "the lab with two windows loads"))
		return;
	ok(config.count == 4 && config.sections[2].kind == SECTION_WINDOW &&
		   strcmp(config.sections[2].target, "exam") == 0 && config.sections[3].window->grace == 600 &&
		   config.sections[2].window->grace == WINDOW_GRACE_DEFAULT,
	   "window sections: kind, name, grace (10m, default 5m)");

	if (resolve(NULL, &alice, DURING, &p) == 0) {
		is_str(joined(&p.windows), "exam", "during the exam alice has the exam window");
		is_str(last(&p.sections), "[window:exam] t.ini:9", "  applied last, after [user:alice]");
		is_int(p.number[KEY_LIMITS_SESSIONS], 1, "  a scalar: the window's limits.sessions = 1");
		is_str(joined(policy_list(&p, KEY_NET_CONNECT)), "tcp://exam.example.org:443",
		       "  a plain list value replaces");
		is_str(joined(policy_list(&p, KEY_FS_DENY)), "/etc/shadow /home/alice/notes",
		       "  '+' appends, ~ expanded");
		is_str(joined(policy_list(&p, KEY_FS_READ)), "/usr /etc", "  '-' removes what [user:alice] added");
		is_str(last(&p.settings[KEY_FS_DENY].item_origins), "[window:exam] t.ini:13",
		       "  the appended item's origin is the window's line");
		is_str(last(&p.settings[KEY_FS_READ].origins), "-[window:exam] t.ini:14", "  the removal is an origin");
		is_str(joined(&p.settings[KEY_NET_CONNECT].item_origins), "[window:exam] t.ini:12",
		       "  the replaced list's items come from the window");
		is_int(p.next_change, utc(2026, 12, 10, 10, 0), "  next change: the exam ends at 11:00 local");
		ok(p.confine, "  still confined");
		policy_free(&p);
	}
	if (resolve(NULL, &alice, AFTER, &p) == 0) {
		ok(p.windows.count == 0 && p.number[KEY_LIMITS_SESSIONS] == 5 &&
			   strcmp(joined(policy_list(&p, KEY_FS_READ)), "/usr /etc /srv") == 0,
		   "after the exam: no window, limits.sessions 5, /srv back");
		is_int(p.next_change, 0, "  the exam is over and no other window applies: no next change");
		policy_free(&p);
	}
	if (resolve(NULL, &alice, BEFORE, &p) == 0) {
		ok(p.windows.count == 0 && p.number[KEY_LIMITS_SESSIONS] == 5, "before the exam: the usual policy");
		is_int(p.next_change, utc(2026, 12, 10, 8, 0), "  next change: the exam starts");
		policy_free(&p);
	}
	if (resolve(NULL, &bob, DURING, &p) == 0) {
		ok(p.windows.count == 0 && p.number[KEY_LIMITS_SESSIONS] == 5,
		   "bob is not in group root: the exam does not apply, his window is not open yet");
		is_int(p.next_change, utc(2026, 12, 10, 9, 0), "  his next change: his own window opens");
		policy_free(&p);
	}
	if (resolve(NULL, &bob, AFTER, &p) == 0) {
		ok(strcmp(joined(&p.windows), "bobs") == 0 && p.number[KEY_LIMITS_SESSIONS] == 2,
		   "applies = user:bob: bob's window is open at 11:30 local");
		is_int(p.next_change, utc(2026, 12, 10, 11, 0), "  it closes at 12:00 local");
		policy_free(&p);
	}
	if (resolve(NULL, &bob, utc(2026, 12, 12, 9, 30), &p) == 0) {
		ok(strcmp(joined(&p.windows), "bobs") == 0, "its second range: Saturday 10:00-11:00");
		policy_free(&p);
	}
	ok(policy_window_applies(&config.sections[2], &alice) == 1 &&
		   policy_window_applies(&config.sections[2], &bob) == 0 &&
		   policy_window_applies(&config.sections[3], &bob) == 1 &&
		   policy_window_applies(&config.sections[0], &alice) == 0,
	   "policy_window_applies: by group, by user; an unknown group matches nobody; no window, no match");
}

static void test_grants(void)
{
	struct grant items[5];
	struct grant_set grants = { items, 5 };
	struct policy p;
	char err[POLICY_ERR_MAX];

	memset(items, 0, sizeof(items));
	for (size_t i = 0; i < 5; i++) {
		strlist_init(&items[i].values);
		snprintf(items[i].id, sizeof(items[i].id), "g%zu", i);
		items[i].user = i == 3 ? "bob" : "alice";
		items[i].expires = utc(2026, 12, 10, 12, 0) + (time_t)i * 3600;
	}
	items[0].key = KEY_FS_READ;
	strlist_append(&items[0].values, "/opt/extra");
	strlist_append(&items[0].values, "~/shared");
	items[1].key = KEY_LIMITS_SESSIONS;
	strlist_append(&items[1].values, "3");
	items[2].key = KEY_NET_CONNECT;
	strlist_append(&items[2].values, "tcp://:22");
	items[3].key = KEY_FS_READ; /* bob's */
	strlist_append(&items[3].values, "/bobs");
	items[4].key = KEY_FS_READ; /* expired */
	items[4].expires = utc(2026, 12, 1, 0, 0);
	strlist_append(&items[4].values, "/expired");

	if (resolve(&grants, &alice, AFTER, &p) == 0) {
		is_str(joined(policy_list(&p, KEY_FS_READ)), "/usr /etc /srv /opt/extra /home/alice/shared",
		       "a grant appends after [user:alice], ~ expanded; bob's and the expired grant are not applied");
		is_str(last(&p.settings[KEY_FS_READ].item_origins), "grant g0 until 2026-12-10 13:00",
		       "  the item's origin names the grant and its end in local time");
		is_str(last(&p.settings[KEY_FS_READ].origins), "+grant g0 until 2026-12-10 13:00",
		       "  an append origin");
		is_int(p.number[KEY_LIMITS_SESSIONS], 3, "  a scalar key takes the grant's value");
		is_str(joined(policy_list(&p, KEY_NET_CONNECT)), "tcp://:443 tcp://:22", "  net.connect widened");
		is_int(p.next_change, utc(2026, 12, 10, 12, 0), "  next change: alice's first grant expires");
		policy_free(&p);
	}
	if (resolve(&grants, &alice, DURING, &p) == 0) {
		is_int(p.number[KEY_LIMITS_SESSIONS], 1, "during the exam the window wins over the grant's limit");
		is_str(joined(policy_list(&p, KEY_NET_CONNECT)), "tcp://exam.example.org:443",
		       "  and its net.connect replaces what the grant added");
		is_str(joined(policy_list(&p, KEY_FS_READ)), "/usr /etc /opt/extra /home/alice/shared",
		       "  a window's '-' removes only what it names");
		is_int(p.next_change, utc(2026, 12, 10, 10, 0),
		       "  next change: the window closes before any grant expires");
		policy_free(&p);
	}
	if (resolve(&grants, &alice, utc(2026, 12, 10, 12, 30), &p) == 0) {
		ok(!strstr(joined(policy_list(&p, KEY_FS_READ)), "/opt/extra") && p.number[KEY_LIMITS_SESSIONS] == 3,
		   "after g0 expires its paths are gone, g1 still holds");
		is_int(p.next_change, utc(2026, 12, 10, 13, 0), "  next change: g1's expiry");
		policy_free(&p);
	}

	items[1].key = KEY_LIMITS_GROUP_CPU;
	is_int(policy_resolve_at(&config, &grants, &alice, AFTER, &p, err, sizeof(err)), -EINVAL,
	       "a grant of a limits.group.* key is refused");
	ok(strstr(err, "grant g1") != NULL, "  naming the grant: %s", err);
	items[1].key = KEY_COUNT;
	is_int(policy_resolve_at(&config, &grants, &alice, AFTER, &p, err, sizeof(err)), -EINVAL,
	       "a grant of no known key is refused: %s", err);
	items[1].key = KEY_LIMITS_SESSIONS;
	strlist_append(&items[1].values, "4");
	is_int(policy_resolve_at(&config, &grants, &alice, AFTER, &p, err, sizeof(err)), -EINVAL,
	       "two values for a scalar key are refused: %s", err);
	items[1].values.count = 1;
	free(items[1].values.items[1]);
	strlist_append(&items[0].values, "relative/path");
	is_int(policy_resolve_at(&config, &grants, &alice, AFTER, &p, err, sizeof(err)), -EINVAL,
	       "a grant value that is no path for the user is refused");
	ok(strstr(err, "grant g0: key 'fs.read'") != NULL, "  naming grant and key: %s", err);
	for (size_t i = 0; i < 5; i++)
		strlist_free(&items[i].values);
}

/* A grant to a list the policy leaves unset restricts nothing: it must
 * not start a list (that would narrow); ipc.unix's default is extended. */
static void test_grant_unset_key(void)
{
	struct grant items[2];
	struct grant_set grants = { items, 2 };
	struct policy p;

	memset(items, 0, sizeof(items));
	for (size_t i = 0; i < 2; i++) {
		strlist_init(&items[i].values);
		snprintf(items[i].id, sizeof(items[i].id), "u%zu", i);
		items[i].user = "alice";
		items[i].expires = utc(2030, 1, 1, 0, 0);
	}
	items[0].key = KEY_NET_BIND;
	strlist_append(&items[0].values, "8080");
	items[1].key = KEY_IPC_UNIX;
	strlist_append(&items[1].values, "/run/extra.sock");
	if (resolve(&grants, &alice, AFTER, &p) == 0) {
		ok(!policy_is_set(&p, KEY_NET_BIND), "a grant to an unset net.bind leaves it unset (every port)");
		ok(strlist_contains(policy_list(&p, KEY_IPC_UNIX), "/run/extra.sock") &&
			   strlist_contains(policy_list(&p, KEY_IPC_UNIX), "/dev/log"),
		   "a grant to an unset ipc.unix extends its default list");
		policy_free(&p);
	}
	for (size_t i = 0; i < 2; i++)
		strlist_free(&items[i].values);
}

static void test_config_errors(void)
{
	static const struct {
		const char *text, *needle;
	} bad[] = {
		{ "[default]\nwhen = mon 10:00-11:00\n",
		  "t.ini:2: error: key 'when' belongs in a [window:NAME] section, not [default]" },
		{ "[user:bob]\ngrace = 5m\n",
		  "t.ini:2: error: key 'grace' belongs in a [window:NAME] section, not [user:bob]" },
		{ "[global]\napplies = user:bob\n", "t.ini:2: error: key 'applies' belongs in a [window:NAME]" },
		{ "[window:w]\napplies = user:bob\n", "t.ini:1: error: section [window:w]: key 'when' is required" },
		{ "[window:w]\nwhen = sat 10:00-11:00\n",
		  "t.ini:1: error: section [window:w]: key 'applies' is required" },
		{ "[window:w]\nwhen = sat 10:00-11:00\napplies = bob\n",
		  "t.ini:3: error: key 'applies': 'bob' is not group:NAME or user:NAME" },
		{ "[window:w]\nwhen = sat 10:00-11:00\napplies =\n",
		  "t.ini:3: error: key 'applies' needs at least one" },
		{ "[window:w]\nwhen = sat 10:00-11:00\napplies = group:a/b\n", "'group:a/b' is not group:NAME" },
		{ "[window:w]\nwhen = sat 10-11\napplies = user:bob\n",
		  "t.ini:2: error: key 'when': range 1: '10-11' is not a time range" },
		{ "[window:w]\nwhen = sat 10:00-11:00\napplies = user:bob\ngrace = soon\n",
		  "t.ini:4: error: key 'grace': 'soon' is not a duration" },
		{ "[window:w]\nwhen = sat 10:00-11:00\napplies = user:bob\nconfine = no\n",
		  "t.ini:4: error: key 'confine': a window never un-confines" },
		{ "[window:w]\nwhen = sat 10:00-11:00\napplies = user:bob\nconfine = off\n",
		  "a window never un-confines" },
		{ "[window:w]\nwhen = sat 10:00-11:00\napplies = user:bob\nlimits.group.cpu = 10\n",
		  "t.ini:4: error: key 'limits.group.cpu' belongs in a [group:NAME] section, not [window:w]" },
		{ "[window:w]\nwhen = sat 10:00-11:00\napplies = user:bob\nfs.reads = /x\n",
		  "t.ini:4: error: unknown key 'fs.reads' in [window:w]" },
		{ "[window:w]\nwhen = sat 10:00-11:00\napplies = user:bob\n[window:w]\nwhen = sun 10:00-11:00\napplies = user:bob\n",
		  "t.ini:4: error: section [window:w]: a window of that name is already defined at t.ini:1" },
		{ "[window:]\nwhen = sat 10:00-11:00\napplies = user:bob\n",
		  "t.ini:1: error: unknown section [window:]" },
	};
	struct config c;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[DIAG_MESSAGE_MAX + 64] = "";
		bool found = false;

		ok(config_from_ini(bad[i].text, &c) == -EINVAL, "invalid: %s", bad[i].needle);
		for (size_t k = 0; k < c.diags.count && !found; k++) {
			diag_format(&c.diags.items[k], line, sizeof(line));
			found = strstr(line, bad[i].needle) != NULL;
		}
		if (!ok(found, "  the error names file, line and key"))
			for (size_t k = 0; k < c.diags.count; k++) {
				diag_format(&c.diags.items[k], line, sizeof(line));
				tap_diag("  %s", line);
			}
		config_free(&c);
	}
}

/* confine = yes in a window confines members who are not confined otherwise */
static void test_window_confines(void)
{
	struct policy p;

	config_free(&config);
	if (!ok(config_from_ini("[default]\nconfine = no\n[window:w]\nwhen = 00:00-24:00\napplies = user:bob\n"
				"confine = yes\nservices = sshd\n",
				&config) == 0,
		"a window with confine = yes and services loads"))
		return;
	if (resolve(NULL, &bob, AFTER, &p) == 0) {
		ok(p.confine && strcmp(joined(policy_list(&p, KEY_SERVICES)), "sshd") == 0,
		   "a window open all day confines bob and limits his services");
		is_int(p.next_change, 0, "  it never closes: no next change");
		policy_free(&p);
	}
	if (resolve(NULL, &alice, AFTER, &p) == 0) {
		ok(!p.confine, "alice, whom it does not name, stays unconfined");
		policy_free(&p);
	}
}

int main(void)
{
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	test_windows();
	test_grants();
	test_grant_unset_key();
	test_config_errors();
	test_window_confines();
	config_free(&config);
	return tap_done();
}
