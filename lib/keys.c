/* The table of policy keys and the per-type checks of their items. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "netrule.h"
#include "pathutil.h"
#include "values.h"

#define NAME_MAX_LEN 256

static const char *const loopback_choices[] = { "own", "any", "none", NULL };
static const char *const allow_deny_choices[] = { "allow", "deny", NULL };
static const char *const signal_choices[] = { "session", "any", NULL };

static const struct key_info keys[KEY_COUNT] = {
	[KEY_CONFINE] = { "confine", KEY_TYPE_BOOL, false, false, NULL, "no" },
	[KEY_SHELL] = { "shell", KEY_TYPE_PATH, false, false, NULL, "/bin/bash" },
	[KEY_COMMANDS] = { "commands", KEY_TYPE_COMMANDS, true, false, NULL, NULL },
	[KEY_FS_READ] = { "fs.read", KEY_TYPE_PATHS, true, false, NULL, NULL },
	[KEY_FS_WRITE] = { "fs.write", KEY_TYPE_PATHS, true, false, NULL, NULL },
	[KEY_FS_EXEC] = { "fs.exec", KEY_TYPE_PATHS, true, false, NULL, NULL },
	[KEY_FS_DENY] = { "fs.deny", KEY_TYPE_PATHS, true, false, NULL, NULL },
	[KEY_FS_PRIVATE_TMP] = { "fs.private_tmp", KEY_TYPE_BOOL, false, false, NULL, "no" },
	[KEY_NET_CONNECT] = { "net.connect", KEY_TYPE_NET_CONNECT, true, false, NULL, NULL },
	[KEY_NET_DENY] = { "net.deny", KEY_TYPE_NET_DENY, true, false, NULL, NULL },
	[KEY_NET_BIND] = { "net.bind", KEY_TYPE_PORTS, true, false, NULL, NULL },
	[KEY_NET_LOOPBACK] = { "net.loopback", KEY_TYPE_CHOICE, false, false, loopback_choices, NULL },
	[KEY_NET_PIN_HOSTS] = { "net.pin_hosts", KEY_TYPE_BOOL, false, false, NULL, "no" },
	[KEY_IPC_ABSTRACT_UNIX] = { "ipc.abstract_unix", KEY_TYPE_CHOICE, false, false, allow_deny_choices, "deny" },
	[KEY_IPC_UNIX] = { "ipc.unix", KEY_TYPE_PATHS, true, false, NULL, NULL },
	[KEY_IPC_SIGNALS] = { "ipc.signals", KEY_TYPE_CHOICE, false, false, signal_choices, "session" },
	[KEY_LIMITS_PROCESSES] = { "limits.processes", KEY_TYPE_COUNT, false, false, NULL, NULL },
	[KEY_LIMITS_MEMORY] = { "limits.memory", KEY_TYPE_SIZE, false, false, NULL, NULL },
	[KEY_LIMITS_CPU] = { "limits.cpu", KEY_TYPE_PERCENT, false, false, NULL, NULL },
	[KEY_LIMITS_USER_PROCESSES] = { "limits.user.processes", KEY_TYPE_COUNT, false, false, NULL, NULL },
	[KEY_LIMITS_USER_MEMORY] = { "limits.user.memory", KEY_TYPE_SIZE, false, false, NULL, NULL },
	[KEY_LIMITS_USER_CPU] = { "limits.user.cpu", KEY_TYPE_PERCENT, false, false, NULL, NULL },
	[KEY_LIMITS_GROUP_PROCESSES] = { "limits.group.processes", KEY_TYPE_COUNT, false, true, NULL, NULL },
	[KEY_LIMITS_GROUP_MEMORY] = { "limits.group.memory", KEY_TYPE_SIZE, false, true, NULL, NULL },
	[KEY_LIMITS_GROUP_CPU] = { "limits.group.cpu", KEY_TYPE_PERCENT, false, true, NULL, NULL },
	[KEY_LIMITS_FILES] = { "limits.files", KEY_TYPE_COUNT, false, false, NULL, NULL },
	[KEY_LIMITS_FILE_SIZE] = { "limits.file_size", KEY_TYPE_SIZE, false, false, NULL, NULL },
	[KEY_LIMITS_CORE] = { "limits.core", KEY_TYPE_SIZE, false, false, NULL, NULL },
	[KEY_SESSION_MAX_TIME] = { "session.max_time", KEY_TYPE_DURATION, false, false, NULL, NULL },
	[KEY_SESSION_IDLE_TIMEOUT] = { "session.idle_timeout", KEY_TYPE_DURATION, false, false, NULL, NULL },
	[KEY_SESSION_LINGER] = { "session.linger", KEY_TYPE_BOOL, false, false, NULL, "no" },
	[KEY_ENV_KEEP] = { "env.keep", KEY_TYPE_ENV_NAMES, true, false, NULL, NULL },
	[KEY_ENV_SET] = { "env.set", KEY_TYPE_ENV_SET, true, false, NULL, NULL },
	[KEY_UMASK] = { "umask", KEY_TYPE_UMASK, false, false, NULL, NULL },
	[KEY_SERVICES] = { "services", KEY_TYPE_NAMES, true, false, NULL, NULL },
	[KEY_LOG_DENIALS] = { "log.denials", KEY_TYPE_BOOL, false, false, NULL, "yes" },
};

static const char *const global_keys[GLOBAL_COUNT] = {
	[GLOBAL_EXEMPT_USERS] = "exempt_users",
	[GLOBAL_EXEMPT_GROUPS] = "exempt_groups",
};

const struct key_info *key_info(enum policy_key key)
{
	if ((unsigned)key >= KEY_COUNT)
		return NULL;
	return &keys[key];
}

int key_lookup(const char *name)
{
	for (int i = 0; i < KEY_COUNT; i++)
		if (strcmp(keys[i].name, name) == 0)
			return i;
	return -1;
}

int global_key_lookup(const char *name)
{
	for (int i = 0; i < GLOBAL_COUNT; i++)
		if (strcmp(global_keys[i], name) == 0)
			return i;
	return -1;
}

bool key_name_is_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > NAME_MAX_LEN || name[0] == '-' || name[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-')
			continue;
		if (c == '$' && i == len - 1)
			continue;
		return false;
	}
	return true;
}

static bool env_name_is_valid(const char *name, size_t len, bool allow_globs)
{
	if (len == 0 || (name[0] >= '0' && name[0] <= '9'))
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')
			continue;
		if (allow_globs && (c == '*' || c == '?'))
			continue;
		return false;
	}
	return true;
}

static int check_choice(const char *const *choices, const char *item, char *err, size_t errlen)
{
	char expected[128] = "";

	for (size_t i = 0; choices && choices[i]; i++) {
		if (strcmp(choices[i], item) == 0)
			return 0;
		if (i)
			strncat(expected, "/", sizeof(expected) - strlen(expected) - 1);
		strncat(expected, choices[i], sizeof(expected) - strlen(expected) - 1);
	}
	snprintf(err, errlen, "'%s' is not one of %s", item, expected);
	return -EINVAL;
}

static int check_number(enum key_type type, const char *item, char *err, size_t errlen)
{
	uint64_t number;
	mode_t mode;
	bool flag;
	int r = -EINVAL;
	const char *what = "";

	switch (type) {
	case KEY_TYPE_BOOL:
		r = value_parse_bool(item, &flag);
		what = "a boolean (yes/no)";
		break;
	case KEY_TYPE_COUNT:
		r = value_parse_count(item, &number);
		what = "a whole number";
		break;
	case KEY_TYPE_SIZE:
		r = value_parse_size(item, &number);
		what = "a size (N, NK, NM, NG, NT or unlimited)";
		break;
	case KEY_TYPE_PERCENT:
		r = value_parse_percent(item, &number);
		what = "a percentage of one CPU (1-409600)";
		break;
	case KEY_TYPE_DURATION:
		r = value_parse_duration(item, &number);
		what = "a duration (Ns, Nm, Nh or Nd, not zero)";
		break;
	case KEY_TYPE_UMASK:
		r = value_parse_umask(item, &mode);
		what = "an octal umask (e.g. 077)";
		break;
	default:
		break;
	}
	if (r < 0)
		snprintf(err, errlen, "'%s' is not %s", item, what);
	return r;
}

int key_check_item(enum key_type type, const char *const *choices, const char *item,
		   char *err, size_t errlen)
{
	struct port_range range;
	struct netrule *rule;
	const char *eq;
	int r;

	switch (type) {
	case KEY_TYPE_PATH:
	case KEY_TYPE_PATHS:
		return path_check_syntax(item, err, errlen);
	case KEY_TYPE_COMMANDS:
		if (strchr(item, '/') || item[0] == '~' || item[0] == '%')
			return path_check_syntax(item, err, errlen);
		if (!key_name_is_valid(item)) {
			snprintf(err, errlen, "'%s' is not a program name or an absolute path", item);
			return -EINVAL;
		}
		return 0;
	case KEY_TYPE_NET_CONNECT:
	case KEY_TYPE_NET_DENY:
		/* struct netrule is large: keep it off the stack */
		rule = calloc(1, sizeof(*rule));
		if (!rule)
			return -ENOMEM;
		r = netrule_parse(item, type == KEY_TYPE_NET_DENY ? NETRULE_DENY : NETRULE_CONNECT,
				  rule, err, errlen);
		free(rule);
		return r;
	case KEY_TYPE_PORTS:
		return port_item_parse(item, &range, err, errlen);
	case KEY_TYPE_CHOICE:
		return check_choice(choices, item, err, errlen);
	case KEY_TYPE_ENV_NAMES:
		if (!env_name_is_valid(item, strlen(item), true)) {
			snprintf(err, errlen, "'%s' is not a variable name or glob", item);
			return -EINVAL;
		}
		return 0;
	case KEY_TYPE_ENV_SET:
		eq = strchr(item, '=');
		if (!eq || !env_name_is_valid(item, (size_t)(eq - item), false)) {
			snprintf(err, errlen, "'%s' is not NAME=VALUE", item);
			return -EINVAL;
		}
		return 0;
	case KEY_TYPE_NAMES:
		if (!key_name_is_valid(item)) {
			snprintf(err, errlen, "'%s' is not a valid name", item);
			return -EINVAL;
		}
		return 0;
	default:
		return check_number(type, item, err, errlen);
	}
}

int key_canonical_item(enum key_type type, const char *item, const char *user,
		       const char *home, char *out, size_t outlen, char *err, size_t errlen)
{
	struct port_range range;
	struct netrule *rule;
	int r;

	/* a command given by path is a path */
	bool is_path = type == KEY_TYPE_PATH || type == KEY_TYPE_PATHS ||
		       (type == KEY_TYPE_COMMANDS && (strchr(item, '/') || item[0] == '~' || item[0] == '%'));

	if (is_path)
		return path_expand(item, user, home, out, outlen, err, errlen);
	switch (type) {
	case KEY_TYPE_NET_CONNECT:
	case KEY_TYPE_NET_DENY:
		rule = calloc(1, sizeof(*rule));
		if (!rule)
			return -ENOMEM;
		r = netrule_parse(item, type == KEY_TYPE_NET_DENY ? NETRULE_DENY : NETRULE_CONNECT,
				  rule, err, errlen);
		if (r == 0)
			r = netrule_format(rule, out, outlen);
		free(rule);
		return r;
	case KEY_TYPE_PORTS:
		r = port_item_parse(item, &range, err, errlen);
		return r < 0 ? r : port_range_format(&range, out, outlen);
	default:
		break;
	}
	if (strlen(item) >= outlen)
		return -ENAMETOOLONG;
	strcpy(out, item);
	return 0;
}
