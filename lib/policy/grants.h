/* Grants: time-boxed additions to one user's policy made by root
 * (`corralctl grant`, `corralctl approve`), one root-owned file each under
 * GRANTS_DIR. Loaded with the same distrust as the config: a file that is
 * not root's, is writable by others, or does not parse is refused and
 * grants nothing. */
#ifndef CORRAL_GRANTS_H
#define CORRAL_GRANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "keys.h"
#include "strlist.h"

#define GRANTS_DIR "/var/lib/corral/grants"
#define GRANT_ID_MAX 40
#define GRANT_TEXT_MAX 512

struct grant {
	char id[GRANT_ID_MAX];
	char *user;
	enum policy_key key;
	struct strlist values; /* items as written after '+' (appended to the key's list) */
	time_t created;
	time_t expires;
	char *by;     /* who granted it (root's login name, or "approve ID") */
	char *reason; /* may be empty */
	char *file;   /* where it was read from, for origins ("grant ID (until ...)") */
};

struct grant_set {
	struct grant *items;
	size_t count;
};

/* Loads every grant under dir (NULL: GRANTS_DIR) that has not expired at
 * now. A missing dir is an empty set. Files that cannot be trusted or
 * parsed are skipped, each reported once through report (may be NULL). 0
 * or -ENOMEM / -EIO (the directory cannot be read: the caller fails
 * closed, i.e. applies no grant). */
int grants_load(const char *dir, time_t now, struct grant_set *out,
		void (*report)(const char *file, const char *why, void *data), void *data);
void grant_set_free(struct grant_set *set);

/* The first expiry after now among user's grants, or 0. */
time_t grants_next_expiry(const struct grant_set *set, const char *user, time_t now);

#endif
