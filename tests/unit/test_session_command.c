/* Unit tests of session_command_choose() (lib/session/session.c): which program,
 * argv and mode a session gets from its policy and how it was asked for.
 * Restricted-mode programs are looked up in a scratch directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "policy.h"
#include "session.h"
#include "tap.h"

static char bin_dir[64];

static int resolve_text(const char *text, struct policy *p)
{
	static gid_t groups[] = { 1000 };
	struct user_info u = { .name = "stu",
			       .uid = 1000,
			       .gid = 1000,
			       .home = "/home/stu",
			       .shell = "/bin/sh",
			       .groups = groups,
			       .n_groups = 1 };
	char err[POLICY_ERR_MAX];
	struct config config;
	int fd = memfd_create("t.ini", MFD_CLOEXEC), r;

	if (fd < 0 || fchmod(fd, 0644) < 0 || write(fd, text, strlen(text)) < 0 || lseek(fd, 0, SEEK_SET) != 0)
		return -EIO;
	config_load_fd(fd, "t.ini", &config);
	close(fd);
	r = policy_resolve(&config, &u, p, err, sizeof(err));
	if (r < 0)
		tap_diag("resolve: %s", err);
	config_free(&config);
	return r;
}

static void make_program(const char *name)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", bin_dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
	if (fd >= 0)
		close(fd);
}

static const char *joined(char *const *argv)
{
	static char buf[512];

	buf[0] = '\0';
	for (size_t i = 0; argv && argv[i]; i++) {
		if (i)
			strcat(buf, "|");
		strncat(buf, argv[i], sizeof(buf) - strlen(buf) - 2);
	}
	return buf;
}

static void test_shell(void)
{
	struct session_spec spec = { .kind = SESSION_INTERACTIVE, .login = true };
	struct session_command c;
	struct policy p;
	char err[256] = "";

	if (resolve_text("[default]\nconfine = yes\nshell = /bin/bash\n", &p) < 0)
		return;
	session_command_choose(&p, &spec, bin_dir, &c, err, sizeof(err));
	ok(c.mode == SESSION_MODE_CONFINED, "a confined login shell: confined");
	is_str(c.path, "/bin/bash", "runs the policy's shell");
	is_str(joined(c.argv), "-bash", "as a login shell");
	session_command_free(&c);

	spec.login = false;
	session_command_choose(&p, &spec, bin_dir, &c, err, sizeof(err));
	is_str(joined(c.argv), "bash", "not a login: no dash");
	session_command_free(&c);

	spec.kind = SESSION_COMMAND_STRING;
	spec.command = "echo hi; id";
	spec.login = true;
	session_command_choose(&p, &spec, bin_dir, &c, err, sizeof(err));
	is_str(joined(c.argv), "-bash|-c|echo hi; id", "a command string goes to the shell (su - USER -c)");
	ok(c.mode == SESSION_MODE_CONFINED, "confined");
	session_command_free(&c);

	spec.nested = true;
	session_command_choose(&p, &spec, bin_dir, &c, err, sizeof(err));
	ok(c.mode == SESSION_MODE_EXEC, "nested in a session: just exec");
	session_command_free(&c);
	policy_free(&p);

	if (resolve_text("[default]\nconfine = no\nshell = /bin/sh\n", &p) < 0)
		return;
	spec = (struct session_spec){ .kind = SESSION_INTERACTIVE };
	session_command_choose(&p, &spec, bin_dir, &c, err, sizeof(err));
	ok(c.mode == SESSION_MODE_EXEC, "not confined: exec");
	is_str(joined(c.argv), "sh", "the shell, by its base name");
	session_command_free(&c);
	policy_free(&p);
}

static void test_argv(void)
{
	char *found[] = { (char *)"prog", (char *)"-v", NULL }, *missing[] = { (char *)"nope", NULL };
	char *absolute[] = { (char *)"/opt/x/y", NULL }, want[128];
	struct session_spec spec = { .kind = SESSION_ARGV, .argv = found };
	struct session_command c;
	struct policy p;
	char err[256] = "";

	if (resolve_text("[default]\nconfine = yes\nshell = /bin/sh\n", &p) < 0)
		return;
	session_command_choose(&p, &spec, bin_dir, &c, err, sizeof(err));
	snprintf(want, sizeof(want), "%s/prog", bin_dir);
	is_str(c.path, want, "an argv's program is looked up");
	is_str(joined(c.argv), "prog|-v", "and run with that argv");
	session_command_free(&c);

	spec.argv = missing;
	session_command_choose(&p, &spec, bin_dir, &c, err, sizeof(err));
	ok(c.mode == SESSION_MODE_NOT_FOUND, "an unknown program: not found");
	is_str(err, "nope: command not found", "with the shell's words");
	session_command_free(&c);

	spec.argv = absolute;
	session_command_choose(&p, &spec, bin_dir, &c, err, sizeof(err));
	ok(c.mode == SESSION_MODE_CONFINED, "a path is taken as it is");
	is_str(c.path, "/opt/x/y", "unchanged");
	session_command_free(&c);
	policy_free(&p);
}

static void expect_refused(const struct policy *p, const struct session_spec *spec, const char *reason,
			   const char *target, const char *name)
{
	struct session_command c;
	char err[512] = "";

	session_command_choose(p, spec, bin_dir, &c, err, sizeof(err));
	ok(c.mode == SESSION_MODE_REFUSED && strstr(err, reason) && c.refused && strcmp(c.refused, target) == 0,
	   "refused: %s", name);
	if (c.mode != SESSION_MODE_REFUSED || !strstr(err, reason))
		tap_diag("  mode %d, err '%s'", (int)c.mode, err);
	session_command_free(&c);
}

static void test_restricted(void)
{
	char text[512], want[128], *args[] = { (char *)"prog", (char *)"x", NULL };
	struct session_spec spec = { .kind = SESSION_COMMAND_STRING, .command = "prog -x 'a b'" };
	struct session_command c;
	struct policy p;
	char err[512] = "";

	snprintf(text, sizeof(text), "[default]\nconfine = yes\nshell = /bin/sh\ncommands = prog ghost %s/other\n",
		 bin_dir);
	if (resolve_text(text, &p) < 0)
		return;
	session_command_choose(&p, &spec, bin_dir, &c, err, sizeof(err));
	snprintf(want, sizeof(want), "%s/prog", bin_dir);
	ok(c.mode == SESSION_MODE_CONFINED, "an allowed command runs confined");
	is_str(c.path, want, "found in the fixed search path");
	is_str(joined(c.argv), "prog|-x|a b", "its words, not a shell's");
	ok(c.argv[3] == NULL, "argv is NULL-terminated");
	session_command_free(&c);

	spec.kind = SESSION_ARGV;
	spec.argv = args;
	session_command_choose(&p, &spec, bin_dir, &c, err, sizeof(err));
	ok(c.mode == SESSION_MODE_CONFINED && strcmp(c.path, want) == 0, "an allowed argv too");
	session_command_free(&c);

	spec.kind = SESSION_COMMAND_STRING;
	spec.command = "sh -c id";
	expect_refused(&p, &spec, "command 'sh' is not allowed for this account", "sh", "an unlisted command");
	spec.command = "prog; id";
	expect_refused(&p, &spec, "command refused: ", "prog; id", "shell syntax");
	spec.command = "ghost";
	expect_refused(&p, &spec, "command 'ghost' is allowed but not installed", "ghost", "a listed, absent one");
	spec.command = "/usr/bin/prog";
	expect_refused(&p, &spec, "is not the allowed", "/usr/bin/prog", "another program of that name");
	spec.kind = SESSION_INTERACTIVE;
	expect_refused(&p, &spec, "interactive sessions are not allowed", "interactive shell",
		       "a shell where only commands are allowed");
	policy_free(&p);

	snprintf(text, sizeof(text), "[default]\nconfine = yes\nshell = /bin/sh\ncommands = prog\nfs.exec = /usr\n");
	if (resolve_text(text, &p) < 0)
		return;
	spec.kind = SESSION_COMMAND_STRING;
	spec.command = "prog";
	expect_refused(&p, &spec, "is outside fs.exec", "prog", "a program outside fs.exec");
	policy_free(&p);
}

int main(void)
{
	char path[128];

	snprintf(bin_dir, sizeof(bin_dir), "/tmp/corral-unit-XXXXXX");
	if (!mkdtemp(bin_dir)) {
		printf("1..0 # SKIP no scratch directory\n");
		return 0;
	}
	make_program("prog");
	test_shell();
	test_argv();
	test_restricted();
	snprintf(path, sizeof(path), "%s/prog", bin_dir);
	unlink(path);
	rmdir(bin_dir);
	return tap_done();
}
