/* Shared by the attack programs of tests/escape: each one does one
 * operation per run and prints "ok" (or "ok:DETAIL") when it worked, or
 * the errno name (EACCES, EPERM, ...) when the kernel refused it. Exit 0
 * either way, 2 on a usage error: the test decides what the answer means.
 * Built by the tests with `cc -O1`. */
#ifndef ESCAPE_COMMON_H
#define ESCAPE_COMMON_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline const char *err_name(int e)
{
	const char *name = strerrorname_np(e);

	return name ? name : "EOTHER";
}

/* prints "ok" or the errno name of a failed call (r < 0) */
static inline int report(long r)
{
	if (r < 0)
		printf("%s\n", err_name(errno));
	else
		printf("ok\n");
	fflush(stdout);
	return 0;
}

static inline int report_detail(long r, const char *detail)
{
	if (r < 0)
		printf("%s\n", err_name(errno));
	else
		printf("ok:%s\n", detail);
	fflush(stdout);
	return 0;
}

static inline int usage(const char *prog, const char *op)
{
	fprintf(stderr, "%s: unknown operation '%s'\n", prog, op);
	return 2;
}

#define OP(name) (strcmp(op, (name)) == 0)
#define ARG(i) (argc > (i) ? argv[(i)] : "")

#endif
