/* Shell-free command splitting and matching for restricted-command mode. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"

/* Characters that mean something to a shell outside quotes. */
static const char shell_syntax[] = ";|&$`<>()*?[]{}~#!";

static int refuse(char *err, size_t errlen, const char *what)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", what);
	return -EINVAL;
}

int command_split(const char *text, struct strlist *argv, char *err, size_t errlen)
{
	size_t len = text ? strlen(text) : 0, n = 0;
	struct strlist words;
	char *word = NULL;
	bool in_word = false;
	int r = 0;

	strlist_init(&words);
	if (len == 0 || len > COMMAND_MAX_LENGTH)
		return refuse(err, errlen, len ? "command is too long" : "empty command");
	word = malloc(len + 1);
	if (!word)
		return -ENOMEM;
	for (const char *p = text;; p++) {
		char c = *p;

		if (c == '\0' || c == ' ' || c == '\t') {
			if (in_word) {
				word[n] = '\0';
				if (words.count >= COMMAND_MAX_ARGS) {
					r = refuse(err, errlen, "too many arguments");
					goto out;
				}
				r = strlist_append(&words, word);
				if (r < 0)
					goto out;
				n = 0;
				in_word = false;
			}
			if (c == '\0')
				break;
			continue;
		}
		in_word = true;
		if (c == '\'') {
			const char *close = strchr(p + 1, '\'');

			if (!close) {
				r = refuse(err, errlen, "unterminated single quote");
				goto out;
			}
			memcpy(word + n, p + 1, (size_t)(close - p - 1));
			n += (size_t)(close - p - 1);
			p = close;
		} else if (c == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0') {
					r = refuse(err, errlen, "unterminated double quote");
					goto out;
				}
				if (*p == '$' || *p == '`') {
					r = refuse(err, errlen, "'$' and '`' need a shell, even in double quotes");
					goto out;
				}
				if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
					p++;
				word[n++] = *p;
			}
		} else if (c == '\\') {
			r = refuse(err, errlen, "backslash outside quotes needs a shell");
			goto out;
		} else if (c == '\n' || c == '\r' || (unsigned char)c < 0x20) {
			r = refuse(err, errlen, "control characters and newlines need a shell");
			goto out;
		} else if (strchr(shell_syntax, c)) {
			char what[64];

			snprintf(what, sizeof(what), "'%c' needs a shell", c);
			r = refuse(err, errlen, what);
			goto out;
		} else {
			word[n++] = c;
		}
	}
	if (words.count == 0) {
		r = refuse(err, errlen, "empty command");
		goto out;
	}
	strlist_free(argv);
	*argv = words;
	strlist_init(&words);
out:
	strlist_free(&words);
	free(word);
	return r;
}

const char *command_match(const struct strlist *commands, const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	base = base ? base + 1 : argv0;
	for (size_t i = 0; i < commands->count; i++) {
		const char *item = commands->items[i];

		if (strchr(item, '/')) {
			if (strcmp(item, argv0) == 0)
				return item;
		} else if (*base && strcmp(item, base) == 0) {
			return item;
		}
	}
	return NULL;
}
