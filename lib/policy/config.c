/* Loads and validates corral.ini and corral.d/ *.ini: safe opening (no
 * symlinks, root-owned, not writable by others), then section and key checks. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "config_window.h"
#include "util.h"
#include "inifile.h"
#include "pathutil.h"
#include "values.h"

#define CONFIG_ERR_MAX 256

static void config_init(struct config *config)
{
	memset(config, 0, sizeof(*config));
	strlist_init(&config->files);
	strlist_init(&config->exempt_users);
	strlist_init(&config->exempt_groups);
	diag_list_init(&config->diags);
}

void config_free(struct config *config)
{
	for (size_t i = 0; i < config->count; i++) {
		struct config_section *s = &config->sections[i];

		for (size_t k = 0; k < s->count; k++)
			strlist_free(&s->settings[k].items);
		free(s->settings);
		config_window_free(s->window);
		free(s->name);
	}
	free(config->sections);
	strlist_free(&config->files);
	strlist_free(&config->exempt_users);
	strlist_free(&config->exempt_groups);
	diag_list_free(&config->diags);
	memset(config, 0, sizeof(*config));
}

bool config_is_valid(const struct config *config)
{
	return !diag_has_errors(&config->diags);
}

/* Root-owned and writable by nobody else; a sticky world-writable
 * directory (/tmp) is tolerated on the way, its entries cannot be swapped. */
static int check_owner_mode(const struct stat *st, bool is_dir, const char *display, const char *what,
			    struct diag_list *diags)
{
	if (st->st_uid != 0) {
		diag_add(diags, DIAG_ERROR, display, 0, "%s is owned by uid %u, not root", what, (unsigned)st->st_uid);
		return -EPERM;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) && !(is_dir && (st->st_mode & S_ISVTX))) {
		diag_add(diags, DIAG_ERROR, display, 0, "%s is writable by group or others (mode %04o)", what,
			 (unsigned)(st->st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

static int check_config_fd(int fd, const char *display, struct diag_list *diags)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		diag_add(diags, DIAG_ERROR, display, 0, "cannot stat: %s", strerror(errno));
		return -EIO;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_add(diags, DIAG_ERROR, display, 0, "not a regular file");
		return -EPERM;
	}
	return check_owner_mode(&st, false, display, "file", diags);
}

/* Opens every directory of dir from "/" down with O_NOFOLLOW, checking
 * each one; returns an O_PATH fd of dir itself or a negative errno. */
static int open_trusted_dir(const char *dir, const char *display, struct diag_list *diags)
{
	char path[PATHUTIL_PATH_MAX], what[PATHUTIL_PATH_MAX + 16];
	char *component, *save = NULL;
	struct stat st;
	int fd, r;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	strcpy(what, "directory /");
	for (component = strtok_r(path, "/", &save);; component = strtok_r(NULL, "/", &save)) {
		int next;

		if (fstat(fd, &st) < 0) {
			r = -errno;
			goto fail;
		}
		r = check_owner_mode(&st, true, display, what, diags);
		if (r < 0)
			goto fail;
		if (!component)
			return fd;
		next = openat(fd, component, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			r = -errno;
			if (r == -ENOTDIR || r == -ELOOP)
				diag_add(diags, DIAG_ERROR, display, 0,
					 "'%s' on the way to the file is a symbolic link or not a directory",
					 component);
			else
				diag_add(diags, DIAG_ERROR, display, 0, "cannot open directory '%s': %s", component,
					 strerror(-r));
			goto fail;
		}
		close(fd);
		fd = next;
		snprintf(what + strlen(what), sizeof(what) - strlen(what), "%s%s",
			 what[strlen(what) - 1] == '/' ? "" : "/", component);
	}
fail:
	close(fd);
	return r;
}

static int open_config_file(int dirfd, const char *name, const char *display, struct diag_list *diags)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		int r = -errno;

		if (r == -ELOOP)
			diag_add(diags, DIAG_ERROR, display, 0, "is a symbolic link; refusing to follow it");
		else
			diag_add(diags, DIAG_ERROR, display, 0, "cannot open: %s", strerror(-r));
		return r;
	}
	return fd;
}

static int parse_section_name(const char *name, enum section_kind *kind, const char **target)
{
	if (strcmp(name, "global") == 0) {
		*kind = SECTION_GLOBAL;
		*target = NULL;
	} else if (strcmp(name, "default") == 0) {
		*kind = SECTION_DEFAULT;
		*target = NULL;
	} else if (strncmp(name, "group:", 6) == 0) {
		*kind = SECTION_GROUP;
		*target = name + 6;
	} else if (strncmp(name, "user:", 5) == 0) {
		*kind = SECTION_USER;
		*target = name + 5;
	} else if (strncmp(name, "window:", 7) == 0) {
		*kind = SECTION_WINDOW;
		*target = name + 7;
	} else {
		return -EINVAL;
	}
	if (*target && !key_name_is_valid(*target))
		return -EINVAL;
	return 0;
}

static int add_config_section(struct config *config, const struct ini_section *ini, const char *file,
			      enum section_kind kind, struct config_section **out)
{
	struct config_section *s;

	if (ARRAY_RESERVE(config->sections, config->capacity, config->count + 1, 16) < 0)
		return -ENOMEM;
	s = &config->sections[config->count];
	memset(s, 0, sizeof(*s));
	s->name = strdup(ini->name);
	if (!s->name)
		return -ENOMEM;
	s->kind = kind;
	s->target = kind == SECTION_GROUP ? s->name + 6
		: kind == SECTION_USER    ? s->name + 5
		: kind == SECTION_WINDOW  ? s->name + 7
					  : NULL;
	if (kind == SECTION_WINDOW) {
		s->window = config_window_new();
		if (!s->window)
			return -ENOMEM;
	}
	s->file = file;
	s->line = ini->line;
	config->count++;
	*out = s;
	return 0;
}

static int add_setting(struct config_section *s, int key, enum list_op op, struct strlist *items, unsigned line)
{
	struct config_setting *setting;

	if (ARRAY_RESERVE(s->settings, s->capacity, s->count + 1, 8) < 0)
		return -ENOMEM;
	setting = &s->settings[s->count++];
	setting->key = key;
	setting->op = op;
	setting->line = line;
	/* the list moves into the setting */
	setting->items = *items;
	strlist_init(items);
	return 0;
}

static void unknown_key(const struct ini_entry *e, const char *file, const char *section, bool is_global,
			struct diag_list *diags)
{
	char lower[64];
	size_t i;

	for (i = 0; e->key[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char)(e->key[i] >= 'A' && e->key[i] <= 'Z' ? e->key[i] + 32 : e->key[i]);
	lower[i] = '\0';
	if (!is_global && global_key_lookup(e->key) >= 0)
		diag_add(diags, DIAG_ERROR, file, e->line, "key '%s' belongs in [global], not [%s]", e->key, section);
	else if (is_global && key_lookup(e->key) >= 0)
		diag_add(diags, DIAG_ERROR, file, e->line,
			 "key '%s' is a policy key; [global] only takes exempt_users and exempt_groups", e->key);
	else if (strcmp(lower, e->key) != 0 && (key_lookup(lower) >= 0 || global_key_lookup(lower) >= 0))
		diag_add(diags, DIAG_ERROR, file, e->line, "unknown key '%s' in [%s] (keys are lowercase: '%s')",
			 e->key, section, lower);
	else
		diag_add(diags, DIAG_ERROR, file, e->line, "unknown key '%s' in [%s]", e->key, section);
}

/* confine in a window: a boolean that says yes (a window only narrows
 * who is confined, never lets anybody out) */
static bool window_may_confine(const char *item)
{
	bool yes = false;

	return value_parse_bool(item, &yes) == 0 && yes;
}

/* Checks one key = value and, when valid, records it in s. */
static int convert_entry(struct config_section *s, const struct ini_entry *e, bool is_global, struct diag_list *diags)
{
	char err[CONFIG_ERR_MAX] = "";
	const struct key_info *info;
	const char *text = e->value;
	enum list_op op = LIST_SET;
	struct strlist items;
	int key, r;

	if (config_window_key(e->key))
		return config_window_entry(s, e->key, e->value, e->line, diags);
	key = is_global ? global_key_lookup(e->key) : key_lookup(e->key);
	if (key < 0) {
		unknown_key(e, s->file, s->name, is_global, diags);
		return 0;
	}
	info = is_global ? global_key_info((enum global_key)key) : key_info((enum policy_key)key);
	if (info->group_only && s->kind != SECTION_GROUP) {
		/* the limit is shared by the members of one named group */
		diag_add(diags, DIAG_ERROR, s->file, e->line, "key '%s' belongs in a [group:NAME] section, not [%s]",
			 e->key, s->name);
		return 0;
	}
	if (info->is_list && (text[0] == '+' || text[0] == '-')) {
		op = text[0] == '+' ? LIST_APPEND : LIST_REMOVE;
		text++;
	}
	strlist_init(&items);
	r = strlist_split(text, &items, err, sizeof(err));
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		diag_add(diags, DIAG_ERROR, s->file, e->line, "key '%s': %s", e->key, err);
		return 0;
	}
	if (!info->is_list && items.count != 1) {
		if (items.count == 0)
			diag_add(diags, DIAG_ERROR, s->file, e->line, "key '%s' needs a value", e->key);
		else
			diag_add(diags, DIAG_ERROR, s->file, e->line, "key '%s' takes one value, not a list of %zu",
				 e->key, items.count);
		goto out;
	}
	if (op != LIST_SET && items.count == 0) {
		diag_add(diags, DIAG_ERROR, s->file, e->line, "key '%s': nothing after '%c'", e->key, e->value[0]);
		goto out;
	}
	if (s->kind == SECTION_WINDOW && key == KEY_CONFINE &&
	    key_check_item(info, items.items[0], err, sizeof(err)) == 0 && !window_may_confine(items.items[0])) {
		diag_add(diags, DIAG_ERROR, s->file, e->line,
			 "key 'confine': a window never un-confines; only 'confine = yes' is allowed in [%s]", s->name);
		goto out;
	}
	for (size_t i = 0; i < items.count; i++) {
		r = key_check_item(info, items.items[i], err, sizeof(err));
		if (r == -ENOMEM)
			goto out;
		if (r < 0) {
			diag_add(diags, DIAG_ERROR, s->file, e->line, "key '%s': %s", e->key, err);
			r = 0;
			goto out;
		}
	}
	r = add_setting(s, key, op, &items, e->line);
out:
	strlist_free(&items);
	return r == -ENOMEM ? r : 0;
}

static int convert_file(struct config *config, const struct ini_file *ini, const char *file)
{
	for (size_t i = 0; i < ini->count; i++) {
		const struct ini_section *is = &ini->sections[i];
		struct config_section *s;
		enum section_kind kind;
		const char *target;
		int r;

		if (parse_section_name(is->name, &kind, &target) < 0) {
			diag_add(
				&config->diags, DIAG_ERROR, file, is->line,
				"unknown section [%s] (expected [global], [default], [group:NAME], [user:NAME] or [window:NAME])",
				is->name);
			continue;
		}
		r = add_config_section(config, is, file, kind, &s);
		if (r < 0)
			return r;
		for (size_t k = 0; k < is->count; k++) {
			r = convert_entry(s, &is->entries[k], kind == SECTION_GLOBAL, &config->diags);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* Parses one open, checked file and appends its sections. */
static int load_open_file(struct config *config, int fd, const char *display)
{
	struct ini_file ini;
	const char *file;
	int r;

	r = strlist_append(&config->files, display);
	if (r < 0)
		return r;
	file = config->files.items[config->files.count - 1];
	r = ini_parse_fd(fd, file, &ini, &config->diags);
	if (r == 0 || r == -EINVAL)
		r = convert_file(config, &ini, file);
	ini_file_free(&ini);
	return r;
}

static void apply_exemptions(struct config *config, bool trusted)
{
	strlist_free(&config->exempt_users);
	strlist_free(&config->exempt_groups);
	if (strlist_append(&config->exempt_users, "root") < 0)
		config->diags.out_of_memory = true;
	if (!trusted)
		return;
	for (size_t i = 0; i < config->count; i++) {
		const struct config_section *s = &config->sections[i];

		if (s->kind != SECTION_GLOBAL)
			continue;
		for (size_t k = 0; k < s->count; k++) {
			const struct config_setting *set = &s->settings[k];
			struct strlist *list = set->key == GLOBAL_EXEMPT_USERS ? &config->exempt_users
									       : &config->exempt_groups;

			if (set->op == LIST_SET)
				strlist_free(list);
			for (size_t j = 0; j < set->items.count; j++) {
				const char *item = set->items.items[j];

				if (set->op == LIST_REMOVE)
					strlist_remove(list, item);
				else if (!strlist_contains(list, item) && strlist_append(list, item) < 0)
					config->diags.out_of_memory = true;
			}
		}
	}
	/* root owns the config: confining it protects nothing, and a broken
	 * file must never lock it out */
	if (!strlist_contains(&config->exempt_users, "root") && strlist_append(&config->exempt_users, "root") < 0)
		config->diags.out_of_memory = true;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_dropin_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 4 && strcmp(name + len - 4, ".ini") == 0;
}

/* corral.d/ *.ini in lexical (byte) order; a missing directory is fine. */
static int load_dropins(struct config *config, int parent_fd, const char *dir_display, bool *trusted)
{
	char display[PATHUTIL_PATH_MAX + 300];
	struct strlist names;
	struct dirent *de;
	struct stat st;
	DIR *dir = NULL;
	int dfd, r = 0;

	strlist_init(&names);
	dfd = openat(parent_fd, CONFIG_DROPIN_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		if (errno == ENOENT)
			return 0;
		diag_add(&config->diags, DIAG_ERROR, dir_display, 0, "cannot open directory: %s%s", strerror(errno),
			 errno == ENOTDIR || errno == ELOOP ? " (symbolic link?)" : "");
		*trusted = false;
		return 0;
	}
	if (fstat(dfd, &st) < 0 || check_owner_mode(&st, true, dir_display, "directory", &config->diags) < 0) {
		*trusted = false;
		goto out;
	}
	dir = fdopendir(dup(dfd));
	if (!dir) {
		r = -errno;
		goto out;
	}
	while ((de = readdir(dir)) != NULL) {
		if (!is_dropin_name(de->d_name))
			continue;
		if (names.count >= CONFIG_MAX_FILES) {
			diag_add(&config->diags, DIAG_ERROR, dir_display, 0, "more than %d files", CONFIG_MAX_FILES);
			goto out;
		}
		r = strlist_append(&names, de->d_name);
		if (r < 0)
			goto out;
	}
	if (names.count)
		qsort(names.items, names.count, sizeof(names.items[0]), compare_names);
	for (size_t i = 0; i < names.count; i++) {
		int fd;

		snprintf(display, sizeof(display), "%s/%s", dir_display, names.items[i]);
		fd = open_config_file(dfd, names.items[i], display, &config->diags);
		if (fd < 0) {
			*trusted = false;
			continue;
		}
		if (check_config_fd(fd, display, &config->diags) < 0) {
			*trusted = false;
		} else {
			r = load_open_file(config, fd, display);
		}
		close(fd);
		if (r < 0)
			goto out;
	}
out:
	if (dir)
		closedir(dir);
	close(dfd);
	strlist_free(&names);
	return r;
}

/* Resolves "." and ".." lexically. That is exact here: the directory walk
 * that follows refuses every symbolic link on the way. */
static int resolve_dots(char *path)
{
	char *out = path, *p = path;

	while (*p) {
		char *end;
		size_t len;

		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		if (len == 0 || (len == 1 && p[0] == '.')) {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (out > path && out[-1] != '/')
				out--;
			if (out > path)
				out--;
		} else {
			*out++ = '/';
			memmove(out, p, len);
			out += len;
		}
		p = end;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
	return 0;
}

static int absolute_path(const char *path, char *out, size_t outlen)
{
	if (path[0] == '/') {
		if (snprintf(out, outlen, "%s", path) >= (int)outlen)
			return -ENAMETOOLONG;
	} else {
		char cwd[PATHUTIL_PATH_MAX];

		if (!getcwd(cwd, sizeof(cwd)))
			return -errno;
		if (snprintf(out, outlen, "%s/%s", cwd, path) >= (int)outlen)
			return -ENAMETOOLONG;
	}
	return resolve_dots(out);
}

/* Diagnostics come from several passes; report them in reading order:
 * by file (in the order read), then line, keeping the order within a line. */
static const struct strlist *sort_files;

static size_t file_rank(const char *file)
{
	for (size_t i = 0; file && i < sort_files->count; i++)
		if (strcmp(sort_files->items[i], file) == 0)
			return i;
	return (size_t)-1; /* diagnostics without a file go last */
}

static int compare_diags(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;
	size_t fx = file_rank(x->file), fy = file_rank(y->file);

	if (fx != fy)
		return fx < fy ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->sequence < y->sequence ? -1 : x->sequence > y->sequence;
}

static void sort_diags(struct config *config)
{
	if (config->diags.count < 2)
		return;
	sort_files = &config->files;
	qsort(config->diags.items, config->diags.count, sizeof(config->diags.items[0]), compare_diags);
	sort_files = NULL;
}

/* The end of every load: exemptions, the diagnostics in order, the verdict. */
static int finish_load(struct config *out, bool trusted, int r)
{
	config_window_check(out, &out->diags);
	apply_exemptions(out, trusted);
	sort_diags(out);
	if (r == -ENOMEM) {
		out->diags.out_of_memory = true;
		return r;
	}
	return config_is_valid(out) ? 0 : -EINVAL;
}

int config_load(const char *path, struct config *out)
{
	char full[PATHUTIL_PATH_MAX], dir_display[PATHUTIL_PATH_MAX + 16];
	bool trusted = true;
	const char *leaf;
	int dirfd = -1, fd = -1, r;

	config_init(out);
	if (!path)
		path = CONFIG_DEFAULT_PATH;
	r = absolute_path(path, full, sizeof(full));
	if (r < 0 || strcmp(full, "/") == 0) {
		diag_add(&out->diags, DIAG_ERROR, path, 0, "not a usable path");
		trusted = false;
		goto out;
	}
	leaf = strrchr(full, '/') + 1;
	{
		char dir[PATHUTIL_PATH_MAX];
		size_t dirlen = (size_t)(leaf - full) - 1;

		const char *slash = strrchr(path, '/');

		memcpy(dir, full, dirlen);
		dir[dirlen] = '\0';
		dirfd = open_trusted_dir(dir[0] ? dir : "/", path, &out->diags);
		/* name the drop-ins the way the admin named the file */
		if (slash)
			snprintf(dir_display, sizeof(dir_display), "%.*s/%s", (int)(slash - path), path,
				 CONFIG_DROPIN_DIR);
		else
			snprintf(dir_display, sizeof(dir_display), "%s", CONFIG_DROPIN_DIR);
	}
	if (dirfd < 0) {
		trusted = false;
		if (dirfd == -ENOMEM)
			r = dirfd;
		goto out;
	}
	fd = open_config_file(dirfd, leaf, path, &out->diags);
	if (fd < 0) {
		trusted = false;
		goto out;
	}
	if (check_config_fd(fd, path, &out->diags) < 0) {
		trusted = false;
		goto out;
	}
	r = load_open_file(out, fd, path);
	if (r < 0)
		goto out;
	r = load_dropins(out, dirfd, dir_display, &trusted);
out:
	if (fd >= 0)
		close(fd);
	if (dirfd >= 0)
		close(dirfd);
	return finish_load(out, trusted, r);
}

int config_load_fd(int fd, const char *display_path, struct config *out)
{
	bool trusted = true;
	int r = 0;

	config_init(out);
	if (check_config_fd(fd, display_path, &out->diags) < 0)
		trusted = false;
	else
		r = load_open_file(out, fd, display_path);
	return finish_load(out, trusted, r);
}
