/* Policy path handling: syntax check of paths as written in corral.ini,
 * expansion of ~, %h and %u, lexical normalisation and tree membership. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pathutil.h"
#include "util.h"

static bool is_control(char c)
{
	unsigned char u = (unsigned char)c;

	return u < 0x20 || u == 0x7f;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if (is_control(*s))
			return true;
	return false;
}

/* True when s holds a ".." component ('/'-separated). */
static bool has_dotdot(const char *s)
{
	const char *c = s;

	for (;;) {
		const char *end = strchrnul(c, '/');

		if (end - c == 2 && c[0] == '.' && c[1] == '.')
			return true;
		if (*end == '\0')
			return false;
		c = end + 1;
	}
}

int path_check_syntax(const char *text, char *err, size_t errlen)
{
	size_t len = strlen(text);

	if (len == 0) {
		set_err(err, errlen, 0, "empty path");
		return -EINVAL;
	}
	/* the expanded path must still fit a PATHUTIL_PATH_MAX buffer */
	if (len >= PATHUTIL_PATH_MAX) {
		set_err(err, errlen, 0, "path longer than %d characters", PATHUTIL_PATH_MAX - 1);
		return -EINVAL;
	}
	if (has_control(text)) {
		set_err(err, errlen, 0, "control character in path");
		return -EINVAL;
	}
	if (text[0] == '~') {
		/* ~user would need a second user's home: not supported */
		if (text[1] != '\0' && text[1] != '/') {
			set_err(err, errlen, 0, "'~name' is not supported (use ~ or %%h)");
			return -EINVAL;
		}
	} else if (text[0] != '/' && strncmp(text, "%h", 2) != 0) {
		set_err(err, errlen, 0, "path must be absolute or start with ~ or %%h");
		return -EINVAL;
	}
	for (const char *p = text; *p; p++) {
		if (*p != '%')
			continue;
		p++;
		if (*p == '\0') {
			set_err(err, errlen, 0, "trailing '%%' (use %%%% for a literal percent)");
			return -EINVAL;
		}
		if (*p != 'h' && *p != 'u' && *p != '%') {
			if ((unsigned char)*p >= 0x80)
				set_err(err, errlen, 0, "unknown escape after '%%' (use %%h, %%u or %%%%)");
			else
				set_err(err, errlen, 0, "unknown escape '%%%c' (use %%h, %%u or %%%%)", *p);
			return -EINVAL;
		}
	}
	if (has_dotdot(text)) {
		set_err(err, errlen, 0, "'..' is not allowed in a policy path");
		return -EINVAL;
	}
	return 0;
}

/* Appends n bytes of s to buf (size PATHUTIL_PATH_MAX) at *len. */
static int put(char *buf, size_t *len, const char *s, size_t n)
{
	if (n >= PATHUTIL_PATH_MAX - *len)
		return -ENAMETOOLONG;
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
	return 0;
}

static int check_user(const char *user, char *err, size_t errlen)
{
	/* the name becomes one path component: it must not move the path */
	if (!user || user[0] == '\0' || strchr(user, '/') || strcmp(user, ".") == 0 || strcmp(user, "..") == 0 ||
	    has_control(user)) {
		set_err(err, errlen, 0, "user name cannot be used in a path");
		return -EINVAL;
	}
	return 0;
}

static int check_home(const char *home, char *err, size_t errlen)
{
	if (!home || home[0] != '/' || has_control(home) || has_dotdot(home)) {
		set_err(err, errlen, 0, "home directory is not a usable absolute path");
		return -EINVAL;
	}
	return 0;
}

/* Substitutes ~, %h, %u and %% of a syntax-checked text into buf. */
static int substitute(const char *text, const char *user, const char *home, char *buf, char *err, size_t errlen)
{
	const char *p = text;
	size_t len = 0;
	int r = 0;

	buf[0] = '\0';
	/* user and home are only required when the path uses them */
	if (*p == '~') {
		r = check_home(home, err, errlen);
		if (r < 0)
			return r;
		r = put(buf, &len, home, strlen(home));
		p++;
	}
	for (; r == 0 && *p; p++) {
		if (*p != '%') {
			r = put(buf, &len, p, 1);
			continue;
		}
		p++;
		if (*p == 'h') {
			r = check_home(home, err, errlen);
			if (r == 0)
				r = put(buf, &len, home, strlen(home));
		} else if (*p == 'u') {
			r = check_user(user, err, errlen);
			if (r == 0)
				r = put(buf, &len, user, strlen(user));
		} else {
			r = put(buf, &len, "%", 1);
		}
	}
	if (r == -ENAMETOOLONG)
		set_err(err, errlen, 0, "expanded path is too long");
	return r;
}

int path_expand(const char *text, const char *user, const char *home, char *out, size_t outlen, char *err,
		size_t errlen)
{
	char buf[PATHUTIL_PATH_MAX];
	size_t len;
	int r;

	r = path_check_syntax(text, err, errlen);
	if (r < 0)
		return r;
	r = substitute(text, user, home, buf, err, errlen);
	if (r < 0)
		return r;
	/* a home ending in "/." followed by "." can still spell ".." */
	if (path_normalize(buf) < 0) {
		set_err(err, errlen, 0, "'..' is not allowed in a policy path");
		return -EINVAL;
	}
	len = strlen(buf);
	if (len >= outlen) {
		set_err(err, errlen, 0, "expanded path is too long");
		return -ENAMETOOLONG;
	}
	memcpy(out, buf, len + 1);
	return 0;
}

int path_normalize(char *path)
{
	const char *c;
	char *w;

	if (!path || path[0] != '/')
		return -EINVAL;
	/* check first so a refused path is left as it was */
	if (has_dotdot(path))
		return -EINVAL;
	w = path;
	c = path;
	while (*c) {
		const char *end;
		size_t n;

		while (*c == '/')
			c++;
		end = strchrnul(c, '/');
		n = (size_t)(end - c);
		/* w never passes c, so copying forward is safe */
		if (n > 0 && !(n == 1 && c[0] == '.')) {
			*w++ = '/';
			memmove(w, c, n);
			w += n;
		}
		c = end;
	}
	if (w == path)
		*w++ = '/';
	*w = '\0';
	return 0;
}

bool path_is_inside(const char *path, const char *tree)
{
	size_t n = strlen(tree);

	if (strcmp(tree, "/") == 0)
		return path[0] == '/';
	if (strncmp(path, tree, n) != 0)
		return false;
	return path[n] == '\0' || path[n] == '/';
}

bool path_is_inside_any(const char *path, const struct strlist *trees)
{
	for (size_t i = 0; trees && i < trees->count; i++)
		if (path_is_inside(path, trees->items[i]))
			return true;
	return false;
}
