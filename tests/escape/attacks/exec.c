/* Execution attacks: run code that is not in fs.exec. Programs started
 * are copies of /usr/bin/echo given the argument "ok", so a success prints
 * "ok" just like the other operations.
 *
 *   exec exec PATH              execv(PATH, "echo ok")
 *   exec execveat PATH          open PATH, execveat(fd, "", AT_EMPTY_PATH)
 *   exec procfd PATH            open PATH, execv("/proc/self/fd/N")
 *   exec memfd SRC [execveat]   copy SRC into memfd_create(0), then fexecve
 *                               (or execveat AT_EMPTY_PATH)
 *   exec memfd-mfd-exec         memfd_create(MFD_EXEC)
 *   exec memfd-chmod            memfd_create(0), then fchmod 0755
 *   exec shm SRC                copy SRC to /dev/shm (shm_open), exec it
 *   exec mmap PATH              mmap(PROT_READ|PROT_EXEC, MAP_PRIVATE) of PATH
 *   exec mprotect-private PATH  mmap(PROT_READ) then mprotect(PROT_READ|PROT_EXEC)
 *   exec mprotect-shared PATH   mmap(PROT_READ|PROT_WRITE, MAP_SHARED) of a file
 *                               the user may write, then mprotect(...|PROT_EXEC)
 *   exec jit                    anonymous RWX mapping, write code, call it
 *   exec jit-file PATH          read machine code from PATH into anonymous
 *                               executable memory and call it (expects 42)
 *   exec write-code PATH        write that machine code (mov eax,42; ret) to PATH
 *   exec selfmem                write that code over a function of this program's
 *                               own text through /proc/self/mem, and call it
 */
#include "common.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

static char *const echo_argv[] = { "echo", "ok", NULL };
static char *const no_env[] = { NULL };
/* x86-64: mov eax, 42; ret */
static const unsigned char code42[] = { 0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3 };

static int copy_into(int out, const char *src)
{
	char buf[65536];
	ssize_t n;
	int in = open(src, O_RDONLY | O_CLOEXEC);

	if (in < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -1;
	close(in);
	return n < 0 ? -1 : 0;
}

__attribute__((noinline, aligned(64))) static int patched(void)
{
	__asm__ volatile("");
	return 1;
}

static int call_code(void *p)
{
	int (*fn)(void) = (int (*)(void))p;
	char detail[32];

	snprintf(detail, sizeof(detail), "%d", fn());
	return report_detail(0, detail);
}

int main(int argc, char **argv)
{
	const char *op = ARG(1), *a = ARG(2);

	if (OP("exec")) {
		execve(a, echo_argv, no_env);
		return report(-1);
	}
	if (OP("execveat") || OP("procfd")) {
		int fd = open(a, O_RDONLY | O_CLOEXEC);
		char path[64];

		if (fd < 0)
			return report(-1);
		if (OP("execveat")) {
			syscall(SYS_execveat, fd, "", echo_argv, no_env, AT_EMPTY_PATH);
			return report(-1);
		}
		fcntl(fd, F_SETFD, 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		execve(path, echo_argv, no_env);
		return report(-1);
	}
	if (OP("memfd")) {
		int fd = memfd_create("payload", 0);

		if (fd < 0) {
			printf("memfd_create:");
			return report(-1);
		}
		if (copy_into(fd, a) < 0)
			return report(-1);
		if (strcmp(ARG(3), "execveat") == 0)
			syscall(SYS_execveat, fd, "", echo_argv, no_env, AT_EMPTY_PATH);
		else
			fexecve(fd, echo_argv, no_env);
		return report(-1);
	}
	if (OP("memfd-mfd-exec"))
		return report(memfd_create("payload", MFD_EXEC));
	if (OP("memfd-chmod")) {
		int fd = memfd_create("payload", 0);

		if (fd < 0) {
			printf("memfd_create:");
			return report(-1);
		}
		return report(fchmod(fd, 0755));
	}
	if (OP("shm")) {
		char name[64], path[96];
		int fd;

		snprintf(name, sizeof(name), "/escape-shm-%d", (int)getpid());
		snprintf(path, sizeof(path), "/dev/shm%s", name);
		fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0700);
		if (fd < 0) {
			printf("shm_open:");
			return report(-1);
		}
		if (copy_into(fd, a) < 0)
			return report(-1);
		close(fd);
		pid_t child = fork();

		if (child == 0) {
			execve(path, echo_argv, no_env);
			report(-1);
			_exit(0);
		}
		if (child > 0)
			waitpid(child, NULL, 0);
		shm_unlink(name);
		return 0;
	}
	if (OP("mmap") || OP("mprotect-private")) {
		int fd = open(a, O_RDONLY | O_CLOEXEC);
		void *p;

		if (fd < 0)
			return report(-1);
		p = mmap(NULL, 4096, OP("mmap") ? PROT_READ | PROT_EXEC : PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED || OP("mmap"))
			return report(p == MAP_FAILED ? -1 : 0);
		return report(mprotect(p, 4096, PROT_READ | PROT_EXEC));
	}
	if (OP("mprotect-shared")) {
		int fd = open(a, O_RDWR | O_CLOEXEC);
		unsigned char *p;

		if (fd < 0)
			return report(-1);
		if (ftruncate(fd, 4096) < 0)
			return report(-1);
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED) {
			printf("mmap:");
			return report(-1);
		}
		memcpy(p, code42, sizeof(code42));
		if (mprotect(p, 4096, PROT_READ | PROT_EXEC) < 0)
			return report(-1);
		return call_code(p);
	}
	if (OP("jit")) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return report(-1);
		memcpy(p, code42, sizeof(code42));
		return call_code(p);
	}
	if (OP("jit-file")) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int fd = open(a, O_RDONLY | O_CLOEXEC);

		if (p == MAP_FAILED || fd < 0 || read(fd, p, 4096) <= 0)
			return report(-1);
		if (mprotect(p, 4096, PROT_READ | PROT_EXEC) < 0)
			return report(-1);
		return call_code(p);
	}
	if (OP("write-code")) {
		int fd = open(a, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0)
			return report(-1);
		return report(write(fd, code42, sizeof(code42)) == (ssize_t)sizeof(code42) ? 0 : -1);
	}
	if (OP("selfmem")) {
		int (*volatile fn)(void) = patched;
		int fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
		char detail[32];

		if (fd < 0)
			return report(-1);
		if (pwrite(fd, code42, sizeof(code42), (off_t)(unsigned long)fn) != (ssize_t)sizeof(code42))
			return report(-1);
		snprintf(detail, sizeof(detail), "%d", fn());
		return report_detail(0, detail);
	}
	return usage("exec", op);
}
