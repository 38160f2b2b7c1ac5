/* corralctl denials: the records every layer leaves (corral's own event
 * lines, the kernel's Landlock and seccomp audit records), read back from
 * the host's logs. The parsers, the --since grammar and the summary are
 * pure (ctl/denials_parse.c, denials_time.c, denials_summary.c). */
#ifndef CORRAL_CTL_DENIALS_PARSE_H
#define CORRAL_CTL_DENIALS_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define DENIAL_NAME_MAX 64   /* user, op, event, session id */
#define DENIAL_TEXT_MAX 1024 /* target, rule */
#define DENIAL_LINE_MAX 8192 /* one log line or record; longer ones are cut */
#define DENIAL_UNKNOWN (-1L) /* a uid or pid the record does not give */

enum denial_kind {
	DENIAL_NONE,     /* not a line of ours */
	DENIAL_HELPER,   /* corral's event=denied (corral-helper) */
	DENIAL_EVENT,    /* another corral event: session-open, confined pid=, session-end ... */
	DENIAL_LANDLOCK, /* AUDIT_LANDLOCK_ACCESS (1423) */
	DENIAL_DOMAIN,   /* AUDIT_LANDLOCK_DOMAIN (1424): who made a domain */
	DENIAL_SECCOMP,  /* AUDIT_SECCOMP (1326) */
};

#define DENIAL_AUDIT_SECCOMP 1326
#define DENIAL_AUDIT_LANDLOCK_ACCESS 1423
#define DENIAL_AUDIT_LANDLOCK_DOMAIN 1424

struct denial_record {
	enum denial_kind kind;
	int64_t time_ms; /* wall clock; 0: the line does not say */
	uint64_t serial; /* audit serial (dedup across sources); 0: none */
	long uid, pid;   /* DENIAL_UNKNOWN when absent */
	char user[DENIAL_NAME_MAX];
	char session[DENIAL_NAME_MAX];
	char event[DENIAL_NAME_MAX];
	char op[DENIAL_NAME_MAX]; /* read, write, exec, list, connect, bind, signal, or the call's name */
	char target[DENIAL_TEXT_MAX];
	char rule[DENIAL_TEXT_MAX];
	int error;        /* errno the program saw; 0 when unknown */
	uint64_t domain;  /* Landlock domain id */
	bool deallocated; /* DENIAL_DOMAIN: status=deallocated (else allocated) */
	long syscall;     /* seccomp: the call's number on arch */
	uint32_t arch;    /* seccomp: AUDIT_ARCH_* */
	uint32_t action;  /* seccomp: SECCOMP_RET_* action of code= */
};

/* One line of any source: a syslog file line (corral's key=value events,
 * `corral[PID]:` or `pam_corral(...)`), an audit.log line
 * (`type=... msg=audit(T:SERIAL): ...`), a /dev/kmsg record or a dmesg
 * line (`audit: type=N audit(T:SERIAL): ...`). year: for syslog's
 * traditional stamp that has none (the current one; a date ahead of now
 * is taken as last year's). 0 with the record (kind DENIAL_NONE when the
 * line is not ours), -EINVAL for a line of ours that is malformed. */
int denial_parse_line(const char *line, int year, time_t now, struct denial_record *out);

/* One line of `journalctl -o json`: corral's events (MESSAGE) and the
 * kernel's audit records (_TRANSPORT=audit, _AUDIT_TYPE, _AUDIT_ID). */
int denial_parse_journal(const char *json, struct denial_record *out);

/* The body of an audit record of type (text after "audit(...): "). */
int denial_parse_audit_body(int type, const char *body, struct denial_record *out);

/* The value of key= in an audit body: a word, a "quoted" string, or the
 * hex the kernel writes for a string with spaces or quotes, decoded. ""
 * when absent. Bytes below 0x20 and 0x7f become '?'. */
void denial_audit_field(const char *body, const char *key, char *out, size_t outlen);

/* Reads min to max (<= 18) decimal digits at p: the end of them, or NULL
 * when there are fewer than min. */
const char *denials_digits(const char *p, int min, int max, long long *out);

/* What a Landlock blocker is as an access of `corralctl why`: "read",
 * "write", "exec", "list", "connect", "bind", "signal", or NULL. */
const char *denial_landlock_op(const char *blockers);

/* --since: "10m", "2h", "3d", "90s", "today", "yesterday", "2026-12-05",
 * "2026-12-05 09:00[:SS]", "09:00" (today), "@EPOCH". Local time. 0 with
 * *out, or -EINVAL. */
int denials_parse_since(const char *text, time_t now, time_t *out);

/* The per-user summary: "alice: 212 denials in 3 sessions, 180 of them
 * write under /srv/course: fs.read corral.ini:27". */
#define DENIALS_SUMMARY_SESSIONS 64 /* sessions told apart per user; more are counted together */
#define DENIALS_SUMMARY_GROUPS 16   /* (op, rule) groups per user */

struct denials_group {
	char op[DENIAL_NAME_MAX];
	char rule[DENIAL_TEXT_MAX];
	char under[DENIAL_TEXT_MAX]; /* the target, or the longest directory every target shares */
	bool mixed;                  /* targets differ: under is their directory */
	size_t count;
};

struct denials_user {
	char user[DENIAL_NAME_MAX];
	size_t count, suppressed;
	char sessions[DENIALS_SUMMARY_SESSIONS][DENIAL_NAME_MAX];
	size_t n_sessions;
	struct denials_group groups[DENIALS_SUMMARY_GROUPS];
	size_t n_groups;
};

struct denials_summary {
	struct denials_user *users;
	size_t count;
};

/* Counts one denial. 0 or -ENOMEM. */
int denials_summary_add(struct denials_summary *s, const char *user, const char *session, const char *op,
			const char *target, const char *rule, bool suppressed);
/* The line of one user (no newline). */
void denials_summary_format(const struct denials_user *u, char *out, size_t outlen);
void denials_summary_free(struct denials_summary *s);

/* Collapsing repeats as corral-helper does (helper/denials.h): a token
 * bucket per session, DENIALS_BURST lines at once, then DENIALS_PER_SECOND. */
#define DENIALS_BURST 20
#define DENIALS_PER_SECOND 5
struct denials_bucket {
	double tokens;
	int64_t last_ms;
	bool started;
};
bool denials_bucket_take(struct denials_bucket *b, int64_t now_ms);

#endif
