/* Unit tests for the key table of lib/policy/keys.c: every row is complete enough
 * for the generic check / canonical / compile code to handle its key. */
#include <string.h>

#include "keys.h"
#include "policy.h"
#include "tap.h"

int main(void)
{
	for (int k = 0; k < KEY_COUNT; k++) {
		const struct key_info *info = key_info((enum policy_key)k);
		char err[POLICY_ERR_MAX] = "";

		if (!ok(info->name != NULL, "row %d has a name", k))
			continue;
		is_int(key_lookup(info->name), k, "%s is found by its name", info->name);
		/* a scalar's value lives in a field of struct policy; only lists
		 * may keep their canonical items as the compiled form */
		ok(info->is_list || (info->field_size > 0 && info->field + info->field_size <= sizeof(struct policy)),
		   "%s: a scalar with a field inside struct policy", info->name);
		ok(!info->choices == (info->type != KEY_TYPE_CHOICE), "%s: choices exactly for a choice", info->name);
		if (info->default_text)
			is_int(key_check_item(info, info->default_text, err, sizeof(err)), 0,
			       "%s: the default '%s' is valid %s", info->name, info->default_text, err);
	}
	for (int g = 0; g < GLOBAL_COUNT; g++)
		ok(global_key_info((enum global_key)g) &&
			   global_key_lookup(global_key_info((enum global_key)g)->name) == g,
		   "[global] key %d found by its name", g);
	return tap_done();
}
