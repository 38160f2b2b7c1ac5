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
#include "config.h"
#include "landlock.h"
#include "layers.h"
#include "launch.h"
#include "log.h"
#include "pathutil.h"
#include "session.h"
#include "session_env.h"
#include "syscall_filter.h"


/* Finds name in SESSION_COMMAND_PATH: 0 and the path in out, or -ENOENT. */
static int find_program(const char *name, char *out, size_t outlen)
{
	const char *dirs = SESSION_COMMAND_PATH;

	while (*dirs) {
		size_t len = strcspn(dirs, ":");

		if (snprintf(out, outlen, "%.*s/%s", (int)len, dirs, name) < (int)outlen &&
		    access(out, X_OK) == 0)
			return 0;
		dirs += len + (dirs[len] == ':');
	}
	return -ENOENT;
}

/* Restricted mode: argv[0] must match `commands`; the program is found by
 * its name in a fixed PATH (never the session's), or taken as the listed
 * path, and must lie inside fs.exec when that is set. */
static int resolve_restricted(const struct policy *p, const char *argv0, char *path, size_t pathlen,
			      char *err, size_t errlen)
{
	const char *item = command_match(policy_list(p, KEY_COMMANDS), argv0);

	if (!item) {
		snprintf(err, errlen, "command '%s' is not allowed for this account", argv0);
		return -EPERM;
	}
	if (item[0] == '/') {
		snprintf(path, pathlen, "%s", item);
	} else if (find_program(item, path, pathlen) < 0) {
		snprintf(err, errlen, "command '%s' is allowed but not installed", item);
		return -ENOENT;
	}
	if (strchr(argv0, '/')) {
		char normalized[PATHUTIL_PATH_MAX];

		char real_asked[PATH_MAX], real_found[PATH_MAX];

		/* a path must name exactly the program the policy means (through
		 * root's links too: /bin is /usr/bin on a merged-/usr system) */
		snprintf(normalized, sizeof(normalized), "%s", argv0);
		if (path_normalize(normalized) < 0 ||
		    (strcmp(normalized, path) != 0 &&
		     (!realpath(normalized, real_asked) || !realpath(path, real_found) || strcmp(real_asked, real_found) != 0))) {
			snprintf(err, errlen, "command '%s' is not the allowed %s", argv0, path);
			return -EPERM;
		}
	}
	if (policy_is_set(p, KEY_FS_EXEC) && !path_is_inside_any(path, policy_list(p, KEY_FS_EXEC))) {
		snprintf(err, errlen, "command '%s' (%s) is outside fs.exec", argv0, path);
		return -EPERM;
	}
	return 0;
}

static int refuse(const struct policy *p, const char *what, char *err, size_t errlen)
{
	corral_log(LOG_WARNING, "user=%s event=refused op=exec target=\"%s\" rule=commands errno=%d", p->user,
		   what, EPERM);
	(void)err;
	(void)errlen;
	return SESSION_EXIT_REFUSED;
}

static bool shell_allowed_interactively(const struct policy *p)
{
	return !policy_is_set(p, KEY_COMMANDS) || command_match(policy_list(p, KEY_COMMANDS), p->shell);
}

int session_run(const struct policy *p, const struct session_spec *spec, char *const *environment,
		char *err, size_t errlen)
{
	char path[PATHUTIL_PATH_MAX], login_name[PATHUTIL_PATH_MAX + 1], why[SANDBOX_ERR_MAX];
	const char *shell_base = strrchr(p->shell, '/') ? strrchr(p->shell, '/') + 1 : p->shell;
	struct strlist words, env;
	struct sandbox_plan plan;
	struct host_layers host;
	struct launch_request request = { .policy = p };
	char *shell_argv[4] = { NULL };
	char *const *argv = NULL;
	bool restricted = policy_is_set(p, KEY_COMMANDS);
	int r, abi = 0;

	strlist_init(&words);
	strlist_init(&env);
	snprintf(path, sizeof(path), "%s", p->shell);
	if (restricted && p->confine && spec->kind != SESSION_INTERACTIVE) {
		if (spec->kind == SESSION_COMMAND_STRING) {
			r = command_split(spec->command, &words, why, sizeof(why));
			if (r < 0) {
				snprintf(err, errlen, "command refused: %s", why);
				r = refuse(p, spec->command, err, errlen);
				goto out;
			}
			argv = words.items;
		} else {
			argv = spec->argv;
		}
		r = resolve_restricted(p, argv[0], path, sizeof(path), err, errlen);
		if (r < 0) {
			r = refuse(p, argv[0], err, errlen);
			goto out;
		}
		/* strlist items are NULL-terminated only by count: add one */
		if (spec->kind == SESSION_COMMAND_STRING && strlist_append(&words, "") == 0) {
			free(words.items[words.count - 1]);
			words.items[--words.count] = NULL;
		}
	} else if (spec->kind == SESSION_INTERACTIVE) {
		if (p->confine && !shell_allowed_interactively(p)) {
			snprintf(err, errlen, "interactive sessions are not allowed for this account");
			r = refuse(p, "interactive shell", err, errlen);
			goto out;
		}
		snprintf(login_name, sizeof(login_name), "%s%s", spec->login ? "-" : "", shell_base);
		shell_argv[0] = login_name;
		argv = shell_argv;
	} else if (spec->kind == SESSION_COMMAND_STRING) {
		/* "-corral-shell -c CMD" (su - USER -c CMD) is a login shell too */
		snprintf(login_name, sizeof(login_name), "%s%s", spec->login ? "-" : "", shell_base);
		shell_argv[0] = login_name;
		shell_argv[1] = (char *)"-c";
		shell_argv[2] = (char *)spec->command;
		argv = shell_argv;
	} else {
		argv = spec->argv;
		if (strchr(argv[0], '/'))
			snprintf(path, sizeof(path), "%s", argv[0]);
		else if (find_program(argv[0], path, sizeof(path)) < 0) {
			snprintf(err, errlen, "%s: command not found", argv[0]);
			r = 127;
			goto out;
		}
	}

	r = session_env_build(p, environment, p->shell, &env);
	if (r == 0 && spec->session_id) {
		char variable[64];

		snprintf(variable, sizeof(variable), "CORRAL_SESSION=%s", spec->session_id);
		r = strlist_append(&env, variable);
	}
	if (r == 0)
		r = strlist_append(&env, "");
	if (r < 0) {
		snprintf(err, errlen, "out of memory");
		r = SESSION_EXIT_NO_POLICY;
		goto out;
	}
	free(env.items[env.count - 1]);
	env.items[--env.count] = NULL;
	request.path = path;
	request.argv = argv;
	request.envp = env.items;
	request.processes_in_cgroup = (spec->cgroup_limits & CGROUP_LIMIT_PROCESSES) != 0;
	if (p->confine && !spec->nested) {
		r = session_requirements_check(p, spec, why, sizeof(why));
		if (r < 0) {
			snprintf(err, errlen, "cannot confine this session: %s", why);
			corral_log(LOG_ERR, "user=%s event=refused op=confine errno=%d reason=\"%s\"", p->user, -r, why);
			r = SESSION_EXIT_NO_POLICY;
			goto out;
		}
		/* what root made (the view, a cgroup) and what this kernel has */
		host_layers_probe(spec->landlock_abi_cap, spec->namespace_ready, spec->session_id != NULL, &host);
		abi = host.landlock.abi;
		r = sandbox_plan(p, &host, &plan, why, sizeof(why));
		if (r < 0) {
			snprintf(err, errlen, "cannot confine this session: %s", why);
			corral_log(LOG_ERR, "user=%s event=refused op=confine errno=%d reason=\"%s\"", p->user, -r, why);
			r = SESSION_EXIT_NO_POLICY;
			goto out;
		}
		request.plan = &plan;
		request.abi = abi;
		corral_log(LOG_INFO, "user=%s event=session-start op=%s target=\"%s\"", p->user,
			   spec->kind == SESSION_INTERACTIVE ? "shell" : "command", path);
		request.session_id = spec->session_id;
		request.helper_pinned = spec->helper_pinned;
		request.helper_fd = spec->helper_fd;
		r = launch_session(&request, err, errlen);  /* becomes corral-helper */
		sandbox_plan_free(&plan);
		corral_log(LOG_ERR, "user=%s event=refused op=confine errno=%d reason=\"%s\"", p->user, -r, err);
		r = SESSION_EXIT_NO_POLICY;
		goto out;
	}
	r = launch_session(&request, err, errlen);  /* execs; returns only on failure */
	r = r == -ENOENT ? 127 : SESSION_EXIT_REFUSED;
out:
	strlist_free(&env);
	strlist_free(&words);
	return r;
}

int session_policy_load(const char *config_path, const struct user_info *user, struct policy *out,
			char *err, size_t errlen)
{
	char why[POLICY_ERR_MAX];
	struct config config;
	int r, exempt;

	r = config_load(config_path, &config);
	exempt = policy_user_is_exempt(&config, user);
	if (r < 0 && exempt == 1) {
		r = policy_exempt_default(user, out);
	} else if (r < 0) {
		const struct diag *d = diag_first_error(&config.diags);

		if (d)
			diag_format(d, why, sizeof(why));
		snprintf(err, errlen, "no valid policy (%s); ask your administrator", d ? why : "out of memory");
		r = -EINVAL;
	} else {
		r = policy_resolve(&config, user, out, why, sizeof(why));
		if (r < 0)
			snprintf(err, errlen, "cannot resolve the policy: %s", why);
	}
	config_free(&config);
	return r;
}

bool session_already_confined(void)
{
	return syscall_filter_in_session();
}
