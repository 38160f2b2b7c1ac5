/* Growable list of owned strings, and the INI list-value tokenizer.
 * Shared by the config loader, the resolver and the record format. */
#ifndef CORRAL_STRLIST_H
#define CORRAL_STRLIST_H

#include <stdbool.h>
#include <stddef.h>

/* Longest single list item we accept (a path, a rule, a name). */
#define STRLIST_ITEM_MAX 4096

struct strlist {
	char **items;
	size_t count;
	size_t capacity;
};

void strlist_init(struct strlist *list);
void strlist_free(struct strlist *list);
/* Copies item. Returns 0 or -ENOMEM. */
int strlist_append(struct strlist *list, const char *item);
/* Removes every item equal to item; returns how many were removed. */
size_t strlist_remove(struct strlist *list, const char *item);
bool strlist_contains(const struct strlist *list, const char *item);

/* Splits a value into items separated by runs of spaces and tabs, and
 * appends them to out. An item may be double-quoted ("a b", "" is an empty
 * item); inside quotes, \" and \\ are the only escapes.
 * Returns 0, -ENOMEM, or -EINVAL with a reason in err (unterminated quote,
 * quote in the middle of an item, backslash outside quotes, unknown escape,
 * control character, item longer than STRLIST_ITEM_MAX).
 * On error, out holds nothing new. err may be NULL. */
int strlist_split(const char *value, struct strlist *out, char *err, size_t errlen);

/* Appends item to buf (NUL-terminated, size buflen), quoted when it holds
 * whitespace, quotes, backslashes or is empty, so strlist_split reads it back
 * as the same single item. No separator is added: the caller puts a space
 * between items. Returns 0, -ENOSPC (buf unchanged), or -EINVAL when the item
 * cannot be read back (control characters, longer than STRLIST_ITEM_MAX). */
int strlist_append_quoted(char *buf, size_t buflen, const char *item);

#endif
