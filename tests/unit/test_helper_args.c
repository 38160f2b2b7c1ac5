/* Unit tests for lib/session/helper_args.c: what the launcher and the keeper build
 * is what corral-helper parses back, and nothing else gets through. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "helper_args.h"
#include "tap.h"

static int argc_of(char *const *argv)
{
	int n = 0;

	while (argv[n])
		n++;
	return n;
}

static void test_round_trip_child(void)
{
	struct helper_args in = {
		.start = HELPER_START_CHILD, .child = 4242, .control = 5, .policy = 7, .notify = 9, .session = "abc123"
	};
	struct helper_args out;
	struct helper_argv built;

	is_int(helper_args_build(&in, &built), 0, "child: built");
	is_str(built.argv[0], "corral-helper", "child: argv[0] is the helper's name");
	is_int(argc_of(built.argv), 9, "child: 4 pairs after argv[0] (the listener comes in the child's hello)");
	is_int(helper_args_parse(argc_of(built.argv), built.argv, &out), 0, "child: parsed back");
	ok(out.start == HELPER_START_CHILD && out.child == 4242 && out.control == 5 && out.policy == 7 &&
		   out.notify == -1 && out.external == 0,
	   "child: every number survives, no listener from the command line");
	is_str(out.session, "abc123", "child: the session id survives");

	in.session = NULL;
	helper_args_build(&in, &built);
	is_int(argc_of(built.argv), 7, "child without session: no --session");
	is_int(helper_args_parse(argc_of(built.argv), built.argv, &out), 0, "child without session: parsed");
	ok(out.notify == -1 && out.session == NULL, "child: no listener, no session");
}

static void test_round_trip_external(void)
{
	struct helper_args in = {
		.start = HELPER_START_EXTERNAL, .external = 777, .notify = 12, .policy = 11, .session = "s1"
	};
	struct helper_args out;
	struct helper_argv built;

	is_int(helper_args_build(&in, &built), 0, "external: built");
	is_int(argc_of(built.argv), 9, "external: 4 pairs after argv[0]");
	is_str(built.argv[1], "--external", "external: the keeper's order");
	is_int(helper_args_parse(argc_of(built.argv), built.argv, &out), 0, "external: parsed back");
	ok(out.start == HELPER_START_EXTERNAL && out.external == 777 && out.notify == 12 && out.policy == 11 &&
		   out.child == 0 && out.control == 0,
	   "external: every number survives");
	is_str(out.session, "s1", "external: the session id survives");

	in.start = (enum helper_start)99;
	is_int(helper_args_build(&in, &built), -EINVAL, "an unknown start is not built");
}

struct bad_case {
	const char *name;
	const char *argv[16];
};

static const struct bad_case bad_cases[] = {
	{ "no arguments", { "corral-helper", NULL } },
	{ "a name without a value", { "corral-helper", "--child", NULL } },
	{ "an unknown option",
	  { "corral-helper", "--child", "5", "--control", "4", "--policy", "5", "--shell", "x", NULL } },
	{ "missing --policy", { "corral-helper", "--child", "5", "--control", "4", NULL } },
	{ "the launcher's set with --notify (the listener comes in the child's hello)",
	  { "corral-helper", "--child", "5", "--control", "4", "--policy", "5", "--notify", "6", NULL } },
	{ "--probe, no longer an option",
	  { "corral-helper", "--child", "5", "--control", "4", "--policy", "5", "--probe", "1", NULL } },
	{ "keeper's set without --notify", { "corral-helper", "--external", "5", "--policy", "5", NULL } },
	{ "both starts at once",
	  { "corral-helper", "--external", "9", "--child", "5", "--control", "4", "--policy", "5", "--notify", "-1",
	    NULL } },
	{ "pid 1 as the child", { "corral-helper", "--child", "1", "--control", "4", "--policy", "5", NULL } },
	{ "stdin as the control socket", { "corral-helper", "--child", "5", "--control", "0", "--policy", "5", NULL } },
	{ "stderr as the listener", { "corral-helper", "--external", "5", "--policy", "5", "--notify", "2", NULL } },
	{ "a listener below -1", { "corral-helper", "--external", "5", "--policy", "5", "--notify", "-2", NULL } },
	{ "trailing garbage", { "corral-helper", "--external", "5x", "--policy", "5", "--notify", "4", NULL } },
	{ "an empty number", { "corral-helper", "--external", "", "--policy", "5", "--notify", "4", NULL } },
	{ "beyond INT_MAX", { "corral-helper", "--external", "2147483648", "--policy", "5", "--notify", "4", NULL } },
	{ "a 21-digit number",
	  { "corral-helper", "--external", "000000000000000000005", "--policy", "5", "--notify", "4", NULL } },
};

static void test_rejected(void)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct helper_args out;
		char *const *argv = (char *const *)bad_cases[i].argv;

		is_int(helper_args_parse(argc_of(argv), argv, &out), -EINVAL, "rejected: %s", bad_cases[i].name);
	}
}

static void test_child_kept_on_failure(void)
{
	const char *argv[] = { "corral-helper", "--child", "4321", "--control", "1", NULL };
	struct helper_args out;

	is_int(helper_args_parse(5, (char *const *)argv, &out), -EINVAL, "a bad control fd is rejected");
	is_int(out.child, 4321, "but the child named before it is kept, for the caller to kill");
}

static void test_any_order(void)
{
	const char *argv[] = { "corral-helper", "--session", "x",          "--policy", "6",
			       "--notify",      "7",         "--external", "8",        NULL };
	struct helper_args out;

	is_int(helper_args_parse(9, (char *const *)argv, &out), 0, "the pairs may come in any order");
	ok(out.start == HELPER_START_EXTERNAL && out.external == 8 && out.policy == 6 && out.notify == 7,
	   "and read the same");
}

int main(void)
{
	test_round_trip_child();
	test_round_trip_external();
	test_rejected();
	test_child_kept_on_failure();
	test_any_order();
	return tap_done();
}
