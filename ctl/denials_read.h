/* Where corralctl denials finds records on this host: the journal (where
 * journald runs), syslog files, the audit log, the kernel log. Each line
 * read goes to a callback, parsed. */
#ifndef CORRAL_CTL_DENIALS_READ_H
#define CORRAL_CTL_DENIALS_READ_H

#include <stddef.h>

#include "denials_parse.h"
#include "strlist.h"

#define DENIALS_SOURCES_MAX 512 /* "the journal, /var/log/auth.log, ..." */

typedef void (*denials_sink_fn)(void *ctx, const struct denial_record *record);

/* Reads every source there is (and the extra files), in this order: the
 * journal, the files, the kernel log. What was read goes to sources (", "
 * separated), what could not be to skipped. 0, or -ENOMEM. */
int denials_read_all(const struct strlist *extra_files, denials_sink_fn sink, void *ctx, char *sources, char *skipped,
		     size_t textlen);

#endif
