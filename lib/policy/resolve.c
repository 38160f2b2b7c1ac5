/* Resolution of a user's effective policy from the config sections:
 * [default], the user's groups in file order, [user:NAME]. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathutil.h"
#include "policy.h"

#define ORIGIN_MAX (PATHUTIL_PATH_MAX + 400)

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

/* Applies one setting of a matching section to the policy. */
static int apply_setting(struct policy *policy, const struct config_section *section,
			 const struct config_setting *setting, char *err, size_t errlen)
{
	const struct key_info *info = key_info((enum policy_key)setting->key);
	struct policy_setting *dst = &policy->settings[setting->key];
	char origin[ORIGIN_MAX], item[PATHUTIL_PATH_MAX], why[POLICY_ERR_MAX];
	struct strlist canonical;
	int r = 0;

	strlist_init(&canonical);
	for (size_t i = 0; i < setting->items.count; i++) {
		r = key_canonical_item(info, setting->items.items[i], policy->user, policy->home, item, sizeof(item),
				       why, sizeof(why));
		if (r < 0) {
			snprintf(err, errlen, "%s:%u: key '%s': %s", section->file, setting->line, info->name,
				 r == -EINVAL ? why : strerror(-r));
			goto out;
		}
		r = strlist_append(&canonical, item);
		if (r < 0)
			goto out;
	}
	snprintf(origin, sizeof(origin), "%s[%s] %s:%u",
		 setting->op == LIST_APPEND           ? "+"
			 : setting->op == LIST_REMOVE ? "-"
						      : "",
		 section->name, section->file, setting->line);
	if (setting->op == LIST_SET) {
		strlist_free(&dst->items);
		strlist_free(&dst->origins);
		strlist_free(&dst->item_origins);
		dst->items = canonical;
		strlist_init(&canonical);
		dst->set = true;
		for (size_t i = 0; i < dst->items.count && r == 0; i++)
			r = strlist_append(&dst->item_origins, origin + (origin[0] == '+' || origin[0] == '-'));
	} else if (setting->op == LIST_APPEND) {
		for (size_t i = 0; i < canonical.count && r == 0; i++) {
			if (strlist_contains(&dst->items, canonical.items[i]))
				continue;
			r = strlist_append(&dst->items, canonical.items[i]);
			if (r == 0)
				r = strlist_append(&dst->item_origins, origin + 1);
		}
		dst->set = true;
	} else {
		/* removing from a list nobody set leaves it unset: an unset
		 * net.connect means "no allow list", an empty one "no egress" */
		for (size_t i = 0; i < canonical.count; i++)
			remove_item(dst, canonical.items[i]);
	}
	if (r == 0)
		r = strlist_append(&dst->origins, origin);
out:
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

int policy_resolve(const struct config *config, const struct user_info *user, struct policy *out, char *err,
		   size_t errlen)
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
