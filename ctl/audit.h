/* corralctl audit: the findings list and the checks' pure parts (sshd -T
 * output, AcceptEnv patterns, PAM service files), shared by ctl/audit*.c. */
#ifndef CORRAL_CTL_AUDIT_H
#define CORRAL_CTL_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "strlist.h"

#define AUDIT_TEXT_MAX 1024

/* Called once per problem found; what and fix are one line each. */
typedef void (*audit_report_fn)(void *ctx, const char *what, const char *fix);

/* --- sshd (ctl/audit_sshd.c, ctl/audit_sshd_run.c) --- */

#define AUDIT_SSHD_PATH "/usr/sbin/sshd"

/* Does one AcceptEnv pattern (sshd's * and ? globbing) let a client set a
 * variable corral relies on (CORRAL_SESSION) or one that changes what the
 * dynamic linker loads (LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT)? The first
 * such name it matches, or NULL. */
const char *audit_acceptenv_admits(const char *pattern);

/* Reports every setting in the text of `sshd -T` (one "key value" line
 * each, keys in lower case) that lets a confined user's ssh session around
 * corral. Pure: reads only output. */
void audit_sshd_evaluate(const char *output, audit_report_fn report, void *ctx);

/* Runs `sshd -T -C user=USER,host=localhost,addr=127.0.0.1 [-f CONFIG]`
 * with an empty environment and a time limit; *output gets what it printed
 * (free() it). Returns 0; -ENOENT when sshd is not installed; -ETIMEDOUT;
 * -EIO when sshd failed (its first error line in err); -ENOMEM. */
int audit_sshd_run(const char *config, const char *user, char **output, char *err, size_t errlen);

/* --- PAM (ctl/audit_pam.c) --- */

enum audit_pam_line {
	AUDIT_PAM_OTHER,
	AUDIT_PAM_CORRAL,          /* session with pam_corral.so, a failure refuses */
	AUDIT_PAM_CORRAL_OPTIONAL, /* session optional pam_corral.so: a failure is ignored */
	AUDIT_PAM_INCLUDE,         /* @include F, session include F, session substack F */
};

/* Classifies one line of a PAM service file (comments and blank lines are
 * AUDIT_PAM_OTHER); for AUDIT_PAM_INCLUDE the file named goes to target. */
enum audit_pam_line audit_pam_classify(const char *line, char *target, size_t targetlen);

/* What the session stack of one service does with pam_corral, following
 * includes. */
enum audit_pam_state {
	AUDIT_PAM_MISSING,
	AUDIT_PAM_OPTIONAL,
	AUDIT_PAM_PRESENT,
};

/* Reads pamdir/service and what it includes (names relative to pamdir).
 * Returns 0 with *state set; -ENOENT when the service file does not exist;
 * -ELOOP when includes nest too deep; other -errno when it cannot be read. */
int audit_pam_service(const char *pamdir, const char *service, enum audit_pam_state *state);

/* --- denial logs (ctl/audit_denials.c) --- */

/* Where this host's denial records can go. */
struct audit_denials_host {
	int landlock_abi;  /* 0: no Landlock */
	bool landlock_log; /* landlock_restrict_self() takes the log flags (ABI 7) */
	int audit;         /* the kernel's audit: 1 on, 0 off, -1 not built in, -2 cannot tell */
	bool audit_daemon; /* auditd takes the records (else: the kernel log) */
	bool journald;     /* journald runs: corral's events and the audit records land there */
	bool syslog;       /* a syslog daemon listens on /dev/log */
};

void audit_denials_probe(int landlock_abi, bool landlock_log, struct audit_denials_host *out);

/* Reports each layer whose denials this host cannot show (for users
 * whose policy has log.denials = yes). Pure. */
void audit_denials_evaluate(const struct audit_denials_host *host, audit_report_fn report, void *ctx);

#endif
