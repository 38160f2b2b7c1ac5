/* corralctl audit, PAM: does a service's session stack run pam_corral?
 * Reads the service file and, recursively, what it includes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit.h"
#include "pathutil.h"

/* Linux-PAM stops at 16 nested substacks; deeper is a loop or a mistake. */
#define PAM_INCLUDE_DEPTH_MAX 16
#define PAM_MODULE_NAME "pam_corral.so"

/* Next whitespace-separated word of *p into out; a control in brackets
 * ("[success=ok default=bad]") is one word. Returns false at the end. */
static bool next_word(const char **p, char *out, size_t outlen)
{
	const char *s = *p + strspn(*p, " \t"), *end;
	size_t len;

	if (!*s)
		return false;
	if (*s == '[') {
		end = strchr(s, ']');
		end = end ? end + 1 : s + strlen(s);
	} else {
		end = s + strcspn(s, " \t");
	}
	len = (size_t)(end - s);
	if (len >= outlen)
		len = outlen - 1;
	memcpy(out, s, len);
	out[len] = '\0';
	*p = end;
	return true;
}

/* Controls under which a failing pam_corral does not refuse the session. */
static bool control_ignores_failure(const char *control)
{
	if (strcasecmp(control, "optional") == 0 || strcasecmp(control, "sufficient") == 0)
		return true;
	return control[0] == '[' && strstr(control, "default=ignore") != NULL;
}

enum audit_pam_line audit_pam_classify(const char *line, char *target, size_t targetlen)
{
	char text[PATHUTIL_PATH_MAX], type[64], control[256], module[PATHUTIL_PATH_MAX];
	const char *p = text, *base;

	snprintf(text, sizeof(text), "%s", line);
	text[strcspn(text, "#\n")] = '\0';
	if (!next_word(&p, type, sizeof(type)))
		return AUDIT_PAM_OTHER;
	if (strcmp(type, "@include") == 0)
		return next_word(&p, target, targetlen) ? AUDIT_PAM_INCLUDE : AUDIT_PAM_OTHER;
	/* "-session": the same, but quiet when the module is missing; libpam
	 * reads types and controls case-insensitively */
	if (strcasecmp(type[0] == '-' ? type + 1 : type, "session") != 0 || !next_word(&p, control, sizeof(control)) ||
	    !next_word(&p, module, sizeof(module)))
		return AUDIT_PAM_OTHER;
	if (strcasecmp(control, "include") == 0 || strcasecmp(control, "substack") == 0) {
		snprintf(target, targetlen, "%s", module);
		return AUDIT_PAM_INCLUDE;
	}
	base = strrchr(module, '/');
	base = base ? base + 1 : module;
	if (strcmp(base, PAM_MODULE_NAME) != 0)
		return AUDIT_PAM_OTHER;
	return control_ignores_failure(control) ? AUDIT_PAM_CORRAL_OPTIONAL : AUDIT_PAM_CORRAL;
}

/* One logical line: a trailing backslash continues it on the next. */
static bool read_logical_line(FILE *f, char *out, size_t outlen)
{
	char piece[PATHUTIL_PATH_MAX];
	size_t len = 0;

	out[0] = '\0';
	while (fgets(piece, sizeof(piece), f)) {
		size_t n = strcspn(piece, "\n");
		bool more = n > 0 && piece[n - 1] == '\\';

		piece[more ? n - 1 : n] = '\0';
		if (len + strlen(piece) + 2 < outlen) {
			memcpy(out + len, piece, strlen(piece) + 1);
			len += strlen(piece);
		}
		if (!more)
			return true;
		out[len++] = ' ';
		out[len] = '\0';
	}
	return len > 0;
}

static int walk(const char *pamdir, const char *path, int depth, enum audit_pam_state *state)
{
	char line[PATHUTIL_PATH_MAX], target[PATHUTIL_PATH_MAX], next[2 * PATHUTIL_PATH_MAX];
	FILE *f;
	int r = 0;

	if (depth > PAM_INCLUDE_DEPTH_MAX)
		return -ELOOP;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (read_logical_line(f, line, sizeof(line))) {
		switch (audit_pam_classify(line, target, sizeof(target))) {
		case AUDIT_PAM_CORRAL:
			*state = AUDIT_PAM_PRESENT;
			break;
		case AUDIT_PAM_CORRAL_OPTIONAL:
			if (*state == AUDIT_PAM_MISSING)
				*state = AUDIT_PAM_OPTIONAL;
			break;
		case AUDIT_PAM_INCLUDE:
			snprintf(next, sizeof(next), "%s%s%s", target[0] == '/' ? "" : pamdir,
				 target[0] == '/' ? "" : "/", target);
			r = walk(pamdir, next, depth + 1, state);
			/* a file that is not there brings no pam_corral: carry on */
			if (r == -ENOENT)
				r = 0;
			if (r < 0)
				goto out;
			break;
		case AUDIT_PAM_OTHER:
			break;
		}
	}
	if (ferror(f))
		r = -EIO;
out:
	fclose(f);
	return r;
}

int audit_pam_service(const char *pamdir, const char *service, enum audit_pam_state *state)
{
	char path[2 * PATHUTIL_PATH_MAX];

	*state = AUDIT_PAM_MISSING;
	snprintf(path, sizeof(path), "%s/%s", pamdir, service);
	return walk(pamdir, path, 0, state);
}
