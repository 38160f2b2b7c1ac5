/* landlock_layer — one Landlock layer and nothing else, around a command:
 * the reference that tells Landlock's own cost from the whole session's.
 *
 *   landlock_layer policy -- CMD [ARG...]   the Landlock ruleset corral would
 *        give the calling user (the policy in /etc/corral, resolved and planned
 *        as a session does on this kernel), without the seccomp filters
 *   landlock_layer root -- CMD [ARG...]     one rule, beneath /, granting every
 *        right the same ruleset handles: the cost of any Landlock layer
 *
 * Links build/libcorral.a (bench/run.sh); sets no_new_privs, applies the
 * layer, execs CMD. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "hosts.h"
#include "landlock.h"
#include "layers.h"
#include "policy.h"
#include "sandbox.h"
#include "users.h"

/* The plan of the calling user's session, as corral-session makes it (no
 * grants: the benchmark sets none; the mount view and cgroup as pam_corral
 * makes them, so fs.deny is the view's, not Landlock's). */
static int plan_for_caller(struct policy *p, struct sandbox_plan *plan, char *err, size_t errlen)
{
	struct host_layers host;
	struct user_info user;
	struct config config;
	char failed[256];
	int r;

	r = config_load(NULL, &config);
	if (r < 0) {
		snprintf(err, errlen, "cannot load the policy: %s", strerror(-r));
		config_free(&config);
		return r;
	}
	r = user_info_by_uid(getuid(), &user);
	if (r < 0) {
		snprintf(err, errlen, "cannot look up uid %u: %s", (unsigned)getuid(), strerror(-r));
		goto out_config;
	}
	r = policy_resolve_at(&config, NULL, &user, time(NULL), p, err, errlen);
	if (r < 0)
		goto out_user;
	if (hosts_resolve(p, failed, sizeof(failed)))
		fprintf(stderr, "landlock_layer: warning: cannot resolve %s\n", failed);
	host_layers_probe(0, true, true, &host);
	r = sandbox_plan(p, &host, plan, err, errlen);
	if (r < 0)
		policy_free(p);
out_user:
	user_info_free(&user);
out_config:
	config_free(&config);
	return r;
}

/* One rule beneath / with every filesystem right the plan handles. */
static int apply_root_rule(const struct sandbox_plan *plan, char *err, size_t errlen)
{
	struct landlock_rights handled = { .fs = plan->handled.fs };
	int ruleset, root, r;

	ruleset = landlock_ruleset_create(&handled);
	if (ruleset < 0) {
		snprintf(err, errlen, "cannot create a ruleset: %s", strerror(-ruleset));
		return ruleset;
	}
	root = open("/", O_PATH | O_CLOEXEC);
	if (root < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot open /: %s", strerror(errno));
		goto out;
	}
	r = landlock_allow_beneath(ruleset, root, handled.fs);
	close(root);
	if (r == 0)
		r = landlock_restrict_self(ruleset, 0);
	if (r < 0)
		snprintf(err, errlen, "cannot add or enforce the rule at /: %s", strerror(-r));
out:
	close(ruleset);
	return r;
}

int main(int argc, char **argv)
{
	char err[SANDBOX_ERR_MAX] = "";
	struct sandbox_plan plan;
	struct policy p;
	int r;

	if (argc < 4 || strcmp(argv[2], "--") != 0 ||
	    (strcmp(argv[1], "policy") != 0 && strcmp(argv[1], "root") != 0)) {
		fputs("usage: landlock_layer policy|root -- CMD [ARG...]\n", stderr);
		return 2;
	}
	r = plan_for_caller(&p, &plan, err, sizeof(err));
	if (r < 0)
		goto fail;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		r = -errno;
		snprintf(err, sizeof(err), "no_new_privs: %s", strerror(errno));
	} else if (strcmp(argv[1], "policy") == 0) {
		r = sandbox_apply_landlock_only(&plan, err, sizeof(err));
	} else {
		r = apply_root_rule(&plan, err, sizeof(err));
	}
	sandbox_plan_free(&plan);
	policy_free(&p);
	if (r < 0)
		goto fail;
	execvp(argv[3], argv + 3);
	fprintf(stderr, "landlock_layer: cannot run %s: %s\n", argv[3], strerror(errno));
	return 127;
fail:
	fprintf(stderr, "landlock_layer: %s\n", err);
	return 1;
}
