/* Service classification and su/runuser command-line checks. */
#include <string.h>

#include "service_rules.h"

enum service_kind service_kind_of(const char *service)
{
	static const char *const login_shell[] = { "sshd", "login" };
	/* su -l / runuser -l open "su-l" / "runuser-l", and -s still applies there */
	static const char *const su_like[] = { "su", "runuser", "su-l", "runuser-l" };

	for (size_t i = 0; i < sizeof(login_shell) / sizeof(login_shell[0]); i++)
		if (strcmp(service, login_shell[i]) == 0)
			return SERVICE_LOGIN_SHELL;
	for (size_t i = 0; i < sizeof(su_like) / sizeof(su_like[0]); i++)
		if (strcmp(service, su_like[i]) == 0)
			return SERVICE_SU;
	return SERVICE_DIRECT;
}

/* Short options of su/runuser that take a value (the rest of the word or
 * the next word). */
static bool takes_value(char option)
{
	return strchr("cgGswu", option) != NULL;
}

/* The long options of su and runuser (util-linux su-common.c). */
static const struct long_option {
	const char *name;
	const char *override; /* starts something other than the login shell */
	bool takes_value;
	bool runuser_only; /* the override applies to runuser only */
} long_options[] = {
	{ "command", NULL, true, false },
	{ "session-command", NULL, true, false },
	{ "fast", NULL, false, false },
	{ "group", NULL, true, false },
	{ "supp-group", NULL, true, false },
	{ "login", NULL, false, false },
	{ "preserve-environment", "--preserve-environment", false, false },
	{ "pty", NULL, false, false },
	{ "shell", "--shell", true, false },
	{ "whitelist-environment", NULL, true, false },
	{ "user", "--user", true, true },
	{ "help", NULL, false, false },
	{ "version", NULL, false, false },
};

/* getopt_long takes an exact name, else any unambiguous prefix of one
 * ("--sh=/bin/sh" is --shell), so every option the word abbreviates counts.
 * name is the word after "--", n bytes (not NUL-terminated). Sets
 * *skip_next when the option's value is the next word. */
static const char *long_override(const char *name, size_t n, bool runuser, bool *skip_next)
{
	const char *equals = memchr(name, '=', n);
	size_t len = equals ? (size_t)(equals - name) : n, matches = 0;
	const struct long_option *match = NULL;
	const char *why = NULL;

	*skip_next = false;
	for (size_t i = 0; i < sizeof(long_options) / sizeof(long_options[0]); i++) {
		const struct long_option *o = &long_options[i];

		if (strlen(o->name) < len || strncmp(name, o->name, len) != 0)
			continue;
		if (strlen(o->name) == len) {
			match = o; /* an exact name wins over the prefixes */
			matches = 1;
			why = o->override && (runuser || !o->runuser_only) ? o->override : NULL;
			break;
		}
		matches++;
		match = o;
		/* an ambiguous prefix makes su fail; one that could be an override is refused anyway */
		if (!why && o->override && (runuser || !o->runuser_only))
			why = o->override;
	}
	if (matches == 1 && match->takes_value && !equals)
		*skip_next = true;
	return why;
}

static const char *short_override(char option, bool runuser)
{
	switch (option) {
	case 's':
		return "-s";
	case 'm':
		return "-m";
	case 'p':
		return "-p";
	case 'u':
		return runuser ? "-u" : NULL;
	default:
		return NULL;
	}
}

bool service_su_overrides_shell(const char *cmdline, size_t len, bool runuser, const char **why)
{
	const char *p = cmdline, *end = cmdline + len;
	bool skip_next = false, first = true;

	*why = NULL;
	/* words are measured, never read as C strings: the last one may lack its NUL */
	while (p < end) {
		const char *word = p;
		size_t n = strnlen(p, (size_t)(end - p));

		p += n + 1;
		if (first) { /* argv[0] */
			first = false;
			continue;
		}
		if (skip_next) {
			skip_next = false;
			continue;
		}
		if (n == 2 && word[0] == '-' && word[1] == '-')
			return false;
		/* getopt_long permutes: options may follow the user name */
		if (n < 2 || word[0] != '-')
			continue;
		if (word[1] == '-') {
			*why = long_override(word + 2, n - 2, runuser, &skip_next);
			if (*why)
				return true;
			continue;
		}
		for (size_t i = 1; i < n; i++) {
			*why = short_override(word[i], runuser);
			if (*why)
				return true;
			if (takes_value(word[i])) {
				skip_next = i + 1 == n;
				break;
			}
		}
	}
	return false;
}

bool service_allowed(const struct strlist *services, bool services_set, const char *service)
{
	if (services_set)
		return strlist_contains(services, service);
	return service_kind_of(service) != SERVICE_DIRECT;
}
