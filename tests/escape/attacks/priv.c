/* Privilege and kernel-surface attacks: namespaces, keyrings, bpf, perf,
 * userfaultfd, terminal injection, tracing processes outside the session,
 * other system call ABIs, personality flags, raw sockets.
 *
 *   priv unshare NS | clone NS   NS: user net mnt pid ipc uts cgroup time
 *   priv setns PATH              open a namespace file, setns into it
 *   priv keyctl | add_key | request_key
 *   priv bpf                     BPF_MAP_CREATE (an array map)
 *   priv perf                    perf_event_open of the task clock, user space only
 *   priv userfaultfd             userfaultfd(UFFD_USER_MODE_ONLY)
 *   priv tiocsti [junk]          push a byte into the terminal's input (with
 *   priv tioclinux [junk]        junk in the upper 32 bits of the request)
 *   priv ptrace PID              PTRACE_SEIZE
 *   priv procmem PID             open /proc/PID/mem
 *   priv vmread PID ADDR         process_vm_readv 16 bytes at ADDR: ok:TEXT
 *   priv victim FILE             write the address of a secret to FILE, then wait
 *   priv x32 | x32-512 | int80   a getpid through another ABI (killed: no output)
 *   priv personality HEX
 *   priv raw                     raw ICMP socket, echo request to 127.0.0.1
 *   priv packet                  AF_PACKET raw socket
 *   priv caps                    ok:CapEff of this process
 *   priv kill PID                kill(PID, SIGKILL)
 *   priv kill-all                kill(-1, SIGKILL): every process it may signal
 *   priv pidfd-signal PID        pidfd_open, then pidfd_send_signal(SIGKILL)
 *   priv pidfd-getfd PID FD      pidfd_open, then pidfd_getfd (takes the fd)
 */
#include "common.h"

#include <fcntl.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const char secret[] = "victim-secret-42";

static int ns_flag(const char *name)
{
	static const struct {
		const char *name;
		int flag;
	} names[] = {
		{ "user", CLONE_NEWUSER }, { "net", CLONE_NEWNET }, { "mnt", CLONE_NEWNS }, { "pid", CLONE_NEWPID },
		{ "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS }, { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i].name) == 0)
			return names[i].flag;
	return 0;
}

static int tty_fd(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	return fd < 0 ? 0 : fd;
}

int main(int argc, char **argv)
{
	const char *op = ARG(1), *a = ARG(2);

	if (OP("unshare")) {
		/* a user namespace too where the others need CAP_SYS_ADMIN */
		int flag = ns_flag(a);

		return report(unshare(flag == CLONE_NEWUSER ? flag : flag | CLONE_NEWUSER));
	}
	if (OP("clone")) {
		int flag = ns_flag(a);
		long r = syscall(SYS_clone, (flag == CLONE_NEWUSER ? flag : flag | CLONE_NEWUSER) | SIGCHLD, 0, 0, 0, 0);

		if (r == 0)
			_exit(0);
		if (r > 0)
			waitpid((pid_t)r, NULL, 0);
		return report(r);
	}
	if (OP("setns")) {
		int fd = open(a, O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			printf("open:");
			return report(-1);
		}
		return report(setns(fd, 0));
	}
	if (OP("keyctl"))
		return report(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1));
	if (OP("add_key"))
		return report(syscall(SYS_add_key, "user", "escape-test", "x", 1, KEY_SPEC_PROCESS_KEYRING));
	if (OP("request_key"))
		return report(syscall(SYS_request_key, "user", "escape-test-none", NULL, KEY_SPEC_PROCESS_KEYRING) < 0 &&
				      errno == ENOKEY ? 0 : -1);
	if (OP("bpf")) {
		union bpf_attr attr;

		memset(&attr, 0, sizeof(attr));
		attr.map_type = BPF_MAP_TYPE_ARRAY;
		attr.key_size = 4;
		attr.value_size = 4;
		attr.max_entries = 1;
		return report(syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr)));
	}
	if (OP("perf")) {
		struct perf_event_attr attr;

		memset(&attr, 0, sizeof(attr));
		attr.type = PERF_TYPE_SOFTWARE;
		attr.size = sizeof(attr);
		attr.config = PERF_COUNT_SW_TASK_CLOCK;
		attr.exclude_kernel = 1;
		attr.exclude_hv = 1;
		return report(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
	}
	if (OP("userfaultfd"))
		return report(syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY));
	if (OP("tiocsti") || OP("tioclinux")) {
		unsigned long request = OP("tiocsti") ? TIOCSTI : TIOCLINUX;
		/* TIOCLINUX 7: unblank the screen, harmless on a console */
		char arg = OP("tiocsti") ? '\n' : 4;

		if (strcmp(a, "junk") == 0)
			request |= 0xdead00000000UL;
		return report(syscall(SYS_ioctl, tty_fd(), request, &arg));
	}
	if (OP("ptrace"))
		return report(ptrace(PTRACE_SEIZE, (pid_t)atoi(a), NULL, NULL));
	if (OP("procmem")) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%s/mem", a);
		return report(open(path, O_RDONLY | O_CLOEXEC));
	}
	if (OP("vmread")) {
		char buf[sizeof(secret)] = "";
		struct iovec local = { buf, sizeof(secret) - 1 };
		struct iovec remote = { (void *)strtoul(ARG(3), NULL, 16), sizeof(secret) - 1 };
		long r = process_vm_readv((pid_t)atoi(a), &local, 1, &remote, 1, 0);

		return report_detail(r, buf);
	}
	if (OP("victim")) {
		FILE *f = fopen(a, "w");

		if (!f)
			return 1;
		fprintf(f, "%lx\n", (unsigned long)secret);
		fclose(f);
		for (;;)
			pause();
	}
	if (OP("x32"))
		return report(syscall(SYS_getpid | 0x40000000));
	if (OP("x32-512"))
		return report(syscall(512 | 0x40000000, 0, NULL, NULL, 8));
	if (OP("int80")) {
		long r;

		__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");  /* i386 getpid */
		return report(r);
	}
	if (OP("personality")) {
		long r = personality(strtoul(a, NULL, 16));

		return report(r);
	}
	if (OP("raw")) {
		struct icmphdr icmp = { .type = ICMP_ECHO, .un.echo.id = 7 };
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);

		if (fd < 0)
			return report(-1);
		/* checksum of a zero-payload echo request: ~(0x0800 + id) */
		icmp.checksum = htons((uint16_t)~(0x0800 + 7 * 256));
		return report(sendto(fd, &icmp, sizeof(icmp), 0, (struct sockaddr *)&to, sizeof(to)));
	}
	if (OP("packet"))
		return report(socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)));
	if (OP("caps")) {
		char line[256], value[64] = "?";
		FILE *f = fopen("/proc/self/status", "r");

		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "CapEff: %63s", value) == 1)
				break;
		return report_detail(0, value);
	}
	if (OP("kill"))
		return report(kill((pid_t)atoi(a), SIGKILL));
	if (OP("kill-all")) {
		signal(SIGKILL, SIG_DFL);
		/* kill(-1) spares the caller itself */
		return report(kill(-1, SIGKILL));
	}
	if (OP("pidfd-signal") || OP("pidfd-getfd")) {
		int pidfd = (int)syscall(SYS_pidfd_open, atoi(a), 0);

		if (pidfd < 0) {
			printf("pidfd_open:");
			return report(-1);
		}
		if (OP("pidfd-signal"))
			return report(syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0));
		return report(syscall(SYS_pidfd_getfd, pidfd, atoi(ARG(3)), 0));
	}
	return usage("priv", op);
}
