/* Requests (requests.h): the user's side files one into the spool, root's
 * side reads them as hostile input. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvfile.h"
#include "requests.h"
#include "util.h"
#include "values.h"

#define REQUESTS_PARENT_MODE 0755
#define REQUEST_FILE_MODE 0600
#define REQUEST_NUMBER_MAX 24
#define REQUESTS_MAX 4096 /* request files root reads from the spool */
#define SPOOL_ORIGIN "corral: the request spool (corralctl request)"

void request_free(struct request *req)
{
	free(req->user);
	free(req->reason);
	strlist_free(&req->values);
	memset(req, 0, sizeof(*req));
}

int request_format(const struct request *req, char *out, size_t outlen)
{
	size_t len = 0;
	int n;

	if (!grant_key_is_grantable(req->key) || req->values.count == 0 || req->values.count > GRANT_VALUES_MAX ||
	    !req->reason || !grant_text_is_valid(req->reason) || req->duration == 0)
		return -EINVAL;
	n = snprintf(out, outlen, "%s\nkey=%s\n", REQUEST_MAGIC, key_info(req->key)->name);
	if (n < 0 || (size_t)n >= outlen)
		return -ENOSPC;
	len = (size_t)n;
	for (size_t i = 0; i < req->values.count; i++) {
		if (!kvfile_text_is_valid(req->values.items[i]))
			return -EINVAL;
		n = snprintf(out + len, outlen - len, "value=%s\n", req->values.items[i]);
		if (n < 0 || (size_t)n >= outlen - len)
			return -ENOSPC;
		len += (size_t)n;
	}
	n = snprintf(out + len, outlen - len, "for=%llu\nreason=%s\n", (unsigned long long)req->duration, req->reason);
	return n < 0 || (size_t)n >= outlen - len ? -ENOSPC : 0;
}

/* One NAME=VALUE line of a request into req. */
static int parse_field(struct request *req, const char *name, const char *value, unsigned line, bool *have_key,
		       char *err, size_t errlen)
{
	char why[REQUEST_ERR_MAX];
	int r;

	if (strcmp(name, "key") == 0) {
		if (*have_key)
			return set_err(err, errlen, -EINVAL, "line %u: key given twice", line);
		r = grant_key_parse(value, &req->key, why, sizeof(why));
		if (r < 0)
			return set_err(err, errlen, r, "line %u: %s", line, why);
		*have_key = true;
		return 0;
	}
	if (strcmp(name, "value") == 0) {
		if (!*have_key)
			return set_err(err, errlen, -EINVAL, "line %u: value before key", line);
		if (req->values.count >= GRANT_VALUES_MAX)
			return set_err(err, errlen, -EINVAL, "line %u: more than %d values", line, GRANT_VALUES_MAX);
		r = grant_value_check(req->key, value, why, sizeof(why));
		if (r == -EINVAL)
			return set_err(err, errlen, r, "line %u: %s", line, why);
		return r < 0 ? r : strlist_append(&req->values, value);
	}
	if (strcmp(name, "for") == 0) {
		if (req->duration)
			return set_err(err, errlen, -EINVAL, "line %u: for given twice", line);
		if (value_parse_duration(value, &req->duration) < 0 || req->duration == 0)
			return set_err(err, errlen, -EINVAL, "line %u: '%.32s' is not a duration", line, value);
		return 0;
	}
	if (strcmp(name, "reason") == 0) {
		if (req->reason)
			return set_err(err, errlen, -EINVAL, "line %u: reason given twice", line);
		if (!grant_text_is_valid(value))
			return set_err(err, errlen, -EINVAL, "line %u: reason too long", line);
		req->reason = strdup(value);
		return req->reason ? 0 : -ENOMEM;
	}
	return set_err(err, errlen, -EINVAL, "line %u: unknown field '%.32s'", line, name);
}

int request_parse(const char *text, size_t len, struct request *out, char *err, size_t errlen)
{
	char *line = malloc(KVFILE_LINE_MAX);
	struct kvfile_reader reader;
	const char *name, *value;
	bool have_key = false;
	struct request req;
	int r;

	memset(&req, 0, sizeof(req));
	strlist_init(&req.values);
	if (!line)
		return -ENOMEM;
	if (len < sizeof(REQUEST_MAGIC) || memcmp(text, REQUEST_MAGIC "\n", sizeof(REQUEST_MAGIC)) != 0) {
		r = set_err(err, errlen, -EINVAL, "not a request (no '%s' line first)", REQUEST_MAGIC);
		goto out;
	}
	kvfile_reader_init(&reader, text + sizeof(REQUEST_MAGIC), len - sizeof(REQUEST_MAGIC));
	reader.line = 1;
	while ((r = kvfile_next(&reader, line, KVFILE_LINE_MAX, &name, &value, err, errlen)) > 0) {
		r = parse_field(&req, name, value, reader.line, &have_key, err, errlen);
		if (r < 0)
			goto out;
	}
	if (r < 0)
		goto out;
	if (!have_key || req.values.count == 0 || req.duration == 0 || !req.reason) {
		r = set_err(err, errlen, -EINVAL, "incomplete: key, value, for and reason are needed");
		goto out;
	}
	*out = req;
	memset(&req, 0, sizeof(req));
	r = 0;
out:
	request_free(&req);
	free(line);
	return r;
}

bool request_id_parse(const char *id, uid_t *uid)
{
	unsigned long long v = 0;
	const char *p = id;

	if (*p++ != 'r' || *p < '0' || *p > '9' || strlen(id) >= GRANT_ID_MAX)
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long long)(*p - '0');
		if (v > UINT32_MAX - 1)
			return false;
	}
	if (p[0] != '-' || p[1] < '1' || p[1] > '0' + REQUESTS_PER_USER_MAX || p[2] != '\0')
		return false;
	*uid = (uid_t)v;
	return true;
}

static void slot_name(uid_t uid, int slot, char *out, size_t outlen)
{
	snprintf(out, outlen, "r%u-%d", (unsigned)uid, slot);
}

int request_file(const char *dir, uid_t uid, const struct request *req, time_t now, char *id, size_t idlen, char *err,
		 size_t errlen)
{
	char *text = malloc(REQUEST_FILE_MAX + 1);
	char name[GRANT_ID_MAX], tmp[GRANT_ID_MAX + 32];
	int dfd = -1, fd = -1, taken = 0, r;
	time_t newest = 0;
	struct stat st;

	dir = dir ? dir : REQUESTS_DIR;
	if (!text)
		return -ENOMEM;
	r = request_format(req, text, REQUEST_FILE_MAX + 1);
	if (r < 0) {
		if (r == -ENOSPC)
			set_err(err, errlen, r, "the request is larger than %d bytes", REQUEST_FILE_MAX);
		else
			set_err(err, errlen, r, "the request is not valid");
		goto out;
	}
	dfd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		r = set_err(err, errlen, -errno, "%s: %s", dir, strerror(errno));
		goto out;
	}
	/* the user cannot list the spool: the slots are known names (an O_PATH
	 * descriptor is enough for the *at calls, search permission for it) */
	for (int slot = 1; slot <= REQUESTS_PER_USER_MAX; slot++) {
		slot_name(uid, slot, name, sizeof(name));
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		taken++;
		if (st.st_ctime > newest)
			newest = st.st_ctime;
	}
	if (taken >= REQUESTS_PER_USER_MAX) {
		r = set_err(err, errlen, -EDQUOT, "you have %d open requests already; wait for an answer",
			    REQUESTS_PER_USER_MAX);
		goto out;
	}
	if (newest && now < newest + REQUEST_INTERVAL) {
		r = set_err(err, errlen, -EAGAIN, "one request a minute: try again in %ld s",
			    (long)(newest + REQUEST_INTERVAL - now));
		goto out;
	}
	snprintf(tmp, sizeof(tmp), ".r%u.%d.tmp", (unsigned)uid, (int)getpid());
	(void)unlinkat(dfd, tmp, 0);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, REQUEST_FILE_MODE);
	if (fd < 0) {
		r = set_err(err, errlen, -errno, "%s: %s", dir, strerror(errno));
		goto out;
	}
	r = write_all(fd, text, strlen(text));
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	/* the first free slot; another corralctl of the user may take one
	 * at the same time, hence no replacing */
	for (int slot = 1; r == 0 && slot <= REQUESTS_PER_USER_MAX; slot++) {
		slot_name(uid, slot, name, sizeof(name));
		if (renameat2(dfd, tmp, dfd, name, RENAME_NOREPLACE) == 0) {
			snprintf(id, idlen, "%s", name);
			goto out;
		}
		if (errno != EEXIST)
			r = -errno;
	}
	if (r == 0)
		r = -EDQUOT;
	set_err(err, errlen, r, "%s", r == -EDQUOT ? "every request slot is taken" : strerror(-r));
	(void)unlinkat(dfd, tmp, 0);
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	free(text);
	return r;
}

/* Reads one request file of the spool as root: 0 and out, or -errno
 * with why (the file is skipped), -ENOMEM. */
static int load_one(int dfd, const char *name, uid_t uid, struct request *out, char *why, size_t whylen)
{
	char *text = NULL, number[REQUEST_NUMBER_MAX];
	struct passwd *pw;
	struct stat st;
	size_t len = 0;
	int fd, r;

	/* O_NONBLOCK: a FIFO must not hang root's corralctl */
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return set_err(why, whylen, -errno, "%s", errno == ELOOP ? "a symbolic link" : strerror(errno));
	if (fstat(fd, &st) < 0) {
		r = set_err(why, whylen, -errno, "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode))
		r = set_err(why, whylen, -EPERM, "not a regular file");
	else if (st.st_nlink != 1)
		r = set_err(why, whylen, -EPERM, "has other hard links");
	else if (st.st_uid != uid)
		r = set_err(why, whylen, -EPERM, "owned by uid %u, not by the uid its name says (%u)",
			    (unsigned)st.st_uid, (unsigned)uid);
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		r = set_err(why, whylen, -EPERM, "writable by group or others");
	else if (st.st_size > REQUEST_FILE_MAX)
		r = set_err(why, whylen, -EFBIG, "larger than %d bytes", REQUEST_FILE_MAX);
	else
		r = kvfile_read_fd(fd, REQUEST_FILE_MAX, &text, &len);
	if (r == -EFBIG)
		set_err(why, whylen, r, "larger than %d bytes", REQUEST_FILE_MAX);
	if (r < 0)
		goto out;
	r = request_parse(text, len, out, why, whylen);
	if (r < 0)
		goto out;
	snprintf(out->id, sizeof(out->id), "%.*s", GRANT_ID_MAX - 1, name);
	out->uid = uid;
	out->filed = st.st_ctime;
	pw = getpwuid(uid);
	snprintf(number, sizeof(number), "%u", (unsigned)uid);
	out->user = strdup(pw ? pw->pw_name : number);
	if (!out->user) {
		request_free(out);
		r = -ENOMEM;
	}
out:
	free(text);
	close(fd);
	return r;
}

static int by_filed(const void *a, const void *b)
{
	const struct request *x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	if (x->filed != y->filed)
		return x->filed < y->filed ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int by_time(const void *a, const void *b)
{
	const struct request *x = a, *y = b;

	if (x->filed != y->filed)
		return x->filed < y->filed ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* Drops the requests of a user that follow the previous one by less than
 * REQUEST_INTERVAL (by change time, which the user cannot set back). */
static void rate_limit(const char *dir, struct request_set *set,
		       void (*report)(const char *file, const char *why, void *data), void *data)
{
	char path[PATH_MAX];
	size_t kept = 0;

	if (set->count == 0)
		return;
	qsort(set->items, set->count, sizeof(*set->items), by_filed);
	for (size_t i = 0; i < set->count; i++) {
		const struct request *prev = kept ? &set->items[kept - 1] : NULL;

		if (prev && prev->uid == set->items[i].uid && set->items[i].filed < prev->filed + REQUEST_INTERVAL) {
			snprintf(path, sizeof(path), "%s/%s", dir, set->items[i].id);
			if (report)
				report(path, "less than a minute after the same user's previous request", data);
			request_free(&set->items[i]);
			continue;
		}
		set->items[kept++] = set->items[i];
	}
	set->count = kept;
	qsort(set->items, set->count, sizeof(*set->items), by_time);
}

int requests_load(const char *dir, struct request_set *out,
		  void (*report)(const char *file, const char *why, void *data), void *data)
{
	char why[REQUEST_ERR_MAX], path[PATH_MAX];
	size_t capacity = 0;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int dfd, r = 0;

	out->items = NULL;
	out->count = 0;
	dir = dir ? dir : REQUESTS_DIR;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		if (errno == ENOENT)
			return 0;
		if (report)
			report(dir, strerror(errno), data);
		return -EIO;
	}
	if (fstat(dfd, &st) < 0 || st.st_uid != 0 || !(st.st_mode & S_ISVTX)) {
		if (report)
			report(dir, "not a sticky directory of root's", data);
		close(dfd);
		return -EIO;
	}
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -ENOMEM;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		struct request req = { 0 };
		uid_t uid;

		/* "." and "..", and the temporary files of request_file */
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!request_id_parse(de->d_name, &uid)) {
			if (report)
				report(path, "not a request file name", data);
			continue;
		}
		r = load_one(dirfd(d), de->d_name, uid, &req, why, sizeof(why));
		if (r == -ENOMEM)
			goto fail;
		if (r < 0) {
			if (report)
				report(path, why, data);
			r = 0;
			continue;
		}
		r = array_reserve(&out->items, &capacity, out->count + 1, sizeof(*out->items), 8, REQUESTS_MAX);
		if (r < 0) {
			request_free(&req);
			if (r == -EFBIG)
				break; /* more than REQUESTS_MAX: the rest waits */
			goto fail;
		}
		out->items[out->count++] = req;
	}
	if (errno && r == 0) {
		r = -EIO;
		goto fail;
	}
	closedir(d);
	rate_limit(dir, out, report, data);
	return 0;
fail:
	closedir(d);
	request_set_free(out);
	return r;
}

void request_set_free(struct request_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		request_free(&set->items[i]);
	free(set->items);
	set->items = NULL;
	set->count = 0;
}

const struct request *request_set_find(const struct request_set *set, const char *id)
{
	for (size_t i = 0; i < set->count; i++)
		if (strcmp(set->items[i].id, id) == 0)
			return &set->items[i];
	return NULL;
}

int request_remove(const char *dir, const char *id)
{
	char path[PATH_MAX];
	uid_t uid;

	if (!request_id_parse(id, &uid))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : REQUESTS_DIR, id);
	return unlink(path) < 0 ? -errno : 0;
}

int requests_dir_ensure(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	dir = dir ? dir : REQUESTS_DIR;
	if (!strcmp(dir, REQUESTS_DIR) && mkdir(REQUESTS_PARENT, REQUESTS_PARENT_MODE) < 0 && errno != EEXIST)
		return set_err(err, errlen, -errno, "cannot make %s: %s", REQUESTS_PARENT, strerror(errno));
	if (mkdir(dir, 0700) < 0) {
		if (errno != EEXIST)
			return set_err(err, errlen, -errno, "cannot make %s: %s", dir, strerror(errno));
	} else if (chmod(dir, REQUESTS_DIR_MODE) < 0) {
		/* made 0700 first, opened to users only once it is sticky */
		return set_err(err, errlen, -errno, "%s: %s", dir, strerror(errno));
	}
	if (lstat(dir, &st) < 0)
		return set_err(err, errlen, -errno, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || !(st.st_mode & S_ISVTX))
		return set_err(err, errlen, -EPERM, "%s: not a sticky directory of root's", dir);
	return 0;
}

int requests_spool_for_session(const char *dir, struct policy *policy)
{
	struct policy_setting *w = &policy->settings[KEY_FS_WRITE];
	struct stat st;
	int r;

	dir = dir ? dir : REQUESTS_DIR;
	/* only where the filesystem is restricted: an unset fs.write with no
	 * fs.read or fs.exec leaves everything open, and must stay unset */
	if (!policy->confine || policy->exempt ||
	    !(policy_is_set(policy, KEY_FS_READ) || policy_is_set(policy, KEY_FS_WRITE) ||
	      policy_is_set(policy, KEY_FS_EXEC)))
		return 0;
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 || !(st.st_mode & S_ISVTX) ||
	    (st.st_mode & (S_IRGRP | S_IROTH)))
		return 0;
	if (strlist_contains(&w->items, dir))
		return 0;
	r = strlist_append(&w->items, dir);
	if (r == 0 && w->item_origins.count + 1 == w->items.count)
		r = strlist_append(&w->item_origins, SPOOL_ORIGIN);
	if (r == 0)
		r = strlist_append(&w->origins, "+" SPOOL_ORIGIN);
	w->set = true;
	return r;
}
