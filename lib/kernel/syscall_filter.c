/* Builds and installs the session's seccomp filters. The main filter comes
 * from libseccomp; socket() gets a small allowlist filter of its own because
 * libseccomp cannot express "anything but these values" for one argument. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscall_filter.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

#define LOW32 0xffffffffULL
#ifndef IOPRIO_WHO_USER
#define IOPRIO_WHO_USER 3
#endif

const struct syscall_denial syscall_denials[] = {
	{ "unshare", EPERM, false, "creates namespaces" },
	{ "setns", EPERM, false, "joins namespaces" },
	{ "mount", EPERM, false, "mount family" },
	{ "umount2", EPERM, false, "mount family" },
	{ "move_mount", EPERM, false, "mount family" },
	{ "open_tree", EPERM, false, "mount family" },
	{ "fsopen", EPERM, false, "mount family" },
	{ "fsconfig", EPERM, false, "mount family" },
	{ "fsmount", EPERM, false, "mount family" },
	{ "fspick", EPERM, false, "mount family" },
	{ "mount_setattr", EPERM, false, "mount family" },
	{ "pivot_root", EPERM, false, "changes the root" },
	{ "chroot", EPERM, false, "changes the root" },
	{ "bpf", EPERM, false, "kernel attack surface" },
	{ "perf_event_open", EPERM, false, "kernel attack surface, side channels" },
	{ "userfaultfd", EPERM, false, "widens kernel race windows" },
	{ "keyctl", EPERM, false, "kernel keyrings are shared outside the session" },
	{ "add_key", EPERM, false, "kernel keyrings" },
	{ "request_key", EPERM, false, "kernel keyrings" },
	{ "io_uring_setup", EPERM, false, "io_uring operations bypass seccomp" },
	{ "io_uring_enter", EPERM, false, "io_uring operations bypass seccomp" },
	{ "io_uring_register", EPERM, false, "io_uring operations bypass seccomp" },
	{ "open_by_handle_at", EPERM, false, "opens files by handle, bypassing paths" },
	{ "name_to_handle_at", EPERM, false, "pairs with open_by_handle_at" },
	{ "kexec_load", EPERM, false, "replaces the kernel" },
	{ "kexec_file_load", EPERM, false, "replaces the kernel" },
	{ "init_module", EPERM, false, "loads kernel modules" },
	{ "finit_module", EPERM, false, "loads kernel modules" },
	{ "delete_module", EPERM, false, "unloads kernel modules" },
	{ "reboot", EPERM, false, "reboots" },
	{ "swapon", EPERM, false, "swap control" },
	{ "swapoff", EPERM, false, "swap control" },
	{ "acct", EPERM, false, "process accounting" },
	{ "iopl", EPERM, false, "raw port I/O" },
	{ "ioperm", EPERM, false, "raw port I/O" },
	{ "clone3", ENOSYS, true, "its flags sit in memory the filter cannot read; libc falls back to clone" },
};
const size_t syscall_denials_count = sizeof(syscall_denials) / sizeof(syscall_denials[0]);

static const unsigned long namespace_flags[] = {
	CLONE_NEWNS,   CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
	CLONE_NEWUSER, CLONE_NEWPID,    CLONE_NEWNET, CLONE_NEWTIME,
};

/* Terminal injection; the kernel reads the request as 32 bits, so only
 * the low half is compared: junk above cannot slip past. */
static const unsigned long denied_ioctls[] = { TIOCSTI, TIOCLINUX };

/* personality() values a session may set: queries, Linux, and no-ASLR
 * (gdb uses it); READ_IMPLIES_EXEC, MMAP_PAGE_ZERO and the rest are refused
 * by the allowlist filter below. */

static int add_main_rules(scmp_filter_ctx ctx)
{
	int r;

	for (size_t i = 0; i < syscall_denials_count; i++) {
		int nr = seccomp_syscall_resolve_name(syscall_denials[i].name);

		if (syscall_denials[i].quiet)
			continue;
		if (nr == __NR_SCMP_ERROR)
			return -ENOSYS;
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(syscall_denials[i].error), nr, 0);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < sizeof(namespace_flags) / sizeof(namespace_flags[0]); i++) {
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, namespace_flags[i], namespace_flags[i]));
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < sizeof(denied_ioctls) / sizeof(denied_ioctls[0]); i++) {
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, LOW32, denied_ioctls[i]));
		if (r < 0)
			return r;
	}
	return 0;
}

/* The argument allowlists (socket, personality) as a small cBPF program,
 * written with symbolic labels and resolved by bpf_assemble(). */
enum bpf_label {
	NEXT, /* the following instruction */
	ALLOW,
	PERSONALITY,
	SOCKET,
	INET,
	DATAGRAM,
	REFUSE_FAMILY,
	REFUSE_TYPE,
	REFUSE_PROTOCOL,
	REFUSE_EPERM,
	NOTIFY,
	SENDTO,
	PID_ARG0,
	PRLIMIT,
	PRIORITY,
	IO_PRIORITY,
	KILL,
	CANARY,
	REFUSE_ENOSYS,
	LABEL_COUNT
};

struct bpf_insn {
	uint16_t code;
	uint32_t k;
	enum bpf_label jt, jf;
	enum bpf_label defines; /* a label marker (code unused) when not NEXT */
};

#define BPF_PROGRAM_MAX 128
#define LOAD(off) \
	{ \
		BPF_LD | BPF_W | BPF_ABS, (off), NEXT, NEXT, NEXT \
	}
#define JEQ(value, yes, no) \
	{ \
		BPF_JMP | BPF_JEQ | BPF_K, (value), (yes), (no), NEXT \
	}
#define AND(mask) \
	{ \
		BPF_ALU | BPF_AND | BPF_K, (mask), NEXT, NEXT, NEXT \
	}
#define RET(value) \
	{ \
		BPF_RET | BPF_K, (value), NEXT, NEXT, NEXT \
	}
#define LABEL(l) \
	{ \
		0, 0, NEXT, NEXT, (l) \
	}
#define ARG_LOW(n) (uint32_t)(offsetof(struct seccomp_data, args[n])) /* little endian */
#define ARG_HIGH(n) (ARG_LOW(n) + 4)
#define ERRNO(e) (SECCOMP_RET_ERRNO | ((e)&SECCOMP_RET_DATA))

/* Resolves labels into forward jump offsets. -EINVAL when a jump goes
 * backwards, too far, or to an undefined label. */
static int bpf_assemble(const struct bpf_insn *in, size_t n_in, struct sock_filter *out, size_t out_max, size_t *n_out)
{
	size_t at[LABEL_COUNT], n = 0;

	for (size_t l = 0; l < LABEL_COUNT; l++)
		at[l] = SIZE_MAX;
	for (size_t i = 0; i < n_in; i++) {
		if (in[i].defines != NEXT)
			at[in[i].defines] = n;
		else
			n++;
	}
	if (n > out_max)
		return -E2BIG;
	n = 0;
	for (size_t i = 0; i < n_in; i++) {
		size_t target[2];
		const enum bpf_label labels[2] = { in[i].jt, in[i].jf };

		if (in[i].defines != NEXT)
			continue;
		out[n] = (struct sock_filter){ .code = in[i].code, .k = in[i].k };
		for (int j = 0; j < 2 && BPF_CLASS(in[i].code) == BPF_JMP; j++) {
			target[j] = labels[j] == NEXT ? n + 1 : at[labels[j]];
			if (target[j] == SIZE_MAX || target[j] <= n || target[j] - n - 1 > 255)
				return -EINVAL;
			if (j == 0)
				out[n].jt = (uint8_t)(target[j] - n - 1);
			else
				out[n].jf = (uint8_t)(target[j] - n - 1);
		}
		n++;
	}
	*n_out = n;
	return 0;
}

/* The argument allowlists (socket, personality) and the calls trapped for
 * corral-helper, in one program: every filter costs each system call that
 * the kernel's cache cannot answer. Foreign architectures were killed by
 * the main filter already (the kernel takes the strictest verdict of all
 * filters, so what the others refuse stays refused), so they just pass
 * here. A sendto without an address (send() on a connected socket) is
 * decided from a register: nothing to race. */
static int install_decision_filter(const struct syscall_filter_options *options, int *listener)
{
	const uint32_t icmp = options->allow_icmp ? IPPROTO_ICMP : 0;
	const uint32_t icmp6 = options->allow_icmp ? IPPROTO_ICMPV6 : 0;
	const enum bpf_label udp = options->allow_udp ? ALLOW : REFUSE_PROTOCOL;
	const enum bpf_label net = options->notify_net ? NOTIFY : NEXT;
	const enum bpf_label sendto = options->notify_net ? SENDTO : NEXT;
	const enum bpf_label memfd = options->notify_memfd ? NOTIFY : NEXT;
	const enum bpf_label listen = options->notify_listen ? NOTIFY : NEXT;
	const enum bpf_label bind = options->notify_bind ? NOTIFY : NEXT;
	const bool xproc = options->notify_cross_process;
	const enum bpf_label signals = options->notify_signals ? NOTIFY : NEXT;
	const struct bpf_insn program[] = {
		LOAD(offsetof(struct seccomp_data, arch)),
		JEQ(AUDIT_ARCH_X86_64, NEXT, ALLOW),
		LOAD(offsetof(struct seccomp_data, nr)),
		JEQ(__NR_socket, SOCKET, NEXT),
		JEQ(__NR_personality, PERSONALITY, NEXT),
		JEQ(__NR_connect, net, NEXT),
		JEQ(__NR_sendmsg, net, NEXT),
		JEQ(__NR_sendmmsg, net, NEXT),
		JEQ(__NR_sendto, sendto, NEXT),
		JEQ(__NR_memfd_create, memfd, NEXT),
		JEQ(__NR_listen, listen, NEXT),
		JEQ(__NR_bind, bind, NEXT),
		JEQ(__NR_prlimit64, xproc ? PRLIMIT : NEXT, NEXT),
		JEQ(__NR_setpriority, xproc ? PRIORITY : NEXT, NEXT),
		JEQ(__NR_ioprio_set, xproc ? IO_PRIORITY : NEXT, NEXT),
		JEQ(__NR_sched_setaffinity, xproc ? PID_ARG0 : NEXT, NEXT),
		JEQ(__NR_sched_setparam, xproc ? PID_ARG0 : NEXT, NEXT),
		JEQ(__NR_sched_setscheduler, xproc ? PID_ARG0 : NEXT, NEXT),
		JEQ(__NR_sched_setattr, xproc ? PID_ARG0 : NEXT, NEXT),
		JEQ(__NR_migrate_pages, xproc ? PID_ARG0 : NEXT, NEXT),
		JEQ(__NR_move_pages, xproc ? PID_ARG0 : NEXT, NEXT),
		JEQ(__NR_kcmp, xproc ? NOTIFY : NEXT, NEXT),
		JEQ(__NR_process_madvise, xproc ? NOTIFY : NEXT, NEXT),
		JEQ(__NR_kill, options->notify_signals ? KILL : NEXT, NEXT),
		JEQ(__NR_tkill, signals, NEXT),
		JEQ(__NR_tgkill, signals, NEXT),
		JEQ(__NR_rt_sigqueueinfo, signals, NEXT),
		JEQ(__NR_rt_tgsigqueueinfo, signals, NEXT),
		JEQ(__NR_pidfd_send_signal, signals, NEXT),
		JEQ(__NR_pidfd_open, signals, NEXT),
		/* here, not in the audited filter: every fork tries clone3, and
		 * every nested corral-shell asks the canary */
		JEQ(__NR_clone3, REFUSE_ENOSYS, NEXT),
		JEQ(__NR_close_range, CANARY, NEXT),
		RET(SECCOMP_RET_ALLOW),

		LABEL(CANARY),
		LOAD(ARG_LOW(2)),
		JEQ(SYSCALL_CANARY_FLAGS, NEXT, ALLOW),
		LOAD(ARG_HIGH(2)),
		JEQ(0, NEXT, ALLOW),
		RET(ERRNO(SYSCALL_CANARY_ERRNO)),

		/* kill(0, sig) is the caller's own process group */
		LABEL(KILL),
		LOAD(ARG_LOW(0)),
		JEQ(0, ALLOW, NOTIFY),

		/* pid 0 is the caller itself: only another pid goes to the helper */
		LABEL(PID_ARG0),
		LOAD(ARG_LOW(0)),
		JEQ(0, ALLOW, NOTIFY),

		/* prlimit64(pid, resource, new, old): reading is harmless */
		LABEL(PRLIMIT),
		LOAD(ARG_LOW(0)),
		JEQ(0, ALLOW, NEXT),
		LOAD(ARG_LOW(2)),
		JEQ(0, NEXT, NOTIFY),
		LOAD(ARG_HIGH(2)),
		JEQ(0, ALLOW, NOTIFY),

		/* a whole user's processes are never only the session's */
		LABEL(PRIORITY),
		LOAD(ARG_LOW(0)),
		JEQ(PRIO_USER, REFUSE_EPERM, NEXT),
		LOAD(ARG_LOW(1)),
		JEQ(0, ALLOW, NOTIFY),

		LABEL(IO_PRIORITY),
		LOAD(ARG_LOW(0)),
		JEQ(IOPRIO_WHO_USER, REFUSE_EPERM, NEXT),
		LOAD(ARG_LOW(1)),
		JEQ(0, ALLOW, NOTIFY),

		LABEL(PERSONALITY),
		LOAD(ARG_LOW(0)),
		JEQ(0xffffffffU, ALLOW, NEXT),
		JEQ(PER_LINUX, ALLOW, NEXT),
		JEQ(PER_LINUX | ADDR_NO_RANDOMIZE, ALLOW, REFUSE_EPERM),

		LABEL(SOCKET),
		LOAD(ARG_LOW(0)),
		JEQ(AF_UNIX, ALLOW, NEXT),
		JEQ(AF_INET, INET, NEXT),
		JEQ(AF_INET6, INET, NEXT),
		JEQ(AF_NETLINK, NEXT, REFUSE_FAMILY),
		LOAD(ARG_LOW(2)),
		JEQ(NETLINK_ROUTE, ALLOW, REFUSE_PROTOCOL),

		LABEL(INET),
		LOAD(ARG_LOW(1)),
		AND(0xf), /* the type without SOCK_NONBLOCK / SOCK_CLOEXEC */
		JEQ(SOCK_DGRAM, DATAGRAM, NEXT),
		JEQ(SOCK_STREAM, NEXT, REFUSE_TYPE),
		LOAD(ARG_LOW(2)),
		JEQ(0, ALLOW, NEXT),
		JEQ(IPPROTO_TCP, ALLOW, REFUSE_PROTOCOL),

		LABEL(DATAGRAM),
		LOAD(ARG_LOW(2)),
		JEQ(0, udp, NEXT),
		JEQ(IPPROTO_UDP, udp, NEXT),
		/* with ICMP off these compare against 0, decided above */
		JEQ(icmp, ALLOW, NEXT),
		JEQ(icmp6, ALLOW, REFUSE_PROTOCOL),

		LABEL(SENDTO),
		LOAD(ARG_LOW(4)),
		JEQ(0, NEXT, NOTIFY),
		LOAD(ARG_HIGH(4)),
		JEQ(0, ALLOW, NOTIFY),

		LABEL(NOTIFY),
		RET(SECCOMP_RET_USER_NOTIF),
		LABEL(REFUSE_PROTOCOL),
		RET(ERRNO(EPROTONOSUPPORT)),
		LABEL(REFUSE_TYPE),
		RET(ERRNO(ESOCKTNOSUPPORT)),
		LABEL(REFUSE_FAMILY),
		RET(ERRNO(EAFNOSUPPORT)),
		LABEL(REFUSE_EPERM), /* and PRIO_USER, IOPRIO_WHO_USER */
		RET(ERRNO(EPERM)),
		LABEL(REFUSE_ENOSYS),
		RET(ERRNO(ENOSYS)),
		LABEL(ALLOW),
		RET(SECCOMP_RET_ALLOW),
	};
	struct sock_filter filter[BPF_PROGRAM_MAX];
	struct sock_fprog prog;
	unsigned long flags = 0;
	size_t n;
	long fd;
	int r;

	r = bpf_assemble(program, sizeof(program) / sizeof(program[0]), filter, BPF_PROGRAM_MAX, &n);
	if (r < 0)
		return r;
	prog.len = (unsigned short)n;
	prog.filter = filter;
	/* killable wait: once the helper has a request, only a fatal signal
	 * interrupts it, so a call done on the process's behalf is not redone */
	if (syscall_filter_traps(options))
		flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	fd = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (fd < 0)
		return -errno;
	if (flags)
		*listener = (int)fd;
	return 0;
}

bool syscall_filter_in_session(void)
{
	return syscall(__NR_close_range, ~0U, ~0U, SYSCALL_CANARY_FLAGS) < 0 && errno == SYSCALL_CANARY_ERRNO;
}

bool syscall_filter_traps(const struct syscall_filter_options *options)
{
	return options->notify_net || options->notify_memfd || options->notify_listen || options->notify_bind ||
		options->notify_cross_process || options->notify_signals;
}

int syscall_filter_install(const struct syscall_filter_options *options, int *listener)
{
	scmp_filter_ctx ctx;
	int r;

	*listener = -1;
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	/* i386 (int 0x80) and x32 system calls of a 64-bit process kill it */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	/* SECCOMP_FILTER_FLAG_LOG: the kernel audits this filter's refusals
	 * (type 1326); allowed calls are not logged, and cost nothing more */
	if (r == 0 && options->log_denials)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
	if (r == 0)
		r = add_main_rules(ctx);
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r == 0)
		r = install_decision_filter(options, listener);
	return r;
}
