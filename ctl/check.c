/* corralctl check: validate the configuration; report errors, then warnings
 * about what the policy would do on this host. */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ctl.h"
#include "layers.h"
#include "paths.h"
#include "pathutil.h"
#include "policy.h"
#include "users.h"

int ctl_parse_abi(const char *text, int *abi)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (*end || end == text || v < 0 || v > 99)
		return -EINVAL;
	*abi = (int)v;
	return 0;
}

void ctl_print_diags(const struct config *config, FILE *stream)
{
	char line[DIAG_MESSAGE_MAX + 4200];

	for (size_t i = 0; i < config->diags.count; i++) {
		diag_format(&config->diags.items[i], line, sizeof(line));
		fprintf(stream, "%s\n", line);
	}
	if (config->diags.out_of_memory)
		fprintf(stream, "error: out of memory while checking\n");
}

/* Literal paths can be checked now; ones with ~ %h %u depend on the user. */
static void warn_missing_paths(struct config *config)
{
	for (size_t i = 0; i < config->count; i++) {
		const struct config_section *s = &config->sections[i];

		for (size_t k = 0; k < s->count && s->kind != SECTION_GLOBAL; k++) {
			const struct config_setting *set = &s->settings[k];
			const struct key_info *info = key_info((enum policy_key)set->key);
			struct stat st;

			if ((info->type != KEY_TYPE_PATHS && info->type != KEY_TYPE_PATH) || set->op == LIST_REMOVE ||
			    set->key == KEY_FS_DENY)
				continue;
			for (size_t j = 0; j < set->items.count; j++) {
				const char *path = set->items.items[j];

				if (path[0] != '/' || strchr(path, '%'))
					continue;
				if (lstat(path, &st) < 0 && errno == ENOENT)
					diag_add(&config->diags, DIAG_WARNING, s->file, set->line,
						 "key '%s': path '%s' does not exist", info->name, path);
			}
		}
	}
}

/* A window's applies items that name nobody here, and a window whose
 * time is over. */
static void warn_window(struct config *config, const struct config_section *s, time_t now)
{
	const struct config_window *w = s->window;

	if (!window_is_open(&w->when, now) && window_next_change(&w->when, now) == 0)
		diag_add(&config->diags, DIAG_WARNING, s->file, w->when_line,
			 "key 'when': the window's time is over; it never opens again");
	for (size_t i = 0; i < w->applies.count; i++) {
		const char *item = w->applies.items[i];
		struct user_info user;
		gid_t gid;

		if (strncmp(item, "group:", 6) == 0 && group_gid_by_name(item + 6, &gid) == -ENOENT)
			diag_add(&config->diags, DIAG_WARNING, s->file, w->applies_line,
				 "key 'applies': no such group '%s' on this host", item + 6);
		if (strncmp(item, "user:", 5) != 0)
			continue;
		if (user_info_by_name(item + 5, &user) == -ENOENT)
			diag_add(&config->diags, DIAG_WARNING, s->file, w->applies_line,
				 "key 'applies': no such user '%s' on this host", item + 5);
		else
			user_info_free(&user);
	}
}

static void warn_unknown_targets(struct config *config)
{
	time_t now = time(NULL);

	for (size_t i = 0; i < config->count; i++) {
		const struct config_section *s = &config->sections[i];
		struct user_info user;
		gid_t gid;

		if (s->kind == SECTION_WINDOW)
			warn_window(config, s, now);
		if (s->kind == SECTION_USER && user_info_by_name(s->target, &user) == -ENOENT)
			diag_add(&config->diags, DIAG_WARNING, s->file, s->line,
				 "section [%s]: no such user on this host", s->name);
		else if (s->kind == SECTION_USER)
			user_info_free(&user);
		if (s->kind == SECTION_GROUP && group_gid_by_name(s->target, &gid) == -ENOENT)
			diag_add(&config->diags, DIAG_WARNING, s->file, s->line,
				 "section [%s]: no such group on this host", s->name);
	}
}

/* Where confine was last set to yes, as "FILE:LINE" or the section name. */
static void confine_origin(const struct policy *p, char *buf, size_t buflen)
{
	const struct strlist *origins = &p->settings[KEY_CONFINE].origins;

	snprintf(buf, buflen, "%s", origins->count ? origins->items[origins->count - 1] : "default");
}

/* What this kernel makes of a confined user's policy: one warning per
 * distinct finding, naming the users it applies to (a lab has hundreds
 * with the same policy). */
#define CHECK_NAMES_SHOWN 5
struct host_finding {
	char *text;
	struct strlist users;
};
struct host_findings {
	struct host_finding *items;
	size_t count;
};

static void host_finding_add(struct host_findings *f, const char *text, const char *user)
{
	struct host_finding *grown;

	for (size_t i = 0; i < f->count; i++)
		if (strcmp(f->items[i].text, text) == 0) {
			(void)strlist_append(&f->items[i].users, user);
			return;
		}
	grown = realloc(f->items, (f->count + 1) * sizeof(*grown));
	if (!grown)
		return;
	f->items = grown;
	grown[f->count].text = strdup(text);
	strlist_init(&grown[f->count].users);
	if (!grown[f->count].text)
		return;
	(void)strlist_append(&grown[f->count].users, user);
	f->count++;
}

static void host_findings_report(struct host_findings *f, struct config *config)
{
	for (size_t i = 0; i < f->count; i++) {
		const struct strlist *u = &f->items[i].users;
		char names[512] = "";

		for (size_t k = 0; k < u->count && k < CHECK_NAMES_SHOWN; k++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", k ? ", " : "",
				 u->items[k]);
		if (u->count > CHECK_NAMES_SHOWN)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), " and %zu more",
				 u->count - CHECK_NAMES_SHOWN);
		diag_add(&config->diags, DIAG_WARNING, NULL, 0, "%s %s: %s", u->count == 1 ? "user" : "users", names,
			 f->items[i].text);
		free(f->items[i].text);
		strlist_free(&f->items[i].users);
	}
	free(f->items);
}

/* Keys this kernel enforces only at a cost (trapped calls) or not at all.
 * Keys trapped on every kernel (ipc.unix, per-host rules) are the policy's
 * choice, not the host's: only the fallbacks, which carry a note, count. */
static void warn_host(struct host_findings *found, const struct host_layers *host, const struct policy *p)
{
	struct row_layer rows[ROW_COUNT];
	char text[1024] = "";

	layers_decide(p, host, rows);
	for (int i = 0; i < ROW_COUNT; i++)
		if (rows[i].missing) {
			snprintf(text, sizeof(text),
				 "%s cannot be enforced on this host (%s): their sessions will be refused",
				 layers_row_name(i), rows[i].note);
			host_finding_add(found, text, p->user);
		}
	text[0] = '\0';
	for (int i = 0; i < ROW_COUNT; i++)
		if (rows[i].trapped && !rows[i].missing && rows[i].note[0])
			snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%s", text[0] ? ", " : "",
				 layers_row_name(i));
	if (text[0]) {
		char line[1200];

		snprintf(
			line, sizeof(line),
			"on this host these keys cost a trapped call (a round trip to corral-helper) where they apply: %s (corralctl explain USER says why)",
			text);
		host_finding_add(found, line, p->user);
	}
}

static void warn_user(struct config *config, const struct user_info *user, const struct host_layers *host,
		      struct host_findings *found)
{
	char err[POLICY_ERR_MAX], origin[PATHUTIL_PATH_MAX + 400];
	struct policy p;
	const char *value;

	if (policy_resolve(config, user, &p, err, sizeof(err)) < 0) {
		diag_add(&config->diags, DIAG_WARNING, NULL, 0, "user '%s': %s", user->name, err);
		return;
	}
	value = policy_value(&p, KEY_CONFINE);
	confine_origin(&p, origin, sizeof(origin));
	if (p.exempt && value && strcmp(value, "yes") == 0)
		diag_add(&config->diags, DIAG_WARNING, NULL, 0,
			 "user '%s' is exempt ([global]) and is never confined, but %s sets confine = yes", user->name,
			 origin);
	else if (p.confine && strcmp(user->shell, CORRAL_SHELL_PATH) != 0)
		diag_add(
			&config->diags, DIAG_WARNING, NULL, 0,
			"user '%s' is confined (%s) but their login shell is '%s', not %s: their sessions will be refused",
			user->name, origin, user->shell, CORRAL_SHELL_PATH);
	if (p.confine && policy_limit_group(&p, err, sizeof(err)) == -EINVAL)
		diag_add(&config->diags, DIAG_WARNING, NULL, 0, "user '%s': %s; their sessions will be refused",
			 user->name, err);
	if (p.confine)
		warn_host(found, host, &p);
	policy_free(&p);
}

/* Every user NSS can enumerate, plus the ones named in [user:] sections. */
static void warn_users(struct config *config, int assume_abi)
{
	struct host_findings found = { NULL, 0 };
	struct host_layers host;
	struct strlist seen;
	struct passwd *pw;

	strlist_init(&seen);
	setpwent();
	while ((pw = getpwent()) != NULL) {
		if (strlist_append(&seen, pw->pw_name) < 0)
			break;
	}
	endpwent();
	for (size_t i = 0; i < config->count; i++) {
		const struct config_section *s = &config->sections[i];

		if (s->kind == SECTION_USER && !strlist_contains(&seen, s->target))
			(void)strlist_append(&seen, s->target);
		for (size_t k = 0; s->kind == SECTION_WINDOW && k < s->window->applies.count; k++) {
			const char *item = s->window->applies.items[k];

			if (strncmp(item, "user:", 5) == 0 && !strlist_contains(&seen, item + 5))
				(void)strlist_append(&seen, item + 5);
		}
	}
	/* as a login on this host would have it: pam_corral's view and cgroup */
	if (assume_abi >= 0)
		host_layers_assume(assume_abi, true, true, &host);
	else
		host_layers_probe(0, true, true, &host);
	for (size_t i = 0; i < seen.count; i++) {
		struct user_info user;

		if (user_info_by_name(seen.items[i], &user) < 0)
			continue;
		warn_user(config, &user, &host, &found);
		user_info_free(&user);
	}
	host_findings_report(&found, config);
	strlist_free(&seen);
}

int ctl_check(int argc, char **argv)
{
	static const struct option longopts[] = { { "landlock-abi", required_argument, NULL, 'L' },
						  { NULL, 0, NULL, 0 } };
	const char *path = NULL, *usage = "usage: corralctl check [-c FILE] [--landlock-abi N]\n";
	struct config config;
	int opt, r, assume_abi = -1;
	size_t warnings;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+c:", longopts, NULL)) != -1) {
		if (opt == 'c') {
			path = optarg;
		} else if (opt == 'L' && ctl_parse_abi(optarg, &assume_abi) == 0) {
			continue;
		} else {
			fputs(usage, stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return CTL_EXIT_USAGE;
	}
	r = config_load(path, &config);
	if (r == 0) {
		warn_missing_paths(&config);
		warn_unknown_targets(&config);
		warn_users(&config, assume_abi);
	}
	ctl_print_diags(&config, stdout);
	warnings = config.diags.count - config.diags.n_errors;
	if (r == 0)
		printf("%s: valid (%zu file%s, %zu section%s, %zu warning%s)\n", path ? path : CONFIG_DEFAULT_PATH,
		       config.files.count, config.files.count == 1 ? "" : "s", config.count,
		       config.count == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
	else
		printf("%s: invalid (%zu error%s)\n", path ? path : CONFIG_DEFAULT_PATH, config.diags.n_errors,
		       config.diags.n_errors == 1 ? "" : "s");
	config_free(&config);
	return r == 0 ? CTL_EXIT_OK : CTL_EXIT_INVALID;
}
