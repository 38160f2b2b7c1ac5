/* corralctl run: a command under a user's policy, the same path as a login
 * minus PAM. Only root may name another user; the command then runs as
 * that user, with the user's groups. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "policy.h"
#include "session.h"
#include "users.h"

extern char **environ;

static int become(const struct user_info *user)
{
	if (initgroups(user->name, user->gid) < 0 || setgid(user->gid) < 0 || setuid(user->uid) < 0)
		return -errno;
	/* make sure there is no way back */
	if (user->uid != 0 && setuid(0) == 0)
		return -EPERM;
	return 0;
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
	while ((opt = getopt(argc, argv, "+c:u:")) != -1) {
		if (opt == 'c') {
			path = optarg;
		} else if (opt == 'u') {
			name = optarg;
		} else {
			fputs("usage: corralctl run [-c FILE] [-u USER] -- CMD [ARG...]\n", stderr);
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
	if (getuid() == 0 && user.uid != 0 && (r = become(&user)) < 0) {
		fprintf(stderr, "corralctl: cannot become %s: %s\n", user.name, strerror(-r));
		policy_free(&policy);
		user_info_free(&user);
		return SESSION_EXIT_NO_POLICY;
	}
	if (!policy.confine)
		fprintf(stderr, "corralctl: note: %s is not confined by this policy; running unconfined\n", user.name);
	spec.argv = argv + optind;
	spec.nested = policy.confine && session_already_confined();
	r = session_run(&policy, &spec, environ, err, sizeof(err));
	if (err[0])
		fprintf(stderr, "corralctl: %s\n", err);
	policy_free(&policy);
	user_info_free(&user);
	return r;
}
