/* corralctl grant, grants and revoke (root): time-boxed additions to one
 * user's policy, one root-owned file each under GRANTS_DIR. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "grant_ctl.h"
#include "log.h"
#include "users.h"

static void report_to_stderr(const char *file, const char *why, void *data)
{
	(void)data;
	fprintf(stderr, "corralctl: skipping %s: %s (it grants nothing)\n", file, why);
	corral_log(LOG_WARNING, "event=grant-refused target=%s reason=\"%s\"", file, why);
}

int ctl_grant(int argc, char **argv)
{
	const char *usage = "usage: corralctl grant USER KEY +VALUE... --for DURATION [--reason TEXT]\n";
	char id[GRANT_ID_MAX], by[CTL_WHO_MAX], why[GRANT_ERR_MAX];
	const char *duration, *reason;
	struct user_info user;
	struct strlist values;
	enum policy_key key;
	uint64_t seconds;
	int npos, r, status = CTL_EXIT_INVALID;
	char **pos = calloc((size_t)argc, sizeof(*pos));

	strlist_init(&values);
	if (!pos)
		return CTL_EXIT_INVALID;
	if (ctl_grant_args(argc, argv, pos, &npos, &duration, &reason) < 0 || npos < 3 || !duration) {
		fputs(usage, stderr);
		status = CTL_EXIT_USAGE;
		goto out;
	}
	if (ctl_need_root("grant") < 0)
		goto out;
	if (reason && !grant_text_is_valid(reason)) {
		fprintf(stderr, "corralctl: the reason is too long or has control characters\n");
		status = CTL_EXIT_USAGE;
		goto out;
	}
	r = user_info_by_name(pos[0], &user);
	if (r < 0) {
		fprintf(stderr, "corralctl: %s '%s'\n", r == -ENOENT ? "no such user" : "cannot look up user", pos[0]);
		status = r == -ENOENT ? CTL_EXIT_NO_USER : CTL_EXIT_INVALID;
		goto out;
	}
	user_info_free(&user);
	if (grant_key_parse(pos[1], &key, why, sizeof(why)) < 0) {
		fprintf(stderr, "corralctl: %s\n", why);
		status = CTL_EXIT_USAGE;
		goto out;
	}
	for (int i = 2; i < npos; i++) {
		if (ctl_grant_value(key, pos[i], &values) < 0) {
			status = CTL_EXIT_USAGE;
			goto out;
		}
	}
	if (ctl_grant_duration(duration, &seconds) < 0) {
		status = CTL_EXIT_USAGE;
		goto out;
	}
	ctl_who(by, sizeof(by));
	if (ctl_grant_create(pos[0], key, &values, seconds, by, reason ? reason : "", id, sizeof(id)) == 0) {
		puts(id);
		status = CTL_EXIT_OK;
	}
out:
	strlist_free(&values);
	free(pos);
	return status;
}

/* Removes a grant file that has expired, with its log line. */
static void prune(const struct grant *g)
{
	if (grant_remove(NULL, g->id) == 0)
		corral_log(LOG_INFO, "event=expire id=%s user=%s key=%s", g->id, g->user, key_info(g->key)->name);
}

int ctl_grants(int argc, char **argv)
{
	char until[CTL_TIME_TEXT_MAX], values[CTL_VALUES_TEXT_MAX];
	struct grant_set set;
	time_t now = time(NULL);
	int r;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fputs("usage: corralctl grants [USER]\n", stderr);
		return CTL_EXIT_USAGE;
	}
	if (ctl_need_root("list the grants") < 0)
		return CTL_EXIT_INVALID;
	r = grants_load(NULL, 0, &set, report_to_stderr, NULL);
	if (r < 0) {
		fprintf(stderr, "corralctl: cannot read %s: %s\n", GRANTS_DIR, strerror(-r));
		return CTL_EXIT_INVALID;
	}
	for (size_t i = 0; i < set.count; i++) {
		const struct grant *g = &set.items[i];

		if (g->expires <= now) {
			prune(g);
			continue;
		}
		if (argc == 2 && strcmp(argv[1], g->user) != 0)
			continue;
		ctl_time_text(g->expires, until, sizeof(until));
		ctl_values_text(&g->values, "+", values, sizeof(values));
		printf("%s %s %s %s until %s by %s: %s\n", g->id, g->user, key_info(g->key)->name, values, until, g->by,
		       g->reason);
	}
	grant_set_free(&set);
	return CTL_EXIT_OK;
}

/* Removes one grant, with its log line. 0 or -errno. */
static int revoke_one(const struct grant *g, const char *by)
{
	char until[CTL_TIME_TEXT_MAX], values[CTL_VALUES_TEXT_MAX], who[CTL_LOG_FIELD_MAX];
	int r = grant_remove(NULL, g->id);

	if (r < 0) {
		fprintf(stderr, "corralctl: cannot remove grant %s: %s\n", g->id, strerror(-r));
		return r;
	}
	ctl_time_text(g->expires, until, sizeof(until));
	ctl_values_text(&g->values, "", values, sizeof(values));
	ctl_log_text(values, values, sizeof(values));
	ctl_log_text(by, who, sizeof(who));
	corral_log(LOG_NOTICE, "event=revoke id=%s user=%s key=%s value=\"%s\" until=%s by=\"%s\"", g->id, g->user,
		   key_info(g->key)->name, values, until, who);
	printf("revoked %s (%s %s)\n", g->id, g->user, key_info(g->key)->name);
	ctl_grant_apply(g->user);
	return 0;
}

int ctl_revoke(int argc, char **argv)
{
	char by[CTL_WHO_MAX];
	struct grant_set set;
	bool all, found = false;
	int r, status = CTL_EXIT_OK;

	if (argc != 2 || argv[1][0] == '-') {
		fputs("usage: corralctl revoke ID|all\n", stderr);
		return CTL_EXIT_USAGE;
	}
	if (ctl_need_root("revoke a grant") < 0)
		return CTL_EXIT_INVALID;
	all = strcmp(argv[1], "all") == 0;
	if (!all && !grant_id_is_valid(argv[1])) {
		fprintf(stderr, "corralctl: '%s' is not a grant id\n", argv[1]);
		return CTL_EXIT_USAGE;
	}
	r = grants_load(NULL, 0, &set, report_to_stderr, NULL);
	if (r < 0) {
		fprintf(stderr, "corralctl: cannot read %s: %s\n", GRANTS_DIR, strerror(-r));
		return CTL_EXIT_INVALID;
	}
	ctl_who(by, sizeof(by));
	for (size_t i = 0; i < set.count; i++) {
		if (!all && strcmp(set.items[i].id, argv[1]) != 0)
			continue;
		found = true;
		if (revoke_one(&set.items[i], by) < 0)
			status = CTL_EXIT_INVALID;
	}
	grant_set_free(&set);
	if (!found && !all) {
		fprintf(stderr, "corralctl: no grant %s\n", argv[1]);
		status = CTL_EXIT_INVALID;
	}
	return status;
}
