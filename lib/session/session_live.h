/* A running session's live policy (issue 16): what `corralctl apply`
 * decided after the session began, next to its record in
 * /run/corral/sessions as "ID.live": the policies every trapped call must
 * satisfy from now on (the current resolution, and the narrower ones the
 * session has seen, so that nothing widens it), and when the session ends
 * because of a narrowing no layer can make live. Root writes it; the
 * session's corral-helper reads it and trusts nothing else. */
#ifndef CORRAL_SESSION_LIVE_H
#define CORRAL_SESSION_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "session_record.h"

#define SESSION_LIVE_MAGIC "corral-live 1"
#define SESSION_LIVE_SUFFIX ".live"
#define SESSION_LIVE_POLICIES_MAX 8
#define SESSION_LIVE_REASON_MAX 256
#define SESSION_LIVE_SIZE_MAX (SESSION_LIVE_POLICIES_MAX * 65536 + 4096)

/* What one policy of the file is for. A trapped call is allowed when the
 * current policy allows it and every ceiling does, or the grants do. */
enum session_live_role {
	SESSION_LIVE_CURRENT, /* the resolution now: config, grants, open windows */
	SESSION_LIVE_CEILING, /* the login's, and every resolution since (without grants) */
	SESSION_LIVE_GRANTS,  /* only what the user's grants add */
};

struct session_live {
	char id[SESSION_ID_LEN + 1];
	int64_t applied;                       /* when apply wrote it */
	int64_t ends;                          /* 0, or when the session is ended (after grace) */
	char reason[SESSION_LIVE_REASON_MAX];  /* why it ends: the keys that narrowed */
	char windows[SESSION_LIVE_REASON_MAX]; /* the windows open when applied, space-separated */
	size_t count;
	char *texts[SESSION_LIVE_POLICIES_MAX]; /* policy_text_write() texts; [0] is the current one */
	size_t lens[SESSION_LIVE_POLICIES_MAX];
	enum session_live_role roles[SESSION_LIVE_POLICIES_MAX];
};

void session_live_init(struct session_live *live);
void session_live_free(struct session_live *live);

/* Adds a copy of a policy text in a role, unless the same text is there in
 * that role already (-E2BIG when full, -ENOMEM). */
int session_live_add(struct session_live *live, enum session_live_role role, const char *text, size_t len);

/* The text form, malloc'd; and its strict parser (-EINVAL, reason in err). */
int session_live_format(const struct session_live *live, char **out, size_t *outlen);
int session_live_parse(const char *text, size_t len, struct session_live *out, char *err, size_t errlen);

/* Written atomically next to the record (0644 root), then the record's
 * times are set (session_record_touch): corral-helper watches its own
 * record for that. Read with the same distrust as the record. read: 0,
 * -ENOENT (nothing applied yet), -EPERM, -EINVAL or -errno, the reason in
 * err. session_record_remove() removes
 * it with the record. */
int session_live_write(const char *run_dir, const struct session_live *live);
int session_live_read(const char *run_dir, const char *id, struct session_live *out, char *err, size_t errlen);

#endif
