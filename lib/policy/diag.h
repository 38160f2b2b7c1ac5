/* Collected configuration diagnostics: every error and warning names the
 * file, the line and the key, so `corralctl check` and the PAM log agree. */
#ifndef CORRAL_DIAG_H
#define CORRAL_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#define DIAG_MESSAGE_MAX 512

enum diag_level {
	DIAG_WARNING,
	DIAG_ERROR,
};

struct diag {
	enum diag_level level;
	char *file;      /* may be NULL for errors not tied to a file */
	unsigned line;   /* 0 = the file as a whole */
	char *message;   /* already includes the key: "key 'fs.read': ..." */
	size_t sequence; /* order of arrival, to keep sorting stable */
};

struct diag_list {
	struct diag *items;
	size_t count;
	size_t capacity;
	size_t n_errors;
	bool out_of_memory; /* a diagnostic was lost: treat as an error */
	size_t added;
};

void diag_list_init(struct diag_list *list);
void diag_list_free(struct diag_list *list);

/* Records one diagnostic. Never fails loudly: on allocation failure the
 * list remembers it lost one (diag_has_errors() then returns true). */
__attribute__((format(printf, 5, 6))) void diag_add(struct diag_list *list, enum diag_level level, const char *file,
						    unsigned line, const char *fmt, ...);

bool diag_has_errors(const struct diag_list *list);

/* "FILE:LINE: error: MESSAGE" (LINE omitted when 0) into buf. */
void diag_format(const struct diag *d, char *buf, size_t buflen);

/* The first error, or NULL. */
const struct diag *diag_first_error(const struct diag_list *list);

#endif
