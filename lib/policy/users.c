/* NSS lookups of users and their groups, with growing buffers and errors
 * kept apart from "not found" so a broken directory never confines less. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "users.h"

#define NSS_BUFFER_START 1024
#define NSS_BUFFER_MAX ((size_t)1024 * 1024)

void user_info_free(struct user_info *user)
{
	free(user->name);
	free(user->home);
	free(user->shell);
	free(user->groups);
	memset(user, 0, sizeof(*user));
}

static int load_groups(struct user_info *user)
{
	int n = 32;

	for (;;) {
		gid_t *groups = calloc((size_t)n, sizeof(*groups));
		int count = n;

		if (!groups)
			return -ENOMEM;
		if (getgrouplist(user->name, user->gid, groups, &count) >= 0) {
			user->groups = groups;
			user->n_groups = (size_t)count;
			return 0;
		}
		free(groups);
		if (count <= n)
			n *= 2;
		else
			n = count;
		if (n > USERS_MAX_GROUPS)
			return -EIO;
	}
}

static int fill_user(const struct passwd *pw, struct user_info *out)
{
	memset(out, 0, sizeof(*out));
	out->uid = pw->pw_uid;
	out->gid = pw->pw_gid;
	out->name = strdup(pw->pw_name);
	out->home = strdup(pw->pw_dir ? pw->pw_dir : "");
	out->shell = strdup(pw->pw_shell ? pw->pw_shell : "");
	if (!out->name || !out->home || !out->shell) {
		user_info_free(out);
		return -ENOMEM;
	}
	return 0;
}

/* One getpw*_r call with a buffer that grows on ERANGE. */
static int lookup(const char *name, uid_t uid, bool with_groups, struct user_info *out)
{
	size_t size = NSS_BUFFER_START;
	struct passwd pw, *result = NULL;
	char *buf = NULL;
	int r;

	for (;;) {
		char *bigger = realloc(buf, size);

		if (!bigger) {
			r = -ENOMEM;
			goto out;
		}
		buf = bigger;
		errno = 0;
		if (name)
			r = getpwnam_r(name, &pw, buf, size, &result);
		else
			r = getpwuid_r(uid, &pw, buf, size, &result);
		if (r != ERANGE)
			break;
		size *= 2;
		if (size > NSS_BUFFER_MAX) {
			r = -EIO;
			goto out;
		}
	}
	if (r != 0 && r != ENOENT && r != ESRCH && r != EBADF && r != EPERM) {
		r = -EIO;
		goto out;
	}
	if (!result) {
		r = -ENOENT;
		goto out;
	}
	r = fill_user(result, out);
	if (r < 0 || !with_groups)
		goto out;
	r = user_info_load_groups(out);
	if (r < 0)
		user_info_free(out);
out:
	free(buf);
	return r;
}

int user_info_by_name(const char *name, struct user_info *out)
{
	memset(out, 0, sizeof(*out));
	if (!name || !*name)
		return -ENOENT;
	return lookup(name, 0, true, out);
}

int user_info_by_uid(uid_t uid, struct user_info *out)
{
	memset(out, 0, sizeof(*out));
	return lookup(NULL, uid, true, out);
}

int user_info_by_uid_basic(uid_t uid, struct user_info *out)
{
	memset(out, 0, sizeof(*out));
	return lookup(NULL, uid, false, out);
}

int user_info_load_groups(struct user_info *user)
{
	int r;

	if (user->groups_loaded)
		return 0;
	r = load_groups(user);
	if (r == 0)
		user->groups_loaded = true;
	return r;
}

int group_gid_by_name(const char *name, gid_t *gid)
{
	size_t size = NSS_BUFFER_START;
	struct group gr, *result = NULL;
	char *buf = NULL;
	int r;

	for (;;) {
		char *bigger = realloc(buf, size);

		if (!bigger) {
			free(buf);
			return -ENOMEM;
		}
		buf = bigger;
		r = getgrnam_r(name, &gr, buf, size, &result);
		if (r != ERANGE)
			break;
		size *= 2;
		if (size > NSS_BUFFER_MAX) {
			free(buf);
			return -EIO;
		}
	}
	if (r == 0 && result)
		*gid = result->gr_gid;
	free(buf);
	if (r != 0 && r != ENOENT && r != ESRCH && r != EBADF && r != EPERM)
		return -EIO;
	return result ? 0 : -ENOENT;
}

bool user_has_gid(const struct user_info *user, gid_t gid)
{
	if (user->gid == gid)
		return true;
	for (size_t i = 0; i < user->n_groups; i++)
		if (user->groups[i] == gid)
			return true;
	return false;
}
