/* The table of policy keys, and per value type the operations on an item:
 * check as written, canonical text for one user, compile into a field. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "netrule.h"
#include "pathutil.h"
#include "policy.h"
#include "values.h"

#define NAME_MAX_LEN 256

/* The key's compiled value goes to this member of struct policy. */
#define COMPILED_TO(member) \
	.field = offsetof(struct policy, member), .field_size = sizeof(((struct policy *)NULL)->member)

static const struct key_choice loopback_choices[] = {
	{ "own", NET_LOOPBACK_OWN }, { "any", NET_LOOPBACK_ANY }, { "none", NET_LOOPBACK_NONE }, { NULL, 0 }
};
static const struct key_choice allow_deny_choices[] = { { "allow", 1 }, { "deny", 0 }, { NULL, 0 } };
static const struct key_choice signal_choices[] = { { "session", 0 }, { "any", 1 }, { NULL, 0 } };

/* A choice is stored as bool or as an enum the size of unsigned. */
_Static_assert(sizeof(enum net_loopback) == sizeof(unsigned), "net.loopback compiles to an unsigned-sized enum");

static const struct key_info keys[KEY_COUNT] = {
	[KEY_CONFINE] = { "confine", KEY_TYPE_BOOL, .default_text = "no", COMPILED_TO(confine) },
	[KEY_SHELL] = { "shell", KEY_TYPE_PATH, .default_text = "/bin/bash", COMPILED_TO(shell) },
	[KEY_COMMANDS] = { "commands", KEY_TYPE_COMMANDS, .is_list = true },
	[KEY_FS_READ] = { "fs.read", KEY_TYPE_PATHS, .is_list = true },
	[KEY_FS_WRITE] = { "fs.write", KEY_TYPE_PATHS, .is_list = true },
	[KEY_FS_EXEC] = { "fs.exec", KEY_TYPE_PATHS, .is_list = true },
	[KEY_FS_DENY] = { "fs.deny", KEY_TYPE_PATHS, .is_list = true },
	[KEY_FS_PRIVATE_TMP] = { "fs.private_tmp", KEY_TYPE_BOOL, .default_text = "no", COMPILED_TO(private_tmp) },
	[KEY_NET_CONNECT] = { "net.connect", KEY_TYPE_NET_CONNECT, .is_list = true, COMPILED_TO(net_connect) },
	[KEY_NET_DENY] = { "net.deny", KEY_TYPE_NET_DENY, .is_list = true, COMPILED_TO(net_deny) },
	[KEY_NET_BIND] = { "net.bind", KEY_TYPE_PORTS, .is_list = true, COMPILED_TO(net_bind) },
	[KEY_NET_LOOPBACK] = { "net.loopback", KEY_TYPE_CHOICE, .choices = loopback_choices, COMPILED_TO(loopback) },
	[KEY_NET_PIN_HOSTS] = { "net.pin_hosts", KEY_TYPE_BOOL, .default_text = "no", COMPILED_TO(pin_hosts) },
	[KEY_IPC_ABSTRACT_UNIX] = { "ipc.abstract_unix", KEY_TYPE_CHOICE, .choices = allow_deny_choices,
				    .default_text = "deny", COMPILED_TO(abstract_unix_allowed) },
	[KEY_IPC_UNIX] = { "ipc.unix", KEY_TYPE_PATHS, .is_list = true },
	[KEY_IPC_SIGNALS] = { "ipc.signals", KEY_TYPE_CHOICE, .choices = signal_choices, .default_text = "session",
			      COMPILED_TO(signals_any) },
	[KEY_LIMITS_PROCESSES] = { "limits.processes", KEY_TYPE_COUNT, COMPILED_TO(number[KEY_LIMITS_PROCESSES]) },
	[KEY_LIMITS_MEMORY] = { "limits.memory", KEY_TYPE_SIZE, COMPILED_TO(number[KEY_LIMITS_MEMORY]) },
	[KEY_LIMITS_CPU] = { "limits.cpu", KEY_TYPE_PERCENT, COMPILED_TO(number[KEY_LIMITS_CPU]) },
	[KEY_LIMITS_USER_PROCESSES] = { "limits.user.processes", KEY_TYPE_COUNT,
					COMPILED_TO(number[KEY_LIMITS_USER_PROCESSES]) },
	[KEY_LIMITS_USER_MEMORY] = { "limits.user.memory", KEY_TYPE_SIZE, COMPILED_TO(number[KEY_LIMITS_USER_MEMORY]) },
	[KEY_LIMITS_USER_CPU] = { "limits.user.cpu", KEY_TYPE_PERCENT, COMPILED_TO(number[KEY_LIMITS_USER_CPU]) },
	[KEY_LIMITS_GROUP_PROCESSES] = { "limits.group.processes", KEY_TYPE_COUNT, .group_only = true,
					 COMPILED_TO(number[KEY_LIMITS_GROUP_PROCESSES]) },
	[KEY_LIMITS_GROUP_MEMORY] = { "limits.group.memory", KEY_TYPE_SIZE, .group_only = true,
				      COMPILED_TO(number[KEY_LIMITS_GROUP_MEMORY]) },
	[KEY_LIMITS_GROUP_CPU] = { "limits.group.cpu", KEY_TYPE_PERCENT, .group_only = true,
				   COMPILED_TO(number[KEY_LIMITS_GROUP_CPU]) },
	[KEY_LIMITS_SESSIONS] = { "limits.sessions", KEY_TYPE_COUNT, COMPILED_TO(number[KEY_LIMITS_SESSIONS]) },
	[KEY_LIMITS_FILES] = { "limits.files", KEY_TYPE_COUNT, COMPILED_TO(number[KEY_LIMITS_FILES]) },
	[KEY_LIMITS_FILE_SIZE] = { "limits.file_size", KEY_TYPE_SIZE, COMPILED_TO(number[KEY_LIMITS_FILE_SIZE]) },
	[KEY_LIMITS_CORE] = { "limits.core", KEY_TYPE_SIZE, COMPILED_TO(number[KEY_LIMITS_CORE]) },
	[KEY_SESSION_MAX_TIME] = { "session.max_time", KEY_TYPE_DURATION, COMPILED_TO(number[KEY_SESSION_MAX_TIME]) },
	[KEY_SESSION_IDLE_TIMEOUT] = { "session.idle_timeout", KEY_TYPE_DURATION,
				       COMPILED_TO(number[KEY_SESSION_IDLE_TIMEOUT]) },
	[KEY_SESSION_LINGER] = { "session.linger", KEY_TYPE_BOOL, .default_text = "no", COMPILED_TO(linger) },
	[KEY_ENV_KEEP] = { "env.keep", KEY_TYPE_ENV_NAMES, .is_list = true },
	[KEY_ENV_SET] = { "env.set", KEY_TYPE_ENV_SET, .is_list = true },
	[KEY_UMASK] = { "umask", KEY_TYPE_UMASK, COMPILED_TO(umask) },
	[KEY_SERVICES] = { "services", KEY_TYPE_NAMES, .is_list = true },
	[KEY_LOG_DENIALS] = { "log.denials", KEY_TYPE_BOOL, .default_text = "yes", COMPILED_TO(log_denials) },
};

static const struct key_info global_keys[GLOBAL_COUNT] = {
	[GLOBAL_EXEMPT_USERS] = { "exempt_users", KEY_TYPE_NAMES, .is_list = true },
	[GLOBAL_EXEMPT_GROUPS] = { "exempt_groups", KEY_TYPE_NAMES, .is_list = true },
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
		if (strcmp(global_keys[i].name, name) == 0)
			return i;
	return -1;
}

const struct key_info *global_key_info(enum global_key key)
{
	return (unsigned)key < GLOBAL_COUNT ? &global_keys[key] : NULL;
}

bool key_name_is_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > NAME_MAX_LEN || name[0] == '-' || name[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		    c == '_' || c == '-')
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

/* "'ITEM' is not WHAT": the one wording of a value that does not parse. */
static int not_a(const char *item, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "'%s' is not %s", item, what);
	return -EINVAL;
}

static int copy_text(const char *text, char *out, size_t outlen)
{
	if (strlen(text) >= outlen)
		return -ENAMETOOLONG;
	strcpy(out, text);
	return 0;
}

/* --- booleans, numbers and umasks: scalars compiled in place --- */

static int compile_bool(const struct key_info *key, const char *item, void *field, char *err, size_t errlen)
{
	(void)key;
	return value_parse_bool(item, field) < 0 ? not_a(item, "a boolean (yes/no)", err, errlen) : 0;
}

static int compile_number(int (*parse)(const char *, uint64_t *), const char *what, const char *item, void *field,
			  char *err, size_t errlen)
{
	return parse(item, field) < 0 ? not_a(item, what, err, errlen) : 0;
}

static int compile_count(const struct key_info *key, const char *item, void *field, char *err, size_t errlen)
{
	(void)key;
	return compile_number(value_parse_count, "a whole number", item, field, err, errlen);
}

static int compile_size(const struct key_info *key, const char *item, void *field, char *err, size_t errlen)
{
	(void)key;
	return compile_number(value_parse_size, "a size (N, NK, NM, NG, NT or unlimited)", item, field, err, errlen);
}

static int compile_percent(const struct key_info *key, const char *item, void *field, char *err, size_t errlen)
{
	(void)key;
	return compile_number(value_parse_percent, "a percentage of one CPU (1-409600)", item, field, err, errlen);
}

static int compile_duration(const struct key_info *key, const char *item, void *field, char *err, size_t errlen)
{
	(void)key;
	return compile_number(value_parse_duration, "a duration (Ns, Nm, Nh or Nd, not zero)", item, field, err,
			      errlen);
}

static int compile_umask(const struct key_info *key, const char *item, void *field, char *err, size_t errlen)
{
	(void)key;
	return value_parse_umask(item, field) < 0 ? not_a(item, "an octal umask (e.g. 077)", err, errlen) : 0;
}

static int compile_choice(const struct key_info *key, const char *item, void *field, char *err, size_t errlen)
{
	char expected[128] = "";

	for (size_t i = 0; key->choices && key->choices[i].word; i++) {
		if (strcmp(key->choices[i].word, item) == 0) {
			if (key->field_size == sizeof(bool))
				*(bool *)field = key->choices[i].value != 0;
			else
				*(unsigned *)field = key->choices[i].value;
			return 0;
		}
		if (i)
			strncat(expected, "/", sizeof(expected) - strlen(expected) - 1);
		strncat(expected, key->choices[i].word, sizeof(expected) - strlen(expected) - 1);
	}
	snprintf(err, errlen, "'%s' is not one of %s", item, expected);
	return -EINVAL;
}

/* --- paths: written with ~ %h %u, canonical once expanded --- */

static int check_path(const struct key_info *key, const char *item, char *err, size_t errlen)
{
	(void)key;
	return path_check_syntax(item, err, errlen);
}

static int expand_path(const struct key_info *key, const char *item, const char *user, const char *home, char *out,
		       size_t outlen, char *err, size_t errlen)
{
	(void)key;
	return path_expand(item, user, home, out, outlen, err, errlen);
}

/* Canonical is what path_expand() gives: absolute and normalised. */
static int check_canonical_path(const char *item, char *err, size_t errlen)
{
	char copy[PATHUTIL_PATH_MAX];

	if (snprintf(copy, sizeof(copy), "%s", item) >= (int)sizeof(copy) || path_normalize(copy) < 0 ||
	    strcmp(copy, item) != 0) {
		snprintf(err, errlen, "'%s' is not a normalised absolute path", item);
		return -EINVAL;
	}
	return 0;
}

/* The field of a single path points at the item: items and defaults live
 * as long as the policy. */
static int compile_path(const struct key_info *key, const char *item, void *field, char *err, size_t errlen)
{
	(void)key;
	if (check_canonical_path(item, err, errlen) < 0)
		return -EINVAL;
	*(const char **)field = item;
	return 0;
}

static int compile_paths(const struct key_info *key, const char *item, void *field, char *err, size_t errlen)
{
	(void)key;
	(void)field;
	return check_canonical_path(item, err, errlen);
}

/* --- commands: a program name, or a path --- */

static bool command_is_path(const char *item)
{
	return strchr(item, '/') || item[0] == '~' || item[0] == '%';
}

static int check_command(const struct key_info *key, const char *item, char *err, size_t errlen)
{
	(void)key;
	if (command_is_path(item))
		return path_check_syntax(item, err, errlen);
	if (!key_name_is_valid(item)) {
		snprintf(err, errlen, "'%s' is not a program name or an absolute path", item);
		return -EINVAL;
	}
	return 0;
}

static int canonical_command(const struct key_info *key, const char *item, const char *user, const char *home,
			     char *out, size_t outlen, char *err, size_t errlen)
{
	(void)key;
	if (command_is_path(item))
		return path_expand(item, user, home, out, outlen, err, errlen);
	return copy_text(item, out, outlen);
}

static int compile_command(const struct key_info *key, const char *item, void *field, char *err, size_t errlen)
{
	(void)field;
	if (item[0] == '/')
		return check_canonical_path(item, err, errlen);
	return check_command(key, item, err, errlen);
}

/* --- network rules and ports: canonical text is their own format --- */

static enum netrule_list_kind rule_kind(const struct key_info *key)
{
	return key->type == KEY_TYPE_NET_DENY ? NETRULE_DENY : NETRULE_CONNECT;
}

static int canonical_rule(const struct key_info *key, const char *item, const char *user, const char *home, char *out,
			  size_t outlen, char *err, size_t errlen)
{
	/* struct netrule is large: keep it off the stack */
	struct netrule *rule = calloc(1, sizeof(*rule));
	int r;

	(void)user;
	(void)home;
	if (!rule)
		return -ENOMEM;
	r = netrule_parse(item, rule_kind(key), rule, err, errlen);
	if (r == 0)
		r = netrule_format(rule, out, outlen);
	free(rule);
	return r;
}

static int compile_rule(const struct key_info *key, const char *item, void *field, char *err, size_t errlen)
{
	struct netrule *rule = calloc(1, sizeof(*rule));
	int r;

	if (!rule)
		return -ENOMEM;
	r = netrule_parse(item, rule_kind(key), rule, err, errlen);
	if (r == 0)
		r = netrule_set_append(field, rule);
	free(rule);
	return r;
}

static void reset_rules(void *field)
{
	netrule_set_free(field);
}

static int canonical_port(const struct key_info *key, const char *item, const char *user, const char *home, char *out,
			  size_t outlen, char *err, size_t errlen)
{
	struct port_range range;
	int r;

	(void)key;
	(void)user;
	(void)home;
	r = port_item_parse(item, &range, err, errlen);
	return r < 0 ? r : port_range_format(&range, out, outlen);
}

static int compile_port(const struct key_info *key, const char *item, void *field, char *err, size_t errlen)
{
	struct port_range range;
	int r;

	(void)key;
	r = port_item_parse(item, &range, err, errlen);
	return r < 0 ? r : port_set_append(field, &range);
}

static void reset_ports(void *field)
{
	port_set_free(field);
}

/* --- names and environment: checked text, kept as written --- */

static int check_env_name(const struct key_info *key, const char *item, char *err, size_t errlen)
{
	(void)key;
	if (!env_name_is_valid(item, strlen(item), true)) {
		snprintf(err, errlen, "'%s' is not a variable name or glob", item);
		return -EINVAL;
	}
	return 0;
}

static int check_env_setting(const struct key_info *key, const char *item, char *err, size_t errlen)
{
	const char *eq = strchr(item, '=');

	(void)key;
	if (!eq || !env_name_is_valid(item, (size_t)(eq - item), false)) {
		snprintf(err, errlen, "'%s' is not NAME=VALUE", item);
		return -EINVAL;
	}
	return 0;
}

static int check_name(const struct key_info *key, const char *item, char *err, size_t errlen)
{
	(void)key;
	if (!key_name_is_valid(item)) {
		snprintf(err, errlen, "'%s' is not a valid name", item);
		return -EINVAL;
	}
	return 0;
}

static const struct key_type_ops type_ops[KEY_TYPE_MAX] = {
	[KEY_TYPE_BOOL] = { .compile = compile_bool },
	[KEY_TYPE_PATH] = { .check = check_path, .canonical = expand_path, .compile = compile_path },
	[KEY_TYPE_PATHS] = { .check = check_path, .canonical = expand_path, .compile = compile_paths },
	[KEY_TYPE_COMMANDS] = { .check = check_command, .canonical = canonical_command, .compile = compile_command },
	[KEY_TYPE_NET_CONNECT] = { .canonical = canonical_rule, .compile = compile_rule, .reset = reset_rules },
	[KEY_TYPE_NET_DENY] = { .canonical = canonical_rule, .compile = compile_rule, .reset = reset_rules },
	[KEY_TYPE_PORTS] = { .canonical = canonical_port, .compile = compile_port, .reset = reset_ports },
	[KEY_TYPE_CHOICE] = { .compile = compile_choice },
	[KEY_TYPE_COUNT] = { .compile = compile_count },
	[KEY_TYPE_SIZE] = { .compile = compile_size },
	[KEY_TYPE_PERCENT] = { .compile = compile_percent },
	[KEY_TYPE_DURATION] = { .compile = compile_duration },
	[KEY_TYPE_UMASK] = { .compile = compile_umask },
	[KEY_TYPE_ENV_NAMES] = { .check = check_env_name },
	[KEY_TYPE_ENV_SET] = { .check = check_env_setting },
	[KEY_TYPE_NAMES] = { .check = check_name },
};

int key_compile_item(const struct key_info *key, const char *item, void *field, char *err, size_t errlen)
{
	const struct key_type_ops *ops = &type_ops[key->type];
	struct policy scratch;
	int r;

	if (!ops->compile)
		return ops->check ? ops->check(key, item, err, errlen) : 0;
	if (field || key->field_size == 0)
		return ops->compile(key, item, field, err, errlen);
	/* only a check: compile into a throwaway policy */
	memset(&scratch, 0, sizeof(scratch));
	field = (char *)&scratch + key->field;
	r = ops->compile(key, item, field, err, errlen);
	key_reset_field(key, field);
	return r;
}

int key_check_item(const struct key_info *key, const char *item, char *err, size_t errlen)
{
	const struct key_type_ops *ops = &type_ops[key->type];

	if (ops->check)
		return ops->check(key, item, err, errlen);
	return key_compile_item(key, item, NULL, err, errlen);
}

int key_canonical_item(const struct key_info *key, const char *item, const char *user, const char *home, char *out,
		       size_t outlen, char *err, size_t errlen)
{
	const struct key_type_ops *ops = &type_ops[key->type];

	if (ops->canonical)
		return ops->canonical(key, item, user, home, out, outlen, err, errlen);
	return copy_text(item, out, outlen);
}

void key_reset_field(const struct key_info *key, void *field)
{
	const struct key_type_ops *ops = &type_ops[key->type];

	if (!field || key->field_size == 0)
		return;
	if (ops->reset)
		ops->reset(field);
	else
		memset(field, 0, key->field_size);
}
