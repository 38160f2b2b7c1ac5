/* The policy struct: its lifetime, accessors, and the compilation of its
 * canonical settings into typed fields. Resolution from the config is in
 * resolve.c (a reader of session records needs none of it). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

void policy_init(struct policy *policy)
{
	memset(policy, 0, sizeof(*policy));
	strlist_init(&policy->sections);
	strlist_init(&policy->windows);
	for (int k = 0; k < KEY_COUNT; k++) {
		strlist_init(&policy->settings[k].items);
		strlist_init(&policy->settings[k].origins);
		strlist_init(&policy->settings[k].item_origins);
	}
}

/* Where the key's compiled value lives in this policy; NULL when its
 * canonical items are all there is. */
static void *compiled_field(struct policy *policy, const struct key_info *info)
{
	return info->field_size ? (char *)policy + info->field : NULL;
}

void policy_free(struct policy *policy)
{
	free(policy->user);
	free(policy->home);
	strlist_free(&policy->sections);
	strlist_free(&policy->windows);
	for (int k = 0; k < KEY_COUNT; k++) {
		const struct key_info *info = key_info((enum policy_key)k);

		strlist_free(&policy->settings[k].items);
		strlist_free(&policy->settings[k].origins);
		strlist_free(&policy->settings[k].item_origins);
		key_reset_field(info, compiled_field(policy, info));
	}
	memset(policy, 0, sizeof(*policy));
}

bool policy_is_set(const struct policy *policy, enum policy_key key)
{
	return (unsigned)key < KEY_COUNT && policy->settings[key].set;
}

const struct strlist *policy_list(const struct policy *policy, enum policy_key key)
{
	return &policy->settings[key].items;
}

const char *policy_value(const struct policy *policy, enum policy_key key)
{
	const struct policy_setting *s = &policy->settings[key];

	if (s->set && s->items.count == 1)
		return s->items.items[0];
	return key_info(key)->default_text;
}

int policy_compile_key(struct policy *policy, enum policy_key key, char *err, size_t errlen)
{
	const struct key_info *info = key_info(key);
	const struct policy_setting *s = &policy->settings[key];
	void *field = compiled_field(policy, info);
	char why[POLICY_ERR_MAX] = "";
	int r = 0;

	key_reset_field(info, field);
	if (!s->set && info->default_text)
		r = key_compile_item(info, info->default_text, field, why, sizeof(why));
	for (size_t i = 0; s->set && i < s->items.count && r == 0; i++)
		r = key_compile_item(info, s->items.items[i], field, why, sizeof(why));
	if (r == -EINVAL)
		snprintf(err, errlen, "key '%s': %.400s", info->name, why);
	return r;
}

static int compile_keys(struct policy *policy, bool unset_only, char *err, size_t errlen)
{
	for (int k = 0; k < KEY_COUNT; k++) {
		int r;

		if (unset_only && policy->settings[k].set)
			continue;
		r = policy_compile_key(policy, (enum policy_key)k, err, errlen);
		if (r < 0)
			return r;
	}
	if (policy->exempt)
		policy->confine = false;
	return 0;
}

int policy_compile(struct policy *policy, char *err, size_t errlen)
{
	return compile_keys(policy, false, err, errlen);
}

int policy_compile_unset(struct policy *policy, char *err, size_t errlen)
{
	return compile_keys(policy, true, err, errlen);
}

/* "NAME" of an origin "[group:NAME] file:line". */
static bool origin_group(const char *origin, const char **name, size_t *len)
{
	const char *end;

	if (strncmp(origin, "[group:", 7) != 0 || !(end = strchr(origin, ']')))
		return false;
	*name = origin + 7;
	*len = (size_t)(end - *name);
	return true;
}

int policy_limit_group(const struct policy *p, char *out, size_t outlen)
{
	static const enum policy_key keys[] = { KEY_LIMITS_GROUP_PROCESSES, KEY_LIMITS_GROUP_MEMORY,
						KEY_LIMITS_GROUP_CPU };
	const char *found = NULL, *name;
	size_t found_len = 0, len;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct strlist *origins = &p->settings[keys[i]].origins;

		if (!policy_is_set(p, keys[i]) || origins->count == 0)
			continue;
		/* the config allows these keys in [group:] sections only */
		if (!origin_group(origins->items[origins->count - 1], &name, &len)) {
			snprintf(out, outlen, "%s is not set by a [group:NAME] section", key_info(keys[i])->name);
			return -EINVAL;
		}
		if (found && (len != found_len || strncmp(name, found, len) != 0)) {
			snprintf(
				out, outlen,
				"limits.group.* come from two groups ('%.*s' and '%.*s'): a session can be inside one group's shared limits only",
				(int)found_len, found, (int)len, name);
			return -EINVAL;
		}
		found = name;
		found_len = len;
	}
	if (!found)
		return -ENOENT;
	if (found_len >= outlen)
		return -ENAMETOOLONG;
	memcpy(out, found, found_len);
	out[found_len] = '\0';
	return 0;
}
