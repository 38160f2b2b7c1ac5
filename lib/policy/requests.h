/* Requests: a user asks root for a grant (`corralctl request`) by leaving
 * a small file in a sticky spool only root can list; root reads it with
 * distrust (the file's owner is the user, whatever it says) and turns it
 * into a grant only through `corralctl approve`. */
#ifndef CORRAL_REQUESTS_H
#define CORRAL_REQUESTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "grants.h"
#include "policy.h"

#define REQUESTS_PARENT "/var/spool/corral"
#define REQUESTS_DIR REQUESTS_PARENT "/requests"
#define REQUESTS_DIR_MODE 01733 /* anyone creates, nobody but root lists or reads */
#define REQUEST_FILE_MAX 4096   /* bytes of one request file */
#define REQUESTS_PER_USER_MAX 5 /* open requests of one user (slots r<UID>-1 .. -5) */
#define REQUEST_INTERVAL 60     /* seconds between two requests of one user */
#define REQUEST_ERR_MAX 320
#define REQUEST_MAGIC "corral-request 1"

struct request {
	char id[GRANT_ID_MAX]; /* the file name: r<UID>-<SLOT> */
	uid_t uid;             /* the file's owner: who asks */
	char *user;            /* uid's name now (NSS), or the uid in digits */
	enum policy_key key;
	struct strlist values; /* without the '+' */
	uint64_t duration;     /* seconds */
	char *reason;
	time_t filed; /* the file's change time: the user cannot set it */
};

struct request_set {
	struct request *items;
	size_t count;
};

/* A request's file text. 0, -ENOSPC or -EINVAL. */
int request_format(const struct request *req, char *out, size_t outlen);
/* Parses what a user wrote (key, values, duration, reason; uid, user, id
 * and filed are not in the file). 0, -EINVAL (why in err), -ENOMEM. */
int request_parse(const char *text, size_t len, struct request *out, char *err, size_t errlen);
void request_free(struct request *req);

/* The user's side: files req as uid in dir (NULL: REQUESTS_DIR) in its
 * first free slot, atomically; id gets the slot's name. -EDQUOT: every
 * slot is taken; -EAGAIN: the last request is younger than
 * REQUEST_INTERVAL; -ENOENT: no spool; else -errno; why in err. */
int request_file(const char *dir, uid_t uid, const struct request *req, time_t now, char *id, size_t idlen, char *err,
		 size_t errlen);

/* Root's side: every request in dir that can be trusted (the dir root's
 * and sticky; each file a regular one, one link, owned by the uid its
 * name says, not writable by others, at most REQUEST_FILE_MAX bytes,
 * parsing, and not within REQUEST_INTERVAL of the same user's previous
 * one), oldest first; the others reported. A missing dir is empty.
 * 0, -EIO (the dir cannot be trusted or read), -ENOMEM. */
int requests_load(const char *dir, struct request_set *out,
		  void (*report)(const char *file, const char *why, void *data), void *data);
void request_set_free(struct request_set *set);
const struct request *request_set_find(const struct request_set *set, const char *id);

/* Removes the request file id. 0, -EINVAL (not a request id), -errno. */
int request_remove(const char *dir, const char *id);
/* Is id a request file name (r<UID>-<SLOT>)? Sets *uid. */
bool request_id_parse(const char *id, uid_t *uid);

/* Makes REQUESTS_PARENT (0755) and dir (REQUESTS_DIR_MODE) when missing
 * (root). 0 or -errno (why in err). */
int requests_dir_ensure(const char *dir, char *err, size_t errlen);

/* A confined session with a restricted filesystem cannot reach the spool
 * otherwise: when REQUESTS_DIR is a root-owned sticky directory, it is
 * added to the policy's fs.write (origin "corral: the request spool").
 * DAC still lets the user create files there and touch only their own.
 * dir NULL: REQUESTS_DIR. 0 or -ENOMEM. */
int requests_spool_for_session(const char *dir, struct policy *policy);

#endif
