/* grants_policy() (grants_policy.h): a policy that allows what the grants
 * add and nothing else. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grants_policy.h"
#include "pathutil.h"
#include "util.h"

#define GRANTS_ORIGIN_MAX (GRANT_ID_MAX + 16)

/* Every grantable key set and empty: nothing but the grants' items. */
static void set_empty(struct policy *out)
{
	for (int k = 0; k < KEY_COUNT; k++)
		if (grant_key_is_grantable((enum policy_key)k))
			out->settings[k].set = true;
}

static int add_grant(struct policy *out, const struct grant *g, char *err, size_t errlen)
{
	struct policy_setting *s = &out->settings[g->key];
	char item[PATHUTIL_PATH_MAX], why[POLICY_ERR_MAX], origin[GRANTS_ORIGIN_MAX];
	int r = 0;

	snprintf(origin, sizeof(origin), "grant %s", g->id);
	for (size_t i = 0; i < g->values.count && r == 0; i++) {
		r = key_canonical_item(key_info(g->key), g->values.items[i], out->user, out->home, item, sizeof(item),
				       why, sizeof(why));
		if (r < 0)
			return set_err(err, errlen, r, "grant %s: %s", g->id, r == -EINVAL ? why : strerror(-r));
		if (strlist_contains(&s->items, item))
			continue;
		r = strlist_append(&s->items, item);
		if (r == 0)
			r = strlist_append(&s->item_origins, origin);
	}
	if (r == 0 && !strlist_contains(&s->origins, origin))
		r = strlist_append(&s->origins, origin);
	s->set = true;
	return r;
}

int grants_policy(const struct grant_set *set, const struct user_info *user, time_t now, struct policy *out, char *err,
		  size_t errlen)
{
	size_t used = 0;
	int r = 0;

	policy_init(out);
	out->user = strdup(user->name);
	out->home = strdup(user->home);
	out->uid = user->uid;
	out->gid = user->gid;
	if (!out->user || !out->home) {
		r = -ENOMEM;
		goto fail;
	}
	r = strlist_append(&out->settings[KEY_CONFINE].items, "yes");
	out->settings[KEY_CONFINE].set = true;
	set_empty(out);
	for (size_t i = 0; set && i < set->count && r == 0; i++) {
		const struct grant *g = &set->items[i];

		if (strcmp(g->user, user->name) != 0 || g->expires <= now)
			continue;
		r = add_grant(out, g, err, errlen);
		used++;
	}
	if (r == 0 && used == 0)
		r = -ENOENT;
	if (r == 0)
		r = policy_compile(out, err, errlen);
	if (r == 0)
		return 0;
fail:
	policy_free(out);
	return r;
}
