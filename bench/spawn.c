/* spawn — the benchmarks' launcher.
 *
 *   spawn serve
 *       A runner. Prints "ready PID", then reads one command per line on
 *       stdin, fork/execs it (stdin /dev/null, stdout /dev/null or
 *       captured, stderr inherited), times it from fork to reaped with
 *       CLOCK_MONOTONIC and answers "NS STATUS cpu_ms=CPU [FIRST-LINE-OF-
 *       STDOUT]", CPU being the user + system time of the command and of
 *       every descendant it waited for (wait4's rusage).
 *       A command line is words split on blanks; '...' quotes literally.
 *       Leading options: --capture (keep the first line of stdout),
 *       --argv0=NAME (exec with that argv[0], e.g. -corral-shell).
 *       Runners are started inside whatever is measured (a PAM session,
 *       a corral session, bwrap, firejail), so the measured command runs
 *       there and only the command is timed, not the session's start.
 *
 *   spawn bench [-n ROUNDS] [-w WARMUP] [-T SECONDS] [-t TIMEOUT] [-r RAW] [-R FILE] SPEC
 *       The coordinator. SPEC lines:
 *           runner NAME SHELL-COMMAND...   (run with /bin/sh -c; must end
 *                                           in exec'ing "spawn serve")
 *           case LABEL RUNNER COMMAND...   (sent to that runner)
 *       Runs every case once per round, interleaved (A B C, B C A, ...,
 *       rotating the start so drift and order cancel), after WARMUP
 *       unrecorded rounds; stops early after -T seconds (never before 3
 *       rounds). A case that exits non-zero aborts the run: failures are
 *       never timed. Prints one line per case: LABEL n median mean min max
 *       (ns), and for captured "key=value" numbers (cpu_ms always) LABEL:key
 *       n median mean min max (the values' own unit). -r appends every
 *       answer to RAW: round, run|warmup, label, ns, key=value text. -R
 *       creates FILE once every runner is ready (its session is open).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_LEN 8192
#define MAX_WORDS 128
#define MAX_RUNNERS 32
#define MAX_CASES 64
#define MAX_KEYS 64
#define MAX_ROUNDS 10000

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("spawn: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Splits line in place into words; '...' quotes. Returns the word count. */
static int split_words(char *line, char **words, int max)
{
	int n = 0;
	char *p = line, *out;

	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		if (n == max - 1)
			return -1;
		words[n++] = out = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			if (*p == '\'') {
				p++;
				while (*p && *p != '\'')
					*out++ = *p++;
				if (*p == '\'')
					p++;
			} else {
				*out++ = *p++;
			}
		}
		if (*p)
			p++;
		*out = '\0';
	}
	words[n] = NULL;
	return n;
}

/* ---- runner ---- */

static int status_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void serve_one(FILE *out, char *line, int devnull)
{
	char *words[MAX_WORDS], **argv, *argv0 = NULL;
	char first[LINE_MAX_LEN] = "";
	int capture = 0, pipefd[2] = { -1, -1 }, status, n;
	struct rusage usage;
	double cpu_ms;
	int64_t t0, t1;
	pid_t pid;

	n = split_words(line, words, MAX_WORDS);
	if (n < 0) {
		fprintf(out, "0 255 too many words\n");
		return;
	}
	argv = words;
	while (*argv && strncmp(*argv, "--", 2) == 0) {
		if (strcmp(*argv, "--capture") == 0)
			capture = 1;
		else if (strncmp(*argv, "--argv0=", 8) == 0)
			argv0 = *argv + 8;
		else
			break;
		argv++;
	}
	if (!*argv) {
		fprintf(out, "0 255 empty command\n");
		return;
	}
	if (capture && pipe2(pipefd, O_CLOEXEC) < 0) {
		fprintf(out, "0 255 pipe: %s\n", strerror(errno));
		return;
	}
	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		fprintf(out, "0 255 fork: %s\n", strerror(errno));
		return;
	}
	if (pid == 0) {
		const char *path = argv[0];

		dup2(devnull, 0);
		dup2(capture ? pipefd[1] : devnull, 1);
		if (argv0)
			argv[0] = argv0;
		execvp(path, argv);
		fprintf(stderr, "spawn: exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (capture) {
		char buf[4096];
		size_t got = 0;
		ssize_t r;

		close(pipefd[1]);
		while ((r = read(pipefd[0], buf, sizeof(buf))) > 0 || (r < 0 && errno == EINTR))
			for (ssize_t i = 0; i < r; i++)
				if (got < sizeof(first) - 1 && !memchr(first, '\n', got))
					first[got++] = buf[i];
		first[got] = '\0';
		first[strcspn(first, "\n")] = '\0';
		close(pipefd[0]);
	}
	while (wait4(pid, &status, 0, &usage) < 0)
		if (errno != EINTR) {
			fprintf(out, "0 255 wait4: %s\n", strerror(errno));
			return;
		}
	t1 = now_ns();
	cpu_ms = (double)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
		 (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
	fprintf(out, "%lld %d cpu_ms=%.3f %s\n", (long long)(t1 - t0), status_code(status), cpu_ms, first);
	fflush(out);
}

static int serve(void)
{
	char line[LINE_MAX_LEN];
	int in_fd = fcntl(0, F_DUPFD_CLOEXEC, 3), out_fd = fcntl(1, F_DUPFD_CLOEXEC, 3);
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	FILE *in, *out;

	if (in_fd < 0 || out_fd < 0 || devnull < 0)
		die("serve: cannot set up its descriptors: %s", strerror(errno));
	in = fdopen(in_fd, "r");
	out = fdopen(out_fd, "w");
	if (!in || !out)
		die("serve: fdopen: %s", strerror(errno));
	/* a PAM session's environment has no PATH; a login would set one */
	if (!getenv("PATH"))
		setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1);
	signal(SIGPIPE, SIG_DFL);
	fprintf(out, "ready %d\n", (int)getpid());
	fflush(out);
	while (fgets(line, sizeof(line), in))
		serve_one(out, line, devnull);
	return 0;
}

/* ---- coordinator ---- */

struct runner {
	char name[128];
	char *command;
	pid_t pid;
	FILE *to;
	int from;
	char buf[LINE_MAX_LEN];
	size_t have;
};

struct series {
	double *v;
	size_t n;
};

struct bench_case {
	char label[128];
	struct runner *runner;
	char *command;
	struct series time;
	char keys[MAX_KEYS][48];
	struct series values[MAX_KEYS];
	int n_keys;
};

static struct runner runners[MAX_RUNNERS];
static struct bench_case cases[MAX_CASES];
static int n_runners, n_cases;

static void kill_runners(void)
{
	for (int i = 0; i < n_runners; i++)
		if (runners[i].pid > 0) {
			kill(-runners[i].pid, SIGKILL);
			kill(runners[i].pid, SIGKILL);
			waitpid(runners[i].pid, NULL, 0);
			runners[i].pid = 0;
		}
}

__attribute__((format(printf, 1, 2), noreturn)) static void fail(const char *fmt, ...)
{
	va_list ap;

	fputs("spawn: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	kill_runners();
	exit(1);
}

static void start_runner(struct runner *r)
{
	int to[2], from[2];

	if (pipe2(to, O_CLOEXEC) < 0 || pipe2(from, O_CLOEXEC) < 0)
		fail("pipe: %s", strerror(errno));
	r->pid = fork();
	if (r->pid < 0)
		fail("fork: %s", strerror(errno));
	if (r->pid == 0) {
		setpgid(0, 0);
		dup2(to[0], 0);
		dup2(from[1], 1);
		execl("/bin/sh", "sh", "-c", r->command, (char *)NULL);
		_exit(127);
	}
	setpgid(r->pid, r->pid);
	close(to[0]);
	close(from[1]);
	r->to = fdopen(to[1], "w");
	r->from = from[0];
	if (!r->to)
		fail("fdopen: %s", strerror(errno));
}

/* One line from the runner, within timeout_s. */
static int read_reply(struct runner *r, char *line, size_t size, int timeout_s)
{
	int64_t deadline = now_ns() + (int64_t)timeout_s * 1000000000LL;

	for (;;) {
		char *nl = memchr(r->buf, '\n', r->have);
		struct pollfd pfd = { .fd = r->from, .events = POLLIN };
		int64_t left;
		ssize_t got;

		if (nl) {
			size_t len = (size_t)(nl - r->buf);

			if (len >= size)
				len = size - 1;
			memcpy(line, r->buf, len);
			line[len] = '\0';
			r->have -= (size_t)(nl - r->buf) + 1;
			memmove(r->buf, nl + 1, r->have);
			return 0;
		}
		if (r->have == sizeof(r->buf))
			fail("runner %s: reply too long", r->name);
		left = deadline - now_ns();
		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&pfd, 1, (int)(left / 1000000) + 1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!(pfd.revents & (POLLIN | POLLHUP)))
			continue;
		got = read(r->from, r->buf + r->have, sizeof(r->buf) - r->have);
		if (got == 0)
			return -EPIPE;
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		r->have += (size_t)got;
	}
}

static void push(struct series *s, double v)
{
	if (s->n % 64 == 0) {
		s->v = realloc(s->v, (s->n + 64) * sizeof(double));
		if (!s->v)
			fail("out of memory");
	}
	s->v[s->n++] = v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void print_stats(const char *label, const char *key, struct series *s)
{
	double sum = 0, median;

	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof(double), cmp_double);
	for (size_t i = 0; i < s->n; i++)
		sum += s->v[i];
	median = s->n % 2 ? s->v[s->n / 2] : (s->v[s->n / 2 - 1] + s->v[s->n / 2]) / 2;
	printf("%s%s%s\t%zu\t%.6g\t%.6g\t%.6g\t%.6g\n", label, key ? ":" : "", key ? key : "", s->n, median,
	       sum / (double)s->n, s->v[0], s->v[s->n - 1]);
}

static void record_capture(struct bench_case *c, char *text)
{
	char *save = NULL;

	for (char *tok = strtok_r(text, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(tok, '='), *end;
		double v;
		int k;

		if (!eq || eq == tok)
			continue;
		*eq = '\0';
		v = strtod(eq + 1, &end);
		if (end == eq + 1)
			continue;
		for (k = 0; k < c->n_keys; k++)
			if (strcmp(c->keys[k], tok) == 0)
				break;
		if (k == c->n_keys) {
			/* a figure dropped here would go missing from the report */
			if (c->n_keys == MAX_KEYS)
				die("%s: more than %d captured keys", c->label, MAX_KEYS);
			snprintf(c->keys[k], sizeof(c->keys[k]), "%s", tok);
			c->n_keys++;
		}
		push(&c->values[k], v);
	}
}

static struct runner *find_runner(const char *name)
{
	for (int i = 0; i < n_runners; i++)
		if (strcmp(runners[i].name, name) == 0)
			return &runners[i];
	return NULL;
}

static void read_spec(const char *path)
{
	char line[LINE_MAX_LEN];
	FILE *f = fopen(path, "r");
	int lineno = 0;

	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char kind[16], name[128];
		int used = 0;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || strspn(line, " \t") == strlen(line))
			continue;
		if (sscanf(line, "%15s %127s %n", kind, name, &used) < 2 || !used)
			die("%s:%d: malformed line", path, lineno);
		if (strcmp(kind, "runner") == 0) {
			struct runner *r = &runners[n_runners];

			if (n_runners == MAX_RUNNERS)
				die("%s:%d: too many runners", path, lineno);
			snprintf(r->name, sizeof(r->name), "%s", name);
			r->command = strdup(line + used);
			n_runners++;
		} else if (strcmp(kind, "case") == 0) {
			struct bench_case *c = &cases[n_cases];
			char rname[128];
			int more = 0;

			if (n_cases == MAX_CASES)
				die("%s:%d: too many cases", path, lineno);
			if (sscanf(line + used, "%127s %n", rname, &more) < 1 || !more)
				die("%s:%d: case needs a runner and a command", path, lineno);
			snprintf(c->label, sizeof(c->label), "%s", name);
			c->runner = find_runner(rname);
			if (!c->runner)
				die("%s:%d: no runner '%s'", path, lineno, rname);
			c->command = strdup(line + used + more);
			n_cases++;
		} else {
			die("%s:%d: unknown line kind '%s'", path, lineno, kind);
		}
	}
	fclose(f);
	if (n_cases == 0)
		die("%s: no cases", path);
}

static void run_case(struct bench_case *c, int record, FILE *raw, int round, int timeout_s)
{
	char reply[LINE_MAX_LEN], *text;
	long long ns;
	int status, r, used = 0;

	fprintf(c->runner->to, "%s\n", c->command);
	fflush(c->runner->to);
	r = read_reply(c->runner, reply, sizeof(reply), timeout_s);
	if (r < 0)
		fail("case %s: no answer from runner %s: %s", c->label, c->runner->name, strerror(-r));
	if (sscanf(reply, "%lld %d %n", &ns, &status, &used) < 2)
		fail("case %s: malformed answer '%s'", c->label, reply);
	text = reply + used;
	if (status != 0)
		fail("case %s (%s): exit status %d %s", c->label, c->command, status, text);
	if (raw)
		fprintf(raw, "%d\t%s\t%s\t%lld\t%s\n", round, record ? "run" : "warmup", c->label, ns, text);
	if (!record)
		return;
	push(&c->time, (double)ns);
	record_capture(c, text);
}

static int bench(int argc, char **argv)
{
	int rounds = 10, warmup = 1, timeout_s = 300, opt, done = 0;
	double budget_s = 0;
	const char *raw_path = NULL, *ready_path = NULL;
	FILE *raw = NULL;
	int64_t start;

	while ((opt = getopt(argc, argv, "n:w:T:t:r:R:")) != -1) {
		switch (opt) {
		case 'n': rounds = atoi(optarg); break;
		case 'w': warmup = atoi(optarg); break;
		case 'T': budget_s = atof(optarg); break;
		case 't': timeout_s = atoi(optarg); break;
		case 'r': raw_path = optarg; break;
		case 'R': ready_path = optarg; break;
		default: die("usage: spawn bench [-n ROUNDS] [-w WARMUP] [-T SECONDS] [-t TIMEOUT] [-r RAW] [-R FILE] SPEC");
		}
	}
	if (optind != argc - 1 || rounds < 1 || rounds > MAX_ROUNDS || warmup < 0)
		die("usage: spawn bench [-n ROUNDS] [-w WARMUP] [-T SECONDS] [-t TIMEOUT] [-r RAW] [-R FILE] SPEC");
	read_spec(argv[optind]);
	if (raw_path && !(raw = fopen(raw_path, "a")))
		die("%s: %s", raw_path, strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < n_runners; i++)
		start_runner(&runners[i]);
	for (int i = 0; i < n_runners; i++) {
		char line[LINE_MAX_LEN];
		int r = read_reply(&runners[i], line, sizeof(line), timeout_s);

		if (r < 0 || strncmp(line, "ready ", 6) != 0)
			fail("runner %s did not start (%s): %s", runners[i].name,
			     r < 0 ? strerror(-r) : line, runners[i].command);
	}
	if (ready_path) {
		FILE *f = fopen(ready_path, "w");

		if (f)
			fclose(f);
	}
	for (int w = 0; w < warmup; w++)
		for (int i = 0; i < n_cases; i++)
			run_case(&cases[i], 0, raw, -1 - w, timeout_s);
	start = now_ns();
	for (int round = 0; round < rounds; round++) {
		for (int i = 0; i < n_cases; i++)
			run_case(&cases[(i + round) % n_cases], 1, raw, round, timeout_s);
		done++;
		if (budget_s > 0 && done >= 3 && (double)(now_ns() - start) / 1e9 > budget_s)
			break;
	}
	for (int i = 0; i < n_runners; i++)
		fclose(runners[i].to);
	for (int i = 0; i < n_runners; i++) {
		int64_t deadline = now_ns() + 20000000000LL;
		int status;

		while (waitpid(runners[i].pid, &status, WNOHANG) == 0 && now_ns() < deadline)
			usleep(10000);
		if (now_ns() >= deadline) {
			kill(-runners[i].pid, SIGKILL);
			waitpid(runners[i].pid, &status, 0);
		}
		runners[i].pid = 0;
	}
	if (raw)
		fclose(raw);
	printf("# label\tn\tmedian\tmean\tmin\tmax\t(%d rounds)\n", done);
	for (int i = 0; i < n_cases; i++) {
		print_stats(cases[i].label, NULL, &cases[i].time);
		for (int k = 0; k < cases[i].n_keys; k++)
			print_stats(cases[i].label, cases[i].keys[k], &cases[i].values[k]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "serve") == 0)
		return serve();
	if (argc >= 2 && strcmp(argv[1], "bench") == 0)
		return bench(argc - 1, argv + 1);
	fputs("usage: spawn serve | spawn bench [-n ROUNDS] [-w WARMUP] [-T SECONDS] [-t TIMEOUT] [-r RAW] [-R FILE] SPEC\n",
	      stderr);
	return 2;
}
