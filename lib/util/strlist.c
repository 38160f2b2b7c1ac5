/* Growable list of owned strings and the tokenizer for INI list values
 * (whitespace-separated, optionally double-quoted items). */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strlist.h"
#include "util.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Tab is a separator, so it is the one control character we let through. */
static bool is_control(char c)
{
	unsigned char u = (unsigned char)c;

	return (u < 0x20 && u != '\t') || u == 0x7f;
}

void strlist_init(struct strlist *list)
{
	list->items = NULL;
	list->count = 0;
	list->capacity = 0;
}

void strlist_free(struct strlist *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	strlist_init(list);
}

static int reserve(struct strlist *list, size_t wanted)
{
	return ARRAY_RESERVE(list->items, list->capacity, wanted, 8);
}

/* Takes ownership of item, also on failure, so callers never leak it. */
static int append_owned(struct strlist *list, char *item)
{
	if (list->count == SIZE_MAX || reserve(list, list->count + 1) < 0) {
		free(item);
		return -ENOMEM;
	}
	list->items[list->count++] = item;
	return 0;
}

int strlist_append(struct strlist *list, const char *item)
{
	char *copy = strdup(item);

	if (!copy)
		return -ENOMEM;
	return append_owned(list, copy);
}

size_t strlist_remove(struct strlist *list, const char *item)
{
	size_t kept = 0, removed = 0;

	/* compact in place so the remaining items keep their order */
	for (size_t i = 0; i < list->count; i++) {
		if (strcmp(list->items[i], item) == 0) {
			free(list->items[i]);
			removed++;
		} else {
			list->items[kept++] = list->items[i];
		}
	}
	list->count = kept;
	return removed;
}

bool strlist_contains(const struct strlist *list, const char *item)
{
	for (size_t i = 0; i < list->count; i++)
		if (strcmp(list->items[i], item) == 0)
			return true;
	return false;
}

/* Moves every item of src onto the end of dst; src ends up empty. */
static int move_items(struct strlist *dst, struct strlist *src)
{
	if (src->count == 0) {
		strlist_free(src);
		return 0;
	}
	if (dst->count == 0) {
		free(dst->items);
		*dst = *src;
		strlist_init(src);
		return 0;
	}
	if (src->count > SIZE_MAX - dst->count || reserve(dst, dst->count + src->count) < 0)
		return -ENOMEM;
	memcpy(dst->items + dst->count, src->items, src->count * sizeof(*src->items));
	dst->count += src->count;
	free(src->items);
	strlist_init(src);
	return 0;
}

/* Reads one item starting at *pos into buf (STRLIST_ITEM_MAX + 1 bytes) and
 * leaves *pos just after it. */
static int read_item(const char **pos, char *buf, char *err, size_t errlen)
{
	const char *p = *pos;
	size_t len = 0;
	bool quoted = false;

	if (*p == '"') {
		quoted = true;
		p++;
	}
	for (;;) {
		char c = *p;

		if (c == '\0') {
			if (quoted) {
				set_err(err, errlen, 0, "unterminated double quote");
				return -EINVAL;
			}
			break;
		}
		if (is_control(c)) {
			set_err(err, errlen, 0, "control character 0x%02x in value", (unsigned)(unsigned char)c);
			return -EINVAL;
		}
		if (!quoted && is_blank(c))
			break;
		if (c == '"') {
			if (!quoted) {
				set_err(err, errlen, 0, "double quote in the middle of an item");
				return -EINVAL;
			}
			p++;
			if (*p != '\0' && !is_blank(*p)) {
				set_err(err, errlen, 0, "closing double quote must be followed by a space or the end");
				return -EINVAL;
			}
			break;
		}
		if (c == '\\') {
			/* outside quotes a backslash could mean an escape or itself */
			if (!quoted) {
				set_err(err, errlen, 0,
					"backslash outside double quotes (quote the item and write \\\\)");
				return -EINVAL;
			}
			c = p[1];
			if (c == '\0') {
				set_err(err, errlen, 0, "unterminated double quote");
				return -EINVAL;
			}
			if (c != '"' && c != '\\') {
				if (is_control(c) || (unsigned char)c >= 0x80)
					set_err(err, errlen, 0, "unknown escape in double quotes (only \\\" and \\\\)");
				else
					set_err(err, errlen, 0,
						"unknown escape '\\%c' in double quotes (only \\\" and \\\\)", c);
				return -EINVAL;
			}
			p++;
		}
		if (len == STRLIST_ITEM_MAX) {
			set_err(err, errlen, 0, "item longer than %d characters", STRLIST_ITEM_MAX);
			return -EINVAL;
		}
		buf[len++] = c;
		p++;
	}
	buf[len] = '\0';
	*pos = p;
	return 0;
}

int strlist_split(const char *value, struct strlist *out, char *err, size_t errlen)
{
	char *buf = NULL;
	struct strlist tmp;
	const char *p = value;
	int r = 0;

	strlist_init(&tmp);
	buf = malloc(STRLIST_ITEM_MAX + 1);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	for (;;) {
		while (is_blank(*p))
			p++;
		if (*p == '\0')
			break;
		r = read_item(&p, buf, err, errlen);
		if (r < 0)
			goto out;
		r = strlist_append(&tmp, buf);
		if (r < 0)
			goto out;
	}
	r = move_items(out, &tmp);
out:
	if (r == -ENOMEM)
		set_err(err, errlen, 0, "out of memory");
	free(buf);
	strlist_free(&tmp);
	return r;
}

int strlist_append_quoted(char *buf, size_t buflen, const char *item)
{
	size_t start, len, need = 0;
	bool quote = item[0] == '\0';
	char *w;

	for (const char *p = item; *p; p++) {
		if (is_control(*p))
			return -EINVAL;
		if (is_blank(*p) || *p == '"' || *p == '\\')
			quote = true;
		need += (*p == '"' || *p == '\\') ? 2 : 1;
	}
	len = strlen(item);
	/* strlist_split would refuse it, so it could not be read back */
	if (len > STRLIST_ITEM_MAX)
		return -EINVAL;
	if (quote)
		need += 2;
	else
		need = len;
	start = strnlen(buf, buflen);
	if (start == buflen || need >= buflen - start)
		return -ENOSPC;

	w = buf + start;
	if (!quote) {
		memcpy(w, item, len + 1);
		return 0;
	}
	*w++ = '"';
	for (const char *p = item; *p; p++) {
		if (*p == '"' || *p == '\\')
			*w++ = '\\';
		*w++ = *p;
	}
	*w++ = '"';
	*w = '\0';
	return 0;
}
