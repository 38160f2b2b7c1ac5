/* Grants (grants.h): the file format, reading a directory of them with the
 * same distrust as the config, and writing one atomically. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grants.h"
#include "kvfile.h"
#include "util.h"
#include "values.h"

#define GRANTS_PARENT_MODE 0755
#define GRANTS_DIR_MODE 0700
#define GRANT_FILE_MODE 0600
#define GRANT_NUMBER_MAX 24
#define GRANT_ID_RANDOM_BYTES 3
#define GRANTS_MAX 4096 /* grant files read from one directory */

/* The keys a grant may add to: lists whose items widen what the session
 * may do. Not fs.deny or net.deny (they narrow), not services (which PAM
 * services may open a session is the admin's config, not a favour), not
 * env.* (the environment is no access right, and LD_* would run code). */
static const enum policy_key grantable[] = { KEY_COMMANDS,    KEY_FS_READ,  KEY_FS_WRITE, KEY_FS_EXEC,
					     KEY_NET_CONNECT, KEY_NET_BIND, KEY_IPC_UNIX };

bool grant_key_is_grantable(enum policy_key key)
{
	for (size_t i = 0; i < sizeof(grantable) / sizeof(grantable[0]); i++)
		if (grantable[i] == key)
			return true;
	return false;
}

int grant_key_parse(const char *name, enum policy_key *key, char *err, size_t errlen)
{
	int k = key_lookup(name);

	if (k < 0)
		return set_err(err, errlen, -EINVAL, "no such key '%s'", name);
	if (!grant_key_is_grantable((enum policy_key)k))
		return set_err(err, errlen, -EINVAL,
			       "key '%s' cannot be granted (only commands, fs.read, fs.write, fs.exec, net.connect, "
			       "net.bind, ipc.unix)",
			       name);
	*key = (enum policy_key)k;
	return 0;
}

int grant_value_check(enum policy_key key, const char *item, char *err, size_t errlen)
{
	char why[GRANT_ERR_MAX];
	int r;

	if (!item[0] || strlen(item) >= STRLIST_ITEM_MAX || !kvfile_text_is_valid(item))
		return set_err(err, errlen, -EINVAL, "value '%.64s' is empty, too long or has control characters",
			       item);
	r = key_check_item(key_info(key), item, why, sizeof(why));
	if (r == -EINVAL)
		return set_err(err, errlen, r, "key '%s': %s", key_info(key)->name, why);
	return r;
}

bool grant_id_is_valid(const char *id)
{
	size_t len = strlen(id);

	if (len == 0 || len >= GRANT_ID_MAX || id[0] == '.' || id[0] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '.' || c == '_'))
			return false;
	}
	return true;
}

bool grant_text_is_valid(const char *text)
{
	return strlen(text) < GRANT_TEXT_MAX && kvfile_text_is_valid(text);
}

int grant_new_id(time_t now, char *out, size_t outlen)
{
	unsigned char bytes[GRANT_ID_RANDOM_BYTES];
	struct tm tm;
	size_t got = 0;

	while (got < sizeof(bytes)) {
		ssize_t n = getrandom(bytes + got, sizeof(bytes) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		got += (size_t)n;
	}
	if (!gmtime_r(&now, &tm))
		return -EINVAL;
	if (snprintf(out, outlen, "g%04d%02d%02d-%02d%02d%02d-%02x%02x%02x", tm.tm_year + 1900, tm.tm_mon + 1,
		     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, bytes[0], bytes[1], bytes[2]) >= (int)outlen)
		return -ENOSPC;
	return 0;
}

void grant_free(struct grant *g)
{
	free(g->user);
	free(g->by);
	free(g->reason);
	free(g->file);
	strlist_free(&g->values);
	memset(g, 0, sizeof(*g));
}

/* A time in seconds since the epoch, as written: decimal digits only. */
static int parse_time(const char *text, time_t *out)
{
	unsigned long long v = 0;

	if (!text[0] || strlen(text) > GRANT_NUMBER_MAX)
		return -EINVAL;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long long)(*p - '0');
		if (v > (unsigned long long)INT64_MAX / 16)
			return -EINVAL;
	}
	*out = (time_t)v;
	return 0;
}

/* Sets *field from a line once: a field given twice is refused. */
static int set_once(char **field, const char *value, const char *name, unsigned line, char *err, size_t errlen)
{
	if (*field)
		return set_err(err, errlen, -EINVAL, "line %u: %s given twice", line, name);
	if (!grant_text_is_valid(value))
		return set_err(err, errlen, -EINVAL, "line %u: %s too long", line, name);
	*field = strdup(value);
	return *field ? 0 : -ENOMEM;
}

/* One NAME=VALUE line into g; *seen tracks the fields with a number. */
static int parse_field(struct grant *g, const char *name, const char *value, unsigned line, unsigned *seen, char *err,
		       size_t errlen)
{
	enum { SEEN_ID = 1, SEEN_KEY = 2, SEEN_CREATED = 4, SEEN_EXPIRES = 8 };
	char why[GRANT_ERR_MAX];
	unsigned bit = 0;
	int r = 0;

	if (strcmp(name, "id") == 0) {
		bit = SEEN_ID;
		if (!grant_id_is_valid(value))
			return set_err(err, errlen, -EINVAL, "line %u: '%.64s' is not a grant id", line, value);
		if (!(*seen & bit))
			snprintf(g->id, sizeof(g->id), "%s", value);
	} else if (strcmp(name, "user") == 0) {
		if (!key_name_is_valid(value))
			return set_err(err, errlen, -EINVAL, "line %u: '%.64s' is not a user name", line, value);
		r = set_once(&g->user, value, name, line, err, errlen);
	} else if (strcmp(name, "key") == 0) {
		bit = SEEN_KEY;
		r = grant_key_parse(value, &g->key, why, sizeof(why));
		if (r < 0)
			return set_err(err, errlen, r, "line %u: %s", line, why);
	} else if (strcmp(name, "value") == 0) {
		if (!(*seen & SEEN_KEY))
			return set_err(err, errlen, -EINVAL, "line %u: value before key", line);
		if (g->values.count >= GRANT_VALUES_MAX)
			return set_err(err, errlen, -EINVAL, "line %u: more than %d values", line, GRANT_VALUES_MAX);
		r = grant_value_check(g->key, value, why, sizeof(why));
		if (r == -EINVAL)
			return set_err(err, errlen, r, "line %u: %s", line, why);
		if (r == 0)
			r = strlist_append(&g->values, value);
	} else if (strcmp(name, "created") == 0 || strcmp(name, "expires") == 0) {
		bit = name[0] == 'c' ? SEEN_CREATED : SEEN_EXPIRES;
		if (parse_time(value, bit == SEEN_CREATED ? &g->created : &g->expires) < 0)
			return set_err(err, errlen, -EINVAL, "line %u: %s '%.32s' is not a time", line, name, value);
	} else if (strcmp(name, "by") == 0) {
		r = set_once(&g->by, value, name, line, err, errlen);
	} else if (strcmp(name, "reason") == 0) {
		r = set_once(&g->reason, value, name, line, err, errlen);
	} else {
		return set_err(err, errlen, -EINVAL, "line %u: unknown field '%.32s'", line, name);
	}
	if (bit && (*seen & bit))
		return set_err(err, errlen, -EINVAL, "line %u: %s given twice", line, name);
	*seen |= bit;
	return r;
}

int grant_parse(const char *name, const char *text, size_t len, struct grant *out, char *err, size_t errlen)
{
	char *line = malloc(KVFILE_LINE_MAX);
	struct kvfile_reader reader;
	const char *field, *value;
	unsigned seen = 0;
	struct grant g;
	int r;

	memset(&g, 0, sizeof(g));
	strlist_init(&g.values);
	if (!line)
		return -ENOMEM;
	if (len < sizeof(GRANT_MAGIC) || memcmp(text, GRANT_MAGIC "\n", sizeof(GRANT_MAGIC)) != 0) {
		r = set_err(err, errlen, -EINVAL, "not a grant file (no '%s' line first)", GRANT_MAGIC);
		goto out;
	}
	kvfile_reader_init(&reader, text + sizeof(GRANT_MAGIC), len - sizeof(GRANT_MAGIC));
	reader.line = 1;
	while ((r = kvfile_next(&reader, line, KVFILE_LINE_MAX, &field, &value, err, errlen)) > 0) {
		r = parse_field(&g, field, value, reader.line, &seen, err, errlen);
		if (r < 0)
			goto out;
	}
	if (r < 0)
		goto out;
	if (seen != 15 || !g.user || !g.by || g.values.count == 0) {
		r = set_err(err, errlen, -EINVAL,
			    "incomplete: id, user, key, value, created, expires and by are needed");
		goto out;
	}
	if (name && strcmp(name, g.id) != 0) {
		r = set_err(err, errlen, -EINVAL, "its id '%s' is not its file name", g.id);
		goto out;
	}
	if (g.expires <= g.created) {
		r = set_err(err, errlen, -EINVAL, "it expires before it was made");
		goto out;
	}
	if (!g.reason && !(g.reason = strdup(""))) {
		r = -ENOMEM;
		goto out;
	}
	*out = g;
	memset(&g, 0, sizeof(g));
	r = 0;
out:
	grant_free(&g);
	free(line);
	return r;
}

/* Appends "name=value\n" to out at *len. */
static int put_field(char *out, size_t outlen, size_t *len, const char *name, const char *value)
{
	int n;

	if (!kvfile_text_is_valid(value))
		return -EINVAL;
	n = snprintf(out + *len, outlen - *len, "%s=%s\n", name, value);
	if (n < 0 || (size_t)n >= outlen - *len)
		return -ENOSPC;
	*len += (size_t)n;
	return 0;
}

int grant_format(const struct grant *g, char *out, size_t outlen)
{
	char created[GRANT_NUMBER_MAX], expires[GRANT_NUMBER_MAX];
	size_t len = 0;
	int r;

	if (!grant_id_is_valid(g->id) || !g->user || !key_name_is_valid(g->user) || !grant_key_is_grantable(g->key) ||
	    g->values.count == 0 || g->values.count > GRANT_VALUES_MAX || !g->by || !grant_text_is_valid(g->by) ||
	    (g->reason && !grant_text_is_valid(g->reason)) || g->expires <= g->created)
		return -EINVAL;
	snprintf(created, sizeof(created), "%lld", (long long)g->created);
	snprintf(expires, sizeof(expires), "%lld", (long long)g->expires);
	r = put_field(out, outlen, &len, GRANT_MAGIC "\nid", g->id);
	if (r == 0)
		r = put_field(out, outlen, &len, "user", g->user);
	if (r == 0)
		r = put_field(out, outlen, &len, "key", key_info(g->key)->name);
	for (size_t i = 0; i < g->values.count && r == 0; i++)
		r = put_field(out, outlen, &len, "value", g->values.items[i]);
	if (r == 0)
		r = put_field(out, outlen, &len, "created", created);
	if (r == 0)
		r = put_field(out, outlen, &len, "expires", expires);
	if (r == 0)
		r = put_field(out, outlen, &len, "by", g->by);
	if (r == 0)
		r = put_field(out, outlen, &len, "reason", g->reason ? g->reason : "");
	return r;
}

/* A directory or file trusted to hold grants: owner's, nobody else may
 * write it. */
static const char *untrusted(const struct stat *st, uid_t owner, bool dir)
{
	if (dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode))
		return dir ? "not a directory" : "not a regular file";
	if (st->st_uid != owner)
		return owner == 0 ? "not owned by root" : "not owned by the trusted user";
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return "writable by group or others";
	if (!dir && st->st_nlink != 1)
		return "has other hard links";
	return NULL;
}

/* Reads one grant file of the open directory: 0 and out, or -EINVAL /
 * -EFBIG ... with why (the file is skipped), -ENOMEM. */
static int load_one(int dfd, const char *name, uid_t owner, struct grant *out, char *why, size_t whylen)
{
	char *text = NULL;
	const char *bad;
	struct stat st;
	size_t len;
	int fd, r;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return set_err(why, whylen, -errno, "%s", errno == ELOOP ? "a symbolic link" : strerror(errno));
	if (fstat(fd, &st) < 0) {
		r = set_err(why, whylen, -errno, "%s", strerror(errno));
		goto out;
	}
	bad = untrusted(&st, owner, false);
	if (bad) {
		r = set_err(why, whylen, -EPERM, "%s", bad);
		goto out;
	}
	if (st.st_size > GRANT_FILE_MAX) {
		r = set_err(why, whylen, -EFBIG, "larger than %d bytes", GRANT_FILE_MAX);
		goto out;
	}
	r = kvfile_read_fd(fd, GRANT_FILE_MAX, &text, &len);
	if (r < 0) {
		set_err(why, whylen, r, "%s", r == -EFBIG ? "too large" : strerror(-r));
		goto out;
	}
	r = grant_parse(name, text, len, out, why, whylen);
out:
	free(text);
	close(fd);
	return r;
}

static int set_add(struct grant_set *set, size_t *capacity, struct grant *g)
{
	int r = array_reserve(&set->items, capacity, set->count + 1, sizeof(*set->items), 8, GRANTS_MAX);

	if (r < 0)
		return r == -EFBIG ? -EIO : r;
	set->items[set->count++] = *g;
	memset(g, 0, sizeof(*g));
	return 0;
}

int grants_load_owned(const char *dir, uid_t owner, time_t now, struct grant_set *out,
		      void (*report)(const char *file, const char *why, void *data), void *data)
{
	char why[GRANT_ERR_MAX], path[PATH_MAX];
	size_t capacity = 0;
	struct dirent *de;
	const char *bad = NULL;
	struct stat st = { 0 };
	DIR *d = NULL;
	int dfd, r = 0;

	out->items = NULL;
	out->count = 0;
	dir = dir ? dir : GRANTS_DIR;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		if (errno == ENOENT)
			return 0;
		if (report)
			report(dir, strerror(errno), data);
		return errno == ENOMEM ? -ENOMEM : -EIO;
	}
	if (fstat(dfd, &st) < 0 || (bad = untrusted(&st, owner, true)) != NULL) {
		if (report)
			report(dir, bad ? bad : strerror(errno), data);
		close(dfd);
		return -EIO;
	}
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -ENOMEM;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		struct grant g = { 0 };

		/* dot files: ".", "..", and the temporary files of grant_write */
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!grant_id_is_valid(de->d_name)) {
			if (report)
				report(path, "not a grant file name", data);
			continue;
		}
		r = load_one(dirfd(d), de->d_name, owner, &g, why, sizeof(why));
		if (r == -ENOMEM)
			goto fail;
		if (r < 0) {
			if (report)
				report(path, why, data);
			continue;
		}
		if (now && g.expires <= now) {
			grant_free(&g);
			continue;
		}
		g.file = strdup(path);
		r = g.file ? set_add(out, &capacity, &g) : -ENOMEM;
		grant_free(&g);
		if (r < 0)
			goto fail;
	}
	if (errno) {
		r = -EIO;
		if (report)
			report(dir, strerror(errno), data);
		goto fail;
	}
	closedir(d);
	return 0;
fail:
	closedir(d);
	grant_set_free(out);
	return r;
}

int grants_load(const char *dir, time_t now, struct grant_set *out,
		void (*report)(const char *file, const char *why, void *data), void *data)
{
	return grants_load_owned(dir, 0, now, out, report, data);
}

void grant_set_free(struct grant_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		grant_free(&set->items[i]);
	free(set->items);
	set->items = NULL;
	set->count = 0;
}

time_t grants_next_expiry(const struct grant_set *set, const char *user, time_t now)
{
	time_t next = 0;

	for (size_t i = 0; set && i < set->count; i++) {
		const struct grant *g = &set->items[i];

		if (strcmp(g->user, user) == 0 && g->expires > now && (next == 0 || g->expires < next))
			next = g->expires;
	}
	return next;
}

int grant_write(const char *dir, const struct grant *g, char *err, size_t errlen)
{
	char *text = malloc(GRANT_FILE_MAX + 1);
	char tmp[GRANT_ID_MAX + 16];
	int dfd = -1, fd = -1, r;

	dir = dir ? dir : GRANTS_DIR;
	if (!text)
		return -ENOMEM;
	r = grant_format(g, text, GRANT_FILE_MAX + 1);
	if (r < 0) {
		set_err(err, errlen, r, "%s", r == -ENOSPC ? "the grant is too large" : "the grant is not valid");
		goto out;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		r = set_err(err, errlen, -errno, "%s: %s", dir, strerror(errno));
		goto out;
	}
	snprintf(tmp, sizeof(tmp), ".%s.tmp", g->id);
	(void)unlinkat(dfd, tmp, 0);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, GRANT_FILE_MODE);
	if (fd < 0) {
		r = set_err(err, errlen, -errno, "%s/%s: %s", dir, tmp, strerror(errno));
		goto out;
	}
	r = write_all(fd, text, strlen(text));
	if (r == 0 && (fchmod(fd, GRANT_FILE_MODE) < 0 || fsync(fd) < 0))
		r = -errno;
	if (r == 0 && renameat(dfd, tmp, dfd, g->id) < 0)
		r = -errno;
	if (r < 0) {
		set_err(err, errlen, r, "%s/%s: %s", dir, g->id, strerror(-r));
		(void)unlinkat(dfd, tmp, 0);
	}
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	free(text);
	return r;
}

int grant_remove(const char *dir, const char *id)
{
	char path[PATH_MAX];

	if (!grant_id_is_valid(id))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : GRANTS_DIR, id);
	return unlink(path) < 0 ? -errno : 0;
}

/* Makes one directory when missing, then checks it is root's and closed. */
static int ensure_one(const char *path, mode_t mode, char *err, size_t errlen)
{
	struct stat st;
	const char *bad;

	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return set_err(err, errlen, -errno, "cannot make %s: %s", path, strerror(errno));
	if (lstat(path, &st) < 0)
		return set_err(err, errlen, -errno, "%s: %s", path, strerror(errno));
	bad = untrusted(&st, 0, true);
	if (bad)
		return set_err(err, errlen, -EPERM, "%s: %s", path, bad);
	return 0;
}

int grants_dir_ensure(const char *dir, char *err, size_t errlen)
{
	char parent[PATH_MAX];
	char *slash;

	dir = dir ? dir : GRANTS_DIR;
	if (snprintf(parent, sizeof(parent), "%s", dir) >= (int)sizeof(parent))
		return set_err(err, errlen, -ENAMETOOLONG, "%s: name too long", dir);
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		int r;

		*slash = '\0';
		r = ensure_one(parent, GRANTS_PARENT_MODE, err, errlen);
		if (r < 0)
			return r;
	}
	return ensure_one(dir, GRANTS_DIR_MODE, err, errlen);
}
