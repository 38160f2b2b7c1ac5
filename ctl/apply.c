/* corralctl apply: re-resolve the policy of every running session from the
 * current config (edits, windows, grants), narrow what can change live
 * (corral-helper's decisions through the session's live file, cgroup
 * limits, its time), and end after the grace period a session whose
 * narrowing no layer can make live. Nothing widens a running session. */
#include <errno.h>
#include <stdint.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "cgroup.h"
#include "config.h"
#include "ctl.h"
#include "grants.h"
#include "grants_policy.h"
#include "requests.h"
#include "pathutil.h"
#include "layers.h"
#include "log.h"
#include "netpolicy.h"
#include "policy_change.h"
#include "policy_text.h"
#include "sandbox.h"
#include "session_live.h"
#include "session_record.h"
#include "users.h"

#define APPLY_FOLLOW_MAX_SLEEP 60 /* seconds: edits are seen within this */
#define APPLY_END_SLACK 5         /* seconds the helper gets to end it itself */

/* Which keys this session can change live: what its helper decides (from
 * the sandbox planned at login on its kernel), its cgroup limits, its
 * time. Everything else is fixed in its Landlock rules, filters and mount
 * view until it ends. */
static void live_keys(const struct policy *login, const struct session_record *rec, bool live[KEY_COUNT])
{
	struct row_layer rows[ROW_COUNT];
	struct sandbox_plan plan;
	struct host_layers host;
	char err[SANDBOX_ERR_MAX];

	memset(live, 0, KEY_COUNT * sizeof(live[0]));
	host_layers_probe((int)rec->landlock_abi_cap, rec->mount_namespace != 0, rec->cgroups.count > 0, &host);
	layers_decide(login, &host, rows);
	if (sandbox_plan(login, &host, &plan, err, sizeof(err)) == 0) {
		live[KEY_NET_CONNECT] = live[KEY_NET_DENY] = live[KEY_NET_LOOPBACK] = plan.filter.notify_net;
		live[KEY_IPC_UNIX] = plan.filter.notify_net && netpolicy_unix_needs_helper(login);
		live[KEY_NET_BIND] = plan.filter.notify_bind;
		sandbox_plan_free(&plan);
	}
	live[KEY_IPC_ABSTRACT_UNIX] = (rows[KEY_IPC_ABSTRACT_UNIX].by & BY_HELPER) &&
		!(rows[KEY_IPC_ABSTRACT_UNIX].by & BY_LANDLOCK);
	live[KEY_SESSION_MAX_TIME] = live[KEY_SESSION_IDLE_TIMEOUT] = true; /* corral-helper's timers */
	live[KEY_LIMITS_PROCESSES] = live[KEY_LIMITS_MEMORY] = live[KEY_LIMITS_CPU] = rec->cgroups.count > 0;
}

/* The lowest of each cgroup limit over the live policies (0: none). */
static void lowest_limits(struct policy *const *policies, size_t n, struct cgroup_limits *out)
{
	static const enum policy_key keys[] = { KEY_LIMITS_PROCESSES, KEY_LIMITS_MEMORY, KEY_LIMITS_CPU };
	uint64_t *fields[] = { &out->processes, &out->memory, &out->cpu_percent };

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < 3; k++) {
			uint64_t v = policy_is_set(policies[i], keys[k]) ? policies[i]->number[keys[k]] : 0;

			if (v && (!*fields[k] || v < *fields[k]))
				*fields[k] = v;
		}
}

/* Does the file say the same as before (but when it was applied)? */
static bool live_same(const struct session_live *a, const struct session_live *b)
{
	if (a->count != b->count || a->ends != b->ends || strcmp(a->windows, b->windows) != 0)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (a->roles[i] != b->roles[i] || a->lens[i] != b->lens[i] ||
		    memcmp(a->texts[i], b->texts[i], a->lens[i]) != 0)
			return false;
	return true;
}

/* Everything a session's processes are in: ended with SIGKILL. */
static void end_session(const struct session_record *rec)
{
	for (size_t i = 0; i < rec->cgroups.count; i++) {
		char path[PATHUTIL_PATH_MAX + 16];
		char line[32];
		FILE *procs;

		snprintf(path, sizeof(path), "%s/cgroup.procs", rec->cgroups.items[i]);
		procs = fopen(path, "re");
		if (!procs)
			continue;
		while (fgets(line, sizeof(line), procs)) {
			char *end;
			long pid = strtol(line, &end, 10);

			if (pid > 1 && pid <= INT32_MAX && end != line)
				kill((pid_t)pid, SIGKILL);
		}
		fclose(procs);
	}
}

/* The grace of a narrowing: the shortest of the open windows' (a window
 * narrows), else the default for an edit. */
static long window_grace(const struct config *config, const struct policy *current, long fallback)
{
	long grace = -1;

	for (size_t i = 0; i < config->count; i++) {
		const struct config_section *s = &config->sections[i];

		if (s->kind == SECTION_WINDOW && s->window && strlist_contains(&current->windows, s->target) &&
		    (grace < 0 || s->window->grace < grace))
			grace = s->window->grace;
	}
	return grace < 0 ? fallback : grace;
}

/* One session: its new live file, its limits, its end. */
/* The live file's texts that come from grants: the resolution without
 * them (a ceiling) and what they alone add (none when the user has no
 * grant, or when it cannot be made: the session then gets no more than
 * its ceilings allow). */
static int add_grant_texts(const struct config *config, const struct grant_set *grants, const struct user_info *user,
			   time_t now, struct session_live *next)
{
	char err[POLICY_ERR_MAX], *text = NULL;
	struct policy bare, granted;
	size_t len = 0;
	int r;

	r = policy_resolve_at(config, NULL, user, now, &bare, err, sizeof(err));
	if (r < 0)
		return r;
	r = requests_spool_for_session(NULL, &bare);
	if (r == 0)
		r = policy_text_write(&bare, &text, &len);
	if (r == 0)
		r = session_live_add(next, SESSION_LIVE_CEILING, text, len);
	policy_free(&bare);
	free(text);
	text = NULL;
	if (r < 0 || grants_policy(grants, user, now, &granted, err, sizeof(err)) < 0)
		return r;
	r = policy_text_write(&granted, &text, &len);
	if (r == 0)
		r = session_live_add(next, SESSION_LIVE_GRANTS, text, len);
	policy_free(&granted);
	free(text);
	return r;
}

static int apply_session(const struct config *config, const struct session_record *rec, time_t now, long grace,
			 const struct grant_set *grants, struct apply_result *result)
{
	char err[POLICY_ERR_MAX], reason[SESSION_LIVE_REASON_MAX] = "", *text = NULL;
	struct policy login, current, *all[SESSION_LIVE_POLICIES_MAX];
	struct session_live old, next;
	struct cgroup_limits limits;
	struct user_info user;
	bool live[KEY_COUNT];
	size_t len = 0, n_all = 0, narrowed;
	int r;

	session_live_init(&next);
	policy_init(&current);
	r = session_record_policy(rec, &login, err, sizeof(err));
	if (r < 0) {
		corral_log(LOG_ERR, "session=%s event=apply-failed reason=\"record: %s\"", rec->id, err);
		return r;
	}
	r = user_info_by_name(rec->user, &user);
	if (r < 0) {
		corral_log(LOG_ERR, "user=%s session=%s event=apply-failed reason=\"cannot look up the user\"",
			   rec->user, rec->id);
		policy_free(&login);
		return r;
	}
	r = policy_resolve_at(config, grants, &user, now, &current, err, sizeof(err));
	/* as at login (policy_load_for_user): the spool is no narrowing */
	if (r == 0 && requests_spool_for_session(NULL, &current) < 0) {
		policy_free(&current);
		policy_init(&current);
		r = -ENOMEM;
		snprintf(err, sizeof(err), "out of memory");
	}
	if (r < 0) {
		corral_log(LOG_ERR, "user=%s session=%s event=apply-failed reason=\"%s\"", rec->user, rec->id, err);
		user_info_free(&user);
		policy_free(&login);
		return r;
	}
	if (session_live_read(SESSION_RUN_DIR, rec->id, &old, err, sizeof(err)) < 0)
		session_live_init(&old);
	/* the current resolution; as ceilings the policy of the login and
	 * every resolution since (so that an edit or a window that has ended
	 * widens nothing); only grants reach past a ceiling */
	memcpy(next.id, rec->id, sizeof(next.id));
	next.applied = now;
	r = policy_text_write(&current, &text, &len);
	if (r == 0)
		r = session_live_add(&next, SESSION_LIVE_CURRENT, text, len);
	if (r == 0)
		r = session_live_add(&next, SESSION_LIVE_CEILING, rec->policy_text, rec->policy_len);
	for (size_t i = 0; i < old.count && r == 0; i++)
		if (old.roles[i] == SESSION_LIVE_CEILING)
			r = session_live_add(&next, SESSION_LIVE_CEILING, old.texts[i], old.lens[i]);
	/* a ceiling without the grants (so that an expired or revoked one
	 * gives nothing back), and the grants alone, which reach past the
	 * ceilings while they last */
	if (r == 0)
		r = add_grant_texts(config, grants, &user, now, &next);
	user_info_free(&user);
	if (r == -E2BIG && !old.ends) {
		/* more changes than a live file holds: nothing may be dropped */
		next.ends = now + grace;
		snprintf(next.reason, sizeof(next.reason), "too many policy changes");
	}
	for (size_t i = 0; i < current.windows.count; i++) {
		size_t used = strlen(next.windows);

		snprintf(next.windows + used, sizeof(next.windows) - used, "%s%s", i ? " " : "",
			 current.windows.items[i]);
	}
	live_keys(&login, rec, live);
	narrowed = policy_fixed_narrowing(&login, &current, live, reason, sizeof(reason));
	if (old.ends) {
		next.ends = old.ends;
		snprintf(next.reason, sizeof(next.reason), "%s", old.reason);
	} else if (r == -E2BIG) {
		r = 0;
		result->ending++;
	}
	if (narrowed && !next.ends) {
		next.ends = now + window_grace(config, &current, grace);
		snprintf(next.reason, sizeof(next.reason), "%s narrowed", reason);
		corral_log(LOG_WARNING, "user=%s session=%s event=narrowed rule=\"%s\" ends=%lld", rec->user, rec->id,
			   reason, (long long)next.ends);
		result->ending++;
	}
	/* the lowest limits of them all, written where the session has them */
	for (size_t i = 0; i < next.count && r == 0; i++) {
		if (next.roles[i] == SESSION_LIVE_GRANTS)
			continue;
		all[n_all] = calloc(1, sizeof(*all[n_all]));
		if (!all[n_all] || policy_text_read(next.texts[i], next.lens[i], all[n_all], err, sizeof(err)) < 0) {
			free(all[n_all]);
			r = -EINVAL;
			break;
		}
		n_all++;
	}
	if (r == 0) {
		lowest_limits(all, n_all, &limits);
		for (size_t i = 0; i < rec->cgroups.count; i++) {
			unsigned applied = 0;

			(void)cgroup_dir_narrow(rec->cgroups.items[i], &limits, &applied);
		}
	}
	for (size_t i = 0; i < n_all; i++) {
		policy_free(all[i]);
		free(all[i]);
	}
	if (r == 0 && !live_same(&old, &next)) {
		r = session_live_write(SESSION_RUN_DIR, &next);
		if (r == 0)
			result->changed++;
	}
	if (r < 0)
		corral_log(LOG_ERR, "user=%s session=%s event=apply-failed errno=%d", rec->user, rec->id, -r);
	if (next.ends && now >= next.ends + APPLY_END_SLACK) {
		corral_log(LOG_NOTICE, "user=%s session=%s event=session-ended reason=\"%s\"", rec->user, rec->id,
			   next.reason);
		end_session(rec);
	}
	if (next.ends && (!result->next_event || next.ends + APPLY_END_SLACK < result->next_event))
		result->next_event = next.ends + APPLY_END_SLACK;
	if (current.next_change && (!result->next_event || current.next_change < result->next_event))
		result->next_event = current.next_change;
	free(text);
	session_live_free(&old);
	session_live_free(&next);
	policy_free(&current);
	policy_free(&login);
	return r;
}

static void report_grant(const char *file, const char *why, void *data)
{
	(void)data;
	corral_log(LOG_WARNING, "event=grant-refused target=%s reason=\"%s\"", file, why);
}

int apply_all(const char *config_path, const char *only_user, time_t now, long grace, struct apply_result *result)
{
	struct grant_set grants = { 0 };
	struct config config;
	struct strlist ids;
	int r, failed = 0;

	memset(result, 0, sizeof(*result));
	r = config_load(config_path, &config);
	if (r < 0) {
		ctl_print_diags(&config, stderr);
		/* running sessions keep what they have: a typo ends nobody */
		corral_log(LOG_ERR, "event=apply-failed reason=\"%s is invalid\"",
			   config_path ? config_path : CONFIG_DEFAULT_PATH);
		config_free(&config);
		return r;
	}
	/* grants that cannot be read give nothing: the sessions narrow */
	if (grants_load(NULL, now, &grants, report_grant, NULL) < 0)
		corral_log(LOG_ERR, "event=grants-unreadable reason=\"%s: no grant applied\"", GRANTS_DIR);
	r = session_record_list(SESSION_RUN_DIR, &ids);
	for (size_t i = 0; i < ids.count && r == 0; i++) {
		char why[SESSION_RECORD_ERR_MAX];
		struct session_record rec;

		if (session_record_read(SESSION_RUN_DIR, ids.items[i], &rec, why, sizeof(why)) < 0)
			continue;
		if (session_record_is_live(&rec) && (!only_user || strcmp(rec.user, only_user) == 0)) {
			result->sessions++;
			failed |= apply_session(&config, &rec, now, grace, &grants, result) < 0;
		}
		session_record_free(&rec);
	}
	strlist_free(&ids);
	grant_set_free(&grants);
	config_free(&config);
	return r < 0 ? r : failed ? -EIO : 0;
}

static volatile sig_atomic_t woken;

static void on_hangup(int sig)
{
	(void)sig;
	woken = 1;
}

int ctl_apply(int argc, char **argv)
{
	static const struct option longopts[] = { { "follow", no_argument, NULL, 'f' },
						  { "grace", required_argument, NULL, 'g' },
						  { "user", required_argument, NULL, 'u' },
						  { NULL, 0, NULL, 0 } };
	long grace = APPLY_GRACE_DEFAULT;
	const char *path = NULL, *only_user = NULL;
	char *end;
	struct apply_result result;
	bool follow = false;
	int opt, r;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+c:u:", longopts, NULL)) != -1) {
		if (opt == 'c')
			path = optarg;
		else if (opt == 'f')
			follow = true;
		else if (opt == 'u')
			only_user = optarg;
		else if (opt == 'g' && (grace = strtol(optarg, &end, 10)) >= 0 && !*end && *optarg)
			continue;
		else
			goto usage;
	}
	if (optind != argc)
		goto usage;
	if (geteuid() != 0) {
		fputs("corralctl: apply: only root may change running sessions\n", stderr);
		return CTL_EXIT_INVALID;
	}
	signal(SIGHUP, on_hangup);
	for (;;) {
		time_t now = time(NULL), wake;

		r = apply_all(path, only_user, now, grace, &result);
		if (!follow && r == -EINVAL) {
			fputs("corralctl: apply: the configuration is invalid; no session was changed\n", stderr);
			return CTL_EXIT_INVALID;
		}
		if (!follow) {
			printf("%u session%s, %u changed, %u to end after the grace period\n", result.sessions,
			       result.sessions == 1 ? "" : "s", result.changed, result.ending);
			return r < 0 ? CTL_EXIT_INVALID : CTL_EXIT_OK;
		}
		/* until the next window edge, grant expiry or end; edits within a minute */
		wake = now + APPLY_FOLLOW_MAX_SLEEP;
		if (result.next_event > now && result.next_event < wake)
			wake = result.next_event;
		while (!woken && time(NULL) < wake)
			sleep((unsigned)(wake - time(NULL)));
		woken = 0;
	}
usage:
	fputs("usage: corralctl apply [-c FILE] [--user USER] [--follow] [--grace SECONDS]\n", stderr);
	return CTL_EXIT_USAGE;
}
