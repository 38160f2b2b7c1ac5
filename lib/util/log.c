/* The programs' event log: the journal with corral's fields where journald
 * runs, else syslog (the PAM module logs through module_log in pam_corral.c). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <syslog.h>

#include "journal.h"
#include "log.h"

void corral_log(int priority, const char *fmt, ...)
{
	static bool opened;
	char line[JOURNAL_ENTRY_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (journal_send_event(priority, JOURNAL_IDENT, line) == 0)
		return;
	if (!opened) {
		openlog(JOURNAL_IDENT, LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
		opened = true;
	}
	syslog(priority, "%s", line);
}
