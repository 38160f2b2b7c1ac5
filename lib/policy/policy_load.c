/* policy_load_for_user() (see policy_load.h): the order of its steps is
 * what lets an exempt user in when the config is broken. */
#include <errno.h>
#include <stdio.h>

#include "config.h"
#include "diag.h"
#include "policy_load.h"

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
		r = policy_resolve(&config, user, out, status->reason, sizeof(status->reason));
		if (r < 0)
			status->failed = POLICY_LOAD_RESOLVE;
	}
	config_free(&config);
	return r;
}
