/* pam_corral: the PAM session module. At session open it resolves the
 * user's policy, refuses sessions that would escape it, and sets up what
 * needs root; at close it undoes that. It never writes to stdout/stderr and
 * logs every refusal through pam_syslog. */
#define PAM_SM_SESSION
#include <errno.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "journal.h"
#include "open_session.h"

#define MODULE_DATA "corral-session"

/* The one place errno values become PAM codes. */
static int pam_code(int r)
{
	switch (r) {
	case 0:
		return PAM_SUCCESS;
	case -ENOMEM:
		return PAM_BUF_ERR;
	case -ENOENT:
		return PAM_USER_UNKNOWN;
	default:
		return PAM_SESSION_ERR;
	}
}

static void free_session(pam_handle_t *pamh, void *data, int error_status)
{
	(void)pamh;
	(void)error_status;
	/* only memory: a forked child calls pam_end too, and must not act */
	free(data);
}

/* One event: to the journal with corral's fields where journald runs (ident
 * corral, so `journalctl -t corral` shows the module's events with the
 * programs'), else through pam_syslog as every PAM module does. */
__attribute__((format(printf, 3, 4))) static void log_line(void *context, int priority, const char *fmt, ...)
{
	pam_handle_t *pamh = context;
	char line[JOURNAL_ENTRY_MAX / 2], message[JOURNAL_ENTRY_MAX / 2 + 128];
	const void *service = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (pam_get_item(pamh, PAM_SERVICE, &service) != PAM_SUCCESS || !service)
		service = "?";
	snprintf(message, sizeof(message), "pam_corral(%s:session): %s", (const char *)service, line);
	/* CORRAL_NO_JOURNAL: the daemon's own environment (root's), for a
	 * test driver that catches syslog */
	if (getenv("CORRAL_NO_JOURNAL") || journal_send_event(priority, JOURNAL_IDENT, message) < 0)
		pam_syslog(pamh, priority, "%s", line);
}

static void tell_user(void *context, const char *message)
{
	/* a conversation that cannot show it (cron) changes nothing: the
	 * refusal is logged anyway */
	pam_error(context, "%s", message);
}

static int keep_session(void *context, struct module_session *session)
{
	pam_handle_t *pamh = context;
	char variable[64];
	int r;

	/* the variable first: once pam_set_data holds the session, PAM frees
	 * it, and a failure after that must not let the caller free it again */
	snprintf(variable, sizeof(variable), "CORRAL_SESSION=%s", session->setup.id);
	if (pam_putenv(pamh, variable) != PAM_SUCCESS)
		return -ENOMEM;
	r = pam_set_data(pamh, MODULE_DATA, session, free_session);
	if (r != PAM_SUCCESS) {
		pam_putenv(pamh, "CORRAL_SESSION"); /* no record behind it any more */
		return -ENOMEM;
	}
	return 0;
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct open_request request = { .context = pamh, .log = log_line, .keep = keep_session };
	const void *item = NULL;
	mode_t old_umask;
	int r;

	if (!(flags & PAM_SILENT))
		request.tell = tell_user;
	module_args_parse(argc, argv, &request.args);
	/* listed twice in one stack (su-l includes su) or opened twice by the
	 * application: the session is open already. A second one would replace
	 * the first in pam_set_data, and nobody would close that one. */
	if (pam_get_data(pamh, MODULE_DATA, &item) == PAM_SUCCESS && item) {
		if (request.args.debug)
			log_line(pamh, LOG_DEBUG, "user=%s session=%s event=already-open",
				 ((const struct module_session *)item)->user,
				 ((const struct module_session *)item)->setup.id);
		return PAM_SUCCESS;
	}
	item = NULL;
	if (pam_get_item(pamh, PAM_USER, &item) != PAM_SUCCESS || !item) {
		log_line(pamh, LOG_ERR, "event=refused op=open_session reason=\"no user name\"");
		return PAM_SESSION_ERR;
	}
	request.user = item;
	item = NULL;
	if (pam_get_item(pamh, PAM_SERVICE, &item) != PAM_SUCCESS || !item) {
		log_line(pamh, LOG_ERR, "user=%s event=refused op=open_session reason=\"no service name\"",
			 request.user);
		return PAM_SESSION_ERR;
	}
	request.service = item;
	old_umask = umask(022);
	r = open_session(&request);
	umask(old_umask);
	return pam_code(r);
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct module_session *session = NULL;
	struct module_args args;
	mode_t old_umask;

	(void)flags;
	module_args_parse(argc, argv, &args);
	if (pam_get_data(pamh, MODULE_DATA, (const void **)&session) != PAM_SUCCESS || !session)
		return PAM_SUCCESS; /* nothing was opened (not confined, exempt, or refused) */
	old_umask = umask(022);
	close_session(session, log_line, pamh, args.debug);
	umask(old_umask);
	/* drops our data (and frees it) so a second close does nothing */
	pam_set_data(pamh, MODULE_DATA, NULL, NULL);
	return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh, (void)flags, (void)argc, (void)argv;
	return PAM_IGNORE;
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh, (void)flags, (void)argc, (void)argv;
	return PAM_IGNORE;
}

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh, (void)flags, (void)argc, (void)argv;
	return PAM_IGNORE;
}

PAM_EXTERN int pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh, (void)flags, (void)argc, (void)argv;
	return PAM_IGNORE;
}
