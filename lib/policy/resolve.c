/* Resolution of a user's effective policy from the config sections:
 * [default], the user's groups in file order, [user:NAME], the user's
 * grants, then the windows open at that instant. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grants.h"
#include "netpolicy.h"
#include "pathutil.h"
#include "policy.h"

#define ORIGIN_MAX (PATHUTIL_PATH_MAX + 400)
#define GRANT_UNTIL_MAX 32

/* 1 when the section names the user or one of the user's groups. */
static int section_matches(const struct config_section *s, const struct user_info *user)
{
	gid_t gid;
	int r;

	switch (s->kind) {
	case SECTION_DEFAULT:
		return 1;
	case SECTION_USER:
		return strcmp(s->target, user->name) == 0;
	case SECTION_GROUP:
		r = group_gid_by_name(s->target, &gid);
		if (r == -ENOENT)
			return 0;
		if (r < 0)
			return r;
		return user_has_gid(user, gid);
	default:
		return 0;
	}
}

int policy_window_applies(const struct config_section *s, const struct user_info *user)
{
	if (s->kind != SECTION_WINDOW || !s->window)
		return 0;
	for (size_t i = 0; i < s->window->applies.count; i++) {
		const char *item = s->window->applies.items[i];
		gid_t gid;
		int r;

		if (strncmp(item, "user:", 5) == 0 && strcmp(item + 5, user->name) == 0)
			return 1;
		if (strncmp(item, "group:", 6) != 0)
			continue;
		/* like a [group:G] section: through NSS, an unknown group matches nobody */
		r = group_gid_by_name(item + 6, &gid);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		if (user_has_gid(user, gid))
			return 1;
	}
	return 0;
}

int policy_user_is_exempt(const struct config *config, const struct user_info *user)
{
	if (strlist_contains(&config->exempt_users, user->name))
		return 1;
	for (size_t i = 0; i < config->exempt_groups.count; i++) {
		gid_t gid;
		int r = group_gid_by_name(config->exempt_groups.items[i], &gid);

		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		if (user_has_gid(user, gid))
			return 1;
	}
	return 0;
}

/* Removes item from a setting's list, with its origin. */
static void remove_item(struct policy_setting *dst, const char *item)
{
	size_t kept = 0;

	for (size_t i = 0; i < dst->items.count; i++) {
		if (strcmp(dst->items.items[i], item) == 0) {
			free(dst->items.items[i]);
			if (i < dst->item_origins.count)
				free(dst->item_origins.items[i]);
			continue;
		}
		dst->items.items[kept] = dst->items.items[i];
		if (i < dst->item_origins.count)
			dst->item_origins.items[kept] = dst->item_origins.items[i];
		kept++;
	}
	dst->items.count = kept;
	if (dst->item_origins.count > kept)
		dst->item_origins.count = kept;
}

/* The canonical text of each item for the policy's user; where names the
 * line or grant in a failure. */
static int canonical_items(const struct policy *policy, const struct key_info *info, const struct strlist *items,
			   const char *where, struct strlist *out, char *err, size_t errlen)
{
	char item[PATHUTIL_PATH_MAX], why[POLICY_ERR_MAX];

	for (size_t i = 0; i < items->count; i++) {
		int r = key_canonical_item(info, items->items[i], policy->user, policy->home, item, sizeof(item), why,
					   sizeof(why));
		if (r < 0) {
			snprintf(err, errlen, "%s: key '%s': %s", where, info->name, r == -EINVAL ? why : strerror(-r));
			return r;
		}
		r = strlist_append(out, item);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Puts canonical items into dst by op; origin is "[section] file:line" or
 * "grant ...", prefixed '+' / '-' for list edits. */
static int merge_items(struct policy_setting *dst, enum list_op op, struct strlist *canonical, const char *origin)
{
	const char *bare = origin + (origin[0] == '+' || origin[0] == '-');
	int r = 0;

	if (op == LIST_SET) {
		strlist_free(&dst->items);
		strlist_free(&dst->origins);
		strlist_free(&dst->item_origins);
		dst->items = *canonical;
		strlist_init(canonical);
		dst->set = true;
		for (size_t i = 0; i < dst->items.count && r == 0; i++)
			r = strlist_append(&dst->item_origins, bare);
	} else if (op == LIST_APPEND) {
		for (size_t i = 0; i < canonical->count && r == 0; i++) {
			if (strlist_contains(&dst->items, canonical->items[i]))
				continue;
			r = strlist_append(&dst->items, canonical->items[i]);
			if (r == 0)
				r = strlist_append(&dst->item_origins, bare);
		}
		dst->set = true;
	} else {
		/* removing from a list nobody set leaves it unset: an unset
		 * net.connect means "no allow list", an empty one "no egress" */
		for (size_t i = 0; i < canonical->count; i++)
			remove_item(dst, canonical->items[i]);
	}
	if (r == 0)
		r = strlist_append(&dst->origins, origin);
	return r;
}

/* Applies one setting of a matching section to the policy. */
static int apply_setting(struct policy *policy, const struct config_section *section,
			 const struct config_setting *setting, char *err, size_t errlen)
{
	const struct key_info *info = key_info((enum policy_key)setting->key);
	char origin[ORIGIN_MAX], where[ORIGIN_MAX];
	struct strlist canonical;
	int r;

	strlist_init(&canonical);
	snprintf(where, sizeof(where), "%s:%u", section->file, setting->line);
	r = canonical_items(policy, info, &setting->items, where, &canonical, err, errlen);
	if (r < 0)
		goto out;
	snprintf(origin, sizeof(origin), "%s[%s] %s:%u",
		 setting->op == LIST_APPEND           ? "+"
			 : setting->op == LIST_REMOVE ? "-"
						      : "",
		 section->name, section->file, setting->line);
	r = merge_items(&policy->settings[setting->key], setting->op, &canonical, origin);
out:
	strlist_free(&canonical);
	return r;
}

/* Is g one of user's grants still running at now? */
static bool grant_is_live(const struct grant *g, const struct user_info *user, time_t now)
{
	return g->user && strcmp(g->user, user->name) == 0 && g->expires > now;
}

/* One grant: its values appended to its key like a '+' line (a scalar
 * key takes its one value). A grant cannot name what only a [group:]
 * section may set. */
static int apply_grant(struct policy *policy, const struct grant *g, char *err, size_t errlen)
{
	const struct key_info *info = key_info(g->key);
	char origin[ORIGIN_MAX], where[ORIGIN_MAX], until[GRANT_UNTIL_MAX] = "?";
	struct strlist canonical;
	struct tm tm;
	int r = 0;

	if (!info || info->group_only || (!info->is_list && g->values.count != 1)) {
		snprintf(err, errlen, "grant %.*s: %s", GRANT_ID_MAX, g->id,
			 !info                      ? "no such key"
				 : info->group_only ? "a limits.group.* key belongs to a [group:NAME] section"
						    : "a key of one value needs exactly one");
		return -EINVAL;
	}
	/* a list the policy leaves unset restricts nothing: a grant to it
	 * would start a list and narrow. ipc.unix unset is its default list,
	 * which the grant extends. */
	if (info->is_list && !policy->settings[g->key].set && g->key != KEY_IPC_UNIX)
		return 0;
	if (g->key == KEY_IPC_UNIX && !policy->settings[g->key].set) {
		for (size_t i = 0; netpolicy_default_unix[i] && r == 0; i++)
			r = strlist_append(&policy->settings[g->key].items, netpolicy_default_unix[i]);
		for (size_t i = 0; netpolicy_default_unix[i] && r == 0; i++)
			r = strlist_append(&policy->settings[g->key].item_origins, "default");
		policy->settings[g->key].set = true;
		if (r < 0)
			return r;
	}
	if (localtime_r(&g->expires, &tm))
		strftime(until, sizeof(until), "%Y-%m-%d %H:%M", &tm);
	snprintf(where, sizeof(where), "grant %.*s", GRANT_ID_MAX, g->id);
	snprintf(origin, sizeof(origin), "%sgrant %.*s until %s", info->is_list ? "+" : "", GRANT_ID_MAX, g->id, until);
	strlist_init(&canonical);
	r = canonical_items(policy, info, &g->values, where, &canonical, err, errlen);
	if (r == 0)
		r = merge_items(&policy->settings[g->key], info->is_list ? LIST_APPEND : LIST_SET, &canonical, origin);
	strlist_free(&canonical);
	return r;
}

static int apply_section(struct policy *policy, const struct config_section *s, char *err, size_t errlen)
{
	char name[ORIGIN_MAX];
	int r;

	snprintf(name, sizeof(name), "[%s] %s:%u", s->name, s->file, s->line);
	r = strlist_append(&policy->sections, name);
	for (size_t k = 0; k < s->count && r == 0; k++)
		r = apply_setting(policy, s, &s->settings[k], err, errlen);
	return r;
}

/* The next instant t (0: none) becomes, when it is earlier. */
static void earliest(time_t *next, time_t t)
{
	if (t && (!*next || t < *next))
		*next = t;
}

static int apply_grants(struct policy *out, const struct grant_set *grants, const struct user_info *user, time_t now,
			char *err, size_t errlen)
{
	for (size_t i = 0; grants && i < grants->count; i++) {
		const struct grant *g = &grants->items[i];
		int r;

		if (!grant_is_live(g, user, now))
			continue;
		r = apply_grant(out, g, err, errlen);
		if (r < 0)
			return r;
		earliest(&out->next_change, g->expires);
	}
	return 0;
}

/* Every window of the user, in file order: the open ones apply; each
 * one's next opening or closing counts for next_change. */
static int apply_windows(struct policy *out, const struct config *config, const struct user_info *user, time_t now,
			 char *err, size_t errlen)
{
	for (size_t i = 0; i < config->count; i++) {
		const struct config_section *s = &config->sections[i];
		int r;

		if (s->kind != SECTION_WINDOW)
			continue;
		r = policy_window_applies(s, user);
		if (r < 0) {
			snprintf(err, errlen, "cannot look up the groups of [%s] (NSS error)", s->name);
			return r;
		}
		if (r == 0)
			continue;
		earliest(&out->next_change, window_next_change(&s->window->when, now));
		if (!window_is_open(&s->window->when, now))
			continue;
		r = apply_section(out, s, err, errlen);
		if (r == 0)
			r = strlist_append(&out->windows, s->target);
		if (r < 0)
			return r;
	}
	return 0;
}

int policy_resolve_at(const struct config *config, const struct grant_set *grants, const struct user_info *user,
		      time_t now, struct policy *out, char *err, size_t errlen)
{
	static const enum section_kind order[] = { SECTION_DEFAULT, SECTION_GROUP, SECTION_USER };
	int r;

	policy_init(out);
	if (!config_is_valid(config)) {
		const struct diag *d = diag_first_error(&config->diags);

		if (d)
			diag_format(d, err, errlen);
		else
			snprintf(err, errlen, "the configuration could not be loaded (out of memory)");
		return -EINVAL;
	}
	out->user = strdup(user->name);
	out->home = strdup(user->home);
	if (!out->user || !out->home) {
		r = -ENOMEM;
		goto fail;
	}
	out->uid = user->uid;
	out->gid = user->gid;
	r = policy_user_is_exempt(config, user);
	if (r < 0) {
		snprintf(err, errlen, "cannot look up the exempt groups of '%s'", user->name);
		goto fail;
	}
	out->exempt = r == 1;
	for (size_t pass = 0; pass < sizeof(order) / sizeof(order[0]); pass++) {
		for (size_t i = 0; i < config->count; i++) {
			const struct config_section *s = &config->sections[i];

			if (s->kind != order[pass])
				continue;
			r = section_matches(s, user);
			if (r < 0) {
				snprintf(err, errlen, "cannot look up group '%s' (NSS error)", s->target);
				goto fail;
			}
			if (r == 0)
				continue;
			r = apply_section(out, s, err, errlen);
			if (r < 0)
				goto fail;
		}
	}
	/* grants before windows: a window wins, no grant widens an exam */
	r = apply_grants(out, grants, user, now, err, errlen);
	if (r == 0)
		r = apply_windows(out, config, user, now, err, errlen);
	if (r == 0)
		r = policy_compile(out, err, errlen);
	if (r < 0)
		goto fail;
	return 0;
fail:
	if (r == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	policy_free(out);
	return r;
}

int policy_resolve(const struct config *config, const struct user_info *user, struct policy *out, char *err,
		   size_t errlen)
{
	return policy_resolve_at(config, NULL, user, time(NULL), out, err, errlen);
}

int policy_exempt_default(const struct user_info *user, struct policy *out)
{
	char err[POLICY_ERR_MAX];

	policy_init(out);
	out->user = strdup(user->name);
	out->home = strdup(user->home);
	out->uid = user->uid;
	out->gid = user->gid;
	out->exempt = true;
	if (!out->user || !out->home || policy_compile(out, err, sizeof(err)) < 0) {
		policy_free(out);
		return -ENOMEM;
	}
	return 0;
}
