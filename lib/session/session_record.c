/* Session records: text form, strict parser, safe file handling. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pathutil.h"
#include "procinfo.h"
#include "policy_text.h"
#include "safepath.h"
#include "session_record.h"
#include "util.h"

#define HEADER_LINE_MAX 8192
#define SESSION_RECORD_SIZE_MAX (RECORD_SIZE_MAX + (size_t)64 * 1024)

void session_record_init(struct session_record *record)
{
	memset(record, 0, sizeof(*record));
	strlist_init(&record->cgroups);
}

void session_record_free(struct session_record *record)
{
	free(record->user);
	free(record->service);
	free(record->policy_text);
	strlist_free(&record->cgroups);
	memset(record, 0, sizeof(*record));
}

int session_id_generate(char out[SESSION_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char bytes[SESSION_ID_BYTES];
	size_t got = 0;

	while (got < sizeof(bytes)) {
		ssize_t n = getrandom(bytes + got, sizeof(bytes) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(bytes); i++) {
		out[2 * i] = hex[bytes[i] >> 4];
		out[2 * i + 1] = hex[bytes[i] & 0xf];
	}
	out[SESSION_ID_LEN] = '\0';
	return 0;
}

bool session_id_is_valid(const char *id)
{
	size_t i;

	for (i = 0; id[i]; i++)
		if (i >= SESSION_ID_LEN || !((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return false;
	return i == SESSION_ID_LEN;
}

struct text {
	char *data;
	size_t len;
	size_t capacity;
};

static int text_append(struct text *t, const char *s, size_t n)
{
	int r = array_reserve(&t->data, &t->capacity, t->len + n + 1, 1, 1024, SESSION_RECORD_SIZE_MAX * 2);

	if (r < 0)
		return r == -EFBIG ? -EINVAL : r;
	memcpy(t->data + t->len, s, n);
	t->len += n;
	t->data[t->len] = '\0';
	return 0;
}

/* "NAME VALUE..." with every value quoted so strlist_split reads it back. */
static int text_field(struct text *t, const char *name, const char *const *values, size_t n)
{
	char line[HEADER_LINE_MAX];

	snprintf(line, sizeof(line), "%s", name);
	for (size_t i = 0; i < n; i++) {
		if (strlen(line) + 2 > sizeof(line))
			return -EINVAL;
		strcat(line, " ");
		if (strlist_append_quoted(line, sizeof(line), values[i]) < 0)
			return -EINVAL;
	}
	if (strlen(line) + 2 > sizeof(line))
		return -EINVAL;
	strcat(line, "\n");
	return text_append(t, line, strlen(line));
}

static int text_number(struct text *t, const char *name, uint64_t value)
{
	char number[32];

	snprintf(number, sizeof(number), "%" PRIu64, value);
	return text_field(t, name, (const char *[]){ number }, 1);
}

/* The names of the cgroup_limit_bit bits, bit i at index i. */
static const char *const limit_names[] = { "processes", "memory", "cpu", "shared" };
#define LIMIT_NAMES (sizeof(limit_names) / sizeof(limit_names[0]))

int session_record_format(const struct session_record *rec, char **out, size_t *outlen)
{
	const char *limits[LIMIT_NAMES];
	struct text t = { 0 };
	size_t n_limits = 0;
	int r;

	if (!session_id_is_valid(rec->id) || !rec->user || !rec->service || !rec->policy_text)
		return -EINVAL;
	for (size_t i = 0; i < LIMIT_NAMES; i++)
		if (rec->cgroup_limits & (1u << i))
			limits[n_limits++] = limit_names[i];
	r = text_append(&t, SESSION_RECORD_MAGIC "\n", strlen(SESSION_RECORD_MAGIC) + 1);
	if (r == 0)
		r = text_field(&t, "id", (const char *[]){ rec->id }, 1);
	if (r == 0)
		r = text_field(&t, "user", (const char *[]){ rec->user }, 1);
	if (r == 0)
		r = text_number(&t, "uid", rec->uid);
	if (r == 0)
		r = text_field(&t, "service", (const char *[]){ rec->service }, 1);
	if (r == 0)
		r = text_number(&t, "pid", (uint64_t)rec->leader);
	if (r == 0)
		r = text_number(&t, "pid_start", rec->leader_start);
	if (r == 0)
		r = text_number(&t, "started", (uint64_t)rec->started);
	if (r == 0)
		r = text_number(&t, "mntns", rec->mount_namespace);
	for (size_t i = 0; i < rec->cgroups.count && r == 0; i++)
		r = text_field(&t, "cgroup", (const char *[]){ rec->cgroups.items[i] }, 1);
	if (r == 0 && n_limits)
		r = text_field(&t, "cgroup_limits", limits, n_limits);
	if (r == 0 && rec->landlock_abi_cap)
		r = text_number(&t, "landlock_abi", rec->landlock_abi_cap);
	if (r == 0)
		r = text_append(&t, "policy\n", 7);
	if (r == 0)
		r = text_append(&t, rec->policy_text, rec->policy_len);
	if (r < 0) {
		free(t.data);
		return r;
	}
	*out = t.data;
	*outlen = t.len;
	return 0;
}

static int parse_number(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max - (uint64_t)(*s - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

enum header_field {
	HEADER_ID = 1u << 0,
	HEADER_USER = 1u << 1,
	HEADER_UID = 1u << 2,
	HEADER_SERVICE = 1u << 3,
	HEADER_PID = 1u << 4,
	HEADER_PID_START = 1u << 5,
	HEADER_STARTED = 1u << 6,
	HEADER_MNTNS = 1u << 7,
	HEADER_LIMITS = 1u << 8,
	HEADER_ABI_CAP = 1u << 9, /* optional, like HEADER_LIMITS */
};
#define HEADER_REQUIRED 0xffu

static int parse_limits(const struct strlist *t, unsigned *out)
{
	for (size_t i = 1; i < t->count; i++) {
		size_t k;

		for (k = 0; k < LIMIT_NAMES && strcmp(t->items[i], limit_names[k]) != 0; k++)
			;
		if (k == LIMIT_NAMES || (*out & (1u << k)))
			return -EINVAL;
		*out |= 1u << k;
	}
	return t->count > 1 ? 0 : -EINVAL;
}

static int parse_header_line(struct session_record *rec, const struct strlist *t, unsigned *seen)
{
	const char *name = t->items[0], *value = t->count > 1 ? t->items[1] : "";
	unsigned field;
	uint64_t number;

	if (strcmp(name, "cgroup_limits") == 0) {
		if (*seen & HEADER_LIMITS)
			return -EINVAL;
		*seen |= HEADER_LIMITS;
		return parse_limits(t, &rec->cgroup_limits);
	}
	if (t->count != 2)
		return -EINVAL;
	if (strcmp(name, "cgroup") == 0) {
		/* the shell and corralctl act on these: only the canonical absolute
		 * form we write, so no ".." (also not a trailing one) or "." */
		char copy[PATHUTIL_PATH_MAX];

		if (snprintf(copy, sizeof(copy), "%s", value) >= (int)sizeof(copy) || path_normalize(copy) < 0 ||
		    strcmp(copy, value) != 0)
			return -EINVAL;
		return strlist_append(&rec->cgroups, value);
	}
	if (strcmp(name, "id") == 0) {
		field = HEADER_ID;
		if (!session_id_is_valid(value))
			return -EINVAL;
		memcpy(rec->id, value, SESSION_ID_LEN + 1);
	} else if (strcmp(name, "user") == 0) {
		field = HEADER_USER;
		if ((*seen & field) || !key_name_is_valid(value) || !(rec->user = strdup(value)))
			return -EINVAL;
	} else if (strcmp(name, "service") == 0) {
		field = HEADER_SERVICE;
		if ((*seen & field) || strlen(value) > SESSION_SERVICE_MAX || !key_name_is_valid(value) ||
		    !(rec->service = strdup(value)))
			return -EINVAL;
	} else if (strcmp(name, "uid") == 0) {
		field = HEADER_UID;
		if (parse_number(value, UINT32_MAX - 1, &number) < 0)
			return -EINVAL;
		rec->uid = (uid_t)number;
	} else if (strcmp(name, "pid") == 0) {
		field = HEADER_PID;
		if (parse_number(value, INT32_MAX, &number) < 0 || number == 0)
			return -EINVAL;
		rec->leader = (pid_t)number;
	} else if (strcmp(name, "pid_start") == 0) {
		field = HEADER_PID_START;
		if (parse_number(value, UINT64_MAX, &rec->leader_start) < 0)
			return -EINVAL;
	} else if (strcmp(name, "started") == 0) {
		field = HEADER_STARTED;
		if (parse_number(value, INT64_MAX, &number) < 0)
			return -EINVAL;
		rec->started = (int64_t)number;
	} else if (strcmp(name, "mntns") == 0) {
		field = HEADER_MNTNS;
		if (parse_number(value, UINT64_MAX, &rec->mount_namespace) < 0)
			return -EINVAL;
	} else if (strcmp(name, "landlock_abi") == 0) {
		field = HEADER_ABI_CAP;
		if (parse_number(value, 99, &number) < 0 || number == 0)
			return -EINVAL;
		rec->landlock_abi_cap = (unsigned)number;
	} else {
		return -EINVAL;
	}
	if (*seen & field)
		return -EINVAL;
	*seen |= field;
	return 0;
}

int session_record_parse(const char *text, size_t len, struct session_record *out, char *err, size_t errlen)
{
	const char *p = text, *limit = text + len;
	unsigned seen = 0, lineno = 0;
	bool has_policy = false;
	int r = 0;

	session_record_init(out);
	if (len > SESSION_RECORD_SIZE_MAX || memchr(text, '\0', len)) {
		snprintf(err, errlen, "record is too large or holds a NUL byte");
		return -EINVAL;
	}
	while (p < limit) {
		const char *nl = memchr(p, '\n', (size_t)(limit - p));
		char line[HEADER_LINE_MAX];
		size_t n = nl ? (size_t)(nl - p) : 0;
		struct strlist tokens;

		lineno++;
		if (!nl || n >= sizeof(line)) {
			snprintf(err, errlen, "line %u: %s", lineno, nl ? "too long" : "unterminated");
			r = -EINVAL;
			goto fail;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl + 1;
		if (lineno == 1) {
			if (strcmp(line, SESSION_RECORD_MAGIC) != 0) {
				snprintf(err, errlen, "not a corral session record");
				r = -EINVAL;
				goto fail;
			}
			continue;
		}
		if (strcmp(line, "policy") == 0) {
			has_policy = true;
			break;
		}
		strlist_init(&tokens);
		r = strlist_split(line, &tokens, NULL, 0);
		if (r == 0)
			r = tokens.count ? parse_header_line(out, &tokens, &seen) : -EINVAL;
		strlist_free(&tokens);
		if (r < 0) {
			snprintf(err, errlen, "line %u: malformed or repeated field", lineno);
			goto fail;
		}
	}
	/* without the "policy" line the header may just be cut short */
	if ((seen & HEADER_REQUIRED) != HEADER_REQUIRED || !has_policy) {
		snprintf(err, errlen, "record is incomplete");
		r = -EINVAL;
		goto fail;
	}
	out->policy_len = (size_t)(limit - p);
	out->policy_text = malloc(out->policy_len + 1);
	if (!out->policy_text) {
		r = -ENOMEM;
		goto fail;
	}
	memcpy(out->policy_text, p, out->policy_len);
	out->policy_text[out->policy_len] = '\0';
	return 0;
fail:
	session_record_free(out);
	return r;
}

/* Root-owned, a real directory, writable by nobody else. */
static int check_directory(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return -EPERM;
	return 0;
}

int session_record_dir_open(const char *run_dir, bool create)
{
	int run, sessions, r;

	if (create) {
		mode_t old = umask(022);

		run = safepath_dir_at(AT_FDCWD, run_dir, true);
		umask(old);
	} else {
		run = safepath_dir_at(AT_FDCWD, run_dir, false);
	}
	if (run < 0)
		return run;
	r = check_directory(run);
	if (r < 0) {
		close(run);
		return r;
	}
	if (create) {
		mode_t old = umask(022);

		sessions = safepath_dir_at(run, SESSION_RECORD_SUBDIR, true);
		umask(old);
	} else {
		sessions = safepath_dir_at(run, SESSION_RECORD_SUBDIR, false);
	}
	close(run);
	if (sessions < 0)
		return sessions;
	r = check_directory(sessions);
	if (r < 0) {
		close(sessions);
		return r;
	}
	return sessions;
}

int session_file_write(const char *run_dir, const char *name, const char *text, size_t len)
{
	char temp[NAME_MAX + 1];
	int dir, fd, r;

	if (snprintf(temp, sizeof(temp), ".%s.new", name) >= (int)sizeof(temp) || strchr(name, '/'))
		return -EINVAL;
	dir = session_record_dir_open(run_dir, true);
	if (dir < 0)
		return dir;
	unlinkat(dir, temp, 0);
	fd = openat(dir, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	r = write_all(fd, text, len);
	if (r == 0 && fchmod(fd, 0644) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dir, temp, dir, name) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dir, temp, 0);
out:
	close(dir);
	return r;
}

int session_record_write(const char *run_dir, const struct session_record *record)
{
	char *text = NULL;
	size_t len = 0;
	int r;

	r = session_record_format(record, &text, &len);
	if (r == 0)
		r = session_file_write(run_dir, record->id, text, len);
	free(text);
	return r;
}

int session_file_read(const char *run_dir, const char *name, size_t max, char **out, size_t *outlen, char *err,
		      size_t errlen)
{
	char *buf = NULL;
	struct stat st;
	size_t len = 0;
	int dir, fd, r = 0;

	*out = NULL;
	*outlen = 0;
	dir = session_record_dir_open(run_dir, false);
	if (dir < 0) {
		snprintf(err, errlen, "%s/%s: %s", run_dir, SESSION_RECORD_SUBDIR,
			 dir == -EPERM ? "not a root-owned directory closed to others" : strerror(-dir));
		return dir;
	}
	fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	close(dir);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", name, strerror(-r));
		return r;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", name, strerror(-r));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) || st.st_size < 0 ||
	    (size_t)st.st_size > max) {
		snprintf(err, errlen, "%s is not a root-owned regular file closed to others", name);
		r = -EPERM;
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		r = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", name);
		goto out;
	}
	/* a read error leaves it short, like a file that shrank */
	read_all(fd, buf, (size_t)st.st_size, &len);
	if (len != (size_t)st.st_size) {
		snprintf(err, errlen, "%s changed while it was read", name);
		free(buf);
		r = -EIO;
		goto out;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
out:
	close(fd);
	return r;
}

int session_record_read(const char *run_dir, const char *id, struct session_record *out, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	session_record_init(out);
	if (errlen)
		err[0] = '\0';
	if (!session_id_is_valid(id)) {
		snprintf(err, errlen, "'%.80s' is not a session id", id);
		return -EINVAL;
	}
	r = session_file_read(run_dir, id, SESSION_RECORD_SIZE_MAX, &buf, &len, err, errlen);
	if (r < 0 || !buf)
		return r < 0 ? r : -EIO;
	r = session_record_parse(buf, len, out, err, errlen);
	if (r == 0 && strcmp(out->id, id) != 0) {
		snprintf(err, errlen, "session record %s names another session", id);
		session_record_free(out);
		r = -EINVAL;
	}
	if (r < 0 && !err[0])
		snprintf(err, errlen, "session record %s: %s", id, strerror(-r));
	free(buf);
	return r;
}

/* The sessions directory, for a change to the record of a valid id. */
static int dir_for_record(const char *run_dir, const char *id)
{
	return session_id_is_valid(id) ? session_record_dir_open(run_dir, false) : -EINVAL;
}

int session_record_remove(const char *run_dir, const char *id)
{
	char live[SESSION_ID_LEN + 8];
	int r = 0, dir = dir_for_record(run_dir, id);

	if (dir < 0)
		return dir;
	if (unlinkat(dir, id, 0) < 0)
		r = -errno;
	/* what apply decided for it goes with it */
	if (snprintf(live, sizeof(live), "%s.live", id) < (int)sizeof(live))
		unlinkat(dir, live, 0);
	close(dir);
	return r;
}

int session_record_touch(const char *run_dir, const char *id)
{
	int r = 0, dir = dir_for_record(run_dir, id);

	if (dir < 0)
		return dir;
	if (utimensat(dir, id, NULL, AT_SYMLINK_NOFOLLOW) < 0)
		r = -errno;
	close(dir);
	return r;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int session_record_list(const char *run_dir, struct strlist *ids)
{
	struct dirent *de;
	DIR *d;
	int dir, r = 0;

	strlist_init(ids);
	dir = session_record_dir_open(run_dir, false);
	if (dir < 0)
		return dir == -ENOENT ? 0 : dir;
	d = fdopendir(dir);
	if (!d) {
		r = -errno;
		close(dir);
		return r;
	}
	while ((de = readdir(d)) != NULL && r == 0)
		if (session_id_is_valid(de->d_name))
			r = strlist_append(ids, de->d_name);
	closedir(d);
	if (r == 0 && ids->count > 1)
		qsort(ids->items, ids->count, sizeof(ids->items[0]), compare_strings);
	if (r < 0)
		strlist_free(ids);
	return r;
}

bool session_record_is_live(const struct session_record *record)
{
	return proc_is_alive(record->leader, record->leader_start);
}

int session_record_policy(const struct session_record *record, struct policy *out, char *err, size_t errlen)
{
	int r = policy_text_read(record->policy_text, record->policy_len, out, err, errlen);

	if (r == 0 && (out->uid != record->uid || strcmp(out->user, record->user) != 0)) {
		snprintf(err, errlen, "the record's policy is for another user");
		policy_free(out);
		r = -EINVAL;
	}
	return r;
}
