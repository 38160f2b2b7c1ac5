/* corral-shell: the login shell (and sshd ForceCommand) of confined users.
 * Resolves the user's policy and starts the session inside it. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clean_env.h"
#include "log.h"
#include "paths.h"
#include "policy.h"
#include "session.h"
#include "session_origin.h"
#include "users.h"

extern char **environ;

static int fail_closed(const char *user, const char *why)
{
	fprintf(stderr, "corral: %s\n", why);
	corral_log(LOG_ERR, "user=%s event=refused op=login reason=\"%s\"", user ? user : "?", why);
	return SESSION_EXIT_NO_POLICY;
}

/* Is this command string a call of corral-shell itself? That is how sshd
 * runs `ForceCommand /usr/bin/corral-shell` through the login shell. */
static bool names_ourselves(const char *command)
{
	char self[PATH_MAX], word[PATH_MAX], *slash;
	size_t len = strcspn(command, " \t");
	ssize_t n;

	if (len == 0 || len >= sizeof(word) || command[len + strspn(command + len, " \t")] != '\0')
		return false;
	memcpy(word, command, len);
	word[len] = '\0';
	if (strcmp(word, CORRAL_SHELL_PATH) == 0 || strcmp(word, "corral-shell") == 0)
		return true;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return false;
	self[n] = '\0';
	if (strcmp(word, self) == 0)
		return true;
	/* corral-shell beside us: we may be corral-session, the same shell
	 * linked dynamically (a build tree, the memory checkers) */
	slash = strrchr(self, '/');
	return slash && strncmp(word, self, (size_t)(slash - self + 1)) == 0 &&
		strcmp(word + (slash - self + 1), "corral-shell") == 0;
}

int main(int argc, char **argv)
{
	struct session_spec spec = { .kind = SESSION_INTERACTIVE };
	char err[SESSION_ERR_MAX] = "", note[SESSION_ERR_MAX];
	struct user_info user;
	struct policy policy;
	int r;

	spec.login = argv[0] && argv[0][0] == '-';
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-l") == 0 || strcmp(argv[i], "--login") == 0) {
			spec.login = true;
		} else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc && i + 2 == argc) {
			spec.kind = SESSION_COMMAND_STRING;
			spec.command = argv[++i];
		} else {
			fprintf(stderr, "usage: corral-shell [-l] [-c COMMAND]\n");
			return SESSION_EXIT_NO_POLICY;
		}
	}
	if (spec.kind == SESSION_COMMAND_STRING && names_ourselves(spec.command)) {
		/* ForceCommand: what the client asked for, or a shell */
		spec.command = getenv("SSH_ORIGINAL_COMMAND");
		spec.kind = spec.command && *spec.command ? SESSION_COMMAND_STRING : SESSION_INTERACTIVE;
	}

	/* corral-shell, static: the usual login, a record that verifies and a
	 * clean environment, runs here, one program image; anything else (a
	 * config to resolve, NSS to ask) in corral-session, the same shell
	 * linked dynamically */
	if (shell_is_static) {
		if (!clean_env_needed(environ) &&
		    session_policy_from_record(getenv("CORRAL_SESSION"), getuid(), &user, &policy, &spec, note,
					       sizeof(note)) == 0)
			goto run;
		clean_env_exec_session(argv);
		return fail_closed(NULL, "cannot start corral-session");
	}
	r = user_info_by_uid_basic(getuid(), &user);
	if (r < 0)
		return fail_closed(NULL, r == -ENOENT ? "this user id has no account" : "cannot look up this account");
	r = session_policy_for_login(getenv("CORRAL_SESSION"), &user, &policy, &spec, err, sizeof(err), note,
				     sizeof(note));
	if (note[0])
		corral_log(LOG_WARNING, "user=%s event=record-rejected reason=\"%s\"", user.name, note);
	if (r < 0) {
		r = fail_closed(user.name, err);
		goto out;
	}
run:
	spec.nested = policy.confine && session_already_confined();
	r = session_run(&policy, &spec, environ, err, sizeof(err));
	if (err[0])
		fprintf(stderr, "corral: %s\n", err);
	policy_free(&policy);
out:
	user_info_free(&user);
	return r;
}
