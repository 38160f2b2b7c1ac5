/* The table of policy keys: name, value type, list or scalar, default and
 * where its compiled value goes. All knowledge of which keys exist and how
 * each value is checked, made canonical and compiled lives here. */
#ifndef CORRAL_KEYS_H
#define CORRAL_KEYS_H

#include <stdbool.h>
#include <stddef.h>

enum policy_key {
	KEY_CONFINE,
	KEY_SHELL,
	KEY_COMMANDS,
	KEY_FS_READ,
	KEY_FS_WRITE,
	KEY_FS_EXEC,
	KEY_FS_DENY,
	KEY_FS_PRIVATE_TMP,
	KEY_NET_CONNECT,
	KEY_NET_DENY,
	KEY_NET_BIND,
	KEY_NET_LOOPBACK,
	KEY_NET_PIN_HOSTS,
	KEY_IPC_ABSTRACT_UNIX,
	KEY_IPC_UNIX,
	KEY_IPC_SIGNALS,
	KEY_LIMITS_PROCESSES,
	KEY_LIMITS_MEMORY,
	KEY_LIMITS_CPU,
	KEY_LIMITS_USER_PROCESSES, /* all open sessions of the user together */
	KEY_LIMITS_USER_MEMORY,
	KEY_LIMITS_USER_CPU,
	KEY_LIMITS_GROUP_PROCESSES, /* all confined members of a [group:] section together */
	KEY_LIMITS_GROUP_MEMORY,
	KEY_LIMITS_GROUP_CPU,
	KEY_LIMITS_SESSIONS, /* open sessions of the user at once (pam_corral) */
	KEY_LIMITS_FILES,
	KEY_LIMITS_FILE_SIZE,
	KEY_LIMITS_CORE,
	KEY_SESSION_MAX_TIME,
	KEY_SESSION_IDLE_TIMEOUT,
	KEY_SESSION_LINGER,
	KEY_ENV_KEEP,
	KEY_ENV_SET,
	KEY_UMASK,
	KEY_SERVICES,
	KEY_LOG_DENIALS,
	KEY_COUNT
};

enum key_type {
	KEY_TYPE_BOOL,
	KEY_TYPE_PATH,        /* one policy path (~ %h %u expanded) */
	KEY_TYPE_PATHS,       /* list of policy paths */
	KEY_TYPE_COMMANDS,    /* program names or absolute paths */
	KEY_TYPE_NET_CONNECT, /* network rules, allow list */
	KEY_TYPE_NET_DENY,    /* network rules, deny list */
	KEY_TYPE_PORTS,       /* TCP ports / ranges */
	KEY_TYPE_CHOICE,      /* one of key_info.choices */
	KEY_TYPE_COUNT,
	KEY_TYPE_SIZE,
	KEY_TYPE_PERCENT,
	KEY_TYPE_DURATION,
	KEY_TYPE_UMASK,
	KEY_TYPE_ENV_NAMES, /* variable names, * and ? globs allowed */
	KEY_TYPE_ENV_SET,   /* NAME=VALUE */
	KEY_TYPE_NAMES,     /* PAM service, user or group names */
	KEY_TYPE_MAX
};

/* One word a KEY_TYPE_CHOICE key accepts and what it compiles to (a bool
 * field takes value != 0, an enum field the value itself). */
struct key_choice {
	const char *word;
	unsigned value;
};

struct key_info {
	const char *name;
	enum key_type type;
	bool is_list;
	bool group_only;                  /* may be set in [group:NAME] sections only */
	const struct key_choice *choices; /* KEY_TYPE_CHOICE only, ended by a NULL word */
	const char *default_text;         /* what applies when no section sets it; NULL = unset */
	/* Where the compiled value lives: offsetof into struct policy and its
	 * size. field_size 0: the canonical items are the compiled form. */
	size_t field;
	size_t field_size;
};

/* What a value type does with its items, in the three stages of a value:
 * the config as written, the policy of one user, the compiled field. */
struct key_type_ops {
	/* An item as written in the config, before the user is known. NULL:
	 * compiling the item (into scratch) is its check. */
	int (*check)(const struct key_info *key, const char *item, char *err, size_t errlen);
	/* The item's canonical text for one user: what session records carry.
	 * NULL: the item as written is canonical. */
	int (*canonical)(const struct key_info *key, const char *item, const char *user, const char *home, char *out,
			 size_t outlen, char *err, size_t errlen);
	/* Adds one canonical item to the field (a scalar's item replaces it).
	 * The only parse of a session record's values, so it refuses whatever
	 * is not canonical. NULL: the items are the compiled form, checking
	 * them is all there is to do. */
	int (*compile)(const struct key_info *key, const char *item, void *field, char *err, size_t errlen);
	/* Empties the field, freeing what compile allocated. NULL: zeroes it. */
	void (*reset)(void *field);
};

const struct key_info *key_info(enum policy_key key);
/* Exact, case-sensitive lookup; -1 when there is no such key. */
int key_lookup(const char *name);

/* The [global] section's keys. */
enum global_key { GLOBAL_EXEMPT_USERS, GLOBAL_EXEMPT_GROUPS, GLOBAL_COUNT };
int global_key_lookup(const char *name);
const struct key_info *global_key_info(enum global_key key);

/* Checks one item as written in the config, before the user is known.
 * Returns 0, -EINVAL with a reason in err, or -ENOMEM. */
int key_check_item(const struct key_info *key, const char *item, char *err, size_t errlen);

/* The canonical form of an item for one user: paths expanded and
 * normalised, rules and ports in canonical text, everything else as written.
 * Returns 0, -EINVAL (reason in err), -ENAMETOOLONG or -ENOMEM. */
int key_canonical_item(const struct key_info *key, const char *item, const char *user, const char *home, char *out,
		       size_t outlen, char *err, size_t errlen);

/* Adds one canonical item to the compiled field of the key (see
 * key_type_ops.compile); field NULL: only checks that it would compile.
 * 0, -EINVAL (reason in err) or -ENOMEM. */
int key_compile_item(const struct key_info *key, const char *item, void *field, char *err, size_t errlen);
/* Empties a compiled field; safe on a zeroed one. */
void key_reset_field(const struct key_info *key, void *field);

/* A user, group or PAM service name: letters, digits, '.', '_', '-'
 * (not first), an optional trailing '$'; at most 256 bytes. */
bool key_name_is_valid(const char *name);

#endif
