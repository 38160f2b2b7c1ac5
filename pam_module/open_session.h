/* The decisions and steps of pam_corral's session open and close, kept
 * apart from the PAM entry points (which only translate and log). */
#ifndef CORRAL_PAM_OPEN_SESSION_H
#define CORRAL_PAM_OPEN_SESSION_H

#include <stdbool.h>

#include "module_args.h"
#include "session_setup.h"

#define MODULE_USER_MAX 256

/* Kept from open to close (pam_set_data). */
struct module_session {
	struct session_setup setup;
	bool keeper_owns_cleanup; /* the calling process is confined: the keeper closes */
	char user[MODULE_USER_MAX + 1];
};

typedef void (*module_log_fn)(void *context, int priority, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

struct open_request {
	struct module_args args;
	const char *user;
	const char *service;
	void *context;
	module_log_fn log;
	/* a message to the user (the PAM conversation); NULL: PAM_SILENT */
	void (*tell)(void *context, const char *message);
	/* takes the session over (pam_set_data, CORRAL_SESSION); 0 or -errno */
	int (*keep)(void *context, struct module_session *session);
};

/* 0 when the session may go on (confined, exempt or not confined), or
 * -errno after logging why it is refused. */
int open_session(const struct open_request *request);

void close_session(struct module_session *session, module_log_fn log, void *context, bool debug);

#endif
