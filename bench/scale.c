/* scale — many sessions at once. Starts N copies of a command together,
 * each with its own stdin and stdout pipe; a session is "ready" when it
 * has printed a line (its workload done, it then waits reading stdin).
 * With all of them ready it measures memory, then closes their stdin so
 * they end, and reaps them.
 *
 *   scale -n N [-p NAME,NAME...] [-u UID] [-s SECONDS] [-k] -- CMD [ARG...]
 *
 *   -p  processes (by comm) whose RSS/PSS (/proc/PID/smaps_rollup) count as
 *       the per-session overhead: corral-helper, bwrap, firejail
 *   -u  only those whose real uid is UID (the sessions' user: others' count not)
 *   -s  extra idle seconds before measuring (default 0.3)
 *   -k  keep going when sessions fail (a peer's own failures): report them
 *       as failed=N and count only the sessions that got ready
 *
 * Output (key=value, for spawn): ready_ms (start to all ready), each_med_ms
 * and each_max_ms (the median and the slowest of the sessions' own ready
 * times, each from the common start), total_ms
 * (start to all reaped), avail_kb (MemAvailable drop per session),
 * pss_kb / rss_kb (the -p processes' PSS / RSS per session), procs (how
 * many -p processes were found), failed (sessions that did not get ready or
 * did not exit 0).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SESSIONS 1000
#define MAX_NAMES 8

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long mem_available_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* The real uid of a process, or -1. */
static long real_uid(const char *pid)
{
	char path[300], line[256];
	long uid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %ld", &uid) == 1)
			break;
	fclose(f);
	return uid;
}

/* Sums Rss and Pss of every process whose comm is one of names (and whose
 * real uid is uid, unless uid < 0). */
static int sum_memory(char **names, int n_names, long uid, long *rss, long *pss)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;
	int found = 0;

	*rss = *pss = 0;
	if (!proc)
		return 0;
	while ((de = readdir(proc)) != NULL) {
		char path[300], comm[64] = "", line[256];
		FILE *f;
		int match = 0;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
		for (int i = 0; i < n_names; i++)
			match |= strcmp(comm, names[i]) == 0;
		if (!match || (uid >= 0 && real_uid(de->d_name) != uid))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/smaps_rollup", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			long kb;

			if (sscanf(line, "Rss: %ld kB", &kb) == 1)
				*rss += kb;
			else if (sscanf(line, "Pss: %ld kB", &kb) == 1)
				*pss += kb;
		}
		fclose(f);
		found++;
	}
	closedir(proc);
	return found;
}

int main(int argc, char **argv)
{
	static int in_fd[MAX_SESSIONS], out_fd[MAX_SESSIONS], ready[MAX_SESSIONS];
	static pid_t pids[MAX_SESSIONS];
	static int64_t t_each[MAX_SESSIONS];
	char *names[MAX_NAMES], *name_list = NULL;
	int n = 0, n_names = 0, opt, n_ready = 0, failed = 0, procs = 0, keep_going = 0, per;
	double idle_s = 0.3;
	long uid = -1;
	long avail0, avail1, rss = 0, pss = 0;
	int64_t t0, t_ready, t_end;

	while ((opt = getopt(argc, argv, "+n:p:u:s:k")) != -1) {
		switch (opt) {
		case 'n': n = atoi(optarg); break;
		case 'p': name_list = optarg; break;
		case 'u': uid = atol(optarg); break;
		case 'k': keep_going = 1; break;
		case 's': idle_s = atof(optarg); break;
		default: goto usage;
		}
	}
	if (n < 1 || n > MAX_SESSIONS || optind >= argc)
		goto usage;
	for (char *save = NULL, *tok = name_list ? strtok_r(name_list, ",", &save) : NULL; tok && n_names < MAX_NAMES;
	     tok = strtok_r(NULL, ",", &save))
		names[n_names++] = tok;
	signal(SIGPIPE, SIG_IGN);
	avail0 = mem_available_kb();
	t0 = now_ns();
	for (int i = 0; i < n; i++) {
		int to[2], from[2];

		if (pipe2(to, O_CLOEXEC) < 0 || pipe2(from, O_CLOEXEC) < 0) {
			perror("scale: pipe");
			return 1;
		}
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("scale: fork");
			return 1;
		}
		if (pids[i] == 0) {
			dup2(to[0], 0);
			dup2(from[1], 1);
			execvp(argv[optind], argv + optind);
			_exit(127);
		}
		close(to[0]);
		close(from[1]);
		in_fd[i] = to[1];
		out_fd[i] = from[0];
	}
	while (n_ready + failed < n) {
		static struct pollfd pfd[MAX_SESSIONS];
		static int idx[MAX_SESSIONS];
		int m = 0;

		for (int i = 0; i < n; i++)
			if (!ready[i]) {
				pfd[m] = (struct pollfd){ .fd = out_fd[i], .events = POLLIN };
				idx[m++] = i;
			}
		if (poll(pfd, (nfds_t)m, 120000) <= 0) {
			fprintf(stderr, "scale: sessions did not get ready (%d of %d)\n", n_ready, n);
			failed = n - n_ready;
			break;
		}
		for (int j = 0; j < m; j++) {
			char buf[512];
			ssize_t got;

			if (!(pfd[j].revents & (POLLIN | POLLHUP)))
				continue;
			got = read(pfd[j].fd, buf, sizeof(buf));
			if (got <= 0) {
				failed++;
				ready[idx[j]] = -1;
			} else {
				t_each[n_ready++] = now_ns() - t0;
				ready[idx[j]] = 1;
			}
		}
	}
	t_ready = now_ns();
	if (idle_s > 0)
		usleep((useconds_t)(idle_s * 1e6));
	avail1 = mem_available_kb();
	if (n_names)
		procs = sum_memory(names, n_names, uid, &rss, &pss);
	for (int i = 0; i < n; i++)
		close(in_fd[i]);
	for (int i = 0; i < n; i++) {
		int status;

		while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
			;
		if (ready[i] == 1 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
			failed++;
		close(out_fd[i]);
	}
	t_end = now_ns();
	if (failed) {
		fprintf(stderr, "scale: %d of %d sessions failed\n", failed, n);
		if (!keep_going || n_ready == 0)
			return 1;
	}
	per = n_ready < n ? n_ready : n;
	/* t_each fills in the order the sessions got ready: already sorted */
	printf("ready_ms=%.1f each_med_ms=%.1f each_max_ms=%.1f total_ms=%.1f avail_kb=%.0f pss_kb=%.0f rss_kb=%.0f procs=%d failed=%d\n",
	       (double)(t_ready - t0) / 1e6, n_ready ? (double)t_each[n_ready / 2] / 1e6 : 0.0,
	       n_ready ? (double)t_each[n_ready - 1] / 1e6 : 0.0, (double)(t_end - t0) / 1e6,
	       (double)(avail0 - avail1) / per, (double)pss / per, (double)rss / per, procs, failed);
	return 0;

usage:
	fputs("usage: scale -n N [-p NAME,NAME...] [-u UID] [-s SECONDS] [-k] -- CMD [ARG...]\n", stderr);
	return 2;
}
