/* The small NAME=VALUE line files of grants and requests: read whole and
 * bounded, one field a line, no control characters anywhere. */
#ifndef CORRAL_KVFILE_H
#define CORRAL_KVFILE_H

#include <stdbool.h>
#include <stddef.h>

#define KVFILE_LINE_MAX 4608
#define KVFILE_ERR_MAX 256

struct kvfile_reader {
	const char *pos;
	const char *end;
	unsigned line;
};

void kvfile_reader_init(struct kvfile_reader *reader, const char *text, size_t len);

/* The next line as *name and *value (pointing into buf, of buflen bytes):
 * 1; 0 at the end; -EINVAL with the line and why in err (a NUL or control
 * character, no '=', no final newline, longer than buflen). */
int kvfile_next(struct kvfile_reader *reader, char *buf, size_t buflen, const char **name, const char **value,
		char *err, size_t errlen);

/* The whole content of fd, at most max bytes (NUL-terminated copy in
 * *out, freed by the caller): 0, -EFBIG when there is more, -ENOMEM or
 * -errno. */
int kvfile_read_fd(int fd, size_t max, char **out, size_t *len);

/* Text that fits on one line of such a file: no control characters. */
bool kvfile_text_is_valid(const char *text);

#endif
