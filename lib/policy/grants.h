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

/* --- the file format (corralctl(8), FILES) and its parts --- */

#define GRANT_FILE_MAX 16384 /* bytes of one grant file */
#define GRANT_VALUES_MAX 32  /* items of one grant */
#define GRANT_ERR_MAX 320
#define GRANT_MAGIC "corral-grant 1"

/* Only list keys that widen can be granted (see corralctl(8), GRANT). */
bool grant_key_is_grantable(enum policy_key key);
/* A key by name that can be granted: 0 and *key, or -EINVAL (why in err). */
int grant_key_parse(const char *name, enum policy_key *key, char *err, size_t errlen);
/* One item of a grant checked as a config value of key ('+' already
 * stripped): 0 or -EINVAL (why in err), -ENOMEM. */
int grant_value_check(enum policy_key key, const char *item, char *err, size_t errlen);
/* Letters, digits, '-', '.', '_', not first '.' or '-', < GRANT_ID_MAX. */
bool grant_id_is_valid(const char *id);
/* Reason text and names that fit in the format: no control characters,
 * shorter than GRANT_TEXT_MAX. */
bool grant_text_is_valid(const char *text);

/* A fresh ID: "gYYYYMMDD-HHMMSS-XXXXXX" (UTC, random hex). 0 or -errno. */
int grant_new_id(time_t now, char *out, size_t outlen);

/* Parses a grant file's text (len bytes) into out, every field checked;
 * name is the file name, which must be its id. 0, -EINVAL (why in err),
 * -ENOMEM. out is set only on 0 (free with grant_free). */
int grant_parse(const char *name, const char *text, size_t len, struct grant *out, char *err, size_t errlen);
/* The file text of g. 0, -ENOSPC or -EINVAL (a field that cannot be written). */
int grant_format(const struct grant *g, char *out, size_t outlen);
void grant_free(struct grant *g);

/* grants_load() trusting owner instead of root (unit tests as a user).
 * now 0: the expired ones too. */
int grants_load_owned(const char *dir, uid_t owner, time_t now, struct grant_set *out,
		      void (*report)(const char *file, const char *why, void *data), void *data);

/* Writes g to dir (NULL: GRANTS_DIR) as the file g->id, atomically (a
 * temporary file renamed over), mode 0600. 0 or -errno (why in err). */
int grant_write(const char *dir, const struct grant *g, char *err, size_t errlen);
/* Removes the grant file id from dir. 0, -ENOENT, -EINVAL (not an id), -errno. */
int grant_remove(const char *dir, const char *id);
/* Makes dir (NULL: GRANTS_DIR) and its parent when missing (root's, 0700
 * and 0755); a dir that exists must be trusted. 0 or -errno (why in err). */
int grants_dir_ensure(const char *dir, char *err, size_t errlen);

#endif
