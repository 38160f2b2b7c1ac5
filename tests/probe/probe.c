/* A confined session's test probe: does one operation and prints "ok" or
 * the errno name (EACCES, EPERM, ...). Exit 0 either way; the test decides. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *errno_name(int e)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
		{ EACCES, "EACCES" },
		{ EPERM, "EPERM" },
		{ ENOSYS, "ENOSYS" },
		{ EAFNOSUPPORT, "EAFNOSUPPORT" },
		{ EPROTONOSUPPORT, "EPROTONOSUPPORT" },
		{ ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT" },
		{ ENOENT, "ENOENT" },
		{ ECONNREFUSED, "ECONNREFUSED" },
		{ EINVAL, "EINVAL" },
		{ ESRCH, "ESRCH" },
		{ EROFS, "EROFS" },
		{ EXDEV, "EXDEV" },
		{ EFBIG, "EFBIG" },
		{ EAGAIN, "EAGAIN" },
		{ EMFILE, "EMFILE" },
		{ ENETUNREACH, "ENETUNREACH" },
		{ EADDRINUSE, "EADDRINUSE" },
		{ ENOTTY, "ENOTTY" },
		{ EBADF, "EBADF" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].name;
	return "EOTHER";
}

static int report(long r)
{
	if (r < 0)
		printf("%s\n", errno_name(errno));
	else
		printf("ok\n");
	return 0;
}

static int tcp(const char *op, const char *ip, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return report(-1);
	inet_pton(AF_INET, ip, &sa.sin_addr);
	if (strcmp(op, "bind") == 0)
		return report(bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	return report(connect(fd, (struct sockaddr *)&sa, sizeof(sa)));
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : "";

	setvbuf(stdout, NULL, _IONBF, 0);
	if (strcmp(op, "write") == 0)
		return report(open(arg, O_WRONLY | O_CREAT | O_TRUNC, 0600));
	if (strcmp(op, "read") == 0)
		return report(open(arg, O_RDONLY));
	if (strcmp(op, "truncate") == 0)
		return report(truncate(arg, 0));
	if (strcmp(op, "exec") == 0) {
		execl(arg, arg, (char *)NULL);
		return report(-1);
	}
	if (strcmp(op, "bind") == 0 || strcmp(op, "connect") == 0)
		return tcp(op, argc > 3 ? argv[3] : "127.0.0.1", atoi(arg));
	if (strcmp(op, "socket") == 0)
		return report(socket(atoi(arg), atoi(argv[3]), atoi(argv[4])));
	if (strcmp(op, "unshare-user") == 0)
		return report(unshare(CLONE_NEWUSER));
	if (strcmp(op, "clone-newns") == 0) {
		long r = syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);

		if (r == 0)
			_exit(0);
		if (r > 0)
			waitpid((pid_t)r, NULL, 0);
		return report(r);
	}
	if (strcmp(op, "clone3") == 0)
		return report(syscall(435, NULL, 0));
	if (strcmp(op, "tiocsti") == 0)
		return report(syscall(SYS_ioctl, 0, (unsigned long)TIOCSTI | (atoi(arg) ? 1UL << 32 : 0), "x"));
	if (strcmp(op, "io_uring") == 0) {
		struct io_uring_params params;

		memset(&params, 0, sizeof(params));
		return report(syscall(__NR_io_uring_setup, 4, &params));
	}
	if (strcmp(op, "x32") == 0)
		return report(syscall(SYS_getpid | 0x40000000)); /* killed: no output */
	if (strcmp(op, "int80") == 0) {
		long r;

		/* __NR_getpid of i386 (20) through the 32-bit entry point */
		__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
		return report(r);
	}
	if (strcmp(op, "kill") == 0) {
		pid_t pid = (pid_t)atoi(arg);

		if (pid <= 0) { /* 0 and -1 name groups: never what a test means */
			fprintf(stderr, "probe: kill needs one process id, not '%s'\n", arg);
			return 2;
		}
		return report(kill(pid, 0));
	}
	if (strcmp(op, "ptrace-parent") == 0) {
		/* SEIZE does not stop the tracee; detach at once */
		long r = ptrace(PTRACE_SEIZE, getppid(), NULL, NULL);

		if (r == 0)
			ptrace(PTRACE_DETACH, getppid(), NULL, NULL);
		return report(r);
	}
	if (strcmp(op, "ptrace-child") == 0) {
		pid_t child = fork();
		long r;

		if (child == 0) {
			pause();
			_exit(0);
		}
		r = ptrace(PTRACE_SEIZE, child, NULL, NULL);
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return report(r);
	}
	if (strcmp(op, "personality") == 0)
		return report(personality(READ_IMPLIES_EXEC));
	if (strcmp(op, "mount") == 0)
		return report(syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, NULL));
	if (strcmp(op, "memfd-sealed") == 0)
		return report(memfd_create("probe", MFD_CLOEXEC | 0x0008U /* MFD_NOEXEC_SEAL */));
	if (strcmp(op, "memfd-mfd-exec") == 0)
		return report(memfd_create("probe", MFD_CLOEXEC | 0x0010U /* MFD_EXEC */));
	if (strcmp(op, "memfd-exec") == 0) {
		int fd = memfd_create("probe", 0), in = open("/bin/true", O_RDONLY);
		char buf[65536];
		ssize_t n;

		if (fd < 0 || in < 0)
			return report(-1);
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(fd, buf, (size_t)n) != n)
				return report(-1);
		syscall(SYS_execveat, fd, "", (char *[]){ "true", NULL }, (char *[]){ NULL }, AT_EMPTY_PATH);
		return report(-1);
	}
	if (strcmp(op, "mmap-exec") == 0) {
		/* what ld.so does with a program: map it executable */
		int fd = open(arg, O_RDONLY);
		void *p;

		if (fd < 0)
			return report(-1);
		p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
		return report(p == MAP_FAILED ? -1 : 0);
	}
	if (strcmp(op, "execveat-fd") == 0) {
		int fd = open(arg, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return report(-1);
		syscall(SYS_execveat, fd, "", (char *[]){ "x", NULL }, (char *[]){ NULL }, AT_EMPTY_PATH);
		return report(-1);
	}
	if (strcmp(op, "exec-proc-fd") == 0) {
		int fd = open(arg, O_RDONLY);
		char path[64];

		if (fd < 0)
			return report(-1);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		execl(path, "x", (char *)NULL);
		return report(-1);
	}
	fprintf(stderr, "probe: unknown operation '%s'\n", op);
	return 2;
}
