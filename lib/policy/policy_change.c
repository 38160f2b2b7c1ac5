/* Narrowing, key by key: allow lists shrink when a tree or rule of the old
 * list is no longer covered, deny lists when they gain one, numbers when
 * they fall, choices when they move to the stricter end. */
#include <stdio.h>
#include <string.h>

#include "pathutil.h"
#include "policy_change.h"

/* Every item of a is inside some item of b (paths by components). */
static bool trees_covered(const struct strlist *a, const struct strlist *b)
{
	for (size_t i = 0; i < a->count; i++)
		if (!path_is_inside_any(a->items[i], b))
			return false;
	return true;
}

/* Every item of a is one of b's (rules and ports by their canonical text). */
static bool items_covered(const struct strlist *a, const struct strlist *b)
{
	for (size_t i = 0; i < a->count; i++)
		if (!strlist_contains(b, a->items[i]))
			return false;
	return true;
}

/* An allow list: unset allows everything. */
static bool allow_list_narrows(const struct policy *old, const struct policy *new, enum policy_key key, bool by_tree)
{
	if (!policy_is_set(new, key))
		return false;
	if (!policy_is_set(old, key))
		return true;
	return by_tree ? !trees_covered(policy_list(old, key), policy_list(new, key))
		       : !items_covered(policy_list(old, key), policy_list(new, key));
}

/* A number where unset (or 0 for a limit) is no limit. */
static bool limit_narrows(const struct policy *old, const struct policy *new, enum policy_key key)
{
	uint64_t before = policy_is_set(old, key) ? old->number[key] : 0;
	uint64_t after = policy_is_set(new, key) ? new->number[key] : 0;

	return after && (!before || after < before);
}

/* The place of a loopback choice from widest to narrowest. */
static int loopback_rank(enum net_loopback l)
{
	return l == NET_LOOPBACK_NONE ? 3 : l == NET_LOOPBACK_OWN ? 2 : 1;
}

bool policy_key_narrows(const struct policy *old, const struct policy *new, enum policy_key key)
{
	switch (key) {
	case KEY_FS_READ:
	case KEY_FS_WRITE:
	case KEY_FS_EXEC:
		return allow_list_narrows(old, new, key, true);
	case KEY_FS_DENY:
		/* a denied path that is not inside an old one is new */
		return !trees_covered(policy_list(new, key), policy_list(old, key));
	case KEY_IPC_UNIX:
		return allow_list_narrows(old, new, key, true);
	case KEY_NET_CONNECT:
	case KEY_NET_BIND:
		return allow_list_narrows(old, new, key, false);
	case KEY_NET_DENY:
		return !items_covered(policy_list(new, key), policy_list(old, key));
	case KEY_NET_LOOPBACK:
		return loopback_rank(new->loopback) > loopback_rank(old->loopback);
	case KEY_IPC_ABSTRACT_UNIX:
		return old->abstract_unix_allowed && !new->abstract_unix_allowed;
	case KEY_IPC_SIGNALS:
		return old->signals_any && !new->signals_any;
	case KEY_FS_PRIVATE_TMP:
		return !old->private_tmp && new->private_tmp;
	case KEY_NET_PIN_HOSTS:
		return !old->pin_hosts && new->pin_hosts;
	case KEY_LIMITS_PROCESSES:
	case KEY_LIMITS_MEMORY:
	case KEY_LIMITS_CPU:
	case KEY_LIMITS_FILES:
	case KEY_LIMITS_FILE_SIZE:
	case KEY_LIMITS_CORE:
	case KEY_SESSION_MAX_TIME:
	case KEY_SESSION_IDLE_TIMEOUT:
		return limit_narrows(old, new, key);
	case KEY_SESSION_LINGER:
		return old->linger && !new->linger;
	default:
		/* asked at login only (shell, commands, env.*, umask, services,
		 * limits.sessions, the shared slices, log.denials, confine) */
		return false;
	}
}

size_t policy_fixed_narrowing(const struct policy *old, const struct policy *new, const bool live[KEY_COUNT], char *out,
			      size_t outlen)
{
	size_t n = 0;

	if (outlen)
		out[0] = '\0';
	for (int k = 0; k < KEY_COUNT; k++) {
		size_t used = strlen(out);

		if (live[k] || !policy_key_narrows(old, new, (enum policy_key)k))
			continue;
		if (outlen > used)
			snprintf(out + used, outlen - used, "%s%s", n ? ", " : "", key_info((enum policy_key)k)->name);
		n++;
	}
	return n;
}
