/* Unit tests of restricted-command splitting and matching, the policy ->
 * Landlock/seccomp plan, and the session environment. No kernel needed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "config.h"
#include "policy.h"
#include "sandbox.h"
#include "session_env.h"
#include "layers.h"
#include "loader.h"
#include "fixture.h"
#include "tap.h"

static const char *join(const struct strlist *list, const char *sep)
{
	static char buf[2048];

	buf[0] = '\0';
	for (size_t i = 0; i < list->count; i++) {
		if (i)
			strcat(buf, sep);
		strncat(buf, list->items[i], sizeof(buf) - strlen(buf) - 2);
	}
	return buf;
}

static void test_split(void)
{
	static const struct {
		const char *text;
		const char *words; /* joined with '|', NULL: refused */
		const char *reason;
	} cases[] = {
		{ "scp -t /home/a/file", "scp|-t|/home/a/file", NULL },
		{ "scp -f 'my file.txt'", "scp|-f|my file.txt", NULL },
		{ "rsync --server --sender -vlogDtpre.iLsfxC . dir/",
		  "rsync|--server|--sender|-vlogDtpre.iLsfxC|.|dir/", NULL },
		{ "git-upload-pack '/srv/git/repo.git'", "git-upload-pack|/srv/git/repo.git", NULL },
		{ "git-receive-pack 'repo.git'", "git-receive-pack|repo.git", NULL },
		{ "/usr/lib/openssh/sftp-server", "/usr/lib/openssh/sftp-server", NULL },
		{ "  echo   \"a \\\"b\\\" c\"  ", "echo|a \"b\" c", NULL },
		{ "a''b \"\"", "ab|", NULL },
		{ "echo it's", NULL, "unterminated single quote" },
		{ "echo \"open", NULL, "unterminated double quote" },
		{ "ls; id", NULL, "';' needs a shell" },
		{ "ls | sh", NULL, "'|' needs a shell" },
		{ "ls && id", NULL, "'&' needs a shell" },
		{ "echo $HOME", NULL, "'$' needs a shell" },
		{ "echo \"$HOME\"", NULL, "need a shell, even in double quotes" },
		{ "echo `id`", NULL, "'`' needs a shell" },
		{ "cat < /etc/passwd", NULL, "'<' needs a shell" },
		{ "echo > f", NULL, "'>' needs a shell" },
		{ "(id)", NULL, "'(' needs a shell" },
		{ "ls *", NULL, "'*' needs a shell" },
		{ "ls ?", NULL, "'?' needs a shell" },
		{ "ls [a]", NULL, "'[' needs a shell" },
		{ "ls ~", NULL, "'~' needs a shell" },
		{ "echo a\\ b", NULL, "backslash" },
		{ "id\nsh", NULL, "newlines" },
		{ "", NULL, "empty command" },
		{ "   ", NULL, "empty command" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strlist argv;
		char err[128] = "";
		int r;

		strlist_init(&argv);
		r = command_split(cases[i].text, &argv, err, sizeof(err));
		if (cases[i].words) {
			ok(r == 0, "splits: %s", cases[i].text);
			is_str(join(&argv, "|"), cases[i].words, "words of: %s", cases[i].text);
		} else {
			ok(r == -EINVAL && strstr(err, cases[i].reason), "refuses (%s): %s", cases[i].reason, err);
		}
		strlist_free(&argv);
	}
}

static void test_match(void)
{
	struct strlist commands;

	strlist_init(&commands);
	strlist_split("scp sftp-server /usr/bin/rsync", &commands, NULL, 0);
	is_str(command_match(&commands, "scp"), "scp", "bare name matches");
	is_str(command_match(&commands, "/usr/lib/openssh/sftp-server"), "sftp-server",
	       "a path matches by its last component (the shell then insists on the real path)");
	is_str(command_match(&commands, "/usr/bin/rsync"), "/usr/bin/rsync", "listed path matches exactly");
	ok(command_match(&commands, "rsync") == NULL, "a listed path does not match a bare name");
	ok(command_match(&commands, "/tmp/rsync") == NULL, "nor another path");
	ok(command_match(&commands, "bash") == NULL, "unlisted command");
	ok(command_match(&commands, "scp/") == NULL, "trailing slash is not the name");
	strlist_free(&commands);
}

static gid_t stu_groups[] = { 1000 };
static struct user_info stu = { .name = "stu",
				.uid = 1000,
				.gid = 1000,
				.home = "/home/stu",
				.shell = "/bin/sh",
				.groups = stu_groups,
				.n_groups = 1 };

/* A plan for a host with Landlock ABI abi, with or without the view. */
static int plan_on(const struct policy *p, int abi, bool view, struct sandbox_plan *plan, char *err, size_t errlen)
{
	struct host_layers host;

	host_layers_assume(abi, view, true, &host);
	return sandbox_plan(p, &host, plan, err, errlen);
}

static void test_plan(void)
{
	static const struct {
		const char *text;
		int abi;
		bool view;
		int result;
		int abi_needed;
		const char *reason;
	} cases[] = {
		{ "[default]\nconfine = yes\n", 7, true, 0, 6, NULL },
		{ "[default]\nconfine = yes\nipc.abstract_unix = allow\nipc.signals = any\n", 1, true, 0, 0, NULL },
		{ "[default]\nconfine = yes\nipc.abstract_unix = allow\nipc.signals = any\nfs.read = /usr\n", 3, false,
		  0, 1, NULL },
		/* the scopes and ports fall back to corral-helper on older kernels */
		{ "[default]\nconfine = yes\nfs.read = /usr\nfs.write = ~\n", 2, true, 0, 1, NULL },
		{ "[default]\nconfine = yes\nnet.bind = 80\n", 3, true, 0, 0, NULL },
		{ "[default]\nconfine = yes\n", 5, true, 0, 0, NULL },
		/* what no layer enforces is refused, naming the key */
		{ "[default]\nconfine = yes\nfs.read = /usr\n", 0, true, -EOPNOTSUPP, 0, "fs.read cannot be enforced" },
		{ "[default]\nconfine = yes\nfs.exec = /usr\n", 6, false, -EOPNOTSUPP, 0,
		  "fs.exec cannot be enforced" },
		{ "[default]\nconfine = yes\nfs.private_tmp = yes\n", 6, false, -EOPNOTSUPP, 0, "fs.private_tmp" },
		/* decided per address by corral-helper: no Landlock ABI beyond the scopes' */
		{ "[default]\nconfine = yes\nnet.connect = tcp://example.org:443\n", 7, true, 0, 6, NULL },
		{ "[default]\nconfine = yes\nnet.connect = udp://:53\n", 7, true, 0, 6, NULL },
		{ "[default]\nconfine = yes\nnet.deny = 10.0.0.0/8\n", 7, true, 0, 6, NULL },
		{ "[default]\nconfine = yes\nnet.loopback = own\n", 7, true, 0, 6, NULL },
		{ "[default]\nconfine = yes\nnet.connect = tcp://:443 udp://* icmp://*\n", 7, true, 0, 6, NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sandbox_plan plan;
		char err[SANDBOX_ERR_MAX] = "";
		struct policy p;
		int r;

		if (policy_from_ini(cases[i].text, &stu, &p, NULL, 0) < 0) {
			ok(0, "setup %zu", i);
			continue;
		}
		r = plan_on(&p, cases[i].abi, cases[i].view, &plan, err, sizeof(err));
		is_int(r, cases[i].result, "plan #%zu with ABI %d%s", i, cases[i].abi,
		       cases[i].view ? "" : ", no view");
		if (r == 0) {
			is_int(plan.abi_needed, cases[i].abi_needed, "plan #%zu uses Landlock ABI %d", i,
			       cases[i].abi_needed);
			sandbox_plan_free(&plan);
		} else {
			ok(strstr(err, cases[i].reason) != NULL, "reason names the key: %s", err);
		}
		policy_free(&p);
	}
}

/* Where Landlock lacks a right, another layer takes the rule. */
static void test_fallbacks(void)
{
	struct sandbox_plan plan;
	char err[SANDBOX_ERR_MAX];
	struct policy p;

	if (policy_from_ini("[default]\nconfine = yes\nfs.read = /usr\nfs.write = ~\nnet.bind = 8000-8010\n"
			    "net.connect = tcp://:443\nipc.unix = /\n",
			    &stu, &p, NULL, 0) < 0)
		return;
	ok(plan_on(&p, 2, true, &plan, err, sizeof(err)) == 0, "ABI 2 (Debian 12): planned, not refused");
	ok(plan.filter.notify_signals && !(plan.handled.scoped & LL_SCOPE_SIGNAL), "signals: corral-helper, no scope");
	ok(plan.filter.notify_net && !(plan.handled.scoped & LL_SCOPE_ABSTRACT_UNIX),
	   "abstract sockets: corral-helper sees connect and send");
	ok(plan.filter.notify_bind && plan.filter.notify_listen && !(plan.handled.net & LL_NET_BIND_TCP),
	   "net.bind: bind and listen trapped, no Landlock port rule");
	ok(!(plan.handled.net & LL_NET_CONNECT_TCP), "net.connect ports: corral-helper, which sees every connect");
	ok((plan.handled.fs & LL_FS_REFER) && !(plan.handled.fs & LL_FS_TRUNCATE),
	   "files: Landlock with what ABI 2 has; the view keeps truncate out of read-only trees");
	sandbox_plan_free(&plan);
	ok(plan_on(&p, 4, true, &plan, err, sizeof(err)) == 0 && (plan.handled.net & LL_NET_BIND_TCP) &&
		   (plan.handled.net & LL_NET_CONNECT_TCP) && plan.filter.notify_signals && !plan.filter.notify_bind,
	   "ABI 4 (Ubuntu 24.04): ports by Landlock, signals by corral-helper");
	sandbox_plan_free(&plan);
	ok(plan_on(&p, 6, true, &plan, err, sizeof(err)) == 0 && !plan.filter.notify_signals &&
		   (plan.handled.scoped == (LL_SCOPE_SIGNAL | LL_SCOPE_ABSTRACT_UNIX)) && !plan.filter.notify_net,
	   "ABI 6: the scopes by Landlock, nothing network trapped");
	ok(plan.filter.notify_cross_process,
	   "... the calls naming another process still by corral-helper (no Landlock right)");
	sandbox_plan_free(&plan);
	policy_free(&p);
}

static void test_plan_details(void)
{
	struct sandbox_plan plan;
	char err[SANDBOX_ERR_MAX];
	struct policy p;

	if (policy_from_ini("[default]\nconfine = yes\nfs.read = /usr\nfs.write = ~\nfs.exec = /usr\n"
			    "net.connect = tcp://:443,8000-8080\nnet.bind = 9000\n",
			    &stu, &p, NULL, 0) < 0)
		return;
	ok(plan_on(&p, 7, true, &plan, err, sizeof(err)) == 0, "full plan");
	is_int(plan.n_paths, 4, "four path rules (the loader's path /lib64/... is not /usr by name)");
	ok(plan.n_paths == 4 && strcmp(plan.paths[1].path, "/home/stu") == 0 &&
		   (plan.paths[1].access & LL_FS_WRITE_FILE) && !(plan.paths[1].access & LL_FS_EXECUTE),
	   "home writable, not executable");
	ok(plan.n_paths == 4 && (plan.paths[2].access & LL_FS_EXECUTE), "fs.exec grants execute");
	ok(plan.deny == NULL && plan.uid == 1000,
	   "mount view: nothing carved; links judged as the user, whoever applies it");
	ok(plan.handled.fs & LL_FS_IOCTL_DEV, "ABI 7 also handles device ioctls");
	ok(!(plan.handled.net & LL_NET_CONNECT_TCP) && (plan.handled.net & LL_NET_BIND_TCP) && plan.filter.notify_net,
	   "bind handled by Landlock; connect ports checked by corral-helper, which sees every connect anyway");
	ok(plan.bind_ports && !plan.filter.notify_bind && plan.filter.notify_listen,
	   "one bind port: a Landlock rule; listen() on an unbound socket goes to the helper");
	ok(!plan.filter.allow_udp && !plan.filter.allow_icmp, "no udp/icmp rule: those sockets refused");
	ok(plan.filter.notify_memfd, "fs.exec set: memfd_create goes to corral-helper (sealed non-executable memfds)");
	sandbox_plan_free(&plan);
	policy_free(&p);

	if (policy_from_ini(
		    "[default]\nconfine = yes\nfs.read = /usr\nfs.write = ~\nfs.exec = /usr/bin\nfs.deny = ~/.ssh\n"
		    "ipc.abstract_unix = allow\nipc.signals = any\n",
		    &stu, &p, NULL, 0) < 0)
		return;
	ok(plan_on(&p, 2, true, &plan, err, sizeof(err)) == 0 && plan.abi_needed == 1,
	   "mount view: any Landlock ABI for files (the read-only mounts stop truncate)");
	ok(plan.n_paths == 4 && strcmp(plan.paths[3].path, LOADER_INTERPRETER) == 0 &&
		   plan.paths[3].access == (LL_FS_READ_FILE | LL_FS_EXECUTE),
	   "fs.exec = /usr/bin: the dynamic loader is executable (read and execute, a file rule)");
	ok(plan.deny == NULL && plan.deny_links && plan.deny_links->count == 1,
	   "fs.deny covered by the view: not carved, its hard links still checked");
	sandbox_plan_free(&plan);
	is_int(plan_on(&p, 3, false, &plan, err, sizeof(err)), -EOPNOTSUPP,
	       "without the view fs.exec is refused (ld.so, mmap)");
	ok(strstr(err, "fs.exec") != NULL, "naming fs.exec: %s", err);
	policy_free(&p);
	if (policy_from_ini("[default]\nconfine = yes\nfs.read = /usr\nfs.write = ~\nfs.deny = ~/.ssh\n", &stu, &p,
			    NULL, 0) < 0)
		return;
	ok(plan_on(&p, 3, false, &plan, err, sizeof(err)) == 0 && plan.deny && plan.deny->count == 1,
	   "without the view fs.deny is carved out by Landlock");
	sandbox_plan_free(&plan);
	policy_free(&p);

	if (policy_from_ini("[default]\nconfine = yes\nnet.connect = tcp://* udp://*\nipc.signals = any\n", &stu, &p,
			    NULL, 0) < 0)
		return;
	ok(plan_on(&p, 7, true, &plan, err, sizeof(err)) == 0 && !(plan.handled.net & LL_NET_CONNECT_TCP) &&
		   plan.filter.allow_udp && (plan.handled.scoped == LL_SCOPE_ABSTRACT_UNIX),
	   "tcp://* leaves connect unhandled; only the abstract scope");
	ok(plan.filter.notify_net, "pathname unix sockets (default ipc.unix) need corral-helper: connect/send trapped");
	ok(!plan.filter.notify_memfd, "no fs.exec: memfd_create not trapped");
	sandbox_plan_free(&plan);
	policy_free(&p);

	if (policy_from_ini("[default]\nconfine = yes\nnet.bind = 8000-8999\n", &stu, &p, NULL, 0) < 0)
		return;
	ok(plan_on(&p, 7, true, &plan, err, sizeof(err)) == 0 && (plan.handled.net & LL_NET_BIND_TCP) &&
		   !plan.bind_ports && plan.filter.notify_bind,
	   "1000 bind ports: no rule per port; Landlock refuses every TCP bind and corral-helper makes the granted ones");
	sandbox_plan_free(&plan);
	policy_free(&p);

	if (policy_from_ini("[default]\nconfine = yes\nnet.connect = tcp://:443\nipc.unix = /\n", &stu, &p, NULL, 0) <
	    0)
		return;
	ok(plan_on(&p, 7, true, &plan, err, sizeof(err)) == 0 && !plan.filter.notify_net && !plan.filter.notify_bind &&
		   !plan.filter.notify_listen && !plan.filter.notify_memfd && (plan.handled.net & LL_NET_CONNECT_TCP),
	   "port rules only and ipc.unix = /: Landlock alone, no network call trapped");
	ok(plan.filter.notify_cross_process && syscall_filter_traps(&plan.filter),
	   "ipc.signals = session: calls naming another process go to the helper");
	sandbox_plan_free(&plan);
	policy_free(&p);

	if (policy_from_ini("[default]\nconfine = yes\nnet.connect = tcp://10.0.0.0/8:22\nipc.unix = /\n", &stu, &p,
			    NULL, 0) < 0)
		return;
	ok(plan_on(&p, 7, true, &plan, err, sizeof(err)) == 0 && plan.filter.notify_net &&
		   !(plan.handled.net & LL_NET_CONNECT_TCP),
	   "an address rule is decided by corral-helper, not by Landlock ports");
	sandbox_plan_free(&plan);
	policy_free(&p);
}

static void test_env(void)
{
	char *current[] = { "TERM=xterm",  "LANG=C.UTF-8", "LC_ALL=C", "LD_PRELOAD=/tmp/evil.so",
			    "HOME=/wrong", "PATH=/tmp",    "SECRET=1", "junk",
			    NULL };
	struct strlist env;
	struct policy p;

	if (policy_from_ini(
		    "[default]\nenv.keep = LANG LC_*\nenv.set = EDITOR=vi \"GREETING=hello world\" LANG=de_DE\n", &stu,
		    &p, NULL, 0) < 0)
		return;
	ok(session_env_build(&p, current, "/bin/sh", &env) == 0, "environment built");
	is_str(join(&env, " "),
	       "TERM=xterm LANG=de_DE LC_ALL=C HOME=/home/stu USER=stu LOGNAME=stu SHELL=/bin/sh "
	       "PATH=/usr/local/bin:/usr/bin:/bin EDITOR=vi GREETING=hello world",
	       "kept, fixed and set variables; nothing else");
	strlist_free(&env);
	policy_free(&p);
}

int main(void)
{
	test_split();
	test_match();
	test_plan();
	test_fallbacks();
	test_plan_details();
	test_env();
	return tap_done();
}
