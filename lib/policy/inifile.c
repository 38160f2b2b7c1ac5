/* Reads one policy INI file: our scanner keeps line numbers and refuses
 * anything odd; iniparser must then read the same bytes the same way. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <iniparser/iniparser.h>

#include "inifile.h"
#include "strlist.h"
#include "util.h"

#define PROC_FD_PATH_MAX 64

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Trims blanks at both ends of [*start, *end). */
static void trim(const char **start, const char **end)
{
	while (*start < *end && is_blank(**start))
		(*start)++;
	while (*end > *start && is_blank((*end)[-1]))
		(*end)--;
}

static char *dup_range(const char *start, const char *end)
{
	size_t len = (size_t)(end - start);
	char *s = malloc(len + 1);

	if (s) {
		memcpy(s, start, len);
		s[len] = '\0';
	}
	return s;
}

static int lower_equal(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

static int add_section(struct ini_file *file, const char *start, const char *end, unsigned line)
{
	struct ini_section *s;

	if (ARRAY_RESERVE(file->sections, file->capacity, file->count + 1, 8) < 0)
		return -ENOMEM;
	s = &file->sections[file->count];
	memset(s, 0, sizeof(*s));
	s->name = dup_range(start, end);
	if (!s->name)
		return -ENOMEM;
	s->line = line;
	file->count++;
	return 0;
}

static int add_entry(struct ini_section *s, const char *kstart, const char *kend, const char *vstart, const char *vend,
		     unsigned line)
{
	struct ini_entry *e;

	if (ARRAY_RESERVE(s->entries, s->capacity, s->count + 1, 8) < 0)
		return -ENOMEM;
	e = &s->entries[s->count];
	e->key = dup_range(kstart, kend);
	e->value = dup_range(vstart, vend);
	e->line = line;
	if (!e->key || !e->value) {
		free(e->key);
		free(e->value);
		return -ENOMEM;
	}
	s->count++;
	return 0;
}

/* Finds where an inline comment starts in a value, or returns end. A ';'
 * or '#' outside double quotes starts a comment, and must follow a blank:
 * iniparser cuts "a;b" to "a", which would silently change a path. */
static const char *comment_start(const char *start, const char *end, bool *ambiguous)
{
	bool quoted = false;

	*ambiguous = false;
	for (const char *p = start; p < end; p++) {
		if (*p == '"' && (p == start || p[-1] != '\\'))
			quoted = !quoted;
		if (quoted || (*p != ';' && *p != '#'))
			continue;
		if (p != start && !is_blank(p[-1]))
			*ambiguous = true;
		return p;
	}
	return end;
}

/* Section names of one file must differ by more than case: iniparser
 * lowercases them and would merge [user:Bob] into [user:bob]. The same
 * name twice is fine (iniparser merges, as we do), but not keys in both. */
static void check_duplicates(const struct ini_file *file, const char *path, struct diag_list *diags)
{
	for (size_t i = 0; i < file->count; i++) {
		const struct ini_section *a = &file->sections[i];

		for (size_t j = 0; j < i; j++) {
			const struct ini_section *b = &file->sections[j];

			if (!lower_equal(a->name, b->name))
				continue;
			if (strcmp(a->name, b->name) != 0) {
				diag_add(
					diags, DIAG_ERROR, path, a->line,
					"section [%s] differs from [%s] (line %u) only in case; the INI parser cannot tell them apart",
					a->name, b->name, b->line);
				continue;
			}
		}
		for (size_t k = 0; k < a->count; k++) {
			const struct ini_entry *e = &a->entries[k];
			bool reported = false;

			for (size_t j = 0; j <= i && !reported; j++) {
				const struct ini_section *b = &file->sections[j];
				size_t limit = j == i ? k : b->count;

				if (!lower_equal(a->name, b->name))
					continue;
				for (size_t m = 0; m < limit; m++) {
					if (!lower_equal(b->entries[m].key, e->key))
						continue;
					diag_add(
						diags, DIAG_ERROR, path, e->line,
						"key '%s': duplicate in [%s], first set at line %u (the INI parser would silently keep only the last)",
						e->key, a->name, b->entries[m].line);
					reported = true;
					break;
				}
			}
		}
	}
}

static int scan_line(struct ini_file *out, const char *start, const char *end, unsigned lineno, const char *path,
		     struct diag_list *diags)
{
	const char *eq, *kend, *vstart, *vend, *cut;
	bool ambiguous;

	for (const char *p = start; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\0') {
			diag_add(diags, DIAG_ERROR, path, lineno, "line contains a NUL byte");
			return 0;
		}
		if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
			diag_add(diags, DIAG_ERROR, path, lineno, "line contains a control character (0x%02x)", c);
			return 0;
		}
	}
	trim(&start, &end);
	if (start == end || *start == ';' || *start == '#')
		return 0;
	if (end[-1] == '\\') {
		diag_add(diags, DIAG_ERROR, path, lineno,
			 "line ends in '\\', which the INI parser joins with the next line; not allowed");
		return 0;
	}
	if (*start == '[') {
		const char *nstart = start + 1, *nend = end - 1;

		if (end[-1] != ']') {
			diag_add(diags, DIAG_ERROR, path, lineno,
				 "section header must end with ']' (no comment after it)");
			return 0;
		}
		trim(&nstart, &nend);
		if (nstart == nend || memchr(nstart, '[', (size_t)(nend - nstart)) ||
		    memchr(nstart, ']', (size_t)(nend - nstart)) ||
		    (size_t)(nend - nstart) > INIFILE_SECTION_NAME_MAX) {
			diag_add(diags, DIAG_ERROR, path, lineno, "malformed section header");
			return 0;
		}
		return add_section(out, nstart, nend, lineno);
	}
	eq = memchr(start, '=', (size_t)(end - start));
	if (!eq) {
		diag_add(diags, DIAG_ERROR, path, lineno, "not a [section] header, a 'key = value' line or a comment");
		return 0;
	}
	kend = eq;
	trim(&start, &kend);
	if (start == kend) {
		diag_add(diags, DIAG_ERROR, path, lineno, "missing key name before '='");
		return 0;
	}
	if (out->count == 0) {
		diag_add(diags, DIAG_ERROR, path, lineno, "key '%.*s' is outside any [section]", (int)(kend - start),
			 start);
		return 0;
	}
	vstart = eq + 1;
	vend = end;
	cut = comment_start(vstart, vend, &ambiguous);
	if (ambiguous) {
		diag_add(
			diags, DIAG_ERROR, path, lineno,
			"key '%.*s': '%c' inside a value starts a comment for the INI parser; quote the item or put a space before the comment",
			(int)(kend - start), start, *cut);
		return 0;
	}
	vend = cut;
	trim(&vstart, &vend);
	return add_entry(&out->sections[out->count - 1], start, kend, vstart, vend, lineno);
}

int ini_scan_buffer(const char *buf, size_t len, const char *display_path, struct ini_file *out,
		    struct diag_list *diags)
{
	size_t errors_before = diags->n_errors;
	const char *p = buf, *limit = buf + len;
	unsigned lineno = 0;
	int r;

	memset(out, 0, sizeof(*out));
	out->path = strdup(display_path);
	if (!out->path)
		return -ENOMEM;
	while (p < limit) {
		const char *nl = memchr(p, '\n', (size_t)(limit - p));
		const char *end = nl ? nl : limit;

		lineno++;
		if ((size_t)(end - p) > INIFILE_LINE_MAX)
			diag_add(diags, DIAG_ERROR, display_path, lineno,
				 "line is longer than %zu characters (the INI parser would cut it)", INIFILE_LINE_MAX);
		else if ((r = scan_line(out, p, end, lineno, display_path, diags)) < 0)
			return r;
		p = nl ? nl + 1 : limit;
	}
	check_duplicates(out, display_path, diags);
	return diags->n_errors > errors_before ? -EINVAL : 0;
}

void ini_file_free(struct ini_file *file)
{
	for (size_t i = 0; i < file->count; i++) {
		struct ini_section *s = &file->sections[i];

		for (size_t k = 0; k < s->count; k++) {
			free(s->entries[k].key);
			free(s->entries[k].value);
		}
		free(s->entries);
		free(s->name);
	}
	free(file->sections);
	free(file->path);
	memset(file, 0, sizeof(*file));
}

/* iniparser reports through one process-global callback; while we load,
 * it feeds our diagnostics instead of writing to stderr (which would
 * corrupt an scp or sftp stream when we run inside sshd). */
static struct diag_list *current_diags;
static const char *current_path;

__attribute__((format(printf, 1, 2))) static int iniparser_error_to_diag(const char *fmt, ...)
{
	char message[DIAG_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	for (char *c = message; *c; c++)
		if (*c == '\n')
			*c = ' ';
	if (current_diags)
		diag_add(current_diags, DIAG_ERROR, current_path, 0, "the INI parser: %s", message);
	return 0;
}

static int read_bounded(int fd, char **out, size_t *outlen)
{
	size_t cap = 0, len = 0;
	char *buf = NULL;

	for (;;) {
		size_t got;
		int r;

		if (len == cap) {
			if (cap > INIFILE_SIZE_MAX) {
				free(buf);
				return -EFBIG;
			}
			if (ARRAY_RESERVE(buf, cap, cap + 1, 4096) < 0) {
				free(buf);
				return -ENOMEM;
			}
		}
		r = read_all(fd, buf + len, cap - len, &got);
		len += got;
		if (r < 0) {
			free(buf);
			return r;
		}
		if (len < cap)
			break; /* end of file */
	}
	if (len > INIFILE_SIZE_MAX) {
		free(buf);
		return -EFBIG;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

/* The value iniparser must have produced for an entry we accepted. */
static int expected_value(const char *value, char *out, size_t outlen)
{
	struct strlist items;
	int r;

	if (value[0] != '"') {
		snprintf(out, outlen, "%s", value);
		return 0;
	}
	/* iniparser keeps only the first quoted item; the rest is ours to read */
	strlist_init(&items);
	r = strlist_split(value, &items, NULL, 0);
	if (r == 0 && items.count > 0)
		snprintf(out, outlen, "%s", items.items[0]);
	strlist_free(&items);
	return r;
}

static void lowercase_into(char *dst, size_t dstlen, const char *section, const char *key)
{
	size_t i = 0;

	for (const char *s = section; *s && i + 1 < dstlen; s++)
		dst[i++] = (char)tolower((unsigned char)*s);
	if (key && i + 1 < dstlen)
		dst[i++] = ':';
	for (const char *s = key; s && *s && i + 1 < dstlen; s++)
		dst[i++] = (char)tolower((unsigned char)*s);
	dst[i] = '\0';
}

static void cross_check(const struct ini_file *file, const dictionary *d, struct diag_list *diags)
{
	char name[INIFILE_SECTION_NAME_MAX + INIFILE_LINE_MAX + 2];
	char expected[INIFILE_LINE_MAX + 1];
	size_t distinct = 0;

	for (size_t i = 0; i < file->count; i++) {
		const struct ini_section *s = &file->sections[i];
		size_t keys = 0;
		bool first = true;

		for (size_t j = 0; j < i && first; j++)
			first = !lower_equal(file->sections[j].name, s->name);
		if (!first)
			continue;
		/* iniparser_getnsec() counts only names without ':' */
		if (!strchr(s->name, ':'))
			distinct++;
		for (size_t j = i; j < file->count; j++)
			if (lower_equal(file->sections[j].name, s->name))
				keys += file->sections[j].count;
		lowercase_into(name, sizeof(name), s->name, NULL);
		if (iniparser_getsecnkeys(d, name) != (int)keys)
			diag_add(diags, DIAG_ERROR, file->path, s->line,
				 "section [%s]: the INI parser read %d keys where %zu are written", s->name,
				 iniparser_getsecnkeys(d, name), keys);
	}
	if (iniparser_getnsec(d) != (int)distinct)
		diag_add(diags, DIAG_ERROR, file->path, 0,
			 "the INI parser read %d plain sections where %zu are written", iniparser_getnsec(d), distinct);

	for (size_t i = 0; i < file->count; i++) {
		const struct ini_section *s = &file->sections[i];

		for (size_t k = 0; k < s->count; k++) {
			const struct ini_entry *e = &s->entries[k];
			const char *got;

			if (expected_value(e->value, expected, sizeof(expected)) < 0)
				continue; /* the policy checks report the bad quoting */
			lowercase_into(name, sizeof(name), s->name, e->key);
			got = iniparser_getstring(d, name, NULL);
			if (!got)
				diag_add(diags, DIAG_ERROR, file->path, e->line,
					 "key '%s': the INI parser did not read this line", e->key);
			else if (strcmp(got, expected) != 0)
				diag_add(
					diags, DIAG_ERROR, file->path, e->line,
					"key '%s': the INI parser reads this value as '%s'; write it so both read the same (double quotes, no ';' or '#' inside)",
					e->key, got);
		}
	}
}

int ini_parse_fd(int fd, const char *display_path, struct ini_file *out, struct diag_list *diags)
{
	char proc_path[PROC_FD_PATH_MAX];
	size_t errors_before = diags->n_errors;
	dictionary *d = NULL;
	size_t len = 0;
	char *buf = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	r = read_bounded(fd, &buf, &len);
	if (r == -EFBIG) {
		diag_add(diags, DIAG_ERROR, display_path, 0, "file is larger than %zu bytes", INIFILE_SIZE_MAX);
		return -EINVAL;
	}
	if (r < 0) {
		diag_add(diags, DIAG_ERROR, display_path, 0, "cannot read: %s", strerror(-r));
		return r == -ENOMEM ? r : -EIO;
	}
	r = ini_scan_buffer(buf, len, display_path, out, diags);
	if (r < 0)
		goto out;

	/* Same open file, not the path: nothing can swap it in between. */
	snprintf(proc_path, sizeof(proc_path), "/proc/self/fd/%d", fd);
	current_diags = diags;
	current_path = display_path;
	iniparser_set_error_callback(iniparser_error_to_diag);
	d = iniparser_load(proc_path);
	/* the callback is process-global: inside a login daemon it must not
	 * keep pointing into a module that may be unloaded */
	iniparser_set_error_callback(NULL);
	current_diags = NULL;
	current_path = NULL;
	if (!d) {
		diag_add(diags, DIAG_ERROR, display_path, 0, "the INI parser could not read the file");
		r = -EINVAL;
		goto out;
	}
	cross_check(out, d, diags);
	if (diags->n_errors > errors_before)
		r = -EINVAL;
out:
	if (d)
		iniparser_freedict(d);
	free(buf);
	return r;
}
