/* Events to the systemd journal in its native protocol, with the fields
 * CORRAL_SESSION, CORRAL_USER, CORRAL_EVENT and CORRAL_RULE taken from the
 * event's key=value text, where journald runs; -errno where it does not
 * (the caller then logs to syslog as before). No libsystemd: the helper
 * and the shell are linked statically. Kernel-facing: logs nothing. */
#ifndef CORRAL_JOURNAL_H
#define CORRAL_JOURNAL_H

#include <stddef.h>
#include <sys/types.h>

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
#define JOURNAL_ENTRY_MAX 8192 /* one datagram; events are one line */
#define JOURNAL_IDENT "corral"
#define JOURNAL_FACILITY_AUTHPRIV 10

/* The value of "key=" in an event line ("user=alice session=... reason=\"...\""),
 * a word or a double-quoted string (quotes dropped); "" when absent. Pure. */
void journal_event_field(const char *message, const char *key, char *out, size_t outlen);

/* The native-protocol datagram of one event: MESSAGE (newlines become
 * spaces), PRIORITY, SYSLOG_FACILITY, SYSLOG_IDENTIFIER, SYSLOG_PID and the
 * CORRAL_* fields the message has. Pure. Its length, or -ENOBUFS. */
ssize_t journal_event_format(int priority, const char *ident, pid_t pid, const char *message, char *out, size_t outlen);

/* Sends one event. 0, or -errno (no journal here: ENOENT, ECONNREFUSED). */
int journal_send_event(int priority, const char *ident, const char *message);

#endif
