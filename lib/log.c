/* syslog for the programs (the PAM module logs through pam_syslog). */
#include <stdarg.h>
#include <stdbool.h>
#include <syslog.h>

#include "log.h"

void corral_log(int priority, const char *fmt, ...)
{
	static bool opened;
	va_list ap;

	if (!opened) {
		openlog("corral", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
		opened = true;
	}
	va_start(ap, fmt);
	vsyslog(priority, fmt, ap);
	va_end(ap);
}
