/* Decides what a session runs and starts it through launch_session(). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "command.h"
#include "landlock.h"
#include "layers.h"
#include "launch.h"
#include "log.h"
#include "pathutil.h"
#include "session.h"
#include "session_env.h"
#include "syscall_filter.h"
#include "util.h"

/* Finds name in search_path (':'-separated): 0 and the path in out, or -ENOENT. */
static int find_program(const char *search_path, const char *name, char *out, size_t outlen)
{
	const char *dirs = search_path;

	while (*dirs) {
		size_t len = strcspn(dirs, ":");

		if (snprintf(out, outlen, "%.*s/%s", (int)len, dirs, name) < (int)outlen && access(out, X_OK) == 0)
			return 0;
		dirs += len + (dirs[len] == ':');
	}
	return -ENOENT;
}

/* Restricted mode: argv[0] must match `commands`; the program is found by
 * its name in a fixed PATH (never the session's), or taken as the listed
 * path, and must lie inside fs.exec when that is set. */
static int resolve_restricted(const struct policy *p, const char *search_path, const char *argv0, char *path,
			      size_t pathlen, char *err, size_t errlen)
{
	const char *item = command_match(policy_list(p, KEY_COMMANDS), argv0);

	if (!item)
		return set_err(err, errlen, -EPERM, "command '%s' is not allowed for this account", argv0);
	if (item[0] == '/') {
		snprintf(path, pathlen, "%s", item);
	} else if (find_program(search_path, item, path, pathlen) < 0) {
		return set_err(err, errlen, -ENOENT, "command '%s' is allowed but not installed", item);
	}
	if (strchr(argv0, '/')) {
		char normalized[PATHUTIL_PATH_MAX];

		char real_asked[PATH_MAX], real_found[PATH_MAX];

		/* a path must name exactly the program the policy means (through
		 * root's links too: /bin is /usr/bin on a merged-/usr system) */
		snprintf(normalized, sizeof(normalized), "%s", argv0);
		if (path_normalize(normalized) < 0 ||
		    (strcmp(normalized, path) != 0 &&
		     (!realpath(normalized, real_asked) || !realpath(path, real_found) ||
		      strcmp(real_asked, real_found) != 0)))
			return set_err(err, errlen, -EPERM, "command '%s' is not the allowed %s", argv0, path);
	}
	if (policy_is_set(p, KEY_FS_EXEC) && !path_is_inside_any(path, policy_list(p, KEY_FS_EXEC)))
		return set_err(err, errlen, -EPERM, "command '%s' (%s) is outside fs.exec", argv0, path);
	return 0;
}

static int refuse(const struct policy *p, const char *what, char *err, size_t errlen)
{
	corral_log(LOG_WARNING, "user=%s event=refused op=exec target=\"%s\" rule=commands errno=%d", p->user, what,
		   EPERM);
	(void)err;
	(void)errlen;
	return SESSION_EXIT_REFUSED;
}

static bool shell_allowed_interactively(const struct policy *p)
{
	return !policy_is_set(p, KEY_COMMANDS) || command_match(policy_list(p, KEY_COMMANDS), p->shell);
}

/* Restricted mode's command string or argv: its own words, never a shell. */
static void choose_restricted(const struct policy *p, const struct session_spec *spec, const char *search_path,
			      struct session_command *out, char *err, size_t errlen)
{
	if (spec->kind == SESSION_COMMAND_STRING) {
		char why[SANDBOX_ERR_MAX];

		if (command_split(spec->command, &out->words, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "command refused: %s", why);
			out->mode = SESSION_MODE_REFUSED;
			out->refused = spec->command;
			return;
		}
		out->argv = out->words.items;
	} else {
		out->argv = spec->argv;
	}
	if (resolve_restricted(p, search_path, out->argv[0], out->path, sizeof(out->path), err, errlen) < 0) {
		out->mode = SESSION_MODE_REFUSED;
		out->refused = out->argv[0];
		return;
	}
	/* strlist items are NULL-terminated only by count: add one */
	if (spec->kind == SESSION_COMMAND_STRING && strlist_append(&out->words, "") == 0) {
		free(out->words.items[out->words.count - 1]);
		out->words.items[--out->words.count] = NULL;
	}
}

void session_command_choose(const struct policy *p, const struct session_spec *spec, const char *search_path,
			    struct session_command *out, char *err, size_t errlen)
{
	const char *shell_base = strrchr(p->shell, '/') ? strrchr(p->shell, '/') + 1 : p->shell;
	bool restricted = policy_is_set(p, KEY_COMMANDS);

	memset(out, 0, sizeof(*out));
	strlist_init(&out->words);
	out->mode = p->confine && !spec->nested ? SESSION_MODE_CONFINED : SESSION_MODE_EXEC;
	snprintf(out->path, sizeof(out->path), "%s", p->shell);
	if (restricted && p->confine && spec->kind != SESSION_INTERACTIVE) {
		choose_restricted(p, spec, search_path, out, err, errlen);
	} else if (spec->kind == SESSION_INTERACTIVE) {
		if (p->confine && !shell_allowed_interactively(p)) {
			snprintf(err, errlen, "interactive sessions are not allowed for this account");
			out->mode = SESSION_MODE_REFUSED;
			out->refused = "interactive shell";
			return;
		}
		snprintf(out->login_name, sizeof(out->login_name), "%s%s", spec->login ? "-" : "", shell_base);
		out->shell_argv[0] = out->login_name;
		out->argv = out->shell_argv;
	} else if (spec->kind == SESSION_COMMAND_STRING) {
		/* "-corral-shell -c CMD" (su - USER -c CMD) is a login shell too */
		snprintf(out->login_name, sizeof(out->login_name), "%s%s", spec->login ? "-" : "", shell_base);
		out->shell_argv[0] = out->login_name;
		out->shell_argv[1] = (char *)"-c";
		out->shell_argv[2] = (char *)spec->command;
		out->argv = out->shell_argv;
	} else {
		out->argv = spec->argv;
		if (strchr(out->argv[0], '/')) {
			snprintf(out->path, sizeof(out->path), "%s", out->argv[0]);
		} else if (find_program(search_path, out->argv[0], out->path, sizeof(out->path)) < 0) {
			snprintf(err, errlen, "%s: command not found", out->argv[0]);
			out->mode = SESSION_MODE_NOT_FOUND;
		}
	}
}

void session_command_free(struct session_command *command)
{
	strlist_free(&command->words);
}

/* The session's environment, NULL-terminated: 0, or -ENOMEM. */
static int session_environment(const struct policy *p, const struct session_spec *spec, char *const *environment,
			       struct strlist *env)
{
	int r = session_env_build(p, environment, p->shell, env);

	if (r == 0 && spec->session_id) {
		char variable[64];

		snprintf(variable, sizeof(variable), "CORRAL_SESSION=%s", spec->session_id);
		r = strlist_append(env, variable);
	}
	if (r == 0)
		r = strlist_append(env, "");
	if (r < 0)
		return r;
	free(env->items[env->count - 1]);
	env->items[--env->count] = NULL;
	return 0;
}

/* Plans the confinement and becomes corral-helper; returns only when the
 * session was refused (SESSION_EXIT_NO_POLICY, reason in err, logged). */
static int launch_confined(const struct policy *p, const struct session_spec *spec, struct launch_request *request,
			   char *err, size_t errlen)
{
	char why[SANDBOX_ERR_MAX];
	struct sandbox_plan plan;
	struct host_layers host;
	int r;

	r = session_requirements_check(p, spec, why, sizeof(why));
	if (r < 0) {
		snprintf(err, errlen, "cannot confine this session: %s", why);
		corral_log(LOG_ERR, "user=%s event=refused op=confine errno=%d reason=\"%s\"", p->user, -r, why);
		return SESSION_EXIT_NO_POLICY;
	}
	/* what root made (the view, a cgroup) and what this kernel has */
	host_layers_probe(spec->landlock_abi_cap, spec->namespace_ready, spec->session_id != NULL, &host);
	r = sandbox_plan(p, &host, &plan, why, sizeof(why));
	if (r < 0) {
		snprintf(err, errlen, "cannot confine this session: %s", why);
		corral_log(LOG_ERR, "user=%s event=refused op=confine errno=%d reason=\"%s\"", p->user, -r, why);
		return SESSION_EXIT_NO_POLICY;
	}
	request->plan = &plan;
	request->abi = host.landlock.abi;
	corral_log(LOG_INFO, "user=%s event=session-start op=%s target=\"%s\"", p->user,
		   spec->kind == SESSION_INTERACTIVE ? "shell" : "command", request->path);
	request->session_id = spec->session_id;
	request->helper_pinned = spec->helper_pinned;
	request->helper_fd = spec->helper_fd;
	r = launch_session(request, err, errlen); /* becomes corral-helper */
	request->plan = NULL;
	sandbox_plan_free(&plan);
	corral_log(LOG_ERR, "user=%s event=refused op=confine errno=%d reason=\"%s\"", p->user, -r, err);
	return SESSION_EXIT_NO_POLICY;
}

int session_run(const struct policy *p, const struct session_spec *spec, char *const *environment, char *err,
		size_t errlen)
{
	struct launch_request request = { .policy = p };
	struct session_command command;
	struct strlist env;
	int r;

	strlist_init(&env);
	session_command_choose(p, spec, SESSION_COMMAND_PATH, &command, err, errlen);
	if (command.mode == SESSION_MODE_REFUSED) {
		r = refuse(p, command.refused, err, errlen);
		goto out;
	}
	if (command.mode == SESSION_MODE_NOT_FOUND) {
		r = 127;
		goto out;
	}
	if (session_environment(p, spec, environment, &env) < 0) {
		snprintf(err, errlen, "out of memory");
		r = SESSION_EXIT_NO_POLICY;
		goto out;
	}
	request.path = command.path;
	request.argv = command.argv;
	request.envp = env.items;
	request.processes_in_cgroup = (spec->cgroup_limits & CGROUP_LIMIT_PROCESSES) != 0;
	if (command.mode == SESSION_MODE_CONFINED) {
		r = launch_confined(p, spec, &request, err, errlen);
		goto out;
	}
	r = launch_session(&request, err, errlen); /* execs; returns only on failure */
	r = r == -ENOENT ? 127 : SESSION_EXIT_REFUSED;
out:
	strlist_free(&env);
	session_command_free(&command);
	return r;
}

bool session_already_confined(void)
{
	return syscall_filter_in_session();
}
