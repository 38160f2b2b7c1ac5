/* The policy struct: its lifetime, accessors, and the compilation of its
 * canonical settings into typed fields. Resolution from the config is in
 * resolve.c (a reader of session records needs none of it). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathutil.h"
#include "policy.h"
#include "values.h"


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
			snprintf(out, outlen, "limits.group.* come from two groups ('%.*s' and '%.*s'): a session can be inside one group's shared limits only",
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
