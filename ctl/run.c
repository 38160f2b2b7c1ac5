/* corralctl run: a command under a user's policy, the same path as a login
 * minus PAM. Only root may name another user; the command then runs as
 * that user, with the user's groups. As root it also does what pam_corral
 * does at login (cgroup, mount namespace, session record), in a parent that
 * waits and cleans up, as su does. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl.h"
#include "launch.h"
#include "policy.h"
#include "mountns.h"
#include "session.h"
#include "session_setup.h"
#include "users.h"

extern char **environ;

static int become(const struct user_info *user)
{
	if (initgroups(user->name, user->gid) < 0 || setgid(user->gid) < 0 || setuid(user->uid) < 0)
		return -errno;
	/* make sure there is no way back */
	if (user->uid != 0 && setuid(0) == 0)
		return -EPERM;
	/* the uid change made us non-dumpable, and the session child would
	 * inherit that: corral-helper could not reach it. We are the user's
	 * own process now, as an exec would make us. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

/* Becomes the user (when root) and runs the session; returns its status. */
static int run_as(const struct policy *policy, const struct user_info *user, const struct session_spec *spec)
{
	char err[SESSION_ERR_MAX] = "";
	int r;

	if (getuid() == 0 && user->uid != 0 && (r = become(user)) < 0) {
		fprintf(stderr, "corralctl: cannot become %s: %s\n", user->name, strerror(-r));
		return SESSION_EXIT_NO_POLICY;
	}
	r = session_run(policy, spec, environ, err, sizeof(err));
	if (err[0])
		fprintf(stderr, "corralctl: %s\n", err);
	return r;
}

/* Root: the login's root-side setup here, the session in a child, the
 * cleanup after it, like su's parent around pam_open/close_session. */
static int run_with_setup(struct policy *policy, const struct user_info *user, struct session_spec *spec)
{
	struct session_setup_request request = {
		.policy = policy,
		.user = user,
		.service = "corralctl",
		.leader = getpid(),
		.run_dir = SESSION_RUN_DIR,
		.tmp_base = MOUNTNS_PRIVATE_TMP_BASE,
		.landlock_abi_cap = spec->landlock_abi_cap,
	};
	char err[SESSION_SETUP_ERR_MAX];
	struct session_setup setup;
	int status, r;
	pid_t child;

	if (policy->confine) {
		/* the session's namespace makes user-writable trees noexec,
		 * which may hold the build tree this corralctl runs from */
		r = launch_pin_helper();
		if (r < 0) {
			fprintf(stderr, "corralctl: cannot open corral-helper: %s\n", strerror(-r));
			return SESSION_EXIT_NO_POLICY;
		}
		spec->helper_pinned = true;
		spec->helper_fd = r;
	}
	r = session_setup_open(&request, &setup, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "corralctl: cannot set up the session: %s\n", err);
		return SESSION_EXIT_NO_POLICY;
	}
	if (setup.warning[0])
		fprintf(stderr, "corralctl: warning: %s\n", setup.warning);
	spec->session_id = setup.id;
	spec->namespace_ready = true;
	spec->cgroup_limits = setup.cgroup.limits;
	child = fork();
	if (child == 0)
		_exit(run_as(policy, user, spec));
	if (child < 0) {
		fprintf(stderr, "corralctl: fork: %s\n", strerror(errno));
		status = SESSION_EXIT_NO_POLICY;
	} else {
		/* the terminal's signals reach the session; we wait for it */
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		while (waitpid(child, &r, 0) < 0 && errno == EINTR)
			;
		status = WIFEXITED(r) ? WEXITSTATUS(r) : 128 + WTERMSIG(r);
	}
	spec->session_id = NULL; /* it pointed into setup */
	if (session_setup_close(&setup, err, sizeof(err)) < 0)
		fprintf(stderr, "corralctl: warning: %s\n", err);
	return status;
}

int ctl_run(int argc, char **argv)
{
	struct session_spec spec = { .kind = SESSION_ARGV };
	const char *path = NULL, *name = NULL;
	char err[SESSION_ERR_MAX] = "";
	struct user_info user;
	struct policy policy;
	int opt, r;

	optind = 1;
	static const struct option longopts[] = { { "landlock-abi", required_argument, NULL, 'L' },
						  { NULL, 0, NULL, 0 } };

	while ((opt = getopt_long(argc, argv, "+c:u:", longopts, NULL)) != -1) {
		if (opt == 'c') {
			path = optarg;
		} else if (opt == 'u') {
			name = optarg;
		} else if (opt == 'L' && getuid() == 0 && ctl_parse_abi(optarg, &spec.landlock_abi_cap) == 0 &&
			   spec.landlock_abi_cap >= 1) {
			continue; /* a test knob for root: the other layers' fallbacks on a new kernel */
		} else {
			fputs("usage: corralctl run [-c FILE] [-u USER] [--landlock-abi N (root)] -- CMD [ARG...]\n",
			      stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs("usage: corralctl run [-c FILE] [-u USER] -- CMD [ARG...]\n", stderr);
		return CTL_EXIT_USAGE;
	}
	r = name ? user_info_by_name(name, &user) : user_info_by_uid(getuid(), &user);
	if (r < 0) {
		fprintf(stderr, "corralctl: %s\n", r == -ENOENT ? "no such user" : "cannot look up the user");
		return CTL_EXIT_NO_USER;
	}
	if (name && user.uid != getuid() && getuid() != 0) {
		fputs("corralctl: only root may run a command as another user\n", stderr);
		user_info_free(&user);
		return CTL_EXIT_USAGE;
	}
	r = session_policy_load(path, &user, &policy, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "corralctl: %s\n", err);
		user_info_free(&user);
		return SESSION_EXIT_NO_POLICY;
	}
	if (!policy.confine)
		fprintf(stderr, "corralctl: note: %s is not confined by this policy; running unconfined\n", user.name);
	spec.argv = argv + optind;
	spec.nested = policy.confine && session_already_confined();
	if (getuid() == 0 && policy.confine && !spec.nested)
		r = run_with_setup(&policy, &user, &spec);
	else
		r = run_as(&policy, &user, &spec);
	policy_free(&policy);
	user_info_free(&user);
	return r;
}
