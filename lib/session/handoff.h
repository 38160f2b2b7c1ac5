/* The hand-off from corral-shell to corral-helper: the message the confined
 * child sends its parent with the notification fd, the sealed memfd that
 * carries the policy, and the helper's command line. Both sides use this
 * file so they cannot drift apart. */
#ifndef CORRAL_HANDOFF_H
#define CORRAL_HANDOFF_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy.h"

#define HANDOFF_MAGIC 0x636f7272616c3031ULL /* "corral01" */
#define HANDOFF_PROBE_TEXT "corral-helper can read this session's memory"
#define HANDOFF_PROBE_LEN sizeof(HANDOFF_PROBE_TEXT)
#define HANDOFF_SEALS_REQUIRED (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
#define HANDOFF_GO 'g'
#define HANDOFF_REASON_MAX 512 /* a failing child's one-line reason, NUL included */

/* Sent by the confined child (with the listener fd as SCM_RIGHTS when
 * something is trapped). */
struct handoff_hello {
	uint64_t magic;
	uint64_t probe_address; /* HANDOFF_PROBE_TEXT in the child's memory */
	int32_t has_listener;
	int32_t reserved;
};

/* corral-helper's side of the hello from its confined child on the
 * socketpair sock: the hello and the listener fd (-1 when nothing is
 * trapped; close-on-exec). 0; -EPERM with the child's own reason for
 * failing in err; -EPIPE when it died first; -EPROTO for anything else:
 * not from child, not this uid, a listener where the hello says none. */
int handoff_hello_receive(int sock, pid_t child, struct handoff_hello *hello, int *listener, char *err, size_t errlen);

/* The signals corral-helper takes over (SIGCHLD, SIGHUP, SIGTERM, SIGINT,
 * SIGQUIT): blocked from before the fork until its signalfd reads them. */
void handoff_signal_set(sigset_t *set);

/* A sealed, close-on-exec memfd holding policy_text_write(policy). fd or -errno. */
int handoff_policy_memfd(const struct policy *policy);

/* Reads and parses the policy from such a memfd, refusing one that is not
 * fully sealed or too large. 0 or -errno with the reason in err. */
int handoff_policy_read(int fd, struct policy *out, char *err, size_t errlen);

#endif
