/* corralctl explain: a user's effective policy, each value with the
 * section, file and line it came from. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ctl.h"
#include "grant_ctl.h"
#include "layers.h"
#include "loader.h"
#include "mountns.h"
#include "session_record.h"
#include "paths.h"
#include "policy.h"
#include "users.h"

#define EXPLAIN_VALUE_MAX 8192
#define EXPLAIN_TIME_MAX 64

static void print_setting(const struct policy *p, enum policy_key key)
{
	const struct key_info *info = key_info(key);
	const struct policy_setting *s = &p->settings[key];
	char value[EXPLAIN_VALUE_MAX] = "";

	if (!s->set) {
		if (info->default_text)
			printf("%-20s = %-30s # default\n", info->name, info->default_text);
		else
			printf("# %-18s   (not set)\n", info->name);
		return;
	}
	for (size_t i = 0; i < s->items.count; i++) {
		if (i && strlen(value) + 1 < sizeof(value))
			strcat(value, " ");
		if (strlist_append_quoted(value, sizeof(value), s->items.items[i]) < 0) {
			snprintf(value + strlen(value) - (strlen(value) > 3 ? 3 : 0), 4, "...");
			break;
		}
	}
	printf("%-20s = %-30s #", info->name, value);
	for (size_t i = 0; i < s->origins.count; i++)
		printf("%s %s", i ? "," : "", s->origins.items[i]);
	putchar('\n');
}

static void print_list(const char *label, const struct strlist *list)
{
	printf("#   %s", label);
	for (size_t i = 0; i < list->count; i++)
		printf(" %s", list->items[i]);
	putchar('\n');
}

/* What the session's mount namespace makes of the fs keys, and what is
 * left where there is none. */
static void print_view(const struct policy *p)
{
	struct strlist loader, user_writable;
	struct mountns_plan plan;

	if (!mountns_needed(p))
		return;
	strlist_init(&loader);
	strlist_init(&user_writable);
	if (loader_trees(LOADER_CONF, &loader) < 0 || mountns_plan(p, &loader, &plan) < 0) {
		strlist_free(&loader);
		return;
	}
	printf("# the session's view of the filesystem (pam_corral's mount namespace, at every login):\n");
	if (plan.read_only) {
		for (size_t i = 0; i < policy_list(p, KEY_FS_WRITE)->count; i++)
			(void)strlist_append(&user_writable, policy_list(p, KEY_FS_WRITE)->items[i]);
		print_list("read-only (content and metadata, EROFS) but fs.write:", &user_writable);
		printf("#     and what the login daemons write as root: utmp, wtmp, lastlog, ttys, cgroups, %s\n",
		       SESSION_RUN_DIR);
	}
	if (plan.no_exec) {
		print_list("not executable, not mappable executable (execve, ld.so, mmap) but fs.exec:", &plan.exec);
		if (plan.loader.count)
			print_list("mappable for the dynamic loader (added: programs in fs.exec need their libraries; "
				   "ld.so itself is executable):",
				   &plan.loader);
	}
	if (plan.hidden.count) {
		print_list("hidden (fs.deny: an inaccessible node over each; the trees around keep their rights):",
			   &plan.hidden);
		if (plan.create.count)
			print_list("made empty (0700, the user's) at login when missing, then hidden:", &plan.create);
	}
	if (!mountns_required(p)) {
		printf("# without that namespace (corralctl run by a user, who is not confined to begin with) Landlock alone:\n");
		if (policy_list(p, KEY_FS_DENY)->count)
			printf("#   fs.deny is carved out of its trees, whose top level is then read-only\n");
		if (plan.read_only)
			printf("#   metadata outside fs.write (chmod, utime, xattrs) is not protected\n");
	}
	mountns_plan_free(&plan);
	strlist_free(&loader);
	strlist_free(&user_writable);
}

/* The table of layers for this user on this host (layers.h), as a login
 * would have it (with pam_corral's view and cgroup). */
static void print_layers(const struct policy *p, int assume_abi)
{
	struct row_layer rows[ROW_COUNT];
	struct host_layers host;
	char by[160];

	if (assume_abi >= 0)
		host_layers_assume(assume_abi, true, true, &host);
	else
		host_layers_probe(0, true, true, &host);
	layers_decide(p, &host, rows);
	if (host.landlock.abi)
		printf("# where each key is enforced on %s Landlock ABI %d:\n",
		       assume_abi >= 0 ? "a kernel with" : "this host,", host.landlock.abi);
	else
		printf("# where each key is enforced on %s without Landlock:\n",
		       assume_abi >= 0 ? "a kernel" : "this host,");
	for (int i = 0; i < ROW_COUNT; i++) {
		if (!rows[i].by && !rows[i].missing)
			continue;
		layers_format(rows[i].by, &host, by, sizeof(by));
		printf("#   %-22s %s%s%s%s%s\n", layers_row_name(i),
		       rows[i].missing ? "NOT ENFORCED, sessions refused" : "enforced by: ", rows[i].missing ? "" : by,
		       rows[i].trapped && !rows[i].missing ? " (trapped calls)" : "", rows[i].note[0] ? ": " : "",
		       rows[i].note);
	}
}

/* The user's grants in force now, with their expiry (root: the grants
 * are root's to read; loaded < 0: they could not be). */
static void print_grants(const struct grant_set *set, int loaded, const char *user)
{
	char until[CTL_TIME_TEXT_MAX], values[CTL_VALUES_TEXT_MAX];
	bool any = false;

	if (loaded < 0) {
		printf("# grants: %s cannot be trusted or read: logins get none\n", GRANTS_DIR);
		return;
	}
	for (size_t i = 0; i < set->count; i++) {
		const struct grant *g = &set->items[i];

		if (strcmp(g->user, user) != 0)
			continue;
		if (!any)
			printf("# grants of %s in force (after the [user:] sections, before windows):\n", user);
		any = true;
		ctl_time_text(g->expires, until, sizeof(until));
		ctl_values_text(&g->values, "+", values, sizeof(values));
		printf("#   %s %s %s until %s (by %s%s%s)\n", g->id, key_info(g->key)->name, values, until, g->by,
		       g->reason[0] ? ": " : "", g->reason);
	}
}

static void format_local(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	if (!localtime_r(&t, &tm) || strftime(out, outlen, "%Y-%m-%d %H:%M %Z", &tm) == 0)
		snprintf(out, outlen, "@%lld", (long long)t);
}

/* The user's windows: open or not at now, and their next change. */
static void print_windows(const struct config *config, const struct user_info *user, time_t now)
{
	bool any = false;

	for (size_t i = 0; i < config->count; i++) {
		const struct config_section *s = &config->sections[i];
		char when[EXPLAIN_TIME_MAX];
		bool open;
		time_t next;

		if (s->kind != SECTION_WINDOW || policy_window_applies(s, user) != 1)
			continue;
		if (!any)
			printf("# time windows of %s (local time):\n", user->name);
		any = true;
		open = window_is_open(&s->window->when, now);
		next = window_next_change(&s->window->when, now);
		if (next)
			format_local(next, when, sizeof(when));
		printf("#   [%s] %s:%u: %s, %s%s\n", s->name, s->file, s->line, open ? "open now" : "closed",
		       next ? (open ? "closes " : "opens ") : (open ? "never closes" : "never opens again"),
		       next ? when : "");
	}
}

int ctl_explain(int argc, char **argv)
{
	static const struct option longopts[] = { { "landlock-abi", required_argument, NULL, 'L' },
						  { NULL, 0, NULL, 0 } };
	const char *usage = "usage: corralctl explain [-c FILE] [--landlock-abi N] USER\n";
	int assume_abi = -1;
	char err[POLICY_ERR_MAX];
	const char *path = NULL;
	struct user_info user;
	struct config config;
	struct grant_set grants = { 0 };
	int grants_loaded;
	struct policy p;
	time_t now;
	int opt, r;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+c:", longopts, NULL)) != -1) {
		if (opt == 'c') {
			path = optarg;
		} else if (opt != 'L' || ctl_parse_abi(optarg, &assume_abi) < 0) {
			fputs(usage, stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fputs(usage, stderr);
		return CTL_EXIT_USAGE;
	}
	r = config_load(path, &config);
	if (r < 0) {
		ctl_print_diags(&config, stderr);
		fprintf(stderr, "corralctl: %s is invalid; confined users would be refused\n",
			path ? path : CONFIG_DEFAULT_PATH);
		config_free(&config);
		return CTL_EXIT_INVALID;
	}
	r = user_info_by_name(argv[optind], &user);
	if (r < 0) {
		fprintf(stderr, "corralctl: %s '%s'\n", r == -ENOENT ? "no such user" : "cannot look up user",
			argv[optind]);
		config_free(&config);
		return r == -ENOENT ? CTL_EXIT_NO_USER : CTL_EXIT_INVALID;
	}
	now = time(NULL);
	/* the grants are root's: as another user explain shows the config alone */
	grants_loaded = geteuid() == 0 ? grants_load(NULL, now, &grants, NULL, NULL) : 0;
	r = policy_resolve_at(&config, &grants, &user, now, &p, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "corralctl: cannot resolve the policy of '%s': %s\n", user.name, err);
		grant_set_free(&grants);
		user_info_free(&user);
		config_free(&config);
		return CTL_EXIT_INVALID;
	}
	printf("# effective policy of %s (uid %u, home %s, login shell %s)\n", p.user, (unsigned)p.uid, p.home,
	       user.shell);
	printf("# sections applied, in order:%s\n", p.sections.count ? "" : " none");
	for (size_t i = 0; i < p.sections.count; i++)
		printf("#   %s\n", p.sections.items[i]);
	print_windows(&config, &user, now);
	if (p.exempt)
		printf("# %s is exempt ([global] exempt_users/exempt_groups): never confined\n", p.user);
	printf("# confined: %s\n", p.confine ? "yes" : "no");
	for (int k = 0; k < KEY_COUNT; k++)
		print_setting(&p, (enum policy_key)k);
	print_grants(&grants, grants_loaded, p.user);
	if (p.confine) {
		print_view(&p);
		print_layers(&p, assume_abi);
	}
	policy_free(&p);
	grant_set_free(&grants);
	user_info_free(&user);
	config_free(&config);
	return CTL_EXIT_OK;
}
