/* corralctl user-manager USER|UID: may systemd start this user's manager
 * (user@UID.service, PAM service systemd-user)? The package's drop-in for
 * user@.service runs it as ExecCondition=: exit 0 starts the manager, 1
 * skips it cleanly (the unit is not failed, and the login does not wait
 * for a manager that pam_corral would refuse). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "log.h"
#include "service_rules.h"
#include "session.h"
#include "users.h"

#define USER_MANAGER_SERVICE "systemd-user"

static int look_up(const char *arg, struct user_info *user)
{
	if (arg[0] >= '0' && arg[0] <= '9') {
		char *end;
		unsigned long uid;

		errno = 0;
		uid = strtoul(arg, &end, 10);
		if (errno || *end || uid > (uid_t)-2)
			return -ENOENT;
		return user_info_by_uid((uid_t)uid, user);
	}
	return user_info_by_name(arg, user);
}

int ctl_user_manager(int argc, char **argv)
{
	const char *path = NULL, *usage = "usage: corralctl user-manager [-c FILE] USER|UID\n";
	char err[SESSION_ERR_MAX];
	struct user_info user;
	struct policy p;
	int opt, r;

	optind = 1;
	while ((opt = getopt(argc, argv, "+c:")) != -1) {
		if (opt != 'c') {
			fputs(usage, stderr);
			return CTL_EXIT_USAGE;
		}
		path = optarg;
	}
	if (optind + 1 != argc) {
		fputs(usage, stderr);
		return CTL_EXIT_USAGE;
	}
	r = look_up(argv[optind], &user);
	if (r < 0) {
		fprintf(stderr, "corralctl: %s '%s'\n", r == -ENOENT ? "no such user" : "cannot look up user",
			argv[optind]);
		return CTL_EXIT_NO_USER;
	}
	r = session_policy_load(path, &user, &p, err, sizeof(err));
	if (r < 0) {
		/* pam_corral refuses every session of this user: so is the manager */
		corral_log(LOG_ERR,
			   "user=%s event=refused op=user-manager service=" USER_MANAGER_SERVICE
			   " rule=config reason=\"%s\"",
			   user.name, err);
		printf("corral: the user manager of %s is not started: %s\n", user.name, err);
		user_info_free(&user);
		return CTL_EXIT_INVALID;
	}
	r = CTL_EXIT_OK;
	if (p.confine &&
	    !service_allowed(policy_list(&p, KEY_SERVICES), policy_is_set(&p, KEY_SERVICES), USER_MANAGER_SERVICE)) {
		corral_log(
			LOG_NOTICE,
			"user=%s event=refused op=user-manager service=" USER_MANAGER_SERVICE
			" rule=services reason=\"a confined user's systemd --user would run code outside the session; list systemd-user in services to confine it instead\"",
			user.name);
		printf("corral: %s is confined and systemd-user is not in the policy's services: the user manager is not started\n",
		       user.name);
		r = CTL_EXIT_INVALID;
	}
	policy_free(&p);
	user_info_free(&user);
	return r;
}
