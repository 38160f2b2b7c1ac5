/* The keys of [window:NAME] sections that are not policy keys (when,
 * applies, grace): read, checked and required. Used by the config loader. */
#ifndef CORRAL_CONFIG_WINDOW_H
#define CORRAL_CONFIG_WINDOW_H

#include <stdbool.h>

#include "config.h"

/* Is key one of when, applies, grace? */
bool config_window_key(const char *key);

/* A new window's keys before any is read. NULL when out of memory. */
struct config_window *config_window_new(void);
void config_window_free(struct config_window *window);

/* Records one when / applies / grace line of window section s; what is
 * wrong goes to diags with the file, the line and the key. 0 or -ENOMEM. */
int config_window_entry(struct config_section *s, const char *key, const char *value, unsigned line,
			struct diag_list *diags);

/* After every file: each window has when and applies, and its name is
 * used once. */
void config_window_check(const struct config *config, struct diag_list *diags);

#endif
