/* The dynamic loader's library trees (see loader.h). */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>

#include "loader.h"
#include "pathutil.h"

#define CONF_LINE_MAX 1024

static int add_tree(struct strlist *out, const char *text, size_t len)
{
	char path[PATHUTIL_PATH_MAX];

	if (len == 0 || len >= sizeof(path) || text[0] != '/')
		return 0; /* relative or odd: ld.so ignores it too */
	memcpy(path, text, len);
	path[len] = '\0';
	if (path_normalize(path) < 0 || strlist_contains(out, path))
		return 0;
	return strlist_append(out, path);
}

static int read_conf(const char *conf, struct strlist *out, int depth)
{
	char line[CONF_LINE_MAX];
	FILE *f;
	int r = 0;

	if (depth > LOADER_CONF_DEPTH || !(f = fopen(conf, "re")))
		return 0;
	while (r == 0 && fgets(line, sizeof(line), f)) {
		char *p = line, *end;

		p[strcspn(p, "#\n")] = '\0';
		p += strspn(p, " \t");
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (strncmp(p, "include", 7) == 0 && (p[7] == ' ' || p[7] == '\t')) {
			glob_t g;

			p += 7 + strspn(p + 7, " \t");
			if (glob(p, 0, NULL, &g) == 0) {
				for (size_t i = 0; i < g.gl_pathc && r == 0; i++)
					r = read_conf(g.gl_pathv[i], out, depth + 1);
				globfree(&g);
			}
			continue;
		}
		/* "dir" or the old "dir=TYPE" form; several may share a line */
		for (char *word = p; *word && r == 0;) {
			size_t len = strcspn(word, " \t,:=");

			r = add_tree(out, word, len);
			word += len;
			if (*word == '=')
				word += strcspn(word, " \t,:");
			word += strspn(word, " \t,:");
		}
	}
	fclose(f);
	return r;
}

int loader_trees(const char *conf, struct strlist *out)
{
	static const char *const builtin[] = { LOADER_DEFAULT_TREES };
	int r = 0;

	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]) && r == 0; i++)
		r = add_tree(out, builtin[i], strlen(builtin[i]));
	return r == 0 ? read_conf(conf, out, 0) : r;
}
