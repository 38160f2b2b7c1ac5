/* Unit tests of pam_corral's pure parts: how each PAM service starts a
 * session, the su/runuser command-line check that refuses a session which
 * would not start the login shell (pam_module/service_rules.c), and the
 * module arguments (pam_module/module_args.c). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "module_args.h"
#include "mountns.h"
#include "service_rules.h"
#include "session_record.h"
#include "strlist.h"
#include "tap.h"

static void test_kinds(void)
{
	static const struct {
		const char *service;
		enum service_kind kind;
	} cases[] = {
		{ "sshd", SERVICE_LOGIN_SHELL },
		{ "login", SERVICE_LOGIN_SHELL },
		{ "su", SERVICE_SU },
		/* su -l and runuser -l open these; -s still picks another shell there */
		{ "su-l", SERVICE_SU },
		{ "runuser", SERVICE_SU },
		{ "runuser-l", SERVICE_SU },
		{ "cron", SERVICE_DIRECT },
		{ "atd", SERVICE_DIRECT },
		{ "systemd-user", SERVICE_DIRECT },
		{ "sudo", SERVICE_DIRECT },
		{ "sudo-i", SERVICE_DIRECT },
		{ "unknown-service", SERVICE_DIRECT },
		{ "", SERVICE_DIRECT },
		{ "SSHD", SERVICE_DIRECT },
		{ "sshd ", SERVICE_DIRECT },
		{ "su-", SERVICE_DIRECT },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_int(service_kind_of(cases[i].service), cases[i].kind, "service '%s'", cases[i].service);
}

static void test_allowed(void)
{
	struct strlist list;

	strlist_init(&list);
	ok(service_allowed(&list, false, "sshd"), "no services key: sshd allowed");
	ok(service_allowed(&list, false, "login"), "no services key: login allowed");
	ok(service_allowed(&list, false, "su"), "no services key: su allowed (its command line is checked)");
	ok(service_allowed(&list, false, "su-l"), "no services key: su-l allowed");
	ok(!service_allowed(&list, false, "cron"), "no services key: cron refused");
	ok(!service_allowed(&list, false, "sudo"), "no services key: sudo refused");
	ok(!service_allowed(&list, false, "systemd-user"), "no services key: systemd-user refused");
	ok(!service_allowed(&list, false, "whatever"), "no services key: an unknown service refused");
	ok(!service_allowed(&list, true, "sshd"), "an empty services list refuses even sshd");
	strlist_append(&list, "sshd");
	strlist_append(&list, "cron");
	ok(service_allowed(&list, true, "sshd"), "explicit list: sshd listed, allowed");
	ok(service_allowed(&list, true, "cron"), "explicit list: cron listed, allowed");
	ok(!service_allowed(&list, true, "login"), "explicit list: login not listed, refused");
	ok(!service_allowed(&list, true, "su"), "explicit list: su not listed, refused");
	ok(!service_allowed(&list, true, "ssh"), "explicit list: a prefix of a listed name is not listed");
	ok(!service_allowed(&list, false, "cron"), "a list that is not set does not count");
	strlist_free(&list);
}

/* words joined with '\0' as in /proc/self/cmdline (the final NUL included) */
static size_t cmdline(char *buf, size_t buflen, ...)
{
	const char *word;
	size_t len = 0;
	va_list ap;

	va_start(ap, buflen);
	while ((word = va_arg(ap, const char *)) != NULL) {
		size_t n = strlen(word) + 1;

		if (len + n > buflen)
			break;
		memcpy(buf + len, word, n);
		len += n;
	}
	va_end(ap);
	return len;
}

#define OVERRIDES(runuser, ...) overrides(runuser, __VA_ARGS__, (const char *)NULL)

static const char *last_why;

static bool overrides_line(bool runuser, const char *buf, size_t len)
{
	last_why = "unset";
	return service_su_overrides_shell(buf, len, runuser, &last_why);
}

static bool overrides(int runuser, ...)
{
	char buf[1024];
	const char *word;
	size_t len = 0;
	va_list ap;

	va_start(ap, runuser);
	while ((word = va_arg(ap, const char *)) != NULL) {
		size_t n = strlen(word) + 1;

		memcpy(buf + len, word, n);
		len += n;
	}
	va_end(ap);
	return overrides_line(runuser != 0, buf, len);
}

static void test_su(void)
{
	char buf[256];
	size_t len;

	ok(!OVERRIDES(false, "su", "-", "alice") && last_why == NULL, "su - alice: login shell, why is NULL");
	ok(!OVERRIDES(false, "su", "alice"), "su alice: login shell");
	ok(!OVERRIDES(false, "su"), "su alone");
	ok(!OVERRIDES(false, "su", "-l", "alice"), "su -l alice");
	ok(!OVERRIDES(false, "su", "--login", "alice"), "su --login alice");
	ok(OVERRIDES(false, "su", "-s", "/bin/bash", "alice") && strcmp(last_why, "-s") == 0,
	   "su -s /bin/bash alice: -s");
	ok(OVERRIDES(false, "su", "-s/bin/bash", "alice") && strcmp(last_why, "-s") == 0, "su -s/bin/bash alice: -s");
	ok(OVERRIDES(false, "su", "alice", "-s", "/bin/bash") && strcmp(last_why, "-s") == 0,
	   "su alice -s /bin/bash: -s (getopt permutes)");
	ok(OVERRIDES(false, "su", "--shell=/bin/sh", "alice") && strcmp(last_why, "--shell") == 0,
	   "su --shell=/bin/sh alice: --shell");
	ok(OVERRIDES(false, "su", "--shell", "/bin/sh", "alice") && strcmp(last_why, "--shell") == 0,
	   "su --shell /bin/sh alice: --shell");
	ok(OVERRIDES(false, "su", "-m", "alice") && strcmp(last_why, "-m") == 0, "su -m alice: -m");
	ok(OVERRIDES(false, "su", "-p", "alice") && strcmp(last_why, "-p") == 0, "su -p alice: -p");
	ok(OVERRIDES(false, "su", "--preserve-environment", "alice") && strcmp(last_why, "--preserve-environment") == 0,
	   "su --preserve-environment alice");
	ok(!OVERRIDES(false, "su", "-c", "id", "alice"), "su -c 'id' alice: the login shell runs the command");
	ok(!OVERRIDES(false, "su", "-cid", "alice"), "su -cid alice");
	ok(!OVERRIDES(false, "su", "-c", "-s", "alice"), "su -c -s alice: -s is -c's value");
	ok(!OVERRIDES(false, "su", "-c-s", "alice"), "su -c-s alice: -s is -c's value");
	ok(!OVERRIDES(false, "su", "--command", "-s", "alice"), "su --command -s alice");
	ok(!OVERRIDES(false, "su", "--session-command", "-m", "alice"), "su --session-command -m alice");
	ok(OVERRIDES(false, "su", "--command=x", "-s", "/bin/sh", "alice"),
	   "su --command=x -s /bin/sh: the value was inline");
	ok(!OVERRIDES(false, "su", "-lc", "x", "alice"), "su -lc x alice");
	ok(!OVERRIDES(false, "su", "-lc", "-s", "alice"), "su -lc -s alice: -s is -c's value");
	ok(OVERRIDES(false, "su", "-ls", "/bin/sh", "alice") && strcmp(last_why, "-s") == 0,
	   "su -ls /bin/sh alice: -s");
	ok(OVERRIDES(false, "su", "-lm", "alice") && strcmp(last_why, "-m") == 0, "su -lm alice: -m");
	ok(OVERRIDES(false, "su", "-fP", "-p", "alice"), "su -fP -p alice: -p");
	ok(!OVERRIDES(false, "su", "alice", "--", "-s"), "su alice -- -s: after --, words go to the shell");
	ok(!OVERRIDES(false, "su", "--", "-s", "/bin/sh"), "su -- -s /bin/sh");
	ok(!OVERRIDES(false, "su", "-g", "-s", "alice"), "su -g -s alice: -s is the group");
	ok(!OVERRIDES(false, "su", "-G", "-m", "alice"), "su -G -m alice: -m is the group");
	ok(!OVERRIDES(false, "su", "-w", "-p", "alice"), "su -w -p alice: -p is the variable list");
	ok(!OVERRIDES(false, "su", "--group", "-s", "alice"), "su --group -s alice");
	ok(!OVERRIDES(false, "su", "--supp-group", "-s", "alice"), "su --supp-group -s alice");
	ok(!OVERRIDES(false, "su", "--whitelist-environment", "-p", "alice"), "su --whitelist-environment -p alice");
	ok(OVERRIDES(false, "su", "--group=-s", "-s", "/bin/sh", "alice"), "su --group=-s -s: the value was inline");
	ok(OVERRIDES(false, "-su", "-s", "/bin/sh"), "argv[0] is never an option but the rest is read");
	ok(!OVERRIDES(false, "-s", "alice"), "argv[0] '-s' is only the program name");

	/* getopt_long takes unambiguous prefixes of long options */
	ok(OVERRIDES(false, "su", "--shel=/bin/sh", "alice") && strcmp(last_why, "--shell") == 0,
	   "su --shel=/bin/sh alice: abbreviated --shell");
	ok(OVERRIDES(false, "su", "--sh", "/bin/sh", "alice") && strcmp(last_why, "--shell") == 0,
	   "su --sh /bin/sh alice: abbreviated --shell");
	ok(OVERRIDES(false, "su", "--pres", "alice") && strcmp(last_why, "--preserve-environment") == 0,
	   "su --pres alice: abbreviated --preserve-environment");
	ok(OVERRIDES(false, "su", "--preserve-env", "alice"), "su --preserve-env alice");
	ok(!OVERRIDES(false, "su", "--comm", "-s", "alice"), "su --comm -s alice: abbreviated --command takes -s");
	ok(!OVERRIDES(false, "su", "--log", "alice"), "su --log alice: abbreviated --login");
	ok(!OVERRIDES(false, "su", "--pt", "alice"), "su --pt alice: abbreviated --pty");
	ok(OVERRIDES(false, "su", "--s=/bin/sh", "alice"),
	   "su --s=/bin/sh: ambiguous (su refuses it), and could be --shell");
	ok(!OVERRIDES(false, "su", "--nosuch", "alice"), "an unknown long option is no override (su refuses it)");

	/* runuser */
	ok(OVERRIDES(true, "runuser", "-u", "alice", "--", "id") && strcmp(last_why, "-u") == 0,
	   "runuser -u alice -- id: -u");
	ok(OVERRIDES(true, "runuser", "--user=alice", "id") && strcmp(last_why, "--user") == 0, "runuser --user=alice");
	ok(OVERRIDES(true, "runuser", "--us", "alice", "id") && strcmp(last_why, "--user") == 0,
	   "runuser --us alice: abbreviated --user");
	ok(OVERRIDES(true, "runuser", "-ualice", "id"), "runuser -ualice id");
	ok(!OVERRIDES(true, "runuser", "-l", "alice"), "runuser -l alice: login shell");
	ok(!OVERRIDES(true, "runuser", "-", "alice"), "runuser - alice");
	ok(OVERRIDES(true, "runuser", "-s", "/bin/sh", "alice"), "runuser -s /bin/sh alice");
	ok(!OVERRIDES(false, "su", "-u", "alice"), "su -u is not an override when runuser=false");
	ok(!OVERRIDES(false, "su", "-u", "-s"), "su -u -s: -u takes a value there too");
	ok(!OVERRIDES(false, "su", "--user", "alice"), "su --user is not an override when runuser=false");

	/* raw command lines */
	len = cmdline(buf, sizeof(buf), "su", "-", "alice", (const char *)NULL);
	ok(!overrides_line(false, buf, len), "a cmdline built with the helper");
	ok(!overrides_line(false, buf, len - 1), "without the final NUL");
	ok(!overrides_line(false, buf, 0), "an empty command line");
	len = cmdline(buf, sizeof(buf), "su", "", "", "alice", "-m", (const char *)NULL);
	ok(overrides_line(false, buf, len), "empty words are skipped");
	len = cmdline(buf, sizeof(buf), "su", "alice", "-s", (const char *)NULL);
	ok(overrides_line(false, buf, len - 1), "an unterminated last word still counts");
	{
		/* exactly len bytes, no NUL after the last word: nothing past it is read */
		static const char *const tails[] = {
			"-s", "--", "--shell", "--sh=/x", "-c", "-l", "alice", "-", "--log"
		};

		for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
			size_t head = strlen("su") + 1, n = strlen(tails[i]);
			char *exact = malloc(head + n);
			bool want = strcmp(tails[i], "-s") == 0 || strcmp(tails[i], "--shell") == 0 ||
				strcmp(tails[i], "--sh=/x") == 0;

			memcpy(exact, "su", head);
			memcpy(exact + head, tails[i], n);
			is_int(overrides_line(false, exact, head + n), want, "unterminated last word '%s'", tails[i]);
			free(exact);
		}
	}
	len = cmdline(buf, sizeof(buf), "su", "-c", (const char *)NULL);
	ok(!overrides_line(false, buf, len), "-c without its value at the end");
	len = cmdline(buf, sizeof(buf), "su", "alice", "-s", "/bin/sh", (const char *)NULL);
	ok(!overrides_line(false, buf, strlen("su") + 1 + strlen("alice") + 1), "len limits what is read");
}

static void test_args(void)
{
	struct module_args a;
	const char *none[] = { NULL };
	const char *all[] = { "debug", "config=/x", "rundir=/r", "tmpdir=/t" };
	const char *relative[] = { "config=x", "rundir=/r" };
	const char *tricky[] = { "configx=/y", "config", "config=", "DEBUG", "debug=1", NULL, "tmpdir=/t/../u" };
	const char *many[MODULE_ARGS_MAX_UNKNOWN + 3];
	char words[MODULE_ARGS_MAX_UNKNOWN + 3][16];

	module_args_parse(0, none, &a);
	ok(!a.debug && a.config == NULL && a.n_unknown == 0 && a.invalid == NULL, "no arguments: nothing set");
	is_str(a.run_dir, SESSION_RUN_DIR, "default run dir is SESSION_RUN_DIR");
	is_str(a.tmp_base, MOUNTNS_PRIVATE_TMP_BASE, "default tmp base is MOUNTNS_PRIVATE_TMP_BASE");

	module_args_parse(4, all, &a);
	ok(a.debug, "debug");
	is_str(a.config, "/x", "config=/x");
	is_str(a.run_dir, "/r", "rundir=/r");
	is_str(a.tmp_base, "/t", "tmpdir=/t");
	ok(a.n_unknown == 0 && a.invalid == NULL, "nothing unknown or invalid");

	module_args_parse(2, relative, &a);
	ok(a.config == NULL, "relative config=x is ignored");
	is_str(a.invalid, "config=x", "and reported in .invalid");
	is_str(a.run_dir, "/r", "the other arguments still apply");

	module_args_parse(7, tricky, &a);
	is_int(a.n_unknown, 4, "four unknown words");
	ok(a.n_unknown == 4 && strcmp(a.unknown[0], "configx=/y") == 0 && strcmp(a.unknown[1], "config") == 0,
	   "'configx=/y' and a bare 'config' are not config=, collected in order");
	is_str(a.invalid, "config=", "an empty config= is invalid");
	ok(a.config == NULL && !a.debug, "so config stays unset, and DEBUG / debug=1 are not debug");
	ok(a.n_unknown == 4 && strcmp(a.unknown[2], "DEBUG") == 0 && strcmp(a.unknown[3], "debug=1") == 0,
	   "DEBUG and debug=1 are unknown");
	is_str(a.tmp_base, "/t/../u", "a NULL argument is skipped and later ones still apply");

	for (size_t i = 0; i < sizeof(many) / sizeof(many[0]); i++) {
		snprintf(words[i], sizeof(words[i]), "junk%zu", i);
		many[i] = words[i];
	}
	module_args_parse((int)(sizeof(many) / sizeof(many[0])), many, &a);
	is_int(a.n_unknown, MODULE_ARGS_MAX_UNKNOWN, "unknown words are kept up to MODULE_ARGS_MAX_UNKNOWN");
	is_str(a.unknown[MODULE_ARGS_MAX_UNKNOWN - 1], words[MODULE_ARGS_MAX_UNKNOWN - 1], "the first ones");
	is_str(a.run_dir, SESSION_RUN_DIR, "and the defaults stay");
}

int main(void)
{
	test_kinds();
	test_allowed();
	test_su();
	test_args();
	return tap_done();
}
