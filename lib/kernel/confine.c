/* The calling process's confinement (see confine.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "confine.h"

static int clear_capabilities(void)
{
	cap_t none = cap_init();
	int r = 0;

	if (!none)
		return -ENOMEM;
	if (cap_set_proc(none) < 0)
		r = -errno;
	cap_free(none);
	if (r == 0 && cap_reset_ambient() < 0)
		r = -errno;
	return r;
}

int confine_process(const struct sandbox_plan *plan, int abi, bool drop_capabilities, int *listener, char *err,
		    size_t errlen)
{
	*listener = -1;
	int r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot set no_new_privs: %s", strerror(-r));
		return r;
	}
	if (drop_capabilities) {
		r = clear_capabilities();
		if (r < 0) {
			snprintf(err, errlen, "cannot drop capabilities: %s", strerror(-r));
			return r;
		}
	}
	return sandbox_apply(plan, abi, listener, err, errlen);
}
