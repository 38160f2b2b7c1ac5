/* Unit tests of the config loader: our scanner, the iniparser cross-check,
 * section and key validation, list operators, exemptions, and file safety
 * (owner, mode, symlinks, FIFOs, drop-in order). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "inifile.h"
#include "fixture.h"
#include "tap.h"

/* Loads text through a memfd (root-owned 0644 when we run as root). */
/* Does some diagnostic on line (0 = any) contain needle? */
static bool has_diag(const struct config *config, unsigned line, const char *needle)
{
	for (size_t i = 0; i < config->diags.count; i++)
		if ((line == 0 || config->diags.items[i].line == line) &&
		    strstr(config->diags.items[i].message, needle))
			return true;
	return false;
}

static void dump(const struct config *config)
{
	char buf[1024];

	for (size_t i = 0; i < config->diags.count; i++) {
		diag_format(&config->diags.items[i], buf, sizeof(buf));
		tap_diag("  %s", buf);
	}
}

/* The config text on one line, for a TAP description. */
static const char *oneline(const char *text)
{
	static char buf[256];
	size_t n = 0;

	for (; *text && n + 3 < sizeof(buf); text++) {
		if (*text == '\n' || *text == '\r') {
			buf[n++] = '\\';
			buf[n++] = *text == '\n' ? 'n' : 'r';
		} else {
			buf[n++] = (unsigned char)*text < 0x20 ? '?' : *text;
		}
	}
	buf[n] = '\0';
	return buf;
}

struct bad_case {
	const char *text;
	unsigned line;
	const char *needle;
};

static const struct bad_case bad_cases[] = {
	/* the scanner */
	{ "[default]\nconfine = yes\x01\n", 2, "control character" },
	{ "[default]\nconfine = yes \\\n", 2, "ends in '\\'" },
	{ "[default] ; comment\n", 1, "must end with ']'" },
	{ "[]\n", 1, "malformed section header" },
	{ "[a]b]\n", 1, "malformed section header" },
	{ "confine = yes\n", 1, "outside any [section]" },
	{ "[default]\njust words\n", 2, "not a [section] header" },
	{ "[default]\n = yes\n", 2, "missing key name" },
	{ "[default]\nfs.read = /a;b\n", 2, "starts a comment" },
	{ "[default]\nfs.read = /a#b\n", 2, "starts a comment" },
	{ "[default]\nconfine = yes\nconfine = no\n", 3, "duplicate in [default], first set at line 2" },
	{ "[default]\nconfine = yes\nConfine = no\n", 3, "duplicate" },
	{ "[default]\nconfine = yes\n[default]\nconfine = no\n", 4, "duplicate" },
	{ "[user:Bob]\nconfine = yes\n[user:bob]\n", 3, "only in case" },
	{ "[default]\nenv.set = 'A=1'\n", 2, "not NAME=VALUE" },
	/* sections and keys */
	{ "[defaults]\n", 1, "unknown section [defaults]" },
	{ "[group:]\n", 1, "unknown section" },
	{ "[user:a/b]\n", 1, "unknown section" },
	{ "[default]\nconfined = yes\n", 2, "unknown key 'confined'" },
	{ "[default]\nConfine = yes\n", 2, "keys are lowercase: 'confine'" },
	{ "[default]\nexempt_users = bob\n", 2, "belongs in [global]" },
	{ "[global]\nconfine = yes\n", 2, "[global] only takes" },
	{ "[global]\nexempt_users = a/b\n", 2, "not a valid name" },
	/* values of every type */
	{ "[default]\nconfine = maybe\n", 2, "not a boolean" },
	{ "[default]\nconfine =\n", 2, "needs a value" },
	{ "[default]\nconfine = yes no\n", 2, "takes one value" },
	{ "[default]\numask = +022\n", 2, "not an octal umask" },
	{ "[default]\numask = 0800\n", 2, "not an octal umask" },
	{ "[default]\numask = 01000\n", 2, "not an octal umask" },
	{ "[default]\nshell = bash\n", 2, "shell" },
	{ "[default]\nshell = /bin/../bin/sh\n", 2, "'..'" },
	{ "[default]\nfs.read = relative/path\n", 2, "fs.read" },
	{ "[default]\nfs.read = ~bob/x\n", 2, "~name" },
	{ "[default]\nfs.write = /srv/%x\n", 2, "unknown escape" },
	{ "[default]\nfs.read = \"/a\n", 2, "unterminated" },
	{ "[default]\nfs.read = +\n", 2, "nothing after '+'" },
	{ "[default]\nfs.read = -\n", 2, "nothing after '-'" },
	{ "[default]\ncommands = ./sh\n", 2, "commands" },
	{ "[default]\ncommands = 'sh'\n", 2, "not a program name" },
	{ "[default]\nnet.connect = host:0\n", 2, "port 0" },
	{ "[default]\nnet.connect = icmp://x:1\n", 2, "icmp rules take no port" },
	{ "[default]\nnet.connect = gopher://x\n", 2, "unknown scheme" },
	{ "[default]\nnet.connect = 10.0.0.0/40\n", 2, "too long" },
	{ "[default]\nnet.deny = example.org\n", 2, "not allowed in net.deny" },
	{ "[default]\nnet.bind = 0\n", 2, "port 0" },
	{ "[default]\nnet.bind = 90-80\n", 2, "reversed" },
	{ "[default]\nnet.loopback = mine\n", 2, "own/any/none" },
	{ "[default]\nipc.abstract_unix = yes\n", 2, "allow/deny" },
	{ "[default]\nipc.signals = all\n", 2, "session/any" },
	{ "[default]\nlimits.processes = -1\n", 2, "whole number" },
	{ "[default]\nlimits.processes = 10k\n", 2, "whole number" },
	{ "[default]\nlimits.memory = 2GB\n", 2, "size" },
	{ "[default]\nlimits.memory = 99999999999999999999\n", 2, "size" },
	{ "[default]\nlimits.cpu = 0\n", 2, "percentage" },
	{ "[default]\nlimits.file_size = -5\n", 2, "size" },
	{ "[default]\nlimits.core = lots\n", 2, "size" },
	{ "[default]\nlimits.files = 1.5\n", 2, "whole number" },
	{ "[default]\nsession.max_time = 0\n", 2, "duration" },
	{ "[default]\nsession.idle_timeout = 5 minutes\n", 2, "one value" },
	{ "[default]\nsession.max_time = 400d\n", 2, "duration" },
	{ "[default]\nsession.linger = sometimes\n", 2, "boolean" },
	{ "[default]\nenv.keep = LC-ALL\n", 2, "variable name" },
	{ "[default]\nenv.set = =x\n", 2, "NAME=VALUE" },
	{ "[default]\nenv.set = 1A=x\n", 2, "NAME=VALUE" },
	{ "[default]\nservices = ssh/d\n", 2, "not a valid name" },
	{ "[default]\nlog.denials = 2\n", 2, "boolean" },
	{ "[default]\nfs.private_tmp = Yes\n", 2, "boolean" },
	{ "[default]\nnet.pin_hosts = y\n", 2, "boolean" },
};

static void test_bad_configs(void)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct config config;
		int r = config_from_ini(c->text, &config);

		ok(r == -EINVAL && !config_is_valid(&config), "refused: %s", oneline(c->text));
		if (!ok(has_diag(&config, c->line, c->needle), "line %u says '%s'", c->line, c->needle))
			dump(&config);
		config_free(&config);
	}
}

static const char *const good_values[] = {
	"confine = yes",
	"confine = no",
	"confine = true",
	"confine = off",
	"confine = 1",
	"shell = /bin/zsh",
	"shell = \"/opt/my shell/bin/sh\"",
	"commands = scp sftp-server /usr/bin/rsync",
	"fs.read = /usr ~ ~/x %h/y /srv/%u \"/with space\" /pct%%",
	"fs.write =",
	"fs.exec = +/opt",
	"fs.deny = -/etc/shadow",
	"fs.private_tmp = yes",
	"net.connect = tcp://a.example:443 udp://:53",
	"net.connect =",
	"net.deny = 10.0.0.0/8 udp://[2001:db8::/32]:53",
	"net.bind = 8000-8999 22",
	"net.loopback = own",
	"net.loopback = any",
	"net.loopback = none",
	"net.pin_hosts = yes",
	"ipc.abstract_unix = allow",
	"ipc.unix = /run/dbus/system_bus_socket",
	"ipc.signals = any",
	"limits.processes = 256",
	"limits.memory = 2G",
	"limits.memory = 512m",
	"limits.memory = unlimited",
	"limits.cpu = 50%",
	"limits.cpu = 250",
	"limits.files = 1024",
	"limits.file_size = 1T",
	"limits.core = 0",
	"session.max_time = 12h",
	"session.max_time = 90",
	"session.idle_timeout = 30m",
	"session.linger = no",
	"env.keep = LANG LC_* TERM ?X",
	"env.set = EDITOR=vim \"GREETING=hello world\" EMPTY=",
	"umask = 077",
	"umask = 0022",
	"umask = 7",
	"services = sshd login su-l",
	"log.denials = no",
	"fs.read = /a ; a comment after a blank",
	"fs.read = \"/a;b\"",
};

static void test_good_values(void)
{
	char text[512];

	for (size_t i = 0; i < sizeof(good_values) / sizeof(good_values[0]); i++) {
		struct config config;
		int r;

		snprintf(text, sizeof(text), "[default]\n%s\n", good_values[i]);
		r = config_from_ini(text, &config);
		if (!ok(r == 0, "accepted: %s", good_values[i]))
			dump(&config);
		config_free(&config);
	}
}

static void test_structure(void)
{
	struct config config;
	const struct config_setting *set;
	int r;

	r = config_from_ini("; lab\n# comment\n[global]\nexempt_users = +alice\nexempt_groups = admins\n"
			    "[default]\nfs.read = /usr /etc\n\n[group:students]\nfs.read = +/srv\nfs.write = -/tmp\n"
			    "[user:bob]\nconfine = yes\r\n[default]\numask = 077\n",
			    &config);
	ok(r == 0, "structured config loads");
	is_int(config.count, 5, "five sections, repeats kept apart");
	ok(config.count == 5 && config.sections[0].kind == SECTION_GLOBAL && config.sections[2].kind == SECTION_GROUP &&
		   config.sections[3].kind == SECTION_USER && config.sections[4].kind == SECTION_DEFAULT,
	   "kinds in file order");
	ok(config.count == 5 && strcmp(config.sections[2].target, "students") == 0 &&
		   strcmp(config.sections[3].target, "bob") == 0,
	   "section targets");
	set = config.count == 5 ? &config.sections[2].settings[0] : NULL;
	ok(set && set->op == LIST_APPEND && set->key == KEY_FS_READ && set->items.count == 1 &&
		   strcmp(set->items.items[0], "/srv") == 0 && set->line == 10,
	   "'+' recorded as an append with its line");
	set = config.count == 5 ? &config.sections[2].settings[1] : NULL;
	ok(set && set->op == LIST_REMOVE && set->key == KEY_FS_WRITE, "'-' recorded as a removal");
	ok(strlist_contains(&config.exempt_users, "root") && strlist_contains(&config.exempt_users, "alice"),
	   "exempt_users: root plus '+alice'");
	ok(strlist_contains(&config.exempt_groups, "admins"), "exempt_groups");
	config_free(&config);

	r = config_from_ini("[global]\nexempt_users = -root\n", &config);
	ok(r == 0 && strlist_contains(&config.exempt_users, "root"),
	   "root stays exempt even when removed from the list");
	config_free(&config);

	r = config_from_ini("[global]\nexempt_users = +dave\n[default]\nconfine = maybe\n", &config);
	ok(r == -EINVAL && strlist_contains(&config.exempt_users, "dave"),
	   "a trusted but invalid file keeps the exemptions that parsed");
	config_free(&config);

	r = config_from_ini("", &config);
	ok(r == 0 && config.count == 0, "an empty file is a valid config with no sections");
	config_free(&config);
}

static void test_untrusted_fd(void)
{
	struct config config;
	int fd = memfd_create("corral-test.ini", MFD_CLOEXEC);
	const char *text = "[global]\nexempt_users = +mallory\n";
	int r;

	if (write(fd, text, strlen(text)) < 0 || lseek(fd, 0, SEEK_SET) != 0 || fchmod(fd, 0664) < 0)
		tap_diag("setup failed");
	r = config_load_fd(fd, "w.ini", &config);
	ok(r == -EINVAL && has_diag(&config, 0, "writable by group or others (mode 0664)"),
	   "group-writable file refused");
	ok(!strlist_contains(&config.exempt_users, "mallory") && strlist_contains(&config.exempt_users, "root"),
	   "an untrusted file's exemptions are ignored; root stays exempt");
	config_free(&config);
	if (getuid() == 0 && fchmod(fd, 0644) == 0 && fchown(fd, 65534, 65534) == 0) {
		r = config_load_fd(fd, "w.ini", &config);
		ok(r == -EINVAL && has_diag(&config, 0, "owned by uid 65534, not root"),
		   "file not owned by root refused");
		config_free(&config);
	} else {
		ok(1, "# SKIP needs root to chown");
	}
	close(fd);
}

static void test_long_line(void)
{
	char text[INIFILE_LINE_MAX + 64];
	struct config config;
	size_t prefix;
	int r;

	/* exactly INIFILE_LINE_MAX characters is fine, one more is not */
	strcpy(text, "[default]\nshell = /");
	prefix = strlen("shell = /");
	memset(text + strlen(text), 'a', INIFILE_LINE_MAX - prefix);
	strcpy(text + strlen("[default]\n") + INIFILE_LINE_MAX, "\n");
	r = config_from_ini(text, &config);
	ok(!has_diag(&config, 2, "longer than"), "a %zu-character line is accepted by the scanner", INIFILE_LINE_MAX);
	config_free(&config);
	(void)r;
	strcpy(text + strlen("[default]\n") + INIFILE_LINE_MAX, "a\n");
	r = config_from_ini(text, &config);
	ok(r == -EINVAL && has_diag(&config, 2, "longer than 1000 characters"), "a longer line is refused");
	config_free(&config);
}

/* A root-owned 0755 directory to play with, or NULL when not root. */
static char *make_dir(void)
{
	char *dir = strdup("/tmp/corral-test-XXXXXX");

	if (!mkdtemp(dir) || chmod(dir, 0755) < 0) {
		free(dir);
		return NULL;
	}
	return dir;
}

static void write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || write(fd, text, strlen(text)) < 0 || fchmod(fd, mode) < 0)
		tap_diag("cannot write %s", path);
	close(fd);
}

static void test_files(void)
{
	char path[512], cmd[600];
	struct config config;
	char *dir = make_dir();
	int r;

	if (!dir || getuid() != 0) {
		ok(1, "# SKIP file tests need root");
		free(dir);
		return;
	}
	snprintf(path, sizeof(path), "%s/corral.ini", dir);
	r = config_load(path, &config);
	ok(r == -EINVAL && has_diag(&config, 0, "cannot open: No such file"), "missing file is an error");
	config_free(&config);

	write_file(dir, "real.ini", "[default]\nconfine = yes\n", 0644);
	snprintf(cmd, sizeof(cmd), "%s/real.ini", dir);
	if (symlink(cmd, path) < 0)
		tap_diag("symlink failed");
	r = config_load(path, &config);
	ok(r == -EINVAL && has_diag(&config, 0, "symbolic link"), "symlinked config file refused");
	config_free(&config);
	unlink(path);

	if (mkfifo(path, 0644) < 0)
		tap_diag("mkfifo failed");
	r = config_load(path, &config); /* must not block */
	ok(r == -EINVAL && has_diag(&config, 0, "not a regular file"), "FIFO refused without blocking");
	config_free(&config);
	unlink(path);

	if (symlink("/dev/zero", path) < 0)
		tap_diag("symlink failed");
	r = config_load(path, &config);
	ok(r == -EINVAL && has_diag(&config, 0, "symbolic link"), "/dev/zero through a symlink refused");
	config_free(&config);
	unlink(path);

	write_file(dir, "corral.ini", "[default]\nshell = /bin/a\n", 0644);
	snprintf(cmd, sizeof(cmd), "%s/corral.d", dir);
	mkdir(cmd, 0755);
	write_file(cmd, "20-b.ini", "[default]\nshell = /bin/c\n", 0644);
	write_file(cmd, "10-a.ini", "[default]\nshell = /bin/b\n", 0644);
	write_file(cmd, ".hidden.ini", "garbage\n", 0644);
	write_file(cmd, "notes.txt", "garbage\n", 0644);
	write_file(cmd, "x.ini.dpkg-old", "garbage\n", 0644);
	r = config_load(path, &config);
	ok(r == 0 && config.files.count == 3, "main file and two drop-ins read, others ignored");
	ok(config.count == 3 && strstr(config.sections[1].file, "10-a.ini") &&
		   strstr(config.sections[2].file, "20-b.ini"),
	   "drop-ins in lexical order");
	config_free(&config);

	snprintf(cmd, sizeof(cmd), "%s/corral.d/15-link.ini", dir);
	if (symlink("10-a.ini", cmd) < 0)
		tap_diag("symlink failed");
	r = config_load(path, &config);
	ok(r == -EINVAL && has_diag(&config, 0, "symbolic link"), "symlinked drop-in refused");
	config_free(&config);
	unlink(cmd);

	snprintf(cmd, sizeof(cmd), "%s/corral.d", dir);
	chmod(cmd, 0775);
	r = config_load(path, &config);
	ok(r == -EINVAL && has_diag(&config, 0, "writable by group or others"), "group-writable corral.d refused");
	config_free(&config);
	chmod(cmd, 0755);

	chmod(dir, 0777);
	r = config_load(path, &config);
	ok(r == -EINVAL && has_diag(&config, 0, "writable by group or others"),
	   "world-writable directory on the way refused");
	config_free(&config);
	chmod(dir, 01777);
	r = config_load(path, &config);
	ok(r == 0, "a sticky world-writable directory on the way is tolerated");
	config_free(&config);
	chmod(dir, 0755);

	write_file(dir, "corral.ini", "[default]\nconfine = yes\n", 0640);
	if (chown(path, 0, 0) < 0)
		tap_diag("chown failed");
	r = config_load(path, &config);
	ok(r == 0, "a 0640 root-owned file is fine");
	config_free(&config);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		tap_diag("cleanup failed");
	free(dir);
}

int main(void)
{
	test_bad_configs();
	test_good_values();
	test_structure();
	test_untrusted_fd();
	test_long_line();
	test_files();
	return tap_done();
}
