/* The admin's configuration: corral.ini plus corral.d/ *.ini, opened safely,
 * validated completely, kept as an ordered list of sections. */
#ifndef CORRAL_CONFIG_H
#define CORRAL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "keys.h"
#include "strlist.h"
#include "window.h"

#define CONFIG_DEFAULT_PATH CORRAL_SYSCONFDIR "/corral/corral.ini"
#define CONFIG_DROPIN_DIR "corral.d"
#define CONFIG_MAX_FILES 256

enum section_kind {
	SECTION_GLOBAL,
	SECTION_DEFAULT,
	SECTION_GROUP,
	SECTION_USER,
	SECTION_WINDOW, /* [window:NAME]: applies while open, after [user:] */
};

enum list_op {
	LIST_SET,    /* value replaces the inherited list */
	LIST_APPEND, /* "+..." */
	LIST_REMOVE, /* "-..." */
};

struct config_setting {
	int key; /* enum policy_key, or enum global_key in [global] */
	enum list_op op;
	struct strlist items; /* as written; scalars hold exactly one item */
	unsigned line;
};

/* The keys of a [window:NAME] section that are not policy keys. */
struct config_window {
	struct window_when when;
	struct strlist applies;                       /* "group:G" / "user:U" items */
	long grace;                                   /* seconds; WINDOW_GRACE_DEFAULT unless set */
	unsigned when_line, applies_line, grace_line; /* 0: not in the section */
};

struct config_section {
	enum section_kind kind;
	char *name;                   /* "default", "group:students", ... */
	const char *target;           /* the group, user or window name, inside name */
	struct config_window *window; /* SECTION_WINDOW only */
	const char *file;             /* points into config.files */
	unsigned line;
	struct config_setting *settings;
	size_t count;
	size_t capacity;
};

struct config {
	struct strlist files;            /* every file read, in order */
	struct config_section *sections; /* in file order, then line order */
	size_t count;
	size_t capacity;
	/* [global]: who is never confined. Taken from the files only when they
	 * could be trusted (owned by root, not writable by others); else the
	 * built-in default, root. */
	struct strlist exempt_users;
	struct strlist exempt_groups;
	struct diag_list diags;
};

/* Loads path (NULL = CONFIG_DEFAULT_PATH) and the *.ini files of the
 * corral.d directory beside it, in lexical order. Every problem is recorded
 * in out->diags with file and line. Returns 0 when the configuration is
 * valid, -EINVAL when it has errors, -ENOMEM. out is always initialised
 * and must be released with config_free(). */
int config_load(const char *path, struct config *out);

/* Loads one already-open file (used by the fuzzer and the tests: the same
 * checks on the fd, owner and mode included, without the directory walk). */
int config_load_fd(int fd, const char *display_path, struct config *out);

void config_free(struct config *config);

bool config_is_valid(const struct config *config);

#endif
