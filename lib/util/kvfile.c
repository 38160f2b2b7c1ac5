/* Reading the NAME=VALUE line files of kvfile.h: everything in them may be
 * written by someone hostile, so every line is bounded and checked. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvfile.h"
#include "util.h"

void kvfile_reader_init(struct kvfile_reader *reader, const char *text, size_t len)
{
	reader->pos = text;
	reader->end = text + len;
	reader->line = 0;
}

bool kvfile_text_is_valid(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

int kvfile_next(struct kvfile_reader *reader, char *buf, size_t buflen, const char **name, const char **value,
		char *err, size_t errlen)
{
	const char *nl;
	size_t len;
	char *eq;

	if (reader->pos >= reader->end)
		return 0;
	reader->line++;
	nl = memchr(reader->pos, '\n', (size_t)(reader->end - reader->pos));
	if (!nl)
		return set_err(err, errlen, -EINVAL, "line %u: no final newline", reader->line);
	len = (size_t)(nl - reader->pos);
	if (len >= buflen)
		return set_err(err, errlen, -EINVAL, "line %u: longer than %zu bytes", reader->line, buflen - 1);
	memcpy(buf, reader->pos, len);
	buf[len] = '\0';
	reader->pos = nl + 1;
	if (strlen(buf) != len || !kvfile_text_is_valid(buf))
		return set_err(err, errlen, -EINVAL, "line %u: control character", reader->line);
	eq = strchr(buf, '=');
	if (!eq || eq == buf)
		return set_err(err, errlen, -EINVAL, "line %u: not NAME=VALUE", reader->line);
	*eq = '\0';
	*name = buf;
	*value = eq + 1;
	return 1;
}

int kvfile_read_fd(int fd, size_t max, char **out, size_t *len)
{
	char *buf = malloc(max + 2);
	int r;

	*out = NULL;
	*len = 0;
	if (!buf)
		return -ENOMEM;
	/* one byte more than allowed tells a file that is too long */
	r = read_all(fd, buf, max + 1, len);
	if (r == 0 && *len > max)
		r = -EFBIG;
	if (r < 0) {
		free(buf);
		*len = 0;
		return r;
	}
	buf[*len] = '\0';
	*out = buf;
	return 0;
}
