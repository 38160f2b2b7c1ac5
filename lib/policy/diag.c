/* Collected configuration diagnostics (see diag.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

void diag_list_init(struct diag_list *list)
{
	memset(list, 0, sizeof(*list));
}

void diag_list_free(struct diag_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->items[i].file);
		free(list->items[i].message);
	}
	free(list->items);
	diag_list_init(list);
}

void diag_add(struct diag_list *list, enum diag_level level, const char *file, unsigned line, const char *fmt, ...)
{
	char message[DIAG_MESSAGE_MAX];
	struct diag *d;
	va_list ap;

	if (level == DIAG_ERROR)
		list->n_errors++;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);

	if (ARRAY_RESERVE(list->items, list->capacity, list->count + 1, 16) < 0) {
		list->out_of_memory = true;
		return;
	}
	d = &list->items[list->count];
	d->level = level;
	d->line = line;
	d->sequence = list->added++;
	d->file = file ? strdup(file) : NULL;
	d->message = strdup(message);
	if ((file && !d->file) || !d->message) {
		free(d->file);
		free(d->message);
		list->out_of_memory = true;
		return;
	}
	list->count++;
}

bool diag_has_errors(const struct diag_list *list)
{
	return list->n_errors > 0 || list->out_of_memory;
}

void diag_format(const struct diag *d, char *buf, size_t buflen)
{
	const char *level = d->level == DIAG_ERROR ? "error" : "warning";

	if (d->file && d->line)
		snprintf(buf, buflen, "%s:%u: %s: %s", d->file, d->line, level, d->message);
	else if (d->file)
		snprintf(buf, buflen, "%s: %s: %s", d->file, level, d->message);
	else
		snprintf(buf, buflen, "%s: %s", level, d->message);
}

const struct diag *diag_first_error(const struct diag_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		if (list->items[i].level == DIAG_ERROR)
			return &list->items[i];
	return NULL;
}
