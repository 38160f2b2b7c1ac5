/* corralctl: the admin tool. Dispatches to one subcommand. */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

static void usage(FILE *stream)
{
	fputs("usage: corralctl check [-c FILE] [--landlock-abi N]\n"
	      "       corralctl explain [-c FILE] [--landlock-abi N] USER\n"
	      "       corralctl run [-c FILE] [-u USER] [--landlock-abi N] -- CMD [ARG...]\n"
	      "       corralctl sessions\n"
	      "       corralctl apply [-c FILE] [--user USER] [--follow] [--grace SECONDS]\n"
	      "       corralctl why [-c FILE] [--json] USER read|write|exec|list|connect|bind|unix|signal|command TARGET\n"
	      "       corralctl denials [-c FILE] [--user U | --session ID] [--since T] [--file LOG]...\n"
	      "       corralctl audit [-c FILE] [-s SSHD_CONFIG] [-p PAM_DIR]\n"
	      "       corralctl user-manager [-c FILE] USER|UID\n"
	      "       corralctl grant USER KEY +VALUE... --for DURATION [--reason TEXT]\n"
	      "       corralctl grants [USER]\n"
	      "       corralctl revoke ID|all\n"
	      "       corralctl request KEY +VALUE... --for DURATION 'REASON'\n"
	      "       corralctl requests\n"
	      "       corralctl approve ID [--for DURATION]\n"
	      "       corralctl refuse ID [--reason TEXT]\n"
	      "       corralctl --version\n"
	      "See corralctl(8).\n",
	      stream);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CTL_EXIT_USAGE;
	}
	if (strcmp(argv[1], "check") == 0)
		return ctl_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "explain") == 0)
		return ctl_explain(argc - 1, argv + 1);
	if (strcmp(argv[1], "run") == 0)
		return ctl_run(argc - 1, argv + 1);
	if (strcmp(argv[1], "sessions") == 0)
		return ctl_sessions(argc - 1, argv + 1);
	if (strcmp(argv[1], "denials") == 0)
		return ctl_denials(argc - 1, argv + 1);
	if (strcmp(argv[1], "audit") == 0)
		return ctl_audit(argc - 1, argv + 1);
	if (strcmp(argv[1], "apply") == 0)
		return ctl_apply(argc - 1, argv + 1);
	if (strcmp(argv[1], "why") == 0)
		return ctl_why(argc - 1, argv + 1);
	if (strcmp(argv[1], "user-manager") == 0)
		return ctl_user_manager(argc - 1, argv + 1);
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} grant_commands[] = { { "grant", ctl_grant },     { "grants", ctl_grants },     { "revoke", ctl_revoke },
			       { "request", ctl_request }, { "requests", ctl_requests }, { "approve", ctl_approve },
			       { "refuse", ctl_refuse } };
	for (size_t i = 0; i < sizeof(grant_commands) / sizeof(grant_commands[0]); i++)
		if (strcmp(argv[1], grant_commands[i].name) == 0)
			return grant_commands[i].run(argc - 1, argv + 1);
	if (strcmp(argv[1], "--version") == 0) {
		puts("corralctl " CORRAL_VERSION);
		return CTL_EXIT_OK;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return CTL_EXIT_OK;
	}
	fprintf(stderr, "corralctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CTL_EXIT_USAGE;
}
