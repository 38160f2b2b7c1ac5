/* Session lifecycle for corral-helper (see supervisor.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "supervisor.h"

#define SUPERVISOR_MESSAGE_MAX 512
#define END_TREE_ROUNDS 200
#define END_TREE_PAUSE_US 10000
#define KILL_LIST_MAX 65536 /* one read of the children list; the rest comes next round */

static time_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

void supervisor_init(struct supervisor *s, pid_t child, const struct policy *policy, const char *session)
{
	memset(s, 0, sizeof(*s));
	s->child = child;
	s->policy = policy;
	s->session = session;
	s->max_time = policy_is_set(policy, KEY_SESSION_MAX_TIME) ? policy->number[KEY_SESSION_MAX_TIME] : 0;
	s->idle = policy_is_set(policy, KEY_SESSION_IDLE_TIMEOUT) ? policy->number[KEY_SESSION_IDLE_TIMEOUT] : 0;
	s->started = now();
	s->status = 1;
}

/* SIGKILLs every process whose parent is us: the kernel lists them in
 * /proc/self/task/TID/children (the helper has one thread), so only they
 * are looked at, not every process of the host. */
static void kill_children(void)
{
	char path[64], text[KILL_LIST_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return;
	text[n] = '\0';
	for (char *p = text, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		if (pid > 0)
			kill((pid_t)pid, SIGKILL);
	}
}

bool supervisor_has_children(void)
{
	siginfo_t info;

	memset(&info, 0, sizeof(info));
	return waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}

void supervisor_end_tree(void)
{
	if (!supervisor_has_children())
		return;
	/* orphans of the killed processes come to us, the subreaper: repeat
	 * until nothing is left to wait for */
	for (int round = 0; round < END_TREE_ROUNDS; round++) {
		int status;

		kill_children();
		while (waitpid(-1, &status, WNOHANG) > 0)
			;
		if (waitpid(-1, &status, WNOHANG) < 0 && errno == ECHILD)
			return;
		usleep(END_TREE_PAUSE_US);
	}
	corral_log(LOG_ERR, "event=end-tree-incomplete errno=%d", EAGAIN);
}

static void tell_terminal(const char *message)
{
	if (isatty(STDERR_FILENO) && write(STDERR_FILENO, message, strlen(message)) < 0)
		return;
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

int supervisor_timeout_ms(const struct supervisor *s)
{
	int timeout = -1;

	if (s->child_done)
		return -1;
	if (s->ending)
		return 1000;
	if (s->max_time || s->idle || s->end_at)
		timeout = SUPERVISOR_IDLE_CHECK_MS;
	if (s->end_at) {
		time_t left = s->end_at - now();

		if (left * 1000 < timeout)
			timeout = left > 0 ? (int)left * 1000 : 0;
	}
	if (s->max_time) {
		time_t left = s->started + (time_t)s->max_time - now();

		if (left * 1000 < timeout)
			timeout = left > 0 ? (int)left * 1000 : 0;
	}
	if (s->idle && s->idle < SUPERVISOR_IDLE_CHECK_MS / 1000)
		timeout = timeout < 0 || timeout > 1000 ? 1000 : timeout;
	return timeout;
}

void supervisor_on_signal(struct supervisor *s, const struct signalfd_siginfo *si)
{
	if (si->ssi_signo == SIGCHLD) {
		supervisor_reap(s);
		return;
	}
	/* the terminal already signalled the foreground group */
	if (si->ssi_code != SI_KERNEL && !s->child_done)
		kill(s->child, (int)si->ssi_signo);
}

void supervisor_reap(struct supervisor *s)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid <= 0)
			break;
		if (pid == s->child) {
			s->status = exit_status(status);
			s->child_done = true;
		}
	}
}

static void end_session(struct supervisor *s, const char *message, const char *why)
{
	tell_terminal(message);
	corral_log(LOG_NOTICE, "user=%s session=%s event=session-end op=%s", s->policy->user, s->session, why);
	kill(s->child, SIGHUP);
	s->ending = now() + SUPERVISOR_KILL_GRACE;
}

void supervisor_tick(struct supervisor *s)
{
	time_t t = now();
	long quiet;

	if (s->child_done)
		return;
	if (s->ending) {
		if (t >= s->ending)
			kill(s->child, SIGKILL);
		return;
	}
	if (s->max_time && (uint64_t)(t - s->started) >= s->max_time) {
		end_session(s, "\r\ncorral: session time limit reached, ending the session\r\n", "max_time");
		return;
	}
	if (s->end_at && t >= s->end_at) {
		end_session(s, "\r\ncorral: the policy of this session has changed, ending the session\r\n",
			    "narrowed");
		return;
	}
	/* the loop ticks at every wake-up, a flood of trapped calls included:
	 * the terminal (two system calls) is looked at once a second at most */
	if (!s->idle || t == s->idle_looked)
		return;
	s->idle_looked = t;
	quiet = idle_seconds();
	if (quiet >= 0 && (uint64_t)quiet >= s->idle) {
		end_session(s, "\r\ncorral: idle too long, ending the session\r\n", "idle_timeout");
	} else if (quiet >= 0 && !s->warned && (uint64_t)quiet + SUPERVISOR_WARN_BEFORE >= s->idle) {
		tell_terminal("\r\ncorral: this session ends in one minute unless you type something\r\n");
		s->warned = true;
	} else if (quiet >= 0 && (uint64_t)quiet + SUPERVISOR_WARN_BEFORE < s->idle) {
		s->warned = false;
	}
}

void supervisor_narrow(struct supervisor *s, uint64_t max_time, uint64_t idle, time_t end_at, const char *why)
{
	char message[SUPERVISOR_MESSAGE_MAX];

	if (max_time && (!s->max_time || max_time < s->max_time))
		s->max_time = max_time;
	if (idle && (!s->idle || idle < s->idle))
		s->idle = idle;
	if (!end_at)
		return;
	/* the file says wall-clock time; the timers run on the monotonic clock */
	end_at = now() + (end_at > time(NULL) ? end_at - time(NULL) : 0);
	if (s->end_at && s->end_at <= end_at)
		return;
	s->end_at = end_at;
	snprintf(message, sizeof(message),
		 "\r\ncorral: %s; this session ends in %lld seconds: save your work and log in again\r\n", why,
		 (long long)(end_at > now() ? end_at - now() : 0));
	tell_terminal(message);
	corral_log(LOG_WARNING, "user=%s session=%s event=session-narrowed rule=\"%s\" ends=%lld", s->policy->user,
		   s->session, why, (long long)end_at);
}
