/* How each PAM service starts a session, and whether this call of it would
 * start something other than the user's login shell (su -s, su -m/-p,
 * runuser -u). Pure functions. */
#ifndef CORRAL_SERVICE_RULES_H
#define CORRAL_SERVICE_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "strlist.h"

#define SERVICE_CMDLINE_MAX ((size_t)64 * 1024)

enum service_kind {
	SERVICE_LOGIN_SHELL, /* always runs the user's login shell (sshd, login) */
	SERVICE_SU,          /* su / runuser: the login shell unless told otherwise */
	SERVICE_DIRECT,      /* runs something else (cron, atd, systemd-user, sudo, unknown) */
};

enum service_kind service_kind_of(const char *service);

/* For SERVICE_SU: does this command line (NUL-separated, as in
 * /proc/self/cmdline) start another shell or a command without the login
 * shell? Then *why names the option. */
bool service_su_overrides_shell(const char *cmdline, size_t len, bool runuser, const char **why);

/* Is the service allowed for a confined user? An explicit `services` list
 * decides; without one, services that run the login shell are allowed and
 * the others are refused. */
bool service_allowed(const struct strlist *services, bool services_set, const char *service);

#endif
