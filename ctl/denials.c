/* corralctl denials: every layer's denials read back from the host's logs,
 * each mapped to its user, its session and the rule behind it, then a
 * summary per user. */
#include <errno.h>
#include <getopt.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ctl.h"
#include "denials_parse.h"
#include "denials_read.h"
#include "layers.h"
#include "pathutil.h"
#include "policy.h"
#include "session_record.h"
#include "syscall_filter.h"
#include "users.h"
#include "why.h"

#define DENIALS_USAGE "usage: corralctl denials [-c FILE] [--user U | --session ID] [--since T] [--file LOG]...\n"
#define DENIALS_LINE_MAX 4096
#define CGROUP_LINE_MAX 1024
#define PROC_PATH_MAX 64
#define DENIALS_WHY_MAX 256              /* distinct accesses why_decide answers; the rest by directory */
#define SECCOMP_ACTION_ERRNO 0x00050000U /* SECCOMP_RET_ERRNO in an audit record's code= */

/* What a session is known by: its id, its user, when it ran, the process
 * that made its Landlock domain. */
struct known_session {
	char id[DENIAL_NAME_MAX];
	char user[DENIAL_NAME_MAX];
	long pid; /* the confined child (event=confined pid=) */
	int64_t first_ms, last_ms;
	bool ended, live;
};

/* why_decide's answer for one access, kept. */
struct rule_entry {
	char user[DENIAL_NAME_MAX];
	char op[DENIAL_NAME_MAX];
	char target[DENIAL_TEXT_MAX];
	char rule[DENIAL_TEXT_MAX];
};

/* A user's policy, resolved once: confined or not, and for why_decide. */
struct user_policy {
	char name[DENIAL_NAME_MAX];
	bool resolved, confined;
	struct policy policy;
};

struct denials {
	const char *only_user, *only_session;
	int64_t since_ms;
	struct denial_record *records;
	size_t count, cap;
	struct denial_record *domains; /* the allocated domains, by domain */
	size_t n_domains;
	bool out_of_memory;
	struct known_session *sessions;
	size_t n_sessions;
	struct user_policy *policies;
	size_t n_policies;
	struct config config;
	bool config_ok;
	struct rule_entry *rules; /* DENIALS_WHY_MAX of them */
	size_t n_rules;
	struct host_layers host;
};

/* Order for finding the same record read from two sources (the kernel
 * log and the audit log, the journal and a syslog file). */
static int by_identity(const void *a, const void *b)
{
	const struct denial_record *x = a, *y = b;

	if (x->serial != y->serial)
		return x->serial < y->serial ? -1 : 1;
	if (x->time_ms != y->time_ms)
		return x->time_ms < y->time_ms ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->domain != y->domain)
		return x->domain < y->domain ? -1 : 1;
	return x->syscall < y->syscall ? -1 : x->syscall > y->syscall;
}

/* Drops the kernel's records read twice (same serial, time and content). */
static void drop_duplicates(struct denials *d)
{
	size_t kept = 0;

	qsort(d->records, d->count, sizeof(d->records[0]), by_identity);
	for (size_t i = 0; i < d->count; i++) {
		if (kept && d->records[i].serial && by_identity(&d->records[kept - 1], &d->records[i]) == 0)
			continue;
		d->records[kept++] = d->records[i];
	}
	d->count = kept;
}

static int by_domain(const void *a, const void *b)
{
	const struct denial_record *x = a, *y = b;

	return x->domain < y->domain ? -1 : x->domain > y->domain;
}

/* The allocated-domain records, sorted by domain, for map_denial. 0 or
 * -ENOMEM. */
static int index_domains(struct denials *d)
{
	size_t n = 0;

	for (size_t i = 0; i < d->count; i++)
		n += d->records[i].kind == DENIAL_DOMAIN && !d->records[i].deallocated;
	d->domains = calloc(n ? n : 1, sizeof(*d->domains));
	if (!d->domains)
		return -ENOMEM;
	for (size_t i = 0; i < d->count; i++)
		if (d->records[i].kind == DENIAL_DOMAIN && !d->records[i].deallocated)
			d->domains[d->n_domains++] = d->records[i];
	qsort(d->domains, d->n_domains, sizeof(d->domains[0]), by_domain);
	return 0;
}

static void collect(void *ctx, const struct denial_record *record)
{
	struct denials *d = ctx;

	/* the mapping needs every domain and event; denials only since --since */
	if ((record->kind == DENIAL_HELPER || record->kind == DENIAL_LANDLOCK || record->kind == DENIAL_SECCOMP) &&
	    record->time_ms && record->time_ms < d->since_ms)
		return;
	if (d->count == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 256;
		struct denial_record *grown = realloc(d->records, cap * sizeof(*grown));

		if (!grown) {
			d->out_of_memory = true;
			return;
		}
		d->records = grown;
		d->cap = cap;
	}
	d->records[d->count++] = *record;
}

static struct known_session *session_entry(struct denials *d, const char *id)
{
	struct known_session *grown;

	for (size_t i = 0; i < d->n_sessions; i++)
		if (strcmp(d->sessions[i].id, id) == 0)
			return &d->sessions[i];
	grown = realloc(d->sessions, (d->n_sessions + 1) * sizeof(*grown));
	if (!grown) {
		d->out_of_memory = true;
		return NULL;
	}
	d->sessions = grown;
	memset(&grown[d->n_sessions], 0, sizeof(grown[0]));
	snprintf(grown[d->n_sessions].id, sizeof(grown[0].id), "%s", id);
	grown[d->n_sessions].pid = DENIAL_UNKNOWN;
	return &grown[d->n_sessions++];
}

/* The sessions corral's own lines and the live records name. */
static void learn_sessions(struct denials *d)
{
	struct strlist ids;

	for (size_t i = 0; i < d->count; i++) {
		const struct denial_record *r = &d->records[i];
		struct known_session *s;

		if ((r->kind != DENIAL_EVENT && r->kind != DENIAL_HELPER) || !session_id_is_valid(r->session))
			continue;
		s = session_entry(d, r->session);
		if (!s)
			return;
		if (!s->user[0])
			snprintf(s->user, sizeof(s->user), "%s", r->user);
		if (strcmp(r->event, "confined") == 0 && r->pid > 0)
			s->pid = r->pid;
		if (r->time_ms && (!s->first_ms || r->time_ms < s->first_ms))
			s->first_ms = r->time_ms;
		if (r->time_ms > s->last_ms)
			s->last_ms = r->time_ms;
		if (strcmp(r->event, "session-end") == 0 || strcmp(r->event, "session-close") == 0)
			s->ended = true;
	}
	strlist_init(&ids);
	if (session_record_list(SESSION_RUN_DIR, &ids) == 0) {
		for (size_t i = 0; i < ids.count; i++) {
			char err[SESSION_RECORD_ERR_MAX];
			struct session_record rec;
			struct known_session *s;

			session_record_init(&rec);
			if (session_record_read(SESSION_RUN_DIR, ids.items[i], &rec, err, sizeof(err)) == 0 &&
			    (s = session_entry(d, rec.id)) != NULL) {
				snprintf(s->user, sizeof(s->user), "%s", rec.user);
				s->live = session_record_is_live(&rec);
				if (!s->first_ms || rec.started * 1000 < s->first_ms)
					s->first_ms = rec.started * 1000;
			}
			session_record_free(&rec);
		}
	}
	strlist_free(&ids);
}

/* A live process's session: its cgroup is named after the session
 * (/corral/ID, corral-ID.scope). Empty when it is gone or not in one. */
static void session_of_live_pid(long pid, char *out, size_t outlen)
{
	char path[PROC_PATH_MAX], line[CGROUP_LINE_MAX];
	FILE *f;

	out[0] = '\0';
	if (pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%ld/cgroup", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (!out[0] && fgets(line, sizeof(line), f)) {
		for (char *p = strstr(line, "corral"); p && !out[0]; p = strstr(p + 1, "corral")) {
			char id[SESSION_ID_LEN + 1];
			const char *start = p + strlen("corral");

			if (*start != '/' && *start != '-')
				continue;
			snprintf(id, sizeof(id), "%s", start + 1);
			if (session_id_is_valid(id))
				snprintf(out, outlen, "%s", id);
		}
	}
	fclose(f);
}

/* Was session s of this user open at time t? Syslog's stamps are whole
 * seconds: its first and last ones may be up to a second off. */
static bool session_open_at(const struct known_session *s, const char *user, int64_t t)
{
	if (strcmp(s->user, user) != 0 || !s->first_ms || t < s->first_ms - 1000)
		return false;
	return !(s->ended && !s->live && t >= s->last_ms + 1000);
}

/* The session whose Landlock domain this pid created, open when the record
 * was made: pids are reused, and the kernel's log keeps older records. */
static const struct known_session *session_by_pid(const struct denials *d, long pid, const char *user, int64_t t)
{
	for (size_t i = 0; pid > 0 && i < d->n_sessions; i++)
		if (d->sessions[i].pid == pid && (!t || session_open_at(&d->sessions[i], user, t)))
			return &d->sessions[i];
	return NULL;
}

/* The one session of user open at time t, or NULL when none or several. */
static const struct known_session *session_by_time(const struct denials *d, const char *user, int64_t t)
{
	const struct known_session *found = NULL;

	for (size_t i = 0; i < d->n_sessions; i++) {
		const struct known_session *s = &d->sessions[i];

		/* by time alone only from the session's first stamp on: the
		 * second of slack is for a record whose pid names the session */
		if (!session_open_at(s, user, t) || t < s->first_ms)
			continue;
		if (found)
			return NULL;
		found = s;
	}
	return found;
}

static struct user_policy *policy_of(struct denials *d, const char *name)
{
	char err[POLICY_ERR_MAX];
	struct user_policy *grown, *p;
	struct user_info user;

	for (size_t i = 0; i < d->n_policies; i++)
		if (strcmp(d->policies[i].name, name) == 0)
			return &d->policies[i];
	grown = realloc(d->policies, (d->n_policies + 1) * sizeof(*grown));
	if (!grown) {
		d->out_of_memory = true;
		return NULL;
	}
	d->policies = grown;
	p = &grown[d->n_policies++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (!d->config_ok || user_info_by_name(name, &user) < 0)
		return p;
	if (policy_resolve(&d->config, &user, &p->policy, err, sizeof(err)) == 0) {
		p->resolved = true;
		p->confined = p->policy.confine && !p->policy.exempt;
	}
	user_info_free(&user);
	return p;
}

static void user_name(long uid, char *out, size_t outlen)
{
	struct user_info user;

	out[0] = '\0';
	if (uid < 0 || user_info_by_uid_basic((uid_t)uid, &user) < 0)
		return;
	snprintf(out, outlen, "%s", user.name);
	user_info_free(&user);
}

/* "fs.read corral.ini:3": the first rule why names, with its file's base
 * name and line. */
static void rule_text(const struct why_answer *a, char *out, size_t outlen)
{
	out[0] = '\0';
	for (size_t i = 0; i < a->n_rules; i++) {
		char origin[WHY_TEXT_MAX];
		const char *base;

		if (!a->rules[i].key[0])
			continue;
		snprintf(origin, sizeof(origin), "%s", a->rules[i].origin);
		origin[strcspn(origin, " ")] = '\0';
		base = strrchr(origin, '/');
		snprintf(out, outlen, "%s%s%s", a->rules[i].key, origin[0] ? " " : "", base ? base + 1 : origin);
		return;
	}
}

/* Is (user, op, target) answered already, or with same_dir an access of
 * the user's in the same directory? Copies its rule into r. */
static bool rule_cached(const struct denials *d, struct denial_record *r, const char *target, bool same_dir)
{
	const char *slash = strrchr(target, '/');
	size_t dirlen = slash ? (size_t)(slash - target) + 1 : 0;

	for (size_t i = 0; i < d->n_rules; i++) {
		const struct rule_entry *e = &d->rules[i];

		if (strcmp(e->user, r->user) != 0 || strcmp(e->op, r->op) != 0)
			continue;
		if (same_dir ? (dirlen && strncmp(e->target, target, dirlen) == 0 && !strchr(e->target + dirlen, '/'))
			     : strcmp(e->target, target) == 0) {
			snprintf(r->rule, sizeof(r->rule), "%s", e->rule);
			return true;
		}
	}
	return false;
}

static void rule_remember(struct denials *d, const struct denial_record *r, const char *target)
{
	struct rule_entry *e;

	if (d->n_rules == DENIALS_WHY_MAX)
		return;
	e = &d->rules[d->n_rules++];
	snprintf(e->user, sizeof(e->user), "%s", r->user);
	snprintf(e->op, sizeof(e->op), "%s", r->op);
	snprintf(e->target, sizeof(e->target), "%s", target);
	snprintf(e->rule, sizeof(e->rule), "%s", r->rule);
}

/* The rule behind one denial, as the current config has it. */
static void find_rule(struct denials *d, struct user_policy *p, struct denial_record *r)
{
	struct why_answer *answer;
	enum why_op op;
	char target[DENIAL_TEXT_MAX];

	if (r->kind == DENIAL_SECCOMP) {
		/* the record has the action, not its errno: corral's table has it
		 * (clone's namespace flags and the terminal ioctls are EPERM) */
		if (r->action == SECCOMP_ACTION_ERRNO && !r->error)
			r->error = EPERM;
		for (size_t i = 0; i < syscall_denials_count; i++)
			if (strcmp(syscall_denials[i].name, r->op) == 0) {
				if (r->action == SECCOMP_ACTION_ERRNO)
					r->error = syscall_denials[i].error;
				snprintf(r->rule, sizeof(r->rule), "corral's seccomp filter: %s",
					 syscall_denials[i].why);
				return;
			}
		snprintf(r->rule, sizeof(r->rule), "corral's seccomp filter");
		return;
	}
	if (!p || !p->resolved || why_op_parse(r->op, &op) < 0)
		return;
	snprintf(target, sizeof(target), "%s", op == WHY_SIGNAL ? "outside" : r->target);
	/* why_decide looks at the filesystem as the user (a process each
	 * time): once per access, and for DENIALS_WHY_MAX of them at most;
	 * past that, the rule of an access in the same directory */
	if (rule_cached(d, r, target, false) || (d->n_rules == DENIALS_WHY_MAX && rule_cached(d, r, target, true)) ||
	    d->n_rules == DENIALS_WHY_MAX)
		return;
	answer = calloc(1, sizeof(*answer));
	if (!answer) {
		d->out_of_memory = true;
		return;
	}
	if (why_decide(&p->policy, &d->host, op, target, answer) == 0 && !answer->allowed)
		rule_text(answer, r->rule, sizeof(r->rule));
	free(answer);
	rule_remember(d, r, target);
}

/* User, session and rule of one denial; false when it is no corral
 * session's (another program's Landlock domain or seccomp filter). */
static bool map_denial(struct denials *d, struct denial_record *r)
{
	const struct known_session *s = NULL;
	struct user_policy *p;

	if (r->kind == DENIAL_LANDLOCK) {
		/* the domain's creator is the session's first process */
		const struct denial_record *creator = bsearch(r, d->domains, d->n_domains, sizeof(d->domains[0]),
							      by_domain);

		if (creator) {
			r->pid = creator->pid;
			r->uid = creator->uid;
		}
	}
	if (r->kind == DENIAL_SECCOMP) {
		char *name = seccomp_syscall_resolve_num_arch(r->arch, (int)r->syscall);

		if (name)
			snprintf(r->op, sizeof(r->op), "%s", name);
		free(name);
	}
	if (r->kind != DENIAL_HELPER)
		user_name(r->uid, r->user, sizeof(r->user));
	if (!r->user[0])
		return false;
	if (!r->session[0]) {
		char live[DENIAL_NAME_MAX];

		s = session_by_pid(d, r->pid, r->user, r->time_ms);
		session_of_live_pid(r->pid, live, sizeof(live));
		for (size_t i = 0; !s && live[0] && i < d->n_sessions; i++)
			if (strcmp(d->sessions[i].id, live) == 0 && r->time_ms &&
			    !session_open_at(&d->sessions[i], r->user, r->time_ms))
				live[0] = '\0'; /* the pid is another process now */
		if (!s && live[0])
			snprintf(r->session, sizeof(r->session), "%s", live);
		if (!s && !live[0])
			s = session_by_time(d, r->user, r->time_ms);
		if (s)
			snprintf(r->session, sizeof(r->session), "%s", s->id);
	}
	p = policy_of(d, r->user);
	if (!r->session[0] && !(p && p->confined))
		return false;
	if (r->kind != DENIAL_HELPER || !r->rule[0])
		find_rule(d, p, r);
	else {
		char rule[DENIAL_TEXT_MAX];

		snprintf(rule, sizeof(rule), "%s", r->rule);
		r->rule[0] = '\0';
		find_rule(d, p, r);
		if (!r->rule[0])
			snprintf(r->rule, sizeof(r->rule), "%s", rule);
	}
	return true;
}

static const char *layer_name(const struct denial_record *r)
{
	switch (r->kind) {
	case DENIAL_LANDLOCK:
		return "landlock";
	case DENIAL_SECCOMP:
		return "seccomp";
	default:
		return "helper";
	}
}

static const char *errno_name(int error)
{
	static const struct {
		int error;
		const char *name;
	} names[] = { { EACCES, "EACCES" },
		      { EPERM, "EPERM" },
		      { ENOSYS, "ENOSYS" },
		      { EROFS, "EROFS" },
		      { ECONNREFUSED, "ECONNREFUSED" },
		      { ENETUNREACH, "ENETUNREACH" },
		      { EAFNOSUPPORT, "EAFNOSUPPORT" },
		      { EPROTONOSUPPORT, "EPROTONOSUPPORT" } };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].error == error)
			return names[i].name;
	return error ? "error" : "killed";
}

static int by_time(const void *a, const void *b)
{
	const struct denial_record *x = a, *y = b;

	if (x->time_ms != y->time_ms)
		return x->time_ms < y->time_ms ? -1 : 1;
	return x->serial < y->serial ? -1 : x->serial > y->serial;
}

static void print_denial(const struct denial_record *r)
{
	char when[32] = "-";
	time_t t = (time_t)(r->time_ms / 1000);
	struct tm tm;

	if (r->time_ms && localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	printf("%s %s %s %s %s %s%s%s %s", when, r->user, r->session[0] ? r->session : "-", layer_name(r), r->op,
	       strchr(r->target, ' ') || !r->target[0] ? "\"" : "", r->target,
	       strchr(r->target, ' ') || !r->target[0] ? "\"" : "", errno_name(r->error));
	if (r->error && strcmp(errno_name(r->error), "error") == 0)
		printf("(%d)", r->error);
	printf(" %s\n", r->rule[0] ? r->rule : "-");
}

struct session_bucket {
	char id[DENIAL_NAME_MAX];
	struct denials_bucket bucket;
};

/* Prints the denials that pass the filters, collapsing repeats per
 * session as corral-helper does, and sums them up per user. */
static int report(struct denials *d)
{
	struct session_bucket *buckets = NULL;
	struct denials_summary summary = { 0 };
	char line[DENIALS_LINE_MAX];
	size_t n_buckets = 0, shown = 0;
	int r = 0;

	qsort(d->records, d->count, sizeof(d->records[0]), by_time);
	for (size_t i = 0; i < d->count && r == 0; i++) {
		struct denial_record *rec = &d->records[i];
		struct session_bucket *b = NULL;
		bool show;

		if (rec->kind != DENIAL_HELPER && rec->kind != DENIAL_LANDLOCK && rec->kind != DENIAL_SECCOMP)
			continue;
		if (rec->time_ms && rec->time_ms < d->since_ms)
			continue;
		if (!map_denial(d, rec))
			continue;
		if ((d->only_user && strcmp(rec->user, d->only_user) != 0) ||
		    (d->only_session && strncmp(rec->session, d->only_session, strlen(d->only_session)) != 0))
			continue;
		for (size_t j = 0; j < n_buckets && !b; j++)
			if (strcmp(buckets[j].id, rec->session) == 0)
				b = &buckets[j];
		if (!b) {
			struct session_bucket *grown = realloc(buckets, (n_buckets + 1) * sizeof(*grown));

			if (!grown) {
				r = -ENOMEM;
				break;
			}
			buckets = grown;
			b = &buckets[n_buckets++];
			memset(b, 0, sizeof(*b));
			snprintf(b->id, sizeof(b->id), "%s", rec->session);
		}
		show = denials_bucket_take(&b->bucket, rec->time_ms);
		if (show) {
			print_denial(rec);
			shown++;
		}
		r = denials_summary_add(&summary, rec->user, rec->session[0] ? rec->session : "-", rec->op, rec->target,
					rec->rule, !show);
	}
	if (summary.count)
		printf("--\n");
	for (size_t i = 0; i < summary.count; i++) {
		denials_summary_format(&summary.users[i], line, sizeof(line));
		printf("%s\n", line);
	}
	if (!summary.count)
		printf("no denials%s\n", d->since_ms ? " in that time" : "");
	denials_summary_free(&summary);
	free(buckets);
	return r;
}

int ctl_denials(int argc, char **argv)
{
	static const struct option longopts[] = { { "user", required_argument, NULL, 'u' },
						  { "session", required_argument, NULL, 's' },
						  { "since", required_argument, NULL, 'S' },
						  { "file", required_argument, NULL, 'f' },
						  { NULL, 0, NULL, 0 } };
	char sources[DENIALS_SOURCES_MAX], skipped[DENIALS_SOURCES_MAX];
	struct denials d = { 0 };
	const char *config_path = NULL;
	struct strlist files;
	int opt, r, status = CTL_EXIT_OK;
	time_t since;

	strlist_init(&files);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+c:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config_path = optarg;
			break;
		case 'u':
			d.only_user = optarg;
			break;
		case 's':
			d.only_session = optarg;
			break;
		case 'S':
			if (denials_parse_since(optarg, time(NULL), &since) < 0) {
				fprintf(stderr,
					"corralctl denials: --since '%s': not a time (10m, 2h, today, 2026-12-05 09:00)\n",
					optarg);
				goto usage;
			}
			d.since_ms = (int64_t)since * 1000;
			break;
		case 'f':
			if (strlist_append(&files, optarg) < 0)
				goto oom;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc || (d.only_user && d.only_session))
		goto usage;
	d.config_ok = config_load(config_path, &d.config) == 0;
	if (!d.config_ok)
		fprintf(stderr, "corralctl denials: %s is invalid: no rules are named (corralctl check)\n",
			config_path ? config_path : CONFIG_DEFAULT_PATH);
	host_layers_probe(0, true, true, &d.host);
	r = denials_read_all(&files, collect, &d, sources, skipped, sizeof(sources));
	if (r < 0 || d.out_of_memory)
		goto oom;
	fprintf(stderr, "corralctl denials: read %s\n", sources[0] ? sources : "nothing");
	if (skipped[0])
		fprintf(stderr, "corralctl denials: could not read %s\n", skipped);
	drop_duplicates(&d);
	d.rules = calloc(DENIALS_WHY_MAX, sizeof(*d.rules));
	if (!d.rules || index_domains(&d) < 0)
		goto oom;
	learn_sessions(&d);
	if (report(&d) < 0 || d.out_of_memory)
		goto oom;
	goto out;
oom:
	fputs("corralctl denials: out of memory\n", stderr);
	status = CTL_EXIT_INVALID;
	goto out;
usage:
	fputs(DENIALS_USAGE, stderr);
	status = CTL_EXIT_USAGE;
out:
	for (size_t i = 0; i < d.n_policies; i++)
		if (d.policies[i].resolved)
			policy_free(&d.policies[i].policy);
	free(d.policies);
	free(d.sessions);
	free(d.rules);
	free(d.domains);
	free(d.records);
	config_free(&d.config);
	strlist_free(&files);
	return status;
}
