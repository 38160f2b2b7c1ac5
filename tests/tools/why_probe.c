/* tests/why-agree.t's probe: does exactly the accesses `corralctl why` decides
 * (same operations, same target syntax), one line each: "ok" or the errno name.
 *   why-probe OP TARGET [OP TARGET]...: read|write|list|exec PATH,
 *   connect [tcp://|udp://]HOST:PORT, bind PORT, unix PATH, signal PID.
 * A malformed pair answers "EUSAGE: why". Exit 0; 2 without pairs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int report(int error)
{
	const char *name = error ? strerrorname_np(error) : "ok";

	printf("%s\n", name ? name : "EOTHER");
	return 0;
}

static int usage(const char *why)
{
	printf("EUSAGE: %s\n", why);
	return 0;
}

/* open O_RDONLY and read one byte (an empty file reads 0 bytes: still ok) */
static int do_read(const char *path)
{
	char byte;
	int fd = open(path, O_RDONLY | O_CLOEXEC), error = 0;

	if (fd < 0)
		return report(errno);
	if (read(fd, &byte, 1) < 0)
		error = errno;
	close(fd);
	return report(error);
}

/* creates the file when it is not there; never truncates one */
static int do_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return report(errno);
	close(fd);
	return report(0);
}

static int do_list(const char *path)
{
	DIR *dir = opendir(path);
	int error = 0;

	if (!dir)
		return report(errno);
	errno = 0;
	if (!readdir(dir) && errno)
		error = errno;
	closedir(dir);
	return report(error);
}

/* execve in a child with a harmless argument; the child tells the errno of
 * a failed execve through a close-on-exec pipe (nothing comes on success).
 * The program's own exit status does not matter: it ran. */
static int do_exec(const char *path)
{
	int fds[2], error = 0;
	pid_t child;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return report(errno);
	child = fork();
	if (child < 0)
		return report(errno);
	if (child == 0) {
		int devnull = open("/dev/null", O_RDWR);

		close(fds[0]);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
		}
		execl(path, path, "--version", (char *)NULL);
		error = errno;
		if (write(fds[1], &error, sizeof(error)) < 0)
			_exit(127);
		_exit(127);
	}
	close(fds[1]);
	if (read(fds[0], &error, sizeof(error)) != sizeof(error))
		error = 0;
	close(fds[0]);
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	return report(error);
}

/* One address: 0 or the errno. UDP: connect and send one byte
 * (corral-helper decides a UDP destination at connect or send). */
static int connect_one(const struct addrinfo *ai, int udp)
{
	int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol), r;

	if (fd < 0)
		return errno;
	r = connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 ? errno : 0;
	if (r == 0 && udp && send(fd, "x", 1, 0) < 0)
		r = errno;
	close(fd);
	return r;
}

/* [tcp://|udp://]HOST:PORT; HOST may be [IPv6] or a name. A name's
 * addresses are tried in the resolver's order, as a client does: ok at the
 * first that connects, else the first address's errno. */
static int do_connect(const char *target)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC }, *res;
	char host[256];
	const char *rest = target, *colon;
	int udp = 0, r, first = 0;

	if (strncmp(rest, "tcp://", 6) == 0) {
		rest += 6;
	} else if (strncmp(rest, "udp://", 6) == 0) {
		rest += 6;
		udp = 1;
	}
	colon = strrchr(rest, ':');
	if (!colon || colon == rest || (size_t)(colon - rest) >= sizeof(host))
		return usage("connect needs [tcp://|udp://]HOST:PORT");
	if (rest[0] == '[' && colon[-1] == ']')
		snprintf(host, sizeof(host), "%.*s", (int)(colon - rest - 2), rest + 1);
	else
		snprintf(host, sizeof(host), "%.*s", (int)(colon - rest), rest);
	hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
	r = getaddrinfo(host, colon + 1, &hints, &res);
	if (r != 0) {
		printf("EAI:%s\n", gai_strerror(r));
		return 0;
	}
	for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		r = connect_one(ai, udp);
		if (r == 0 || ai == res)
			first = r;
		if (r == 0)
			break;
	}
	freeaddrinfo(res);
	return report(first);
}

/* TCP bind on 127.0.0.1:PORT, then listen: a program binds to listen
 * (corral-helper may decide listen on its own) */
static int do_bind(const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd, one = 1, error = 0;
	long n = strtol(port, NULL, 10);

	if (n <= 0 || n > 65535)
		return usage("bind needs a port");
	sa.sin_port = htons((uint16_t)n);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return report(errno);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0)
		error = errno;
	close(fd);
	return report(error);
}

static int do_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, error = 0;

	if (strlen(path) >= sizeof(sa.sun_path))
		return usage("unix socket path too long");
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return report(errno);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		error = errno;
	close(fd);
	return report(error);
}

/* a real signal (SIGCONT: harmless to a running process), not signal 0 */
static int do_signal(const char *pid_text)
{
	long pid = strtol(pid_text, NULL, 10);

	if (pid <= 0) /* 0 and -1 name groups: never what a test means */
		return usage("signal needs one process id");
	return report(kill((pid_t)pid, SIGCONT) < 0 ? errno : 0);
}

static int probe(const char *op, const char *arg)
{
	if (strcmp(op, "read") == 0)
		return do_read(arg);
	if (strcmp(op, "write") == 0)
		return do_write(arg);
	if (strcmp(op, "list") == 0)
		return do_list(arg);
	if (strcmp(op, "exec") == 0)
		return do_exec(arg);
	if (strcmp(op, "connect") == 0)
		return do_connect(arg);
	if (strcmp(op, "bind") == 0)
		return do_bind(arg);
	if (strcmp(op, "unix") == 0)
		return do_unix(arg);
	if (strcmp(op, "signal") == 0)
		return do_signal(arg);
	return usage("unknown operation");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc < 3 || argc % 2 == 0) {
		fprintf(stderr, "usage: why-probe OP TARGET [OP TARGET]...\n");
		return 2;
	}
	for (int i = 1; i + 1 < argc; i += 2)
		probe(argv[i], argv[i + 1]);
	return 0;
}
