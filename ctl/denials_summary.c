/* The per-user summary of corralctl denials, and the token bucket that
 * collapses repeats (see denials_parse.h). Pure. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "denials_parse.h"

bool denials_bucket_take(struct denials_bucket *b, int64_t now_ms)
{
	if (!b->started) {
		b->started = true;
		b->tokens = DENIALS_BURST;
		b->last_ms = now_ms;
	}
	if (now_ms > b->last_ms) {
		b->tokens += (double)(now_ms - b->last_ms) * DENIALS_PER_SECOND / 1000.0;
		if (b->tokens > DENIALS_BURST)
			b->tokens = DENIALS_BURST;
		b->last_ms = now_ms;
	}
	if (b->tokens < 1.0)
		return false;
	b->tokens -= 1.0;
	return true;
}

/* The directory part two paths share ("/srv/course/a/x", "/srv/course/b"
 * -> "/srv/course"), in place in common. Targets that are no paths (an
 * address, a call) stay whole while they are equal, and empty after. */
static void share_prefix(char *common, const char *target)
{
	size_t n = 0, cut = 0;

	if (strcmp(common, target) == 0)
		return;
	if (common[0] != '/' || target[0] != '/') {
		common[0] = '\0';
		return;
	}
	while (common[n] && common[n] == target[n]) {
		if (common[n] == '/')
			cut = n;
		n++;
	}
	/* "/srv/course" against "/srv/course/x": all of the shorter one */
	if ((!common[n] && target[n] == '/') || (!target[n] && common[n] == '/'))
		cut = n;
	common[cut == 0 ? 1 : cut] = '\0';
}

static struct denials_user *user_entry(struct denials_summary *s, const char *user)
{
	struct denials_user *users;

	for (size_t i = 0; i < s->count; i++)
		if (strcmp(s->users[i].user, user) == 0)
			return &s->users[i];
	users = realloc(s->users, (s->count + 1) * sizeof(*users));
	if (!users)
		return NULL;
	s->users = users;
	memset(&users[s->count], 0, sizeof(users[0]));
	snprintf(users[s->count].user, sizeof(users[0].user), "%s", user);
	return &users[s->count++];
}

int denials_summary_add(struct denials_summary *s, const char *user, const char *session, const char *op,
			const char *target, const char *rule, bool suppressed)
{
	struct denials_user *u = user_entry(s, user);
	struct denials_group *g = NULL;
	bool known = false;

	if (!u)
		return -ENOMEM;
	u->count++;
	u->suppressed += suppressed;
	known = !session[0] || strcmp(session, "-") == 0; /* not one the records name */
	for (size_t i = 0; i < u->n_sessions && !known; i++)
		known = strcmp(u->sessions[i], session) == 0;
	if (!known && u->n_sessions < DENIALS_SUMMARY_SESSIONS)
		snprintf(u->sessions[u->n_sessions++], sizeof(u->sessions[0]), "%s", session);
	for (size_t i = 0; i < u->n_groups && !g; i++)
		if (strcmp(u->groups[i].op, op) == 0 && strcmp(u->groups[i].rule, rule) == 0)
			g = &u->groups[i];
	if (!g) {
		if (u->n_groups == DENIALS_SUMMARY_GROUPS)
			return 0; /* the biggest groups come early; the rest still count above */
		g = &u->groups[u->n_groups++];
		snprintf(g->op, sizeof(g->op), "%s", op);
		snprintf(g->rule, sizeof(g->rule), "%s", rule);
		snprintf(g->under, sizeof(g->under), "%s", target);
	} else if (strcmp(g->under, target) != 0) {
		g->mixed = true;
		share_prefix(g->under, target);
	}
	g->count++;
	return 0;
}

void denials_summary_format(const struct denials_user *u, char *out, size_t outlen)
{
	const struct denials_group *top = NULL;
	int n;

	for (size_t i = 0; i < u->n_groups; i++)
		if (!top || u->groups[i].count > top->count)
			top = &u->groups[i];
	n = snprintf(out, outlen, "%s: %zu denial%s", u->user, u->count, u->count == 1 ? "" : "s");
	if (n > 0 && (size_t)n < outlen && u->n_sessions)
		n += snprintf(out + n, outlen - (size_t)n, " in %zu%s session%s", u->n_sessions,
			      u->n_sessions == DENIALS_SUMMARY_SESSIONS ? " or more" : "",
			      u->n_sessions == 1 ? "" : "s");
	if (n < 0 || (size_t)n >= outlen || !top)
		return;
	n += snprintf(out + n, outlen - (size_t)n, ", %zu of them %s%s%s: %s", top->count, top->op,
		      top->under[0] ? (top->mixed ? " under " : " ") : "", top->under,
		      top->rule[0] ? top->rule : "(no rule named)");
	if (n > 0 && (size_t)n < outlen && u->suppressed)
		snprintf(out + n, outlen - (size_t)n, " (%zu not shown: rate limit)", u->suppressed);
}

void denials_summary_free(struct denials_summary *s)
{
	free(s->users);
	s->users = NULL;
	s->count = 0;
}
