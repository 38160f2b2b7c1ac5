/* Supervision of a confined session from outside it (see supervisor.h). */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "supervisor.h"

#define PROC_STAT_MAX 1024
#define END_TREE_ROUNDS 200
#define IDLE_CHECK_MS 10000

void supervisor_signal_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGQUIT);
}

static pid_t parent_of(const char *pid)
{
	char path[64], buf[PROC_STAT_MAX];
	const char *close_paren;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* the command name may hold anything, even ')': skip to the last one */
	close_paren = strrchr(buf, ')');
	if (!close_paren)
		return -1;
	return (pid_t)strtol(close_paren + 4, NULL, 10);  /* ") S PPID" */
}

/* SIGKILLs every process whose parent is us. Returns how many. */
static int kill_children(void)
{
	pid_t self = getpid();
	struct dirent *de;
	DIR *proc = opendir("/proc");
	int killed = 0;

	if (!proc)
		return 0;
	while ((de = readdir(proc)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (parent_of(de->d_name) == self && kill((pid_t)strtol(de->d_name, NULL, 10), SIGKILL) == 0)
			killed++;
	}
	closedir(proc);
	return killed;
}

void supervisor_end_tree(void)
{
	/* orphans of the killed processes come to us, the subreaper: repeat
	 * until nothing is left to wait for */
	for (int round = 0; round < END_TREE_ROUNDS; round++) {
		int status;

		kill_children();
		while (waitpid(-1, &status, WNOHANG) > 0)
			;
		if (waitpid(-1, &status, WNOHANG) < 0 && errno == ECHILD)
			return;
		usleep(10000);
	}
	corral_log(LOG_ERR, "event=end-tree-incomplete errno=%d", EAGAIN);
}

static void tell_terminal(const char *message)
{
	if (isatty(STDERR_FILENO) && write(STDERR_FILENO, message, strlen(message)) < 0)
		return;
}

static time_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Seconds since the session's terminal last saw input, or -1 when there is
 * no terminal. The tty's access time moves when it is read. */
static long idle_seconds(void)
{
	struct stat st;

	if (!isatty(STDIN_FILENO) || fstat(STDIN_FILENO, &st) < 0)
		return -1;
	return (long)(time(NULL) - st.st_atime);
}

static int exit_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

int supervisor_run(pid_t child, const struct policy *policy)
{
	uint64_t max_time = policy_is_set(policy, KEY_SESSION_MAX_TIME) ? policy->number[KEY_SESSION_MAX_TIME] : 0;
	uint64_t idle = policy_is_set(policy, KEY_SESSION_IDLE_TIMEOUT) ? policy->number[KEY_SESSION_IDLE_TIMEOUT] : 0;
	time_t started = now(), ending = 0;
	bool child_done = false, warned = false;
	int result = 1, fd, status;
	sigset_t set;

	supervisor_signal_set(&set);
	fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (fd < 0) {
		corral_log(LOG_ERR, "user=%s event=supervisor-failed op=signalfd errno=%d", policy->user, errno);
		kill(child, SIGKILL);
	}
	while (!child_done) {
		struct signalfd_siginfo si;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int timeout = -1;

		/* wake up for the nearest deadline: the kill after SIGHUP, the
		 * time limit, or the next look at the terminal */
		if (ending)
			timeout = 1000;
		else if (max_time || idle)
			timeout = IDLE_CHECK_MS;
		if (!ending && max_time) {
			time_t left = started + (time_t)max_time - now();

			if (left * 1000 < timeout)
				timeout = left > 0 ? (int)left * 1000 : 0;
		}
		if (!ending && idle && idle < IDLE_CHECK_MS / 1000)
			timeout = timeout < 0 || timeout > 1000 ? 1000 : timeout;
		if (fd >= 0 && poll(&pfd, 1, timeout) > 0 && read(fd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo != SIGCHLD) {
				/* the terminal already signalled the foreground group */
				if (si.ssi_code != SI_KERNEL)
					kill(child, (int)si.ssi_signo);
			}
		}
		for (;;) {
			pid_t pid = waitpid(-1, &status, WNOHANG);

			if (pid <= 0)
				break;
			if (pid == child) {
				result = exit_status(status);
				child_done = true;
			}
		}
		if (fd < 0 && !child_done) {
			waitpid(child, &status, 0);
			result = exit_status(status);
			child_done = true;
		}
		if (child_done)
			break;
		if (ending && now() >= ending) {
			kill(child, SIGKILL);
			continue;
		}
		if (!ending && max_time && (uint64_t)(now() - started) >= max_time) {
			tell_terminal("\r\ncorral: session time limit reached, ending the session\r\n");
			corral_log(LOG_NOTICE, "user=%s event=session-end op=max_time", policy->user);
			kill(child, SIGHUP);
			ending = now() + SUPERVISOR_KILL_GRACE;
		}
		if (!ending && idle) {
			long quiet = idle_seconds();

			if (quiet >= 0 && (uint64_t)quiet >= idle) {
				tell_terminal("\r\ncorral: idle too long, ending the session\r\n");
				corral_log(LOG_NOTICE, "user=%s event=session-end op=idle_timeout", policy->user);
				kill(child, SIGHUP);
				ending = now() + SUPERVISOR_KILL_GRACE;
			} else if (quiet >= 0 && !warned && (uint64_t)quiet + SUPERVISOR_WARN_BEFORE >= idle) {
				tell_terminal("\r\ncorral: this session ends in one minute unless you type something\r\n");
				warned = true;
			} else if (quiet >= 0 && (uint64_t)quiet + SUPERVISOR_WARN_BEFORE < idle) {
				warned = false;
			}
		}
	}
	if (!policy->linger)
		supervisor_end_tree();
	if (fd >= 0)
		close(fd);
	return result;
}
