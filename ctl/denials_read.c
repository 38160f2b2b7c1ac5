/* The sources of corralctl denials (see denials_read.h). A line longer
 * than DENIAL_LINE_MAX is cut there: nothing of ours is that long. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "denials_read.h"
#include "journal.h"

#define KMSG_PATH "/dev/kmsg"
#define KMSG_RECORD_MAX 8192 /* the kernel's own limit on one record */
#define JOURNALCTL_PATH "/usr/bin/journalctl"

static const char *const default_files[] = {
	"/var/log/auth.log",        /* corral's events (authpriv) where rsyslog runs */
	"/var/log/syslog",          /* and where authpriv is not split out */
	"/var/log/audit/audit.log", /* the kernel's records where auditd runs */
};

static void note(char *text, size_t len, const char *what)
{
	size_t used = strlen(text);

	if (used < len)
		snprintf(text + used, len - used, "%s%s", used ? ", " : "", what);
}

static int current_year(time_t now)
{
	struct tm tm;

	localtime_r(&now, &tm);
	return tm.tm_year + 1900;
}

/* One line of a file or of the kernel log. */
static void take_line(char *line, denials_sink_fn sink, void *ctx, time_t now)
{
	struct denial_record record;

	if (strlen(line) >= DENIAL_LINE_MAX)
		line[DENIAL_LINE_MAX - 1] = '\0';
	line[strcspn(line, "\n")] = '\0';
	if (denial_parse_line(line, current_year(now), now, &record) == 0 && record.kind != DENIAL_NONE)
		sink(ctx, &record);
}

static int read_file(const char *path, denials_sink_fn sink, void *ctx)
{
	time_t now = time(NULL);
	FILE *f = fopen(path, "re");
	size_t cap = 0;
	char *line = NULL;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) >= 0)
		take_line(line, sink, ctx, now);
	free(line);
	fclose(f);
	return 0;
}

/* /dev/kmsg: one record per read(), "PRI,SEQ,USEC,FLAGS;TEXT\n" and
 * continuation lines; from the oldest record the ring still holds. */
static int read_kmsg(denials_sink_fn sink, void *ctx)
{
	char buf[KMSG_RECORD_MAX + 1];
	time_t now = time(NULL);
	int fd = open(KMSG_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, buf, KMSG_RECORD_MAX);
		char *text;

		if (n < 0 && errno == EPIPE) /* overwritten while we read: go on */
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		buf[n] = '\0';
		text = strchr(buf, ';');
		if (text && strstr(text, "audit"))
			take_line(text + 1, sink, ctx, now);
	}
	close(fd);
	return 0;
}

/* `journalctl -o json` of corral's events and the kernel's audit records,
 * read from a pipe; only where journald runs. */
static int read_journal(denials_sink_fn sink, void *ctx)
{
	char *const argv[] = { JOURNALCTL_PATH,
			       "-o",
			       "json",
			       "--no-pager",
			       "-q",
			       "_TRANSPORT=audit",
			       "+",
			       "SYSLOG_IDENTIFIER=corral",
			       NULL };
	char *const envp[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };
	struct denial_record record;
	size_t cap = 0;
	char *line = NULL;
	int pipefd[2], status, r = 0;
	pid_t pid;
	FILE *f;

	if (access(JOURNAL_SOCKET, F_OK) < 0 || access(JOURNALCTL_PATH, X_OK) < 0)
		return -ENOENT;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return r;
	}
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	close(pipefd[1]);
	f = fdopen(pipefd[0], "r");
	if (!f) {
		r = -errno;
		close(pipefd[0]);
	} else {
		while (getline(&line, &cap, f) >= 0) {
			if (strlen(line) >= DENIAL_LINE_MAX)
				continue; /* a record this long is no record of ours */
			if (denial_parse_journal(line, &record) == 0 && record.kind != DENIAL_NONE)
				sink(ctx, &record);
		}
		free(line);
		fclose(f);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		r = -EIO;
	return r;
}

int denials_read_all(const struct strlist *extra_files, denials_sink_fn sink, void *ctx, char *sources, char *skipped,
		     size_t textlen)
{
	char what[DENIALS_SOURCES_MAX];
	int r;

	sources[0] = skipped[0] = '\0';
	r = read_journal(sink, ctx);
	if (r == 0)
		note(sources, textlen, "the journal");
	else if (r != -ENOENT)
		note(skipped, textlen, "the journal (journalctl failed)");
	for (size_t i = 0; i < sizeof(default_files) / sizeof(default_files[0]); i++) {
		r = read_file(default_files[i], sink, ctx);
		if (r == 0)
			note(sources, textlen, default_files[i]);
		else if (r != -ENOENT) {
			snprintf(what, sizeof(what), "%s (%s)", default_files[i], strerror(-r));
			note(skipped, textlen, what);
		}
	}
	for (size_t i = 0; extra_files && i < extra_files->count; i++) {
		r = read_file(extra_files->items[i], sink, ctx);
		snprintf(what, sizeof(what), r == 0 ? "%s" : "%s (%s)", extra_files->items[i], strerror(-r));
		note(r == 0 ? sources : skipped, textlen, what);
	}
	r = read_kmsg(sink, ctx);
	if (r == 0)
		note(sources, textlen, "the kernel log");
	else {
		snprintf(what, sizeof(what), "the kernel log (%s)", strerror(-r));
		note(skipped, textlen, what);
	}
	return 0;
}
