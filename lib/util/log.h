/* Event log: syslog, facility authpriv, ident "corral", one line per event
 * of key=value fields (user= session= event= op= target= rule= errno=). */
#ifndef CORRAL_LOG_H
#define CORRAL_LOG_H

#include <syslog.h>

__attribute__((format(printf, 2, 3))) void corral_log(int priority, const char *fmt, ...);

#endif
