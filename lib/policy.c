/* Resolution of a user's effective policy from the config sections, and its
 * compilation into typed fields. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathutil.h"
#include "policy.h"
#include "values.h"

#define ORIGIN_MAX (PATHUTIL_PATH_MAX + 400)

void policy_init(struct policy *policy)
{
	memset(policy, 0, sizeof(*policy));
	strlist_init(&policy->sections);
	for (int k = 0; k < KEY_COUNT; k++) {
		strlist_init(&policy->settings[k].items);
		strlist_init(&policy->settings[k].origins);
	}
}

void policy_free(struct policy *policy)
{
	free(policy->user);
	free(policy->home);
	strlist_free(&policy->sections);
	for (int k = 0; k < KEY_COUNT; k++) {
		strlist_free(&policy->settings[k].items);
		strlist_free(&policy->settings[k].origins);
	}
	netrule_set_free(&policy->net_connect);
	netrule_set_free(&policy->net_deny);
	port_set_free(&policy->net_bind);
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
		r = key_canonical_item(info->type, setting->items.items[i], policy->user, policy->home,
				       item, sizeof(item), why, sizeof(why));
		if (r < 0) {
			snprintf(err, errlen, "%s:%u: key '%s': %s", section->file, setting->line,
				 info->name, r == -EINVAL ? why : strerror(-r));
			goto out;
		}
		r = strlist_append(&canonical, item);
		if (r < 0)
			goto out;
	}
	snprintf(origin, sizeof(origin), "%s[%s] %s:%u",
		 setting->op == LIST_APPEND ? "+" : setting->op == LIST_REMOVE ? "-" : "",
		 section->name, section->file, setting->line);
	if (setting->op == LIST_SET) {
		strlist_free(&dst->items);
		strlist_free(&dst->origins);
		dst->items = canonical;
		strlist_init(&canonical);
		dst->set = true;
	} else if (setting->op == LIST_APPEND) {
		for (size_t i = 0; i < canonical.count && r == 0; i++)
			if (!strlist_contains(&dst->items, canonical.items[i]))
				r = strlist_append(&dst->items, canonical.items[i]);
		dst->set = true;
	} else {
		/* removing from a list nobody set leaves it unset: an unset
		 * net.connect means "no allow list", an empty one "no egress" */
		for (size_t i = 0; i < canonical.count; i++)
			strlist_remove(&dst->items, canonical.items[i]);
	}
	if (r == 0)
		r = strlist_append(&dst->origins, origin);
out:
	strlist_free(&canonical);
	return r;
}

static int apply_section(struct policy *policy, const struct config_section *s,
			 char *err, size_t errlen)
{
	char name[ORIGIN_MAX];
	int r;

	snprintf(name, sizeof(name), "[%s] %s:%u", s->name, s->file, s->line);
	r = strlist_append(&policy->sections, name);
	for (size_t k = 0; k < s->count && r == 0; k++)
		r = apply_setting(policy, s, &s->settings[k], err, errlen);
	return r;
}

int policy_resolve(const struct config *config, const struct user_info *user,
		   struct policy *out, char *err, size_t errlen)
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

static int compile_rules(struct policy *policy, enum policy_key key, struct netrule_set *set,
			 char *err, size_t errlen)
{
	const struct strlist *items = &policy->settings[key].items;
	enum netrule_list_kind kind = key == KEY_NET_DENY ? NETRULE_DENY : NETRULE_CONNECT;
	struct netrule *rule = calloc(1, sizeof(*rule));
	char why[POLICY_ERR_MAX];
	int r = 0;

	if (!rule)
		return -ENOMEM;
	for (size_t i = 0; i < items->count && r == 0; i++) {
		r = netrule_parse(items->items[i], kind, rule, why, sizeof(why));
		if (r < 0)
			snprintf(err, errlen, "key '%s': %s", key_info(key)->name, why);
		else
			r = netrule_set_append(set, rule);
	}
	free(rule);
	return r;
}

static int compile_scalar(struct policy *policy, enum policy_key key, char *err, size_t errlen)
{
	const struct key_info *info = key_info(key);
	const char *value = policy_value(policy, key);
	bool flag = false;
	int r = 0;

	if (!value)
		return 0;
	switch (info->type) {
	case KEY_TYPE_BOOL:
		r = value_parse_bool(value, &flag);
		break;
	case KEY_TYPE_COUNT:
		r = value_parse_count(value, &policy->number[key]);
		break;
	case KEY_TYPE_SIZE:
		r = value_parse_size(value, &policy->number[key]);
		break;
	case KEY_TYPE_PERCENT:
		r = value_parse_percent(value, &policy->number[key]);
		break;
	case KEY_TYPE_DURATION:
		r = value_parse_duration(value, &policy->number[key]);
		break;
	case KEY_TYPE_UMASK:
		r = value_parse_umask(value, &policy->umask);
		break;
	default:
		break;
	}
	if (r < 0) {
		snprintf(err, errlen, "key '%s': invalid value '%s'", info->name, value);
		return r;
	}
	switch (key) {
	case KEY_CONFINE:
		policy->confine = flag;
		break;
	case KEY_FS_PRIVATE_TMP:
		policy->private_tmp = flag;
		break;
	case KEY_NET_PIN_HOSTS:
		policy->pin_hosts = flag;
		break;
	case KEY_SESSION_LINGER:
		policy->linger = flag;
		break;
	case KEY_LOG_DENIALS:
		policy->log_denials = flag;
		break;
	case KEY_SHELL:
		policy->shell = value;
		break;
	case KEY_NET_LOOPBACK:
		policy->loopback = strcmp(value, "own") == 0   ? NET_LOOPBACK_OWN
				   : strcmp(value, "any") == 0 ? NET_LOOPBACK_ANY
							       : NET_LOOPBACK_NONE;
		break;
	case KEY_IPC_ABSTRACT_UNIX:
		policy->abstract_unix_allowed = strcmp(value, "allow") == 0;
		break;
	case KEY_IPC_SIGNALS:
		policy->signals_any = strcmp(value, "any") == 0;
		break;
	default:
		break;
	}
	return 0;
}

int policy_compile(struct policy *policy, char *err, size_t errlen)
{
	const struct strlist *bind = &policy->settings[KEY_NET_BIND].items;
	int r;

	netrule_set_free(&policy->net_connect);
	netrule_set_free(&policy->net_deny);
	port_set_free(&policy->net_bind);
	memset(policy->number, 0, sizeof(policy->number));
	policy->loopback = NET_LOOPBACK_UNSET;
	for (int k = 0; k < KEY_COUNT; k++) {
		if (key_info((enum policy_key)k)->is_list)
			continue;
		r = compile_scalar(policy, (enum policy_key)k, err, errlen);
		if (r < 0)
			return r;
	}
	r = compile_rules(policy, KEY_NET_CONNECT, &policy->net_connect, err, errlen);
	if (r == 0)
		r = compile_rules(policy, KEY_NET_DENY, &policy->net_deny, err, errlen);
	for (size_t i = 0; i < bind->count && r == 0; i++) {
		struct port_range range;
		char why[POLICY_ERR_MAX];

		r = port_item_parse(bind->items[i], &range, why, sizeof(why));
		if (r < 0)
			snprintf(err, errlen, "key 'net.bind': %s", why);
		else
			r = port_set_append(&policy->net_bind, &range);
	}
	if (r == 0 && policy->exempt)
		policy->confine = false;
	return r;
}
