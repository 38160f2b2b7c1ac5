/* Service classification and su/runuser command-line checks. */
#include <string.h>

#include "service_rules.h"

enum service_kind service_kind_of(const char *service)
{
	static const char *const login_shell[] = { "sshd", "login", "su-l", "runuser-l" };
	static const char *const su_like[] = { "su", "runuser" };

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

static bool long_takes_value(const char *name)
{
	static const char *const names[] = { "command", "group", "supp-group", "shell", "whitelist-environment",
					     "session-command", "user" };
	size_t len = strcspn(name, "=");

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && strncmp(name, names[i], len) == 0)
			return name[len] != '=';
	return false;
}

static const char *long_override(const char *name, bool runuser)
{
	size_t len = strcspn(name, "=");

	if (len == 5 && strncmp(name, "shell", 5) == 0)
		return "--shell";
	if (len == 20 && strncmp(name, "preserve-environment", 20) == 0)
		return "--preserve-environment";
	if (runuser && len == 4 && strncmp(name, "user", 4) == 0)
		return "--user";
	return NULL;
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
	while (p < end) {
		const char *word = p;
		size_t n = strnlen(p, (size_t)(end - p));

		p += n + 1;
		if (first) {   /* argv[0] */
			first = false;
			continue;
		}
		if (skip_next) {
			skip_next = false;
			continue;
		}
		if (strcmp(word, "--") == 0)
			return false;
		/* getopt_long permutes: options may follow the user name */
		if (word[0] != '-' || word[1] == '\0')
			continue;
		if (word[1] == '-') {
			*why = long_override(word + 2, runuser);
			if (*why)
				return true;
			skip_next = long_takes_value(word + 2);
			continue;
		}
		for (const char *o = word + 1; *o; o++) {
			*why = short_override(*o, runuser);
			if (*why)
				return true;
			if (takes_value(*o)) {
				skip_next = o[1] == '\0';
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
