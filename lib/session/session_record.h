/* Session records in /run/corral/sessions: written by the PAM module (and
 * `corralctl run` as root), read by corral-shell and `corralctl sessions`.
 * One file per session, root-owned; the reader trusts nothing else. */
#ifndef CORRAL_SESSION_RECORD_H
#define CORRAL_SESSION_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy.h"
#include "strlist.h"

#define SESSION_RUN_DIR "/run/corral"
#define SESSION_RECORD_SUBDIR "sessions"
#define SESSION_RECORD_MAGIC "corral-session 1"
#define SESSION_ID_BYTES 16
#define SESSION_ID_LEN (2 * (size_t)SESSION_ID_BYTES)
#define SESSION_RECORD_ERR_MAX 512
#define SESSION_SERVICE_MAX 64

struct session_record {
	char id[SESSION_ID_LEN + 1];
	char *user;
	uid_t uid;
	char *service;
	pid_t leader;              /* the process that opened the session */
	uint64_t leader_start;     /* its start time, against pid reuse */
	int64_t started;           /* wall clock, seconds */
	uint64_t mount_namespace;  /* inode of the session's mount namespace; 0 = none */
	struct strlist cgroups;    /* directories of the session's cgroups */
	unsigned cgroup_limits;    /* enum cgroup_limit_bit: the shell then skips RLIMIT_NPROC */
	unsigned landlock_abi_cap; /* root's test knob: the Landlock ABI used at most; 0 = none */
	char *policy_text;         /* policy_text_write() of the effective policy */
	size_t policy_len;
};

void session_record_init(struct session_record *record);
void session_record_free(struct session_record *record);

/* 128 random bits as lowercase hex. 0 or -errno. */
int session_id_generate(char out[SESSION_ID_LEN + 1]);
bool session_id_is_valid(const char *id);

/* Text form; malloc'd into *out. 0, -EINVAL, -ENOMEM. */
int session_record_format(const struct session_record *record, char **out, size_t *outlen);
/* Strict parser of that text. 0 or -EINVAL (reason in err), -ENOMEM. */
int session_record_parse(const char *text, size_t len, struct session_record *out, char *err, size_t errlen);

/* Creates run_dir and run_dir/sessions (root, 0755) when missing and checks
 * both are root-owned real directories nobody else can write. Returns an
 * O_DIRECTORY fd of the sessions directory or -errno. */
int session_record_dir_open(const char *run_dir, bool create);

/* Writes the record atomically (temporary file, then rename), 0644 root.
 * 0 or -errno. */
int session_record_write(const char *run_dir, const struct session_record *record);

/* Reads and verifies a record: the directory and the file are root-owned
 * and not writable by others, the file is regular and not a symlink, the
 * text parses. 0, -ENOENT, -EPERM (unsafe ownership or mode; why in err),
 * -EINVAL (malformed; why in err) or -errno. */
int session_record_read(const char *run_dir, const char *id, struct session_record *out, char *err, size_t errlen);

/* Removes the record, and the session's live policy with it. */
int session_record_remove(const char *run_dir, const char *id);

/* Sets the record's times to now: the signal that something next to it
 * changed for the session's corral-helper, which watches its own record
 * (0, -ENOENT when the session is gone, or -errno). */
int session_record_touch(const char *run_dir, const char *id);

/* A file in the sessions directory: written atomically (a temporary file,
 * then rename), 0644 root; read back only when it and the directory are
 * root's and closed to others, regular, not a link, at most max bytes
 * (*out malloc'd and NUL-terminated). 0 or -errno with the reason in err. */
int session_file_write(const char *run_dir, const char *name, const char *text, size_t len);
int session_file_read(const char *run_dir, const char *name, size_t max, char **out, size_t *outlen, char *err,
		      size_t errlen);

/* The ids of every record in run_dir (sorted). 0 or -errno. */
int session_record_list(const char *run_dir, struct strlist *ids);

/* Is the record's session still going (leader alive, same start time)? */
bool session_record_is_live(const struct session_record *record);

/* Turns the record's policy text into a compiled policy. */
int session_record_policy(const struct session_record *record, struct policy *out, char *err, size_t errlen);

#endif
