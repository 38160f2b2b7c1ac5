/* Test driver for pam_corral: runs one PAM session through a service file
 * in a test's own directory (pam_start_confdir), optionally a command as
 * the user inside it, and prints what happened, one "name: value" line
 * each, including every line the module logged (syslog is intercepted). */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <security/pam_appl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINE_MAX_LEN 4096

static const char *code_name(int code)
{
	static const struct {
		int code;
		const char *name;
	} names[] = {
		{ PAM_SUCCESS, "PAM_SUCCESS" },
		{ PAM_SESSION_ERR, "PAM_SESSION_ERR" },
		{ PAM_IGNORE, "PAM_IGNORE" },
		{ PAM_BUF_ERR, "PAM_BUF_ERR" },
		{ PAM_USER_UNKNOWN, "PAM_USER_UNKNOWN" },
		{ PAM_SYSTEM_ERR, "PAM_SYSTEM_ERR" },
		{ PAM_PERM_DENIED, "PAM_PERM_DENIED" },
		{ PAM_ABORT, "PAM_ABORT" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].code == code)
			return names[i].name;
	return "PAM_OTHER";
}

static int quiet; /* -q: only the command speaks; exit with its status */

/* libpam logs through glibc's fortified syslog: take those lines here. */
__attribute__((format(printf, 1, 0))) static void take_log_line(const char *fmt, va_list ap)
{
	char line[LINE_MAX_LEN];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (quiet)
		return;
	printf("log: %s\n", line);
	fflush(stdout);
}

__attribute__((format(printf, 3, 4))) void __syslog_chk(int priority, int flag, const char *fmt, ...);
void __syslog_chk(int priority, int flag, const char *fmt, ...)
{
	va_list ap;

	(void)priority;
	(void)flag;
	va_start(ap, fmt);
	take_log_line(fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3))) void syslog(int priority, const char *fmt, ...);
void syslog(int priority, const char *fmt, ...)
{
	va_list ap;

	(void)priority;
	va_start(ap, fmt);
	take_log_line(fmt, ap);
	va_end(ap);
}

/* What a module tells the user is printed ("conv: error: ..."); nobody
 * answers a prompt. */
static int show_messages(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	(void)data;
	*resp = NULL;
	for (int i = 0; i < n; i++)
		if (msg[i]->msg_style != PAM_ERROR_MSG && msg[i]->msg_style != PAM_TEXT_INFO)
			return PAM_CONV_ERR;
	for (int i = 0; i < n && !quiet; i++)
		printf("conv: %s: %s\n", msg[i]->msg_style == PAM_ERROR_MSG ? "error" : "info", msg[i]->msg);
	return PAM_SUCCESS;
}

static void usage(void)
{
	fputs("usage: pam_driver [-q] -d CONFDIR -s SERVICE -u USER [-r RUNDIR] [-- CMD...]\n", stderr);
	exit(2);
}

static void report_record(const char *label, const char *run_dir, const char *id)
{
	char path[LINE_MAX_LEN];
	struct stat st;

	if (!run_dir || !id)
		return;
	snprintf(path, sizeof(path), "%s/sessions/%s", run_dir, id);
	if (stat(path, &st) == 0)
		printf("%s: present mode=%04o uid=%u\n", label, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
	else
		printf("%s: absent\n", label);
}

/* Runs argv as user inside the session, with the PAM environment. */
static int run_as(pam_handle_t *pamh, const char *user, char **argv)
{
	struct passwd *pw = getpwnam(user);
	int status;
	pid_t child;

	if (!pw)
		return -1;
	fflush(stdout);
	child = fork();
	if (child < 0)
		return -1;
	if (child == 0) {
		char **env = pam_getenvlist(pamh);

		if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
			_exit(125);
		if (chdir("/") < 0)
			_exit(125);
		execvpe(argv[0], argv, env ? env : (char *[]){ NULL });
		_exit(127);
	}
	if (waitpid(child, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	const char *confdir = NULL, *service = NULL, *user = NULL, *run_dir = NULL, *id;
	struct pam_conv conv = { show_messages, NULL };
	pam_handle_t *pamh = NULL;
	char **command = NULL;
	char saved_id[128] = "";
	int opt, r;

	/* the module's lines go to the journal where journald runs: here they
	 * must come through syslog, which this driver catches */
	setenv("CORRAL_NO_JOURNAL", "1", 1);
	while ((opt = getopt(argc, argv, "+qd:s:u:r:")) != -1) {
		switch (opt) {
		case 'q':
			quiet = 1;
			break;
		case 'd':
			confdir = optarg;
			break;
		case 's':
			service = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'r':
			run_dir = optarg;
			break;
		default:
			usage();
		}
	}
	if (!confdir || !service || !user)
		usage();
	if (optind < argc)
		command = argv + optind;
	setvbuf(stdout, NULL, _IOLBF, 0);
	r = pam_start_confdir(service, user, &conv, confdir, &pamh);
	if (r != PAM_SUCCESS) {
		printf("start: %s\n", code_name(r));
		return 1;
	}
	r = pam_open_session(pamh, 0);
	if (quiet) {
		int status = 1;

		if (r == PAM_SUCCESS)
			status = command ? run_as(pamh, user, command) : 0;
		else
			fprintf(stderr, "pam_driver: pam_open_session: %s\n", code_name(r));
		pam_close_session(pamh, 0);
		pam_end(pamh, PAM_SUCCESS);
		return status;
	}
	printf("open: %s\n", code_name(r));
	id = pam_getenv(pamh, "CORRAL_SESSION");
	if (id) {
		snprintf(saved_id, sizeof(saved_id), "%s", id);
		printf("env: CORRAL_SESSION=%s\n", id);
	}
	report_record("record", run_dir, id ? saved_id : NULL);
	if (r == PAM_SUCCESS && command)
		printf("status: %d\n", run_as(pamh, user, command));
	r = pam_close_session(pamh, 0);
	printf("close: %s\n", code_name(r));
	report_record("record-after-close", run_dir, saved_id[0] ? saved_id : NULL);
	pam_end(pamh, r);
	return 0;
}
