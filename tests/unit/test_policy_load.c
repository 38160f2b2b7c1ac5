/* Unit tests of policy_load_for_user() (lib/policy/policy_load.c) and the words
 * corral-session puts around its failures (session_policy_load). Config
 * files must be root's to be trusted: those cases need root. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy_load.h"
#include "session_origin.h"
#include "tap.h"

static gid_t groups[] = { 1000 };
static struct user_info stu = {
	.name = "stu", .uid = 1000, .gid = 1000, .home = "/home/stu", .shell = "/bin/sh", .groups = groups, .n_groups = 1
};
static struct user_info boss = { .name = "boss",
				 .uid = 1001,
				 .gid = 1000,
				 .home = "/home/boss",
				 .shell = "/bin/sh",
				 .groups = groups,
				 .n_groups = 1 };

static char dir[64];

static const char *write_config(const char *text)
{
	static char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/corral.ini", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		tap_diag("cannot write %s", path);
	if (fd >= 0)
		close(fd);
	return path;
}

static void test_missing(void)
{
	struct user_info root = { .name = "root", .uid = 0, .gid = 0, .home = "/root", .shell = "/bin/sh" };
	struct policy_load_status status;
	struct policy p;
	char path[128], err[512];
	int r;

	snprintf(path, sizeof(path), "%s/absent.ini", dir);
	r = policy_load_for_user(path, &stu, 0, &p, &status);
	ok(r == -EINVAL && status.failed == POLICY_LOAD_CONFIG && status.exempt == 0, "a missing config: refused");
	ok(strstr(status.reason, "cannot open") != NULL, "with the config's first error");
	r = session_policy_load(path, &stu, &p, err, sizeof(err));
	ok(r == -EINVAL && strncmp(err, "no valid policy (", 17) == 0 && strstr(err, "); ask your administrator"),
	   "corral-session's words around it");

	r = policy_load_for_user(path, &root, 0, &p, &status);
	ok(r == 0 && status.exempt == 1 && status.failed == POLICY_LOAD_DONE && p.exempt && !p.confine,
	   "root still gets in, unconfined");
	if (r == 0)
		policy_free(&p);
}

static void test_valid(void)
{
	const char *path = write_config("[global]\nexempt_users = boss\n[default]\nconfine = yes\nshell = /bin/bash\n");
	struct policy_load_status status;
	struct policy p;
	int r;

	r = policy_load_for_user(path, &stu, 0, &p, &status);
	ok(r == 0 && status.failed == POLICY_LOAD_DONE && status.exempt == 0 && p.confine, "resolved: confined");
	if (r == 0) {
		is_str(p.shell, "/bin/bash", "with the config's settings");
		policy_free(&p);
	}
	r = policy_load_for_user(path, &stu, POLICY_LOAD_EXEMPT_FIRST, &p, &status);
	ok(r == 0 && p.confine, "exempt first changes nothing for others");
	if (r == 0)
		policy_free(&p);

	r = policy_load_for_user(path, &boss, 0, &p, &status);
	ok(r == 0 && status.exempt == 1 && p.exempt && !p.confine, "an exempt user's policy is resolved, unconfined");
	if (r == 0) {
		is_str(p.shell, "/bin/bash", "with the config's settings");
		policy_free(&p);
	}
	r = policy_load_for_user(path, &boss, POLICY_LOAD_EXEMPT_FIRST, &p, &status);
	ok(r == 0 && status.exempt == 1 && p.exempt && !p.confine, "exempt first: the unconfined default");
	if (r == 0)
		policy_free(&p);
}

static void test_invalid(void)
{
	const char *path = write_config("[global]\nexempt_users = boss\n[default]\nconfine = yes\nno_such_key = 1\n");
	struct policy_load_status status;
	struct policy p;
	int r;

	r = policy_load_for_user(path, &stu, 0, &p, &status);
	ok(r == -EINVAL && status.failed == POLICY_LOAD_CONFIG && strstr(status.reason, "no_such_key"),
	   "an invalid config: refused, naming the error");
	r = policy_load_for_user(path, &stu, POLICY_LOAD_EXEMPT_FIRST, &p, &status);
	ok(r == -EINVAL && status.failed == POLICY_LOAD_CONFIG, "exempt first: the same");
	r = policy_load_for_user(path, &boss, 0, &p, &status);
	ok(r == 0 && status.exempt == 1 && p.exempt && !p.confine, "an exempt user still gets in");
	if (r == 0)
		policy_free(&p);
}

int main(void)
{
	char path[128];

	snprintf(dir, sizeof(dir), "/tmp/corral-unit-XXXXXX");
	if (!mkdtemp(dir) || chmod(dir, 0755) < 0) {
		printf("1..0 # SKIP no scratch directory\n");
		return 0;
	}
	test_missing();
	if (getuid() == 0) {
		test_valid();
		test_invalid();
	} else {
		ok(1, "# SKIP trusted config files need root");
	}
	snprintf(path, sizeof(path), "%s/corral.ini", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
