/* Session environment and rlimits. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "session_env.h"

/* Sets or replaces NAME=VALUE in list. */
static int env_put(struct strlist *list, const char *item)
{
	size_t name_len = strcspn(item, "=");

	for (size_t i = 0; i < list->count; i++) {
		if (strncmp(list->items[i], item, name_len) == 0 && list->items[i][name_len] == '=') {
			char *copy = strdup(item);

			if (!copy)
				return -ENOMEM;
			free(list->items[i]);
			list->items[i] = copy;
			return 0;
		}
	}
	return strlist_append(list, item);
}

static int env_put_pair(struct strlist *list, const char *name, const char *value)
{
	size_t len = strlen(name) + strlen(value) + 2;
	char *item = malloc(len);
	int r;

	if (!item)
		return -ENOMEM;
	snprintf(item, len, "%s=%s", name, value);
	r = env_put(list, item);
	free(item);
	return r;
}

static bool kept(const struct strlist *keep, const char *name)
{
	for (size_t i = 0; i < keep->count; i++)
		if (fnmatch(keep->items[i], name, 0) == 0)
			return true;
	return false;
}

int session_env_build(const struct policy *policy, char *const *current, const char *shell, struct strlist *out)
{
	const struct strlist *keep = policy_list(policy, KEY_ENV_KEEP);
	const struct strlist *set = policy_list(policy, KEY_ENV_SET);
	char name[256];
	int r = 0;

	strlist_init(out);
	for (size_t i = 0; current && current[i] && r == 0; i++) {
		size_t len = strcspn(current[i], "=");

		if (current[i][len] != '=' || len == 0 || len >= sizeof(name))
			continue;
		memcpy(name, current[i], len);
		name[len] = '\0';
		if (strcmp(name, "TERM") == 0 || kept(keep, name))
			r = env_put(out, current[i]);
	}
	if (r == 0)
		r = env_put_pair(out, "HOME", policy->home);
	if (r == 0)
		r = env_put_pair(out, "USER", policy->user);
	if (r == 0)
		r = env_put_pair(out, "LOGNAME", policy->user);
	if (r == 0)
		r = env_put_pair(out, "SHELL", shell);
	if (r == 0)
		r = env_put_pair(out, "PATH", SESSION_PATH);
	for (size_t i = 0; i < set->count && r == 0; i++)
		r = env_put(out, set->items[i]);
	if (r < 0)
		strlist_free(out);
	return r;
}

static int set_limit(int resource, uint64_t value)
{
	struct rlimit limit = { .rlim_cur = (rlim_t)value, .rlim_max = (rlim_t)value };

	if (value == UINT64_MAX)
		limit.rlim_cur = limit.rlim_max = RLIM_INFINITY;
	return setrlimit(resource, &limit) < 0 ? -errno : 0;
}

static const struct {
	enum policy_key key;
	int resource;
} rlimit_keys[] = {
	{ KEY_LIMITS_FILES, RLIMIT_NOFILE },
	{ KEY_LIMITS_FILE_SIZE, RLIMIT_FSIZE },
	{ KEY_LIMITS_CORE, RLIMIT_CORE },
	{ KEY_LIMITS_PROCESSES, RLIMIT_NPROC },
};
#define RLIMIT_KEYS (sizeof(rlimit_keys) / sizeof(rlimit_keys[0]))

int session_raise_hard_limits(const struct policy *policy)
{
	for (size_t i = 0; i < RLIMIT_KEYS; i++) {
		uint64_t value;
		struct rlimit now;

		if (!policy_is_set(policy, rlimit_keys[i].key))
			continue;
		value = policy->number[rlimit_keys[i].key];
		if (getrlimit(rlimit_keys[i].resource, &now) < 0)
			return -errno;
		if (now.rlim_max == RLIM_INFINITY || (value != UINT64_MAX && (rlim_t)value <= now.rlim_max))
			continue;
		now.rlim_max = value == UINT64_MAX ? RLIM_INFINITY : (rlim_t)value;
		if (setrlimit(rlimit_keys[i].resource, &now) < 0)
			return -errno;
	}
	return 0;
}

int session_apply_rlimits(const struct policy *policy, bool processes_in_cgroup)
{
	for (size_t i = 0; i < RLIMIT_KEYS; i++) {
		int r;

		if (!policy_is_set(policy, rlimit_keys[i].key))
			continue;
		if (rlimit_keys[i].key == KEY_LIMITS_PROCESSES && processes_in_cgroup)
			continue;
		r = set_limit(rlimit_keys[i].resource, policy->number[rlimit_keys[i].key]);
		if (r < 0)
			return r;
	}
	return 0;
}
