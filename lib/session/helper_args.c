/* corral-helper's command line, both ways (see helper_args.h): one place,
 * so the starters and the helper cannot drift apart. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper_args.h"
#include "paths.h"

enum helper_arg_seen {
	SEEN_CHILD = 1u << 0,
	SEEN_CONTROL = 1u << 1,
	SEEN_POLICY = 1u << 2,
	SEEN_NOTIFY = 1u << 3,
	SEEN_EXTERNAL = 1u << 4,
};

#define STARTED_BY_LAUNCHER (SEEN_CHILD | SEEN_CONTROL | SEEN_POLICY) /* the rest comes in the hello */
#define STARTED_BY_KEEPER (SEEN_EXTERNAL | SEEN_POLICY | SEEN_NOTIFY)

int helper_args_build(const struct helper_args *args, struct helper_argv *out)
{
	char **argv = out->argv;
	int n = 0;

	argv[n++] = (char *)CORRAL_HELPER_NAME;
	switch (args->start) {
	case HELPER_START_CHILD:
		snprintf(out->numbers[0], sizeof(out->numbers[0]), "%d", (int)args->child);
		snprintf(out->numbers[1], sizeof(out->numbers[1]), "%d", args->control);
		snprintf(out->numbers[2], sizeof(out->numbers[2]), "%d", args->policy);
		argv[n++] = (char *)"--child";
		argv[n++] = out->numbers[0];
		argv[n++] = (char *)"--control";
		argv[n++] = out->numbers[1];
		argv[n++] = (char *)"--policy";
		argv[n++] = out->numbers[2];
		break;
	case HELPER_START_EXTERNAL:
		snprintf(out->numbers[0], sizeof(out->numbers[0]), "%d", (int)args->external);
		snprintf(out->numbers[1], sizeof(out->numbers[1]), "%d", args->notify);
		snprintf(out->numbers[2], sizeof(out->numbers[2]), "%d", args->policy);
		argv[n++] = (char *)"--external";
		argv[n++] = out->numbers[0];
		argv[n++] = (char *)"--notify";
		argv[n++] = out->numbers[1];
		argv[n++] = (char *)"--policy";
		argv[n++] = out->numbers[2];
		break;
	default:
		return -EINVAL;
	}
	if (args->session) {
		argv[n++] = (char *)"--session";
		argv[n++] = (char *)args->session;
	}
	argv[n] = NULL;
	return 0;
}

static int parse_number(const char *text, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (!text || !*text || strlen(text) > HELPER_ARG_NUMBER_MAX)
		return -EINVAL;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* One "--name value" pair; *seen gets the flag of the name. */
static int parse_one(const char *name, const char *value, struct helper_args *out, unsigned *seen)
{
	long long v = 0;
	int r;

	if (strcmp(name, "--session") == 0) {
		out->session = value;
		return 0;
	}
	if (strcmp(name, "--external") == 0) {
		r = parse_number(value, 2, INT_MAX, &v);
		out->external = (pid_t)v;
		*seen |= SEEN_EXTERNAL;
	} else if (strcmp(name, "--child") == 0) {
		r = parse_number(value, 2, INT_MAX, &v);
		out->child = (pid_t)v;
		*seen |= SEEN_CHILD;
	} else if (strcmp(name, "--control") == 0) {
		r = parse_number(value, 3, INT_MAX, &v);
		out->control = (int)v;
		*seen |= SEEN_CONTROL;
	} else if (strcmp(name, "--policy") == 0) {
		r = parse_number(value, 3, INT_MAX, &v);
		out->policy = (int)v;
		*seen |= SEEN_POLICY;
	} else if (strcmp(name, "--notify") == 0) {
		r = parse_number(value, -1, INT_MAX, &v);
		/* 0, 1 and 2 are stdio, never a listener */
		if (v >= 0 && v < 3)
			r = -EINVAL;
		out->notify = (int)v;
		*seen |= SEEN_NOTIFY;
	} else {
		return -EINVAL;
	}
	return r;
}

int helper_args_parse(int argc, char *const *argv, struct helper_args *out)
{
	unsigned seen = 0;

	*out = (struct helper_args){ .notify = -1 };
	for (int i = 1; i < argc; i += 2) {
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		int r;

		if (!value)
			return -EINVAL;
		r = parse_one(argv[i], value, out, &seen);
		if (r < 0)
			return r;
	}
	if (seen == STARTED_BY_LAUNCHER) {
		out->start = HELPER_START_CHILD;
		return 0;
	}
	if (seen == STARTED_BY_KEEPER) {
		out->start = HELPER_START_EXTERNAL;
		return 0;
	}
	return -EINVAL;
}
