/* corral-helper's side of live changes: the session's live file, read
 * when corralctl apply rewrites it, and decisions that every policy in it
 * (and the one the session began with) must allow. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <syslog.h>
#include <unistd.h>

#include "helper.h"
#include "live.h"
#include "log.h"
#include "policy_text.h"
#include "sock_owner.h"

#define LIVE_EVENTS_MAX 4096

void live_free(struct live_policies *live)
{
	for (size_t i = 0; i < live->count; i++) {
		policy_free(live->items[i]);
		free(live->items[i]);
	}
	live->count = 0;
}

static void reload(struct helper *h)
{
	char err[SESSION_RECORD_ERR_MAX], why[SESSION_LIVE_REASON_MAX + 64];
	struct live_policies next = { .watch_fd = h->live.watch_fd };
	uint64_t max_time = 0, idle = 0;
	struct session_live file;
	int r;

	r = session_live_read(SESSION_RUN_DIR, h->session, &file, err, sizeof(err));
	if (r < 0) {
		if (r != -ENOENT)
			corral_log(LOG_ERR, "user=%s session=%s event=live-refused reason=\"%s\"", h->policy.user,
				   h->session, err);
		return;
	}
	for (size_t i = 0; i < file.count && r == 0; i++) {
		struct policy *p = calloc(1, sizeof(*p));

		if (!p) {
			r = -ENOMEM;
			break;
		}
		r = policy_text_read(file.texts[i], file.lens[i], p, err, sizeof(err));
		if (r < 0) {
			free(p);
			break;
		}
		next.roles[next.count] = file.roles[i];
		next.items[next.count++] = p;
		if (policy_is_set(p, KEY_SESSION_MAX_TIME) && (!max_time || p->number[KEY_SESSION_MAX_TIME] < max_time))
			max_time = p->number[KEY_SESSION_MAX_TIME];
		if (policy_is_set(p, KEY_SESSION_IDLE_TIMEOUT) && (!idle || p->number[KEY_SESSION_IDLE_TIMEOUT] < idle))
			idle = p->number[KEY_SESSION_IDLE_TIMEOUT];
	}
	if (r < 0) {
		/* an unreadable change keeps what was in force: it only ever narrowed */
		corral_log(LOG_ERR, "user=%s session=%s event=live-refused reason=\"%s\"", h->policy.user, h->session,
			   err);
		live_free(&next);
		session_live_free(&file);
		return;
	}
	live_free(&h->live);
	h->live = next;
	snprintf(why, sizeof(why), "the session's policy changed (%s)", file.reason[0] ? file.reason : "narrowed");
	supervisor_narrow(&h->supervisor, max_time, idle, (time_t)file.ends, why);
	corral_log(LOG_NOTICE, "user=%s session=%s event=live-applied policies=%zu windows=\"%s\"", h->policy.user,
		   h->session, h->live.count, file.windows);
	session_live_free(&file);
}

/* The session's record, which corralctl apply touches (false: no session id). */
static bool record_path(const struct helper *h, char *out, size_t outlen)
{
	if (!h->session || !session_id_is_valid(h->session))
		return false;
	return snprintf(out, outlen, "%s/%s/%s", SESSION_RUN_DIR, SESSION_RECORD_SUBDIR, h->session) < (int)outlen;
}

void live_start(struct helper *h)
{
	char record[PATH_MAX];

	h->live.watch_fd = -1;
	if (!record_path(h, record, sizeof(record)))
		return;
	/* corralctl apply writes ID.live, then touches the record. Not a watch
	 * on the directory: adding one walks every entry the kernel keeps
	 * cached for it, the names of all sessions that ever ended there
	 * included: a cost every login pays that grows with every session the
	 * host has had (0.6 to 2 ms here after a day of tests) */
	h->live.watch_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (h->live.watch_fd >= 0 && inotify_add_watch(h->live.watch_fd, record, IN_ATTRIB) < 0) {
		close(h->live.watch_fd);
		h->live.watch_fd = -1;
	}
	reload(h);
}

void live_on_event(struct helper *h)
{
	char buf[LIVE_EVENTS_MAX] __attribute__((aligned(__alignof__(struct inotify_event))));
	char record[PATH_MAX];
	bool touched = false;
	ssize_t n;

	while ((n = read(h->live.watch_fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off + (ssize_t)sizeof(struct inotify_event) <= n;) {
			const struct inotify_event *e = (const struct inotify_event *)(buf + off);

			touched |= (e->mask & IN_ATTRIB) != 0;
			off += (ssize_t)sizeof(*e) + e->len;
		}
	}
	/* unlinking the record at logout is an IN_ATTRIB too (its link count):
	 * a lingering session's helper has nothing new to read then */
	if (touched && record_path(h, record, sizeof(record)) &&
	    faccessat(AT_FDCWD, record, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		reload(h);
}

/* One question to one policy: true when it allows; a refusal's rule is
 * left in the question. */
struct question {
	bool (*allows)(const struct policy *p, struct question *q);
	enum net_proto proto;
	const struct net_addr *addr;
	uint16_t port;
	bool (*is_local)(void *data);
	void *data;
	int local; /* -1: not asked yet (it costs a socket and a bind) */
	const char *path;
	struct netpolicy_result result;
};

/* The login's policy until root writes a live file; then the current
 * policy must allow, and every ceiling, or the grants where a ceiling
 * does not. The first refusal's rule is the answer's. */
static bool ask(struct helper *h, struct question *q)
{
	struct netpolicy_result refusal;
	int grants = -1;

	if (!h->live.count)
		return q->allows(&h->policy, q);
	for (size_t i = 0; i < h->live.count; i++) {
		if (h->live.roles[i] == SESSION_LIVE_GRANTS || q->allows(h->live.items[i], q))
			continue;
		if (h->live.roles[i] == SESSION_LIVE_CURRENT)
			return false;
		refusal = q->result;
		if (grants < 0) {
			grants = 0;
			for (size_t g = 0; g < h->live.count && !grants; g++)
				grants = h->live.roles[g] == SESSION_LIVE_GRANTS && q->allows(h->live.items[g], q);
		}
		if (!grants) {
			q->result = refusal;
			return false;
		}
	}
	q->result.verdict = NETPOLICY_ALLOW;
	return true;
}

static bool inet_allows(const struct policy *p, struct question *q)
{
	if (netpolicy_local_matters(p, q->proto, q->addr, q->port) &&
	    (q->local < 0 ? (q->local = q->is_local(q->data)) : q->local))
		netpolicy_decide_local(p, q->proto, q->addr, q->port, &q->result);
	else
		netpolicy_decide(p, q->proto, q->addr, q->port, &q->result);
	if (q->result.verdict == NETPOLICY_IF_OWN_LISTENER) {
		uid_t owner = 0;
		int lookup = sock_owner_of_listener(q->proto, q->addr, q->port, &owner);

		netpolicy_decide_listener(p, lookup, owner, &q->result);
	}
	return q->result.verdict == NETPOLICY_ALLOW;
}

void live_decide_inet(struct helper *h, enum net_proto proto, const struct net_addr *addr, uint16_t port,
		      bool (*is_local)(void *data), void *data, struct netpolicy_result *out)
{
	struct question q = { .allows = inet_allows,
			      .proto = proto,
			      .addr = addr,
			      .port = port,
			      .is_local = is_local,
			      .data = data,
			      .local = -1 };

	ask(h, &q);
	*out = q.result;
}

static bool unix_allows(const struct policy *p, struct question *q)
{
	bool ok = netpolicy_unix_allowed(p, q->path, q->result.rule, sizeof(q->result.rule));

	q->result.verdict = ok ? NETPOLICY_ALLOW : NETPOLICY_REFUSE;
	return ok;
}

bool live_unix_allowed(struct helper *h, const char *real_path, char *rule, size_t rulelen)
{
	struct question q = { .allows = unix_allows, .path = real_path };
	bool ok = ask(h, &q);

	snprintf(rule, rulelen, "%s", q.result.rule);
	return ok;
}

static bool abstract_allows(const struct policy *p, struct question *q)
{
	bool ok = netpolicy_abstract_unix_allowed(p, q->result.rule, sizeof(q->result.rule));

	q->result.verdict = ok ? NETPOLICY_ALLOW : NETPOLICY_REFUSE;
	return ok;
}

bool live_abstract_unix_allowed(struct helper *h, char *rule, size_t rulelen)
{
	struct question q = { .allows = abstract_allows };
	bool ok = ask(h, &q);

	snprintf(rule, rulelen, "%s", q.result.rule);
	return ok;
}

static bool bind_allows(const struct policy *p, struct question *q)
{
	netpolicy_decide_bind(p, q->port, &q->result);
	return q->result.verdict == NETPOLICY_ALLOW;
}

void live_decide_bind(struct helper *h, uint16_t port, struct netpolicy_result *out)
{
	struct question q = { .allows = bind_allows, .port = port };

	ask(h, &q);
	*out = q.result;
}
