/* why_decide(): one access of a user, decided by the same functions the
 * session's layers use (the sandbox and mount-view plans, netpolicy, the
 * command choice), with the rules that contributed and their origins. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "command.h"
#include "loader.h"
#include "netpolicy.h"
#include "paths.h"
#include "session.h"
#include "sock_owner.h"
#include "why.h"
#include "why_path.h"

static const char *const op_names[] = {
	[WHY_READ] = "read", [WHY_WRITE] = "write",     [WHY_EXEC] = "exec",
	[WHY_LIST] = "list", [WHY_CONNECT] = "connect", [WHY_BIND] = "bind",
	[WHY_UNIX] = "unix", [WHY_SIGNAL] = "signal",   [WHY_COMMAND] = "command",
};

int why_op_parse(const char *name, enum why_op *op)
{
	for (size_t i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++) {
		if (strcmp(name, op_names[i]) == 0) {
			*op = (enum why_op)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *why_op_name(enum why_op op)
{
	return (size_t)op < sizeof(op_names) / sizeof(op_names[0]) ? op_names[op] : "?";
}

static void add_note(struct why_answer *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(struct why_answer *out, const char *fmt, ...)
{
	size_t used = strlen(out->notes);
	va_list ap;

	if (used && used + 2 < sizeof(out->notes)) {
		memcpy(out->notes + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(out->notes + used, sizeof(out->notes) - used, fmt, ap);
	va_end(ap);
}

/* The origins of a whole setting, ", "-joined: where a list came from
 * when none of its items matched. */
static void setting_origins(const struct policy *p, enum policy_key key, char *buf, size_t buflen)
{
	const struct strlist *origins = &p->settings[key].origins;

	buf[0] = '\0';
	for (size_t i = 0; i < origins->count; i++) {
		size_t used = strlen(buf);

		snprintf(buf + used, buflen - used, "%s%s", i ? ", " : "", origins->items[i]);
	}
	if (!p->settings[key].set)
		snprintf(buf, buflen, "default");
}

void why_origin_line_first(char *origin, size_t len)
{
	char turned[WHY_TEXT_MAX] = "", *save = NULL, *part;
	char copy[WHY_TEXT_MAX];

	snprintf(copy, sizeof(copy), "%s", origin);
	for (part = strtok_r(copy, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
		const char *edit = "", *close;
		size_t used = strlen(turned);

		while (*part == ' ')
			part++;
		if (*part == '+' || *part == '-')
			edit = *part == '+' ? "+" : "-";
		close = strchr(part, ']');
		if (part[*edit ? 1 : 0] != '[' || !close || close[1] != ' ')
			snprintf(turned + used, sizeof(turned) - used, "%s%s", used ? ", " : "", part);
		else
			snprintf(turned + used, sizeof(turned) - used, "%s%s %s%.*s", used ? ", " : "", close + 2, edit,
				 (int)(close + 1 - part - (*edit ? 1 : 0)), part + (*edit ? 1 : 0));
	}
	snprintf(origin, len, "%s", turned);
}

static void add_rule(struct why_answer *out, const char *key, const char *value, const char *origin)
{
	struct why_rule *rule;

	if (out->n_rules >= WHY_RULES_MAX)
		return;
	for (size_t i = 0; i < out->n_rules; i++)
		if (strcmp(out->rules[i].key, key) == 0 && strcmp(out->rules[i].value, value) == 0)
			return;
	rule = &out->rules[out->n_rules++];
	snprintf(rule->key, sizeof(rule->key), "%s", key);
	snprintf(rule->value, sizeof(rule->value), "%s", value);
	snprintf(rule->origin, sizeof(rule->origin), "%s", origin);
	why_origin_line_first(rule->origin, sizeof(rule->origin));
}

/* A rule naming one item of key: with the line that put the item there. */
static void add_item_rule(const struct policy *p, struct why_answer *out, enum policy_key key, const char *item)
{
	const struct policy_setting *s = &p->settings[key];
	char origins[WHY_TEXT_MAX];

	for (size_t i = 0; i < s->items.count; i++) {
		if (strcmp(s->items.items[i], item) == 0) {
			add_rule(out, key_info(key)->name, item,
				 i < s->item_origins.count ? s->item_origins.items[i] : "");
			return;
		}
	}
	setting_origins(p, key, origins, sizeof(origins));
	add_rule(out, key_info(key)->name, item, origins);
}

/* A key none of whose items matched (or that is not set). */
static void add_key_rule(const struct policy *p, struct why_answer *out, enum policy_key key, const char *why)
{
	char origins[WHY_TEXT_MAX];

	setting_origins(p, key, origins, sizeof(origins));
	add_rule(out, key_info(key)->name, why, origins);
}

static void set_layer(struct why_answer *out, const struct host_layers *host, unsigned by, const char *text)
{
	out->by = by;
	if (text)
		snprintf(out->layer, sizeof(out->layer), "%s", text);
	else
		layers_format(by, host, out->layer, sizeof(out->layer));
}

static void refuse(struct why_answer *out, int error)
{
	out->allowed = false;
	out->error = error;
}

/* Every fs.* item that contains path: the trees that make it what it is. */
static void add_tree_rules(const struct policy *p, struct why_answer *out, const char *path)
{
	static const enum policy_key keys[] = { KEY_FS_DENY, KEY_FS_WRITE, KEY_FS_READ, KEY_FS_EXEC };

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		const struct strlist *items = policy_list(p, keys[k]);

		for (size_t i = 0; i < items->count; i++)
			if (path_is_inside(path, items->items[i]))
				add_item_rule(p, out, keys[k], items->items[i]);
	}
}

static int decide_file(const struct policy *p, const struct host_layers *host, enum access_op op, const char *target,
		       int depth, struct why_answer *out);

/* execve of a script opens its "#!" program next, with the same checks
 * (the kernel follows a few levels; so does why). */
#define WHY_INTERPRETER_DEPTH 4
static int decide_interpreter(const struct policy *p, const struct host_layers *host, const char *interpreter,
			      int depth, struct why_answer *out)
{
	char target[PATHUTIL_PATH_MAX];
	struct why_answer *next;
	int r;

	if (depth >= WHY_INTERPRETER_DEPTH) {
		refuse(out, ELOOP);
		add_note(out, "scripts nested too deeply");
		return 0;
	}
	next = calloc(1, sizeof(*next));
	if (!next)
		return -ENOMEM;
	r = decide_file(p, host, ACCESS_EXEC, interpreter, depth + 1, next);
	if (r == 0 && next->allowed) {
		add_note(out, "a script: its interpreter %s may be executed too", interpreter);
	} else if (r == 0) {
		snprintf(target, sizeof(target), "%s", out->target);
		*out = *next;
		snprintf(out->target, sizeof(out->target), "%s", target);
		add_note(out, "a script: its interpreter %s is refused", interpreter);
	}
	free(next);
	return r;
}

/* Where the file's permissions refuse first: would corral refuse it too
 * if they did not? An admin who changes the mode wants to know. */
static void corral_alone(const struct sandbox_plan *sandbox, const struct mountns_plan *view, enum access_op op,
			 const struct why_path *found, struct why_answer *out)
{
	struct access_facts facts = found->facts;
	struct access_verdict v;

	facts.may_read = facts.may_write = facts.may_exec = true;
	access_decide(sandbox, view, op, found->resolved, &facts, &v);
	if (!v.allowed && v.stage != ACCESS_BY_PERMISSIONS && v.stage != ACCESS_BY_MISSING)
		add_note(out, "with other permissions corral would still refuse it: %s by %s", strerrorname_np(v.error),
			 v.stage == ACCESS_BY_VIEW ? "the mount view" : "Landlock");
	else if (v.allowed)
		add_note(out, "corral itself would allow it");
}

static int decide_file(const struct policy *p, const struct host_layers *host, enum access_op op, const char *target,
		       int depth, struct why_answer *out)
{
	char err[SANDBOX_ERR_MAX], text[PATHUTIL_PATH_MAX + 64];
	struct row_layer rows[ROW_COUNT];
	struct sandbox_plan sandbox;
	struct mountns_plan view;
	struct strlist loader;
	struct access_verdict v;
	struct why_path found;
	bool have_view = false;
	int r;

	r = why_path_inspect(target, p->user, p->uid, p->gid, p->private_tmp && host->mount_view, &found);
	if (r < 0) {
		add_note(out, r == -EINVAL ? "PATH must be absolute" : "cannot look at the path as %s: %s", p->user,
			 strerror(-r));
		return r == -EPERM ? -EPERM : -EINVAL;
	}
	snprintf(out->target, sizeof(out->target), "%s", found.resolved);
	for (size_t i = 0; i < found.n_user_links; i++)
		add_note(out, "%s is a symbolic link %s could re-point: the answer is for where it points now",
			 found.user_links[i], p->user);
	strlist_init(&loader);
	memset(&view, 0, sizeof(view));
	r = sandbox_plan(p, host, &sandbox, err, sizeof(err));
	if (r < 0) {
		add_note(out, "no session: %s", err);
		set_layer(out, host, BY_PAM, "pam_corral (the session is refused)");
		refuse(out, EPERM);
		return 0;
	}
	if (host->mount_view && mountns_needed(p)) {
		r = loader_trees(LOADER_CONF, &loader);
		if (r == 0)
			r = mountns_plan(p, &loader, &view);
		if (r < 0)
			goto out;
		have_view = true;
	}
	layers_decide(p, host, rows);
	access_decide(&sandbox, have_view ? &view : NULL, op, found.resolved, &found.facts, &v);
	out->allowed = v.allowed;
	out->error = v.error;
	add_tree_rules(p, out, found.resolved);
	switch (v.stage) {
	case ACCESS_BY_VIEW:
		set_layer(out, host, BY_MOUNT_VIEW,
			  v.key == KEY_FS_DENY            ? "mount view (an inaccessible node over the denied path)"
				  : v.key == KEY_FS_WRITE ? "mount view (read-only outside fs.write)"
							  : "mount view (noexec outside fs.exec)");
		if (v.key != KEY_FS_DENY) {
			snprintf(text, sizeof(text), "(no tree contains %s)", found.resolved);
			add_key_rule(p, out, v.key, text);
		}
		break;
	case ACCESS_BY_LANDLOCK:
		set_layer(out, host, BY_LANDLOCK, NULL);
		snprintf(text, sizeof(text), "(no tree grants %s)",
			 op == ACCESS_WRITE          ? "writing here"
				 : op == ACCESS_EXEC ? "executing"
						     : "reading");
		add_key_rule(p, out, v.key, text);
		break;
	case ACCESS_BY_PERMISSIONS:
		set_layer(out, host, 0, "file permissions (owner and mode, not corral)");
		if (found.walk_refused)
			add_note(out, "a directory on the way cannot be searched by %s", p->user);
		corral_alone(&sandbox, have_view ? &view : NULL, op, &found, out);
		break;
	case ACCESS_BY_MISSING:
		set_layer(out, host, 0, "the filesystem (nothing corral decides)");
		break;
	case ACCESS_BY_NONE:
		/* allowed: the layers that enforce the keys that allowed it
		 * (the helper's part of fs.exec is memfds, not files) */
		set_layer(out, host,
			  (op == ACCESS_EXEC            ? rows[KEY_FS_EXEC].by
				   : op == ACCESS_WRITE ? rows[KEY_FS_WRITE].by
							: rows[KEY_FS_READ].by | rows[KEY_FS_WRITE].by) &
				  ~(unsigned)BY_HELPER,
			  NULL);
		if (!out->by)
			set_layer(out, host, 0, "no layer (no fs.* key restricts files)");
		break;
	}
	if (found.private_tmp)
		add_note(out, "looked at in %s's private /tmp and /var/tmp (fs.private_tmp), as the session sees them",
			 p->user);
	if (r == 0 && op == ACCESS_EXEC && out->allowed && found.interpreter[0])
		r = decide_interpreter(p, host, found.interpreter, depth, out);
out:
	mountns_plan_free(&view);
	strlist_free(&loader);
	sandbox_plan_free(&sandbox);
	return r;
}

int why_destination_parse(const char *text, enum net_proto *proto, char *host, size_t hostlen, uint16_t *port)
{
	const char *colon, *start = text;
	char *end;
	unsigned long value;
	size_t len;

	*proto = NET_PROTO_TCP;
	if (strncmp(text, "tcp://", 6) == 0) {
		start += 6;
	} else if (strncmp(text, "udp://", 6) == 0) {
		*proto = NET_PROTO_UDP;
		start += 6;
	} else if (strstr(text, "://")) {
		return -EINVAL;
	}
	colon = strrchr(start, ':');
	if (!colon || colon == start)
		return -EINVAL;
	errno = 0;
	value = strtoul(colon + 1, &end, 10);
	if (errno || *end || colon[1] == '\0' || value == 0 || value > 65535)
		return -EINVAL;
	*port = (uint16_t)value;
	len = (size_t)(colon - start);
	if (start[0] == '[') {
		if (len < 3 || start[len - 1] != ']')
			return -EINVAL;
		start++;
		len -= 2;
	}
	if (len >= hostlen)
		return -EINVAL;
	memcpy(host, start, len);
	host[len] = '\0';
	return 0;
}

static bool address_is_local(const struct net_addr *addr)
{
	struct ifaddrs *list, *ifa;
	bool found = false;

	if (getifaddrs(&list) < 0)
		return false;
	for (ifa = list; ifa && !found; ifa = ifa->ifa_next) {
		struct net_addr mine;

		if (!ifa->ifa_addr)
			continue;
		if (ifa->ifa_addr->sa_family == AF_INET)
			net_addr_from_ipv4(&mine,
					   (const uint8_t *)&((const struct sockaddr_in *)ifa->ifa_addr)->sin_addr);
		else if (ifa->ifa_addr->sa_family == AF_INET6)
			net_addr_from_ipv6(&mine,
					   (const uint8_t *)&((const struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr);
		else
			continue;
		found = memcmp(mine.bytes, addr->bytes, sizeof(mine.bytes)) == 0;
	}
	freeifaddrs(list);
	return found;
}

/* A netpolicy rule text ("net.deny 10.0.0.0/8", "net.connect (no rule
 * matches)") as a rule with its origin. */
static void add_net_rule(const struct policy *p, struct why_answer *out, const char *text)
{
	char key[40];
	const char *space = strchr(text, ' ');
	size_t len = space ? (size_t)(space - text) : strlen(text);

	if (len >= sizeof(key))
		len = sizeof(key) - 1;
	memcpy(key, text, len);
	key[len] = '\0';
	for (int k = 0; k < KEY_COUNT; k++) {
		if (strcmp(key_info((enum policy_key)k)->name, key) != 0)
			continue;
		if (space && space[1] != '(')
			add_item_rule(p, out, (enum policy_key)k, space + 1);
		else
			add_key_rule(p, out, (enum policy_key)k, space ? space + 1 : "(no item matches)");
		return;
	}
	add_rule(out, key, space ? space + 1 : "", "");
}

static void decide_address(const struct policy *p, enum net_proto proto, const struct net_addr *addr, uint16_t port,
			   struct netpolicy_result *result)
{
	if (netpolicy_local_matters(p, proto, addr, port) && address_is_local(addr))
		netpolicy_decide_local(p, proto, addr, port, result);
	else
		netpolicy_decide(p, proto, addr, port, result);
	if (result->verdict == NETPOLICY_IF_OWN_LISTENER) {
		uid_t owner = 0;
		int lookup = sock_owner_of_listener(proto, addr, port, &owner);

		netpolicy_decide_listener(p, lookup, owner, result);
	}
}

static int decide_connect(const struct policy *p, const struct host_layers *host, const char *target,
			  struct why_answer *out)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *list = NULL, *ai;
	char name[NETRULE_HOST_MAX + 3], text[NET_ADDR_TEXT_MAX];
	struct row_layer rows[ROW_COUNT];
	struct netpolicy_result result;
	enum net_proto proto;
	struct net_addr addr;
	uint16_t port;
	bool first = true;
	int r;

	if (why_destination_parse(target, &proto, name, sizeof(name), &port) < 0) {
		add_note(out, "expected [tcp://|udp://]HOST:PORT");
		return -EINVAL;
	}
	layers_decide(p, host, rows);
	out->allowed = true;
	if (!netpolicy_socket_allowed(p, proto)) {
		refuse(out, EPROTONOSUPPORT);
		set_layer(out, host, BY_SECCOMP, "seccomp (the socket() filter)");
		add_key_rule(p, out, KEY_NET_CONNECT, "(no udp:// rule: no UDP socket at all)");
		snprintf(out->target, sizeof(out->target), "%s", target);
		return 0;
	}
	r = getaddrinfo(name, NULL, &hints, &list);
	if (r != 0) {
		add_note(out, "cannot resolve '%s': %s", name, gai_strerror(r));
		return -EINVAL;
	}
	for (ai = list; ai; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET)
			net_addr_from_ipv4(&addr, (const uint8_t *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr);
		else if (ai->ai_family == AF_INET6)
			net_addr_from_ipv6(&addr, (const uint8_t *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr);
		else
			continue;
		net_addr_format(&addr, text, sizeof(text));
		decide_address(p, proto, &addr, port, &result);
		if (first) {
			/* the address a program tries first decides the answer */
			snprintf(out->target, sizeof(out->target), "%s://%s%s%s:%u",
				 proto == NET_PROTO_UDP ? "udp" : "tcp", strchr(text, ':') ? "[" : "", text,
				 strchr(text, ':') ? "]" : "", port);
			out->allowed = result.verdict == NETPOLICY_ALLOW;
			add_net_rule(p, out, result.rule);
		} else {
			add_note(out, "%s also resolves to %s: %s (%s)", name, text,
				 result.verdict == NETPOLICY_ALLOW ? "allowed" : "refused", result.rule);
		}
		first = false;
	}
	freeaddrinfo(list);
	if (first) {
		add_note(out, "'%s' has no IPv4 or IPv6 address", name);
		return -EINVAL;
	}
	if (!rows[KEY_NET_CONNECT].by && !rows[KEY_NET_DENY].by && !rows[KEY_NET_LOOPBACK].by)
		set_layer(out, host, 0, "no layer (no net.* key restricts connections)");
	else if (rows[KEY_NET_CONNECT].by & BY_LANDLOCK)
		set_layer(out, host, BY_LANDLOCK, NULL);
	else
		set_layer(out, host, BY_HELPER, NULL);
	if (!out->allowed)
		refuse(out, (out->by & BY_LANDLOCK) ? EACCES : ECONNREFUSED);
	return 0;
}

/* Ports below this need CAP_NET_BIND_SERVICE, which no session has. */
static unsigned long unprivileged_port_start(void)
{
	unsigned long value = 1024;
	FILE *f = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "re");

	if (f) {
		char text[32] = "";

		if (fgets(text, sizeof(text), f))
			value = strtoul(text, NULL, 10);
		fclose(f);
	}
	return value;
}

static int decide_bind(const struct policy *p, const struct host_layers *host, const char *target,
		       struct why_answer *out)
{
	struct netpolicy_result result;
	struct sandbox_plan sandbox;
	char err[SANDBOX_ERR_MAX];
	unsigned long value;
	char *end;

	errno = 0;
	value = strtoul(target, &end, 10);
	if (errno || *end || !*target || value == 0 || value > 65535) {
		add_note(out, "expected a TCP port (1-65535)");
		return -EINVAL;
	}
	snprintf(out->target, sizeof(out->target), "tcp port %lu", value);
	netpolicy_decide_bind(p, (uint16_t)value, &result);
	out->allowed = result.verdict == NETPOLICY_ALLOW;
	add_net_rule(p, out, result.rule);
	if (!policy_is_set(p, KEY_NET_BIND)) {
		set_layer(out, host, 0, "no layer (net.bind is not set)");
	} else if (sandbox_plan(p, host, &sandbox, err, sizeof(err)) == 0) {
		/* Landlock's port rules when the plan has them, else the helper */
		set_layer(out, host, sandbox.bind_ports ? BY_LANDLOCK : BY_HELPER, NULL);
		sandbox_plan_free(&sandbox);
	} else {
		set_layer(out, host, BY_HELPER, NULL);
	}
	if (!out->allowed) {
		refuse(out, EACCES);
	} else if (value < unprivileged_port_start()) {
		/* what corral allows, the kernel still keeps for root */
		refuse(out, EACCES);
		set_layer(out, host, 0, "the kernel (ports below net.ipv4.ip_unprivileged_port_start need privileges)");
	}
	return 0;
}

static int decide_unix(const struct policy *p, const struct host_layers *host, const char *target,
		       struct why_answer *out)
{
	struct why_path found;
	int r;

	r = why_path_inspect(target, p->user, p->uid, p->gid, p->private_tmp && host->mount_view, &found);
	if (r < 0) {
		add_note(out, r == -EINVAL ? "PATH must be absolute" : "cannot look at the path as %s: %s", p->user,
			 strerror(-r));
		return r == -EPERM ? -EPERM : -EINVAL;
	}
	snprintf(out->target, sizeof(out->target), "%s", found.resolved);
	out->allowed = true;
	/* the helper looks the path up in the session's view: a cover or
	 * nothing there ends the lookup before its rules are asked */
	if (path_is_inside_any(found.resolved, policy_list(p, KEY_FS_DENY)) && host->mount_view) {
		add_tree_rules(p, out, found.resolved);
		set_layer(out, host, BY_MOUNT_VIEW, "mount view (an inaccessible node over the denied path)");
		refuse(out, EACCES);
		return 0;
	}
	if (!found.facts.exists) {
		set_layer(out, host, 0, "the filesystem (nothing corral decides)");
		refuse(out, ENOENT);
		return 0;
	}
	if (netpolicy_unix_needs_helper(p)) {
		char rule[NETPOLICY_RULE_MAX];

		out->allowed = netpolicy_unix_allowed(p, found.resolved, rule, sizeof(rule));
		add_net_rule(p, out, rule);
		set_layer(out, host, BY_HELPER, NULL);
		if (!out->allowed) {
			refuse(out, ECONNREFUSED);
			return 0;
		}
	}
	if (!found.facts.may_write) {
		set_layer(out, host, 0, "file permissions (owner and mode, not corral)");
		refuse(out, EACCES);
	} else if (!out->by) {
		set_layer(out, host, 0, "no layer (ipc.unix lets every socket through)");
	}
	return 0;
}

static void decide_signal(const struct policy *p, const struct host_layers *host, struct why_answer *out)
{
	struct row_layer rows[ROW_COUNT];

	layers_decide(p, host, rows);
	snprintf(out->target, sizeof(out->target), "a process outside the session");
	out->allowed = !rows[KEY_IPC_SIGNALS].by || p->signals_any;
	if (policy_is_set(p, KEY_IPC_SIGNALS))
		add_item_rule(p, out, KEY_IPC_SIGNALS, policy_value(p, KEY_IPC_SIGNALS));
	else
		add_rule(out, key_info(KEY_IPC_SIGNALS)->name, p->signals_any ? "any" : "session", "default");
	if (!rows[KEY_IPC_SIGNALS].by) {
		set_layer(out, host, 0,
			  p->signals_any ? "no layer (ipc.signals = any)" : "no layer (ipc.signals is not set)");
		return;
	}
	set_layer(out, host, rows[KEY_IPC_SIGNALS].by & (BY_LANDLOCK | BY_HELPER), NULL);
	if (!out->allowed)
		refuse(out, EPERM);
}

/* The program a simple command line starts: a path (from the home, where
 * ssh starts it), or the first match in the session's usual PATH. 0 and
 * the path, or -ENOENT (a builtin, or not found: the shell decides). */
#define WHY_COMMAND_PATH "/usr/local/bin:/usr/bin:/bin"
static int command_program(const struct policy *p, const char *word, char *out, size_t outlen)
{
	char dirs[] = WHY_COMMAND_PATH, *save = NULL;

	if (strchr(word, '/')) {
		snprintf(out, outlen, "%s%s%s", word[0] == '/' ? "" : p->home, word[0] == '/' ? "" : "/", word);
		return 0;
	}
	for (char *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		snprintf(out, outlen, "%s/%s", dir, word);
		if (access(out, F_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

/* Outside restricted mode the shell runs the line: the shell must be
 * executable, and so must the program a simple line names. */
static int decide_shell_command(const struct policy *p, const struct host_layers *host, const char *shell,
				const char *line, struct why_answer *out)
{
	char program[PATHUTIL_PATH_MAX], err[SESSION_ERR_MAX];
	struct strlist words;
	int r;

	r = decide_file(p, host, ACCESS_EXEC, shell, 0, out);
	if (r < 0 || !out->allowed) {
		add_note(out, "the shell %s cannot be started", shell);
		return r;
	}
	strlist_init(&words);
	if (command_split(line, &words, err, sizeof(err)) < 0 || words.count == 0 ||
	    command_program(p, words.items[0], program, sizeof(program)) < 0) {
		add_note(out, "%s runs the line; every program it starts is checked as exec", shell);
		strlist_free(&words);
		return 0;
	}
	strlist_free(&words);
	out->n_rules = 0;
	r = decide_file(p, host, ACCESS_EXEC, program, 0, out);
	add_note(out, "%s runs %s", shell, program);
	if (r == 0 && !out->allowed)
		add_note(out, "the shell cannot run it: corral-shell exits 126");
	return r;
}

static int decide_command(const struct policy *p, const struct host_layers *host, const char *target,
			  struct why_answer *out)
{
	struct session_spec spec = { .kind = SESSION_COMMAND_STRING, .command = target };
	struct session_command command;
	char err[SESSION_ERR_MAX];
	const char *item;
	int r = 0;

	snprintf(out->target, sizeof(out->target), "%s", target);
	session_command_choose(p, &spec, SESSION_COMMAND_PATH, &command, err, sizeof(err));
	switch (command.mode) {
	case SESSION_MODE_REFUSED:
		refuse(out, 0);
		set_layer(out, host, BY_SESSION, "corral-shell (exit 126)");
		add_note(out, "%s", err);
		if (policy_is_set(p, KEY_COMMANDS))
			add_key_rule(p, out, KEY_COMMANDS, "(no item names this program)");
		break;
	case SESSION_MODE_NOT_FOUND:
		refuse(out, ENOENT);
		set_layer(out, host, BY_SESSION, "corral-shell (exit 127)");
		add_note(out, "%s", err);
		break;
	default:
		/* allowed to start: then the program is executed like any other */
		if (policy_is_set(p, KEY_COMMANDS) && command.words.count &&
		    (item = command_match(policy_list(p, KEY_COMMANDS), command.words.items[0])) != NULL)
			add_item_rule(p, out, KEY_COMMANDS, item);
		if (command.path[0] == '/' && policy_is_set(p, KEY_COMMANDS)) {
			r = decide_file(p, host, ACCESS_EXEC, command.path, 0, out);
			add_note(out, "runs %s", command.path);
		} else {
			r = decide_shell_command(p, host, command.path, target, out);
		}
		snprintf(out->target, sizeof(out->target), "%s", target);
		break;
	}
	session_command_free(&command);
	return r;
}

int why_decide(const struct policy *policy, const struct host_layers *host, enum why_op op, const char *target,
	       struct why_answer *out)
{
	static const enum access_op file_ops[] = {
		[WHY_READ] = ACCESS_READ,
		[WHY_WRITE] = ACCESS_WRITE,
		[WHY_EXEC] = ACCESS_EXEC,
		[WHY_LIST] = ACCESS_LIST,
	};

	memset(out, 0, sizeof(*out));
	if (policy->exempt || !policy->confine) {
		out->allowed = true;
		snprintf(out->target, sizeof(out->target), "%s", target);
		set_layer(out, host, 0, "none: the user is not confined");
		if (policy->exempt)
			add_rule(out, "exempt", policy->user, "[global] exempt_users / exempt_groups");
		else
			add_item_rule(policy, out, KEY_CONFINE, policy_value(policy, KEY_CONFINE));
		return 0;
	}
	/* rules a window put there name it as their origin; say it is open */
	for (size_t i = 0; i < policy->windows.count; i++)
		add_note(out, "time window %s is open (its rules apply until it closes)", policy->windows.items[i]);
	switch (op) {
	case WHY_READ:
	case WHY_WRITE:
	case WHY_EXEC:
	case WHY_LIST:
		return decide_file(policy, host, file_ops[op], target, 0, out);
	case WHY_CONNECT:
		return decide_connect(policy, host, target, out);
	case WHY_BIND:
		return decide_bind(policy, host, target, out);
	case WHY_UNIX:
		return decide_unix(policy, host, target, out);
	case WHY_SIGNAL:
		if (strcmp(target, "outside") != 0) {
			add_note(out, "expected 'signal outside'");
			return -EINVAL;
		}
		decide_signal(policy, host, out);
		return 0;
	case WHY_COMMAND:
		return decide_command(policy, host, target, out);
	}
	return -EINVAL;
}
