/* corralctl why: would USER be allowed OP on TARGET, which layer of this
 * host decides, and which lines of the config made it so. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "grants.h"
#include "ctl.h"
#include "hosts.h"
#include "users.h"
#include "why.h"

/* why's exit codes (corralctl(8)) */
#define WHY_EXIT_ALLOWED 0
#define WHY_EXIT_REFUSED 1
#define WHY_EXIT_USAGE 2
#define WHY_EXIT_INVALID 3

static const char *error_name(int error)
{
	const char *name = error ? strerrorname_np(error) : NULL;

	return name ? name : "";
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_json(const char *user, enum why_op op, const char *target, const struct why_answer *a)
{
	printf("{\"user\":");
	json_string(user);
	printf(",\"op\":\"%s\",\"target\":", why_op_name(op));
	json_string(target);
	printf(",\"resolved\":");
	json_string(a->target);
	printf(",\"verdict\":\"%s\",\"errno\":", a->allowed ? "allowed" : "refused");
	if (a->error)
		json_string(error_name(a->error));
	else
		printf("null");
	printf(",\"layer\":");
	json_string(a->layer);
	printf(",\"rules\":[");
	for (size_t i = 0; i < a->n_rules; i++) {
		printf("%s{\"key\":", i ? "," : "");
		json_string(a->rules[i].key);
		printf(",\"value\":");
		json_string(a->rules[i].value);
		printf(",\"origin\":");
		json_string(a->rules[i].origin);
		putchar('}');
	}
	printf("],\"notes\":");
	json_string(a->notes);
	printf("}\n");
}

static void print_text(const char *user, enum why_op op, const char *target, const struct why_answer *a)
{
	printf("%s: %s %s %s", a->allowed ? "allowed" : "refused", user, why_op_name(op), target);
	if (strcmp(target, a->target) != 0 && a->target[0])
		printf(" (%s)", a->target);
	if (!a->allowed)
		printf(a->error ? ": %s (%s)" : "%s%s", a->error ? error_name(a->error) : "",
		       a->error ? strerror(a->error) : "");
	if (!a->allowed && op == WHY_COMMAND && !a->error)
		printf(": corral-shell exits 126");
	printf("\ndecided by: %s\n", a->layer);
	for (size_t i = 0; i < a->n_rules; i++)
		printf("  %s = %-30s %s\n", a->rules[i].key, a->rules[i].value, a->rules[i].origin);
	if (a->notes[0])
		printf("note: %s\n", a->notes);
}

int ctl_why(int argc, char **argv)
{
	static const struct option longopts[] = { { "json", no_argument, NULL, 'j' },
						  { "landlock-abi", required_argument, NULL, 'L' },
						  { NULL, 0, NULL, 0 } };
	const char *usage = "usage: corralctl why [-c FILE] [--json] [--landlock-abi N] USER OP TARGET\n"
			    "  OP TARGET: read|write|exec|list PATH, connect [tcp://|udp://]HOST:PORT, bind PORT,\n"
			    "             unix PATH, signal outside, command 'CMDLINE'\n";
	char err[POLICY_ERR_MAX], failed[256];
	const char *path = NULL;
	struct host_layers host;
	struct why_answer answer;
	struct grant_set grants;
	struct user_info user;
	struct config config;
	int assume_abi = -1, opt, r, status;
	bool json = false;
	struct policy p;
	enum why_op op;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+c:", longopts, NULL)) != -1) {
		if (opt == 'c')
			path = optarg;
		else if (opt == 'j')
			json = true;
		else if (opt != 'L' || ctl_parse_abi(optarg, &assume_abi) < 0)
			goto usage;
	}
	if (optind + 3 != argc || why_op_parse(argv[optind + 1], &op) < 0)
		goto usage;
	r = config_load(path, &config);
	if (r < 0) {
		ctl_print_diags(&config, stderr);
		fprintf(stderr, "corralctl: %s is invalid; confined users would be refused\n",
			path ? path : CONFIG_DEFAULT_PATH);
		config_free(&config);
		return WHY_EXIT_INVALID;
	}
	r = user_info_by_name(argv[optind], &user);
	if (r < 0) {
		fprintf(stderr, "corralctl: %s '%s'\n", r == -ENOENT ? "no such user" : "cannot look up user",
			argv[optind]);
		config_free(&config);
		return WHY_EXIT_USAGE;
	}
	/* with the grants in force, as a login now would have it (root reads them) */
	memset(&grants, 0, sizeof(grants));
	if (geteuid() == 0 && grants_load(NULL, time(NULL), &grants, NULL, NULL) < 0)
		fprintf(stderr, "corralctl: warning: cannot read %s: answering without grants\n", GRANTS_DIR);
	r = policy_resolve_at(&config, &grants, &user, time(NULL), &p, err, sizeof(err));
	grant_set_free(&grants);
	config_free(&config);
	if (r < 0) {
		fprintf(stderr, "corralctl: cannot resolve the policy of '%s': %s\n", user.name, err);
		user_info_free(&user);
		return WHY_EXIT_INVALID;
	}
	/* host names in net.connect: resolved as a session resolves them */
	if (op == WHY_CONNECT && hosts_resolve(&p, failed, sizeof(failed)))
		fprintf(stderr, "corralctl: warning: cannot resolve %s (a session would refuse them)\n", failed);
	/* as a login has it: pam_corral's mount view and cgroup */
	if (assume_abi >= 0)
		host_layers_assume(assume_abi, true, true, &host);
	else
		host_layers_probe(0, true, true, &host);
	r = why_decide(&p, &host, op, argv[optind + 2], &answer);
	if (r < 0) {
		fprintf(stderr, "corralctl: why %s %s: %s\n", argv[optind + 1], argv[optind + 2],
			answer.notes[0] ? answer.notes : strerror(-r));
		status = r == -EPERM ? WHY_EXIT_USAGE : r == -ENOMEM ? WHY_EXIT_INVALID : WHY_EXIT_USAGE;
	} else {
		if (json)
			print_json(p.user, op, argv[optind + 2], &answer);
		else
			print_text(p.user, op, argv[optind + 2], &answer);
		status = answer.allowed ? WHY_EXIT_ALLOWED : WHY_EXIT_REFUSED;
	}
	policy_free(&p);
	user_info_free(&user);
	return status;
usage:
	fputs(usage, stderr);
	return WHY_EXIT_USAGE;
}
