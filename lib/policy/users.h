/* The user a policy is resolved for, looked up through NSS (so LDAP and
 * SSSD users and groups count), with every group they belong to. */
#ifndef CORRAL_USERS_H
#define CORRAL_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define USERS_MAX_GROUPS 65536

struct user_info {
	char *name;
	uid_t uid;
	gid_t gid;
	char *home;
	char *shell;
	gid_t *groups; /* primary group included */
	size_t n_groups;
	bool groups_loaded;
};

/* 0, -ENOENT (no such user), -ENOMEM or -EIO (NSS failed: never guess). */
int user_info_by_name(const char *name, struct user_info *out);
int user_info_by_uid(uid_t uid, struct user_info *out);
/* The same without the groups (a login whose policy comes from its session
 * record needs none, and asking NSS for them costs time); load them with
 * user_info_load_groups() before resolving a policy. */
int user_info_by_uid_basic(uid_t uid, struct user_info *out);
int user_info_load_groups(struct user_info *user);
void user_info_free(struct user_info *user);

/* gid of a group name: 0 on success, -ENOENT, -EIO. */
int group_gid_by_name(const char *name, gid_t *gid);

bool user_has_gid(const struct user_info *user, gid_t gid);

#endif
