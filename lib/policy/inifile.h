/* Reads one INI file for the policy: our own line scanner (line numbers,
 * duplicates, over-long lines) cross-checked against iniparser's reading. */
#ifndef CORRAL_INIFILE_H
#define CORRAL_INIFILE_H

#include <stddef.h>

#include "diag.h"

/* iniparser 4.1 refuses lines of 1023 bytes or more; stay well below. */
#define INIFILE_LINE_MAX ((size_t)1000)
#define INIFILE_SIZE_MAX ((size_t)1024 * 1024)
#define INIFILE_SECTION_NAME_MAX 300

struct ini_entry {
	char *key;
	char *value; /* after '=', stripped, inline comment removed */
	unsigned line;
};

struct ini_section {
	char *name; /* as written (case kept) */
	unsigned line;
	struct ini_entry *entries;
	size_t count;
	size_t capacity;
};

struct ini_file {
	char *path;
	struct ini_section *sections;
	size_t count;
	size_t capacity;
};

/* Scans a buffer (no iniparser). Errors and warnings go to diags with
 * display_path and the line. Returns 0, -EINVAL (errors recorded) or
 * -ENOMEM. out is always safe to ini_file_free(). */
int ini_scan_buffer(const char *buf, size_t len, const char *display_path, struct ini_file *out,
		    struct diag_list *diags);

/* Reads an open regular file (bounded by INIFILE_SIZE_MAX), scans it, then
 * has iniparser read the same file (through /proc/self/fd) and refuses the
 * file unless both readings agree on every section, key and value.
 * Returns 0, -EINVAL (errors recorded), -ENOMEM or -EIO. */
int ini_parse_fd(int fd, const char *display_path, struct ini_file *out, struct diag_list *diags);

void ini_file_free(struct ini_file *file);

#endif
