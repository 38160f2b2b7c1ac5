/* The effective policy of one user: resolved once from the config (or read
 * from a session record), then compiled into typed, read-only fields. */
#ifndef CORRAL_POLICY_H
#define CORRAL_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "config.h"
#include "keys.h"
#include "netrule.h"
#include "strlist.h"
#include "users.h"

#define POLICY_ERR_MAX 512

enum net_loopback {
	NET_LOOPBACK_UNSET, /* loopback is an ordinary destination */
	NET_LOOPBACK_OWN,
	NET_LOOPBACK_ANY,
	NET_LOOPBACK_NONE,
};

struct policy_setting {
	bool set;
	struct strlist items;   /* canonical: paths expanded, rules normalised */
	struct strlist origins; /* "[section] file:line", prefixed '+'/'-' for list edits */
	/* the origin of each item ("[section] file:line" of the line that put
	 * it there), parallel to items; empty in a policy read from a record */
	struct strlist item_origins;
};

struct policy {
	char *user;
	uid_t uid;
	gid_t gid;
	char *home;
	bool exempt;             /* [global] exempt_users / exempt_groups */
	struct strlist sections; /* sections applied, in order */
	/* what makes it change with time (policy_resolve_at): the windows
	 * open when it was resolved ("NAME"), and the first instant at which
	 * a window of the user opens or closes or a grant expires (0: never) */
	struct strlist windows;
	time_t next_change;
	struct policy_setting settings[KEY_COUNT];

	/* Filled by policy_compile(); read-only afterwards. Keys that are not
	 * set hold their documented default. */
	bool confine;
	const char *shell; /* points into settings or the key table */
	bool private_tmp;
	bool pin_hosts;
	bool linger;
	bool log_denials;
	bool abstract_unix_allowed;
	bool signals_any;
	enum net_loopback loopback;
	struct netrule_set net_connect; /* meaningful when settings[KEY_NET_CONNECT].set */
	struct netrule_set net_deny;
	struct port_set net_bind;   /* meaningful when settings[KEY_NET_BIND].set */
	uint64_t number[KEY_COUNT]; /* counts, sizes, percents, seconds */
	mode_t umask;               /* meaningful when settings[KEY_UMASK].set */
};

/* Is the user exempt (never confined)? Works on an invalid config too: it
 * then only trusts what config_load() kept (root when the files could not
 * be trusted). Returns 1, 0, or -EIO when a group lookup failed. */
int policy_user_is_exempt(const struct config *config, const struct user_info *user);

/* Resolves the effective policy of user: [default], then every [group:G]
 * the user belongs to (file order), then [user:NAME]; scalars: last wins;
 * lists: replace, '+' appends, '-' removes; ~ %h %u expanded. Compiles it.
 * Returns 0; -EINVAL when the config is invalid or a value cannot be
 * expanded for this user (reason in err); -EIO on NSS failure; -ENOMEM. */
int policy_resolve(const struct config *config, const struct user_info *user, struct policy *out, char *err,
		   size_t errlen);

/* policy_resolve() at the instant now, with grants: after the [user:NAME]
 * sections, the user's grants that have not expired at now (each item
 * appended, origin "grant ID until YYYY-MM-DD HH:MM"), then every
 * [window:NAME] open at now whose `applies` names the user or one of the
 * user's groups, in file order (same replace / '+' / '-' rules: a window
 * wins over a grant). Fills windows and next_change. grants may be NULL.
 * policy_resolve() is policy_resolve_at(config, NULL, user, time(NULL)). */
struct grant_set;
int policy_resolve_at(const struct config *config, const struct grant_set *grants, const struct user_info *user,
		      time_t now, struct policy *out, char *err, size_t errlen);

/* 1 when an `applies` item of window section s names the user or one of
 * the user's groups (through NSS, like [group:] sections), 0 when not or
 * s is no window, -EIO (or another -errno) when a group lookup failed. */
int policy_window_applies(const struct config_section *s, const struct user_info *user);

/* The policy of an exempt user when the config could not be used: nothing
 * set, never confined. 0 or -ENOMEM. */
int policy_exempt_default(const struct user_info *user, struct policy *out);

/* Turns the canonical settings into the typed fields. 0 or -EINVAL / -ENOMEM. */
int policy_compile(struct policy *policy, char *err, size_t errlen);
/* Compiles one key from its canonical items, or from its default when no
 * section set it, into the field the key table names. This is the one
 * parse of a value read from a session record: what is not canonical is
 * -EINVAL with "key 'NAME': why" in err. Also -ENOMEM. */
int policy_compile_key(struct policy *policy, enum policy_key key, char *err, size_t errlen);
/* policy_compile() for the keys that are not set: the end of reading a
 * record whose keys were compiled line by line. */
int policy_compile_unset(struct policy *policy, char *err, size_t errlen);

/* The [group:NAME] section the policy's limits.group.* keys come from:
 * 0 and NAME in out; -ENOENT when none is set; -EINVAL when they come from
 * two groups (a session can be inside one group's shared limits only; the
 * reason is in out then). */
int policy_limit_group(const struct policy *policy, char *out, size_t outlen);

void policy_init(struct policy *policy);
void policy_free(struct policy *policy);

bool policy_is_set(const struct policy *policy, enum policy_key key);
/* The items of a list key (empty when not set). */
const struct strlist *policy_list(const struct policy *policy, enum policy_key key);
/* A scalar's value, or its default, or NULL. */
const char *policy_value(const struct policy *policy, enum policy_key key);

#endif
