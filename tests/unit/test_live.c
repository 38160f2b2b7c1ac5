/* Unit tests of the live-change pieces of issue 16: the session's live
 * file (lib/session/session_live.c: format, strict parse, roles) and which
 * keys a new policy narrows (lib/policy/policy_change.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "policy_change.h"
#include "session_live.h"
#include "tap.h"

#define ID "0123456789abcdef0123456789abcdef"

static gid_t alice_groups[] = { 1000 };
static struct user_info alice = {
	.name = "alice",
	.uid = 1000,
	.gid = 1000,
	.home = "/home/alice",
	.shell = "/bin/bash",
	.groups = alice_groups,
	.n_groups = 1,
};

static void test_live_file(void)
{
	struct session_live live, back;
	char err[128], *text = NULL;
	size_t len = 0;

	session_live_init(&live);
	memcpy(live.id, ID, sizeof(live.id));
	live.applied = 1765000000;
	ok(session_live_format(&live, &text, &len) == -EINVAL, "no policy: not written");
	ok(session_live_add(&live, SESSION_LIVE_CURRENT, "confine yes\n", 12) == 0, "a current policy");
	ok(session_live_add(&live, SESSION_LIVE_CEILING, "confine yes\n", 12) == 0, "the same text as a ceiling");
	ok(session_live_add(&live, SESSION_LIVE_CEILING, "confine yes\n", 12) == 0 && live.count == 2,
	   "the same text in the same role is kept once");
	live.ends = 1765000300;
	strcpy(live.reason, "fs.read narrowed");
	strcpy(live.windows, "exam-db");
	ok(session_live_format(&live, &text, &len) == 0, "formatted");
	ok(session_live_parse(text, len, &back, err, sizeof(err)) == 0, "parsed back");
	ok(back.count == 2 && back.roles[0] == SESSION_LIVE_CURRENT && back.roles[1] == SESSION_LIVE_CEILING &&
		   back.ends == live.ends && strcmp(back.reason, live.reason) == 0 &&
		   strcmp(back.windows, "exam-db") == 0 && strcmp(back.id, ID) == 0,
	   "the round trip keeps roles, end, reason and windows");
	session_live_free(&back);
	/* a file may not lie about its sizes, roles or order */
	{
		static const char *const bad[] = {
			"corral-live 1\nid " ID "\napplied 1\npolicy current 99\nconfine yes\n",
			"corral-live 1\nid " ID "\napplied 1\npolicy ceiling 12\nconfine yes\n",
			"corral-live 1\nid " ID
			"\napplied 1\npolicy current 12\nconfine yes\npolicy current 11\nconfine no\n",
			"corral-live 1\nid " ID "\napplied 1\npolicy widest 12\nconfine yes\n",
			"corral-live 1\napplied 1\npolicy current 12\nconfine yes\n",
			"corral-live 1\nid nothex\napplied 1\npolicy current 12\nconfine yes\n",
			"corral-live 1\nid " ID "\napplied -5\npolicy current 12\nconfine yes\n",
			"corral-live 1\nid " ID "\npolicy current 12\nconfine yes\napplied 1\n",
			"corral-live 2\nid " ID "\napplied 1\npolicy current 12\nconfine yes\n",
			"corral-live 1\nid " ID
			"\napplied 1\nends 5 \"a\"\nends 6 \"b\"\npolicy current 12\nconfine yes\n",
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			ok(session_live_parse(bad[i], strlen(bad[i]), &back, err, sizeof(err)) == -EINVAL,
			   "malformed live file %zu is refused", i);
		}
	}
	free(text);
	session_live_free(&live);
}

static bool narrows(const char *before, const char *after, enum policy_key key)
{
	struct policy old, new;
	bool r;

	if (policy_from_ini(before, &alice, &old, NULL, 0) < 0)
		return false;
	if (policy_from_ini(after, &alice, &new, NULL, 0) < 0) {
		policy_free(&old);
		return false;
	}
	r = policy_key_narrows(&old, &new, key);
	policy_free(&old);
	policy_free(&new);
	return r;
}

#define P(body) "[default]\nconfine = yes\n" body

static void test_narrowing(void)
{
	struct policy old, new;
	bool live[KEY_COUNT] = { false };
	char keys[256];

	ok(narrows(P("fs.read = /usr /srv\n"), P("fs.read = /usr\n"), KEY_FS_READ), "fs.read loses a tree: narrows");
	ok(!narrows(P("fs.read = /usr/share\n"), P("fs.read = /usr\n"), KEY_FS_READ), "a wider tree does not");
	ok(narrows(P(""), P("fs.read = /usr\n"), KEY_FS_READ), "fs.read set where it was not: narrows");
	ok(!narrows(P("fs.read = /usr\n"), P(""), KEY_FS_READ), "fs.read taken away: widens");
	ok(narrows(P("fs.deny = /etc/shadow\n"), P("fs.deny = /etc/shadow ~/notes\n"), KEY_FS_DENY),
	   "fs.deny gains a path: narrows");
	ok(!narrows(P("fs.deny = /etc\n"), P("fs.deny = /etc/shadow\n"), KEY_FS_DENY),
	   "fs.deny inside an old one: does not");
	ok(narrows(P("net.connect = :443 :80\n"), P("net.connect = :443\n"), KEY_NET_CONNECT),
	   "net.connect loses a rule: narrows");
	ok(!narrows(P("net.connect = :443\n"), P("net.connect = :443 :80\n"), KEY_NET_CONNECT),
	   "net.connect gains one: widens");
	ok(narrows(P("net.deny = 10.0.0.0/8\n"), P("net.deny = 10.0.0.0/8 192.168.0.0/16\n"), KEY_NET_DENY),
	   "net.deny gains one: narrows");
	ok(narrows(P("net.loopback = any\n"), P("net.loopback = own\n"), KEY_NET_LOOPBACK), "loopback any -> own");
	ok(!narrows(P("net.loopback = none\n"), P("net.loopback = own\n"), KEY_NET_LOOPBACK), "loopback none -> own");
	ok(narrows(P("limits.memory = 2G\n"), P("limits.memory = 1G\n"), KEY_LIMITS_MEMORY), "a lower limit");
	ok(narrows(P(""), P("limits.memory = 1G\n"), KEY_LIMITS_MEMORY), "a limit where there was none");
	ok(!narrows(P("limits.memory = 1G\n"), P("limits.memory = 2G\n"), KEY_LIMITS_MEMORY), "a higher one");
	ok(narrows(P("fs.private_tmp = no\n"), P("fs.private_tmp = yes\n"), KEY_FS_PRIVATE_TMP), "private /tmp on");
	ok(!narrows(P("shell = /bin/bash\n"), P("shell = /bin/sh\n"), KEY_SHELL), "shell: asked at login only");

	if (policy_from_ini(P("fs.read = /usr /srv\nnet.connect = :443 :80\n"), &alice, &old, NULL, 0) == 0 &&
	    policy_from_ini(P("fs.read = /usr\nnet.connect = :443\n"), &alice, &new, NULL, 0) == 0) {
		live[KEY_NET_CONNECT] = true;
		is_int((int)policy_fixed_narrowing(&old, &new, live, keys, sizeof(keys)), 1,
		       "one fixed key narrows (net.connect is live)");
		is_str(keys, "fs.read", "it is named");
		live[KEY_NET_CONNECT] = false;
		is_int((int)policy_fixed_narrowing(&old, &new, live, keys, sizeof(keys)), 2,
		       "two when net.connect is Landlock's");
		is_str(keys, "fs.read, net.connect", "both named, in key order");
		policy_free(&old);
		policy_free(&new);
	}
}

int main(void)
{
	test_live_file();
	test_narrowing();
	return tap_done();
}
