/* Builds and installs the session's seccomp filter: one cBPF program holding
 * the refused calls, the argument checks and the calls trapped for
 * corral-helper, shaped so the kernel's action cache answers every call it
 * always allows. libseccomp resolves the names and the native architecture. */
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
#include <string.h>
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

/* Symbolic jump targets, resolved by bpf_assemble(). */
enum bpf_label {
	NEXT, /* the following instruction */
	ALLOW,
	CLONE,
	IOCTL,
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
	CANARY,
	REFUSE_ENOSYS,
	KILL_PROCESS,
	LABEL_COUNT
};

struct bpf_insn {
	uint16_t code;
	uint32_t k;
	enum bpf_label jt, jf;
	enum bpf_label defines; /* a label marker (code unused) when not NEXT */
};

/* What one program is being written into: room for the longest one (all
 * refusals, every trap and both argument blocks) with margin. */
#define BPF_SOURCE_MAX 256
struct bpf_source {
	struct bpf_insn insns[BPF_SOURCE_MAX];
	size_t count;
	bool overflow;
};

static void emit(struct bpf_source *src, struct bpf_insn insn)
{
	if (src->count == BPF_SOURCE_MAX) {
		src->overflow = true;
		return;
	}
	src->insns[src->count++] = insn;
}

static void emit_load(struct bpf_source *src, uint32_t offset)
{
	emit(src, (struct bpf_insn){ BPF_LD | BPF_W | BPF_ABS, offset, NEXT, NEXT, NEXT });
}

static void emit_jump(struct bpf_source *src, uint16_t op, uint32_t value, enum bpf_label yes, enum bpf_label no)
{
	emit(src, (struct bpf_insn){ BPF_JMP | op | BPF_K, value, yes, no, NEXT });
}

static void emit_jeq(struct bpf_source *src, uint32_t value, enum bpf_label yes, enum bpf_label no)
{
	emit_jump(src, BPF_JEQ, value, yes, no);
}

static void emit_ret(struct bpf_source *src, uint32_t value)
{
	emit(src, (struct bpf_insn){ BPF_RET | BPF_K, value, NEXT, NEXT, NEXT });
}

static void emit_label(struct bpf_source *src, enum bpf_label label)
{
	emit(src, (struct bpf_insn){ 0, 0, NEXT, NEXT, label });
}

#define ARG_LOW(n) (uint32_t)(offsetof(struct seccomp_data, args[n])) /* little endian */
#define ARG_HIGH(n) (ARG_LOW(n) + 4)
#define ERRNO(e) (SECCOMP_RET_ERRNO | ((e)&SECCOMP_RET_DATA))

/* Resolves labels into forward jump offsets. -EINVAL when a jump goes
 * backwards, too far, or to an undefined label. */
static int bpf_assemble(const struct bpf_source *src, struct syscall_filter_program *out)
{
	size_t at[LABEL_COUNT], n = 0;

	if (src->overflow)
		return -E2BIG;
	for (size_t l = 0; l < LABEL_COUNT; l++)
		at[l] = SIZE_MAX;
	for (size_t i = 0; i < src->count; i++) {
		if (src->insns[i].defines != NEXT)
			at[src->insns[i].defines] = n;
		else
			n++;
	}
	if (n > SYSCALL_FILTER_INSNS_MAX)
		return -E2BIG;
	n = 0;
	for (size_t i = 0; i < src->count; i++) {
		const struct bpf_insn *in = &src->insns[i];
		const enum bpf_label labels[2] = { in->jt, in->jf };

		if (in->defines != NEXT)
			continue;
		out->insns[n] = (struct sock_filter){ .code = in->code, .k = in->k };
		for (int j = 0; j < 2 && BPF_CLASS(in->code) == BPF_JMP; j++) {
			const size_t target = labels[j] == NEXT ? n + 1 : at[labels[j]];

			if (target == SIZE_MAX || target <= n || target - n - 1 > 255)
				return -EINVAL;
			if (j == 0)
				out->insns[n].jt = (uint8_t)(target - n - 1);
			else
				out->insns[n].jf = (uint8_t)(target - n - 1);
		}
		n++;
	}
	out->length = (unsigned short)n;
	return 0;
}

/* Every program starts here: another architecture's calls (i386 through
 * int 0x80, x32) would be numbered differently from the rules, so they
 * kill the process. The kernel's cache emulator follows these loads of
 * arch and nr, so they cost nothing to the calls it caches. */
static int emit_prologue(struct bpf_source *src)
{
	const uint32_t arch = seccomp_arch_native();

	if (arch == 0)
		return -ENOSYS;
	emit_load(src, offsetof(struct seccomp_data, arch));
	emit_jeq(src, arch, NEXT, KILL_PROCESS);
	emit_load(src, offsetof(struct seccomp_data, nr));
#if defined(__x86_64__)
	emit_jump(src, BPF_JGE, 0x40000000U /* __X32_SYSCALL_BIT */, KILL_PROCESS, NEXT);
#endif
	return 0;
}

/* The refused calls of the table; the quiet ones (clone3: every fork tries
 * it) only where quiet ones belong. A name this architecture does not have
 * refuses nothing; a name libseccomp does not know is an error. */
static int emit_refusals(struct bpf_source *src, bool quiet)
{
	/* first: every fork and thread, and terminals, run this far */
	if (!quiet) {
		emit_jeq(src, __NR_clone, CLONE, NEXT);
		emit_jeq(src, __NR_ioctl, IOCTL, NEXT);
	}
	for (size_t i = 0; i < syscall_denials_count; i++) {
		const struct syscall_denial *d = &syscall_denials[i];
		int nr;

		if (d->quiet != quiet)
			continue;
		nr = seccomp_syscall_resolve_name(d->name);
		if (nr == __NR_SCMP_ERROR)
			return -ENOSYS;
		if (nr < 0)
			continue;
		if (d->error != EPERM && d->error != ENOSYS)
			return -EINVAL;
		emit_jeq(src, (uint32_t)nr, d->error == EPERM ? REFUSE_EPERM : REFUSE_ENOSYS, NEXT);
	}
	return 0;
}

/* The argument checks of the refusals: namespace flags of clone (all of
 * them live in the low half of the flags), terminal injection by ioctl (the
 * kernel reads the request as 32 bits, so only the low half is compared:
 * junk above cannot slip past). */
static void emit_refusal_arguments(struct bpf_source *src)
{
	uint32_t namespaces = 0;

	for (size_t i = 0; i < sizeof(namespace_flags) / sizeof(namespace_flags[0]); i++)
		namespaces |= (uint32_t)namespace_flags[i];
	emit_label(src, CLONE);
	emit_load(src, ARG_LOW(0));
	emit_jump(src, BPF_JSET, namespaces, REFUSE_EPERM, ALLOW);

	emit_label(src, IOCTL);
	emit_load(src, ARG_LOW(1));
	for (size_t i = 0; i < sizeof(denied_ioctls) / sizeof(denied_ioctls[0]); i++)
		emit_jeq(src, (uint32_t)denied_ioctls[i], REFUSE_EPERM, NEXT);
	emit_ret(src, SECCOMP_RET_ALLOW);
}

/* The argument allowlists (socket, personality) and the calls trapped for
 * corral-helper, as a chain of comparisons of nr, then the blocks they jump
 * to. A sendto without an address (send() on a connected socket) is
 * decided from a register: nothing to race. */
static void emit_decisions(struct bpf_source *src, const struct syscall_filter_options *options)
{
	const enum bpf_label net = options->notify_net ? NOTIFY : NEXT;
	const enum bpf_label sendto = options->notify_net ? SENDTO : NEXT;
	const enum bpf_label memfd = options->notify_memfd ? NOTIFY : NEXT;
	const enum bpf_label listen = options->notify_listen ? NOTIFY : NEXT;
	const enum bpf_label bind = options->notify_bind ? NOTIFY : NEXT;
	const bool xproc = options->notify_cross_process;
	const enum bpf_label signals = options->notify_signals ? NOTIFY : NEXT;
	const struct {
		int nr;
		enum bpf_label to;
	} rows[] = {
		{ __NR_socket, SOCKET },
		{ __NR_personality, PERSONALITY },
		{ __NR_connect, net },
		{ __NR_sendmsg, net },
		{ __NR_sendmmsg, net },
		{ __NR_sendto, sendto },
		{ __NR_memfd_create, memfd },
		{ __NR_listen, listen },
		{ __NR_bind, bind },
		{ __NR_prlimit64, xproc ? PRLIMIT : NEXT },
		{ __NR_setpriority, xproc ? PRIORITY : NEXT },
		{ __NR_ioprio_set, xproc ? IO_PRIORITY : NEXT },
		{ __NR_sched_setaffinity, xproc ? PID_ARG0 : NEXT },
		{ __NR_sched_setparam, xproc ? PID_ARG0 : NEXT },
		{ __NR_sched_setscheduler, xproc ? PID_ARG0 : NEXT },
		{ __NR_sched_setattr, xproc ? PID_ARG0 : NEXT },
		{ __NR_migrate_pages, xproc ? PID_ARG0 : NEXT },
		{ __NR_move_pages, xproc ? PID_ARG0 : NEXT },
		{ __NR_kcmp, xproc ? NOTIFY : NEXT },
		{ __NR_process_madvise, xproc ? NOTIFY : NEXT },
		{ __NR_kill, options->notify_signals ? PID_ARG0 : NEXT },
		{ __NR_tkill, signals },
		{ __NR_tgkill, signals },
		{ __NR_rt_sigqueueinfo, signals },
		{ __NR_rt_tgsigqueueinfo, signals },
		{ __NR_pidfd_send_signal, signals },
		{ __NR_pidfd_open, signals },
		{ __NR_close_range, CANARY },
	};

	/* a call that goes nowhere needs no comparison */
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].to != NEXT)
			emit_jeq(src, (uint32_t)rows[i].nr, rows[i].to, NEXT);
}

static void emit_who_check(struct bpf_source *src, enum bpf_label label, uint32_t which_user)
{
	emit_label(src, label);
	emit_load(src, ARG_LOW(0));
	emit_jeq(src, which_user, REFUSE_EPERM, NEXT);
	emit_load(src, ARG_LOW(1));
	emit_jeq(src, 0, ALLOW, NOTIFY);
}

static void emit_decision_arguments(struct bpf_source *src, const struct syscall_filter_options *options)
{
	const uint32_t icmp = options->allow_icmp ? IPPROTO_ICMP : 0;
	const uint32_t icmp6 = options->allow_icmp ? IPPROTO_ICMPV6 : 0;
	const enum bpf_label udp = options->allow_udp ? ALLOW : REFUSE_PROTOCOL;

	emit_label(src, CANARY);
	emit_load(src, ARG_LOW(2));
	emit_jeq(src, SYSCALL_CANARY_FLAGS, NEXT, ALLOW);
	emit_load(src, ARG_HIGH(2));
	emit_jeq(src, 0, NEXT, ALLOW);
	emit_ret(src, ERRNO(SYSCALL_CANARY_ERRNO));

	/* pid 0 is the caller itself (kill: its own process group): only
	 * another pid goes to the helper */
	emit_label(src, PID_ARG0);
	emit_load(src, ARG_LOW(0));
	emit_jeq(src, 0, ALLOW, NOTIFY);

	/* prlimit64(pid, resource, new, old): reading is harmless */
	emit_label(src, PRLIMIT);
	emit_load(src, ARG_LOW(0));
	emit_jeq(src, 0, ALLOW, NEXT);
	emit_load(src, ARG_LOW(2));
	emit_jeq(src, 0, NEXT, NOTIFY);
	emit_load(src, ARG_HIGH(2));
	emit_jeq(src, 0, ALLOW, NOTIFY);

	/* setpriority(which, who), ioprio_set(which, who): a whole user's
	 * processes are never only the session's */
	emit_who_check(src, PRIORITY, PRIO_USER);
	emit_who_check(src, IO_PRIORITY, IOPRIO_WHO_USER);

	/* queries, Linux, and no-ASLR (gdb uses it); READ_IMPLIES_EXEC,
	 * MMAP_PAGE_ZERO and the rest are refused */
	emit_label(src, PERSONALITY);
	emit_load(src, ARG_LOW(0));
	emit_jeq(src, 0xffffffffU, ALLOW, NEXT);
	emit_jeq(src, PER_LINUX, ALLOW, NEXT);
	emit_jeq(src, PER_LINUX | ADDR_NO_RANDOMIZE, ALLOW, REFUSE_EPERM);

	emit_label(src, SOCKET);
	emit_load(src, ARG_LOW(0));
	emit_jeq(src, AF_UNIX, ALLOW, NEXT);
	emit_jeq(src, AF_INET, INET, NEXT);
	emit_jeq(src, AF_INET6, INET, NEXT);
	emit_jeq(src, AF_NETLINK, NEXT, REFUSE_FAMILY);
	emit_load(src, ARG_LOW(2));
	emit_jeq(src, NETLINK_ROUTE, ALLOW, REFUSE_PROTOCOL);

	emit_label(src, INET);
	emit_load(src, ARG_LOW(1));
	emit(src, (struct bpf_insn){ BPF_ALU | BPF_AND | BPF_K, 0xf, NEXT, NEXT, NEXT }); /* no NONBLOCK/CLOEXEC */
	emit_jeq(src, SOCK_DGRAM, DATAGRAM, NEXT);
	emit_jeq(src, SOCK_STREAM, NEXT, REFUSE_TYPE);
	emit_load(src, ARG_LOW(2));
	emit_jeq(src, 0, ALLOW, NEXT);
	emit_jeq(src, IPPROTO_TCP, ALLOW, REFUSE_PROTOCOL);

	emit_label(src, DATAGRAM);
	emit_load(src, ARG_LOW(2));
	emit_jeq(src, 0, udp, NEXT);
	emit_jeq(src, IPPROTO_UDP, udp, NEXT);
	/* with ICMP off these compare against 0, decided above */
	emit_jeq(src, icmp, ALLOW, NEXT);
	emit_jeq(src, icmp6, ALLOW, REFUSE_PROTOCOL);

	emit_label(src, SENDTO);
	emit_load(src, ARG_LOW(4));
	emit_jeq(src, 0, NEXT, NOTIFY);
	emit_load(src, ARG_HIGH(4));
	emit_jeq(src, 0, ALLOW, NOTIFY);
}

/* The returns every program shares; a label no jump uses costs one
 * unreachable instruction, which the kernel's checker accepts. */
static void emit_epilogue(struct bpf_source *src)
{
	emit_label(src, NOTIFY);
	emit_ret(src, SECCOMP_RET_USER_NOTIF);
	emit_label(src, REFUSE_PROTOCOL);
	emit_ret(src, ERRNO(EPROTONOSUPPORT));
	emit_label(src, REFUSE_TYPE);
	emit_ret(src, ERRNO(ESOCKTNOSUPPORT));
	emit_label(src, REFUSE_FAMILY);
	emit_ret(src, ERRNO(EAFNOSUPPORT));
	emit_label(src, REFUSE_EPERM);
	emit_ret(src, ERRNO(EPERM));
	emit_label(src, REFUSE_ENOSYS);
	emit_ret(src, ERRNO(ENOSYS));
	emit_label(src, KILL_PROCESS);
	emit_ret(src, SECCOMP_RET_KILL_PROCESS);
	emit_label(src, ALLOW);
	emit_ret(src, SECCOMP_RET_ALLOW);
}

/* With log.denials the refusals of the listed calls need
 * SECCOMP_FILTER_FLAG_LOG, which audits every action of its filter but
 * ALLOW: the trapped calls and the quiet ENOSYS of clone3 (every fork) would
 * each leave a record. So they get a program of their own; the kernel takes
 * the strictest verdict of all programs and answers a call every program
 * allows from the cache of the newest, which covers all of them: a call
 * the cache answers costs the same behind one program or two. */
int syscall_filter_build(const struct syscall_filter_options *options, struct syscall_filter_set *set)
{
	struct bpf_source src;

	memset(set, 0, sizeof(*set));
	for (size_t p = 0; p < (options->log_denials ? 2U : 1U); p++) {
		const bool decisions = p == 0, refusals = !options->log_denials || p == 1;
		struct syscall_filter_program *program = &set->programs[p];
		int r;

		memset(&src, 0, sizeof(src));
		r = emit_prologue(&src);
		if (r == 0 && refusals)
			r = emit_refusals(&src, false);
		if (r == 0 && decisions) {
			r = emit_refusals(&src, true);
			emit_decisions(&src, options);
		}
		if (r < 0)
			return r;
		emit_ret(&src, SECCOMP_RET_ALLOW);
		if (refusals)
			emit_refusal_arguments(&src);
		if (decisions)
			emit_decision_arguments(&src, options);
		emit_epilogue(&src);
		r = bpf_assemble(&src, program);
		if (r < 0)
			return r;
		program->logged = options->log_denials && refusals;
		program->listener = decisions && syscall_filter_traps(options);
		set->count++;
	}
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
	struct syscall_filter_set set;
	int r;

	*listener = -1;
	r = syscall_filter_build(options, &set);
	if (r < 0)
		return r;
	for (size_t p = 0; p < set.count; p++) {
		struct sock_fprog prog = { .len = set.programs[p].length, .filter = set.programs[p].insns };
		unsigned long flags = 0;
		long fd;

		/* killable wait: once the helper has a request, only a fatal
		 * signal interrupts it, so a call done on the process's behalf
		 * is not redone */
		if (set.programs[p].listener)
			flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
		/* the kernel audits this program's refusals (type 1326) */
		if (set.programs[p].logged)
			flags |= SECCOMP_FILTER_FLAG_LOG;
		fd = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
		if (fd < 0) {
			r = -errno;
			if (*listener >= 0)
				close(*listener);
			*listener = -1;
			return r;
		}
		if (set.programs[p].listener)
			*listener = (int)fd;
	}
	return 0;
}
