/* [window:NAME] sections' own keys: `when` (one raw value: its ranges are
 * separated by ',' and hold blanks), `applies` and `grace`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_window.h"
#include "values.h"

#define APPLIES_ERR_MAX 256

bool config_window_key(const char *key)
{
	return strcmp(key, "when") == 0 || strcmp(key, "applies") == 0 || strcmp(key, "grace") == 0;
}

struct config_window *config_window_new(void)
{
	struct config_window *w = calloc(1, sizeof(*w));

	if (w) {
		strlist_init(&w->applies);
		w->grace = WINDOW_GRACE_DEFAULT;
	}
	return w;
}

void config_window_free(struct config_window *window)
{
	if (!window)
		return;
	strlist_free(&window->applies);
	free(window);
}

/* "group:NAME" or "user:NAME" with a valid name. */
static bool applies_item_is_valid(const char *item)
{
	if (strncmp(item, "group:", 6) == 0)
		return key_name_is_valid(item + 6);
	if (strncmp(item, "user:", 5) == 0)
		return key_name_is_valid(item + 5);
	return false;
}

static int read_applies(struct config_section *s, const char *value, unsigned line, struct diag_list *diags)
{
	char err[APPLIES_ERR_MAX] = "";
	struct strlist items;
	int r;

	/* set even when the value is refused: it is reported here, not as missing */
	s->window->applies_line = line;
	strlist_init(&items);
	r = strlist_split(value, &items, err, sizeof(err));
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		diag_add(diags, DIAG_ERROR, s->file, line, "key 'applies': %s", err);
		return 0;
	}
	if (items.count == 0)
		diag_add(diags, DIAG_ERROR, s->file, line, "key 'applies' needs at least one group:NAME or user:NAME");
	for (size_t i = 0; i < items.count; i++)
		if (!applies_item_is_valid(items.items[i])) {
			diag_add(diags, DIAG_ERROR, s->file, line, "key 'applies': '%s' is not group:NAME or user:NAME",
				 items.items[i]);
			goto out;
		}
	if (items.count) {
		strlist_free(&s->window->applies);
		s->window->applies = items;
		strlist_init(&items);
	}
out:
	strlist_free(&items);
	return 0;
}

int config_window_entry(struct config_section *s, const char *key, const char *value, unsigned line,
			struct diag_list *diags)
{
	char err[WINDOW_ERR_MAX] = "";
	uint64_t seconds;

	if (s->kind != SECTION_WINDOW || !s->window) {
		diag_add(diags, DIAG_ERROR, s->file, line, "key '%s' belongs in a [window:NAME] section, not [%s]", key,
			 s->name);
		return 0;
	}
	if (strcmp(key, "applies") == 0)
		return read_applies(s, value, line, diags);
	if (strcmp(key, "grace") == 0) {
		if (value_parse_duration(value, &seconds) < 0) {
			diag_add(diags, DIAG_ERROR, s->file, line,
				 "key 'grace': '%s' is not a duration (Ns, Nm, Nh or Nd, not zero)", value);
			return 0;
		}
		s->window->grace = (long)seconds;
		s->window->grace_line = line;
		return 0;
	}
	/* when: read raw; its ranges hold blanks and are separated by ',' */
	s->window->when_line = line;
	if (window_when_parse(value, &s->window->when, err, sizeof(err)) < 0)
		diag_add(diags, DIAG_ERROR, s->file, line, "key 'when': %s", err);
	return 0;
}

void config_window_check(const struct config *config, struct diag_list *diags)
{
	for (size_t i = 0; i < config->count; i++) {
		const struct config_section *s = &config->sections[i];

		if (s->kind != SECTION_WINDOW)
			continue;
		for (size_t j = 0; j < i; j++) {
			const struct config_section *earlier = &config->sections[j];

			if (earlier->kind == SECTION_WINDOW && strcmp(earlier->name, s->name) == 0) {
				diag_add(diags, DIAG_ERROR, s->file, s->line,
					 "section [%s]: a window of that name is already defined at %s:%u", s->name,
					 earlier->file, earlier->line);
				break;
			}
		}
		if (!s->window->when_line)
			diag_add(diags, DIAG_ERROR, s->file, s->line,
				 "section [%s]: key 'when' is required (when the window is open)", s->name);
		if (!s->window->applies_line)
			diag_add(diags, DIAG_ERROR, s->file, s->line,
				 "section [%s]: key 'applies' is required (group:NAME or user:NAME)", s->name);
	}
}
