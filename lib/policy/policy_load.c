/* policy_load_for_user() (see policy_load.h): the order of its steps is
 * what lets an exempt user in when the config is broken. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "diag.h"
#include "grants.h"
#include "log.h"
#include "policy_load.h"
#include "requests.h"

/* A grant file that grants nothing: on every login, in corral's log. */
static void report_grant(const char *file, const char *why, void *data)
{
	const char *user = data;

	corral_log(LOG_WARNING, "event=grant-refused user=%s target=%s reason=\"%s\"", user, file, why);
}

/* The user's grants (none when they cannot be read: never more access),
 * the config resolved with them at now, and the request spool. */
static int resolve_with_grants(const struct config *config, const struct user_info *user, struct policy *out, char *err,
			       size_t errlen)
{
	struct grant_set grants = { 0 };
	time_t now = time(NULL);
	int r;

	/* as a user (corral-session without a record, corralctl run) the
	 * grants are root's to read: the session then has none */
	if (geteuid() == 0) {
		r = grants_load(NULL, now, &grants, report_grant, (void *)user->name);
		if (r < 0)
			corral_log(LOG_ERR, "event=grants-unreadable user=%s errno=%d reason=\"%s: no grant applied\"",
				   user->name, -r, GRANTS_DIR);
	}
	r = policy_resolve_at(config, &grants, user, now, out, err, errlen);
	grant_set_free(&grants);
	if (r == 0) {
		r = requests_spool_for_session(NULL, out);
		if (r < 0) {
			policy_free(out);
			snprintf(err, errlen, "out of memory");
		}
	}
	return r;
}

int policy_load_for_user(const char *config_path, const struct user_info *user, unsigned flags, struct policy *out,
			 struct policy_load_status *status)
{
	struct config config;
	int r;

	status->failed = POLICY_LOAD_DONE;
	status->reason[0] = '\0';
	r = config_load(config_path, &config);
	/* trusted on a broken config too: an exempt user must still get in */
	status->exempt = policy_user_is_exempt(&config, user);
	if ((flags & POLICY_LOAD_EXEMPT_FIRST) && status->exempt < 0) {
		status->failed = POLICY_LOAD_EXEMPT_LOOKUP;
		r = status->exempt;
	} else if ((r < 0 || (flags & POLICY_LOAD_EXEMPT_FIRST)) && status->exempt == 1) {
		r = policy_exempt_default(user, out);
		if (r < 0)
			status->failed = POLICY_LOAD_EXEMPT_DEFAULT;
	} else if (r < 0) {
		const struct diag *d = diag_first_error(&config.diags);

		if (d)
			diag_format(d, status->reason, sizeof(status->reason));
		status->failed = POLICY_LOAD_CONFIG;
		r = r == -ENOMEM ? r : -EINVAL;
	} else {
		r = resolve_with_grants(&config, user, out, status->reason, sizeof(status->reason));
		if (r < 0)
			status->failed = POLICY_LOAD_RESOLVE;
	}
	config_free(&config);
	return r;
}
