/* Unit tests of lib/kernel/syscall_filter.c: the built programs run through
 * a cBPF interpreter (their verdicts) and through a copy of the kernel's
 * action-cache emulation (which calls cost no filter run at all). */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/netlink.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "syscall_filter.h"
#include "tap.h"

/* Past the highest system call number of x86_64 and arm64 today. */
#define NR_SCAN 600
#define VERDICT_INVALID 0xdeadbeefU

/* Classic BPF as seccomp accepts it, for the instructions the builder
 * emits; anything else is VERDICT_INVALID, so a new kind fails here. */
static uint32_t bpf_run(const struct syscall_filter_program *p, const struct seccomp_data *data)
{
	uint32_t a = 0;

	for (size_t pc = 0; pc < p->length; pc++) {
		const struct sock_filter *in = &p->insns[pc];
		int taken;

		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (in->k > sizeof(*data) - 4 || in->k % 4)
				return VERDICT_INVALID;
			memcpy(&a, (const char *)data + in->k, 4);
			continue;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= in->k;
			continue;
		case BPF_RET | BPF_K:
			return in->k;
		case BPF_JMP | BPF_JEQ | BPF_K:
			taken = a == in->k;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			taken = a >= in->k;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			taken = (a & in->k) != 0;
			break;
		default:
			return VERDICT_INVALID;
		}
		pc += taken ? in->jt : in->jf;
	}
	return VERDICT_INVALID;
}

/* The kernel's seccomp_is_const_allow() (kernel/seccomp.c): a call is
 * answered from the cache when the program allows it whatever its
 * arguments, following only loads of nr and arch. */
static int kernel_const_allow(const struct syscall_filter_program *p, uint32_t arch, uint32_t nr)
{
	uint32_t reg = 0;

	for (size_t pc = 0; pc < p->length; pc++) {
		const struct sock_filter *in = &p->insns[pc];
		int taken;

		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (in->k == offsetof(struct seccomp_data, nr))
				reg = nr;
			else if (in->k == offsetof(struct seccomp_data, arch))
				reg = arch;
			else
				return 0;
			continue;
		case BPF_RET | BPF_K:
			return in->k == SECCOMP_RET_ALLOW;
		case BPF_JMP | BPF_JA:
			pc += in->k;
			continue;
		case BPF_JMP | BPF_JEQ | BPF_K:
			taken = reg == in->k;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			taken = reg >= in->k;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			taken = reg > in->k;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			taken = (reg & in->k) != 0;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			reg &= in->k;
			continue;
		default:
			return 0;
		}
		pc += taken ? in->jt : in->jf;
	}
	return 0;
}

/* The cache bit of the newest program is the AND over all of them. */
static int cached(const struct syscall_filter_set *set, uint32_t nr)
{
	for (size_t p = 0; p < set->count; p++)
		if (!kernel_const_allow(&set->programs[p], seccomp_arch_native(), nr))
			return 0;
	return 1;
}

/* What the kernel returns: the strictest action of all programs, of the
 * newest program on a tie; *from says which one decided. */
static uint32_t verdict(const struct syscall_filter_set *set, const struct seccomp_data *data, size_t *from)
{
	uint32_t best = 0;

	*from = set->count;
	for (size_t p = set->count; p-- > 0;) {
		uint32_t r = bpf_run(&set->programs[p], data);

		if (r == VERDICT_INVALID)
			return r;
		if (*from == set->count ||
		    (int32_t)(r & SECCOMP_RET_ACTION_FULL) < (int32_t)(best & SECCOMP_RET_ACTION_FULL)) {
			best = r;
			*from = p;
		}
	}
	return best;
}

static uint32_t call(const struct syscall_filter_set *set, int nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a4)
{
	struct seccomp_data data = { .nr = nr, .arch = seccomp_arch_native(), .args = { a0, a1, a2, 0, a4, 0 } };
	size_t from;

	return verdict(set, &data, &from);
}

#define ERR(e) (SECCOMP_RET_ERRNO | (e))

static int in_list(const int *list, size_t n, int nr)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == nr)
			return 1;
	return 0;
}

/* Every call the policy does not decide is answered by the cache, and
 * only those: the decided ones listed here, independently of the builder. */
static void check_cache(const struct syscall_filter_options *o, const char *what)
{
	int decided[128];
	size_t n = 0, wrong = 0, uncached = 0;
	struct syscall_filter_set set;
	int first_wrong = -1;

	for (size_t i = 0; i < syscall_denials_count; i++) {
		int nr = seccomp_syscall_resolve_name(syscall_denials[i].name);

		if (nr >= 0)
			decided[n++] = nr;
	}
	decided[n++] = __NR_clone;
	decided[n++] = __NR_ioctl;
	decided[n++] = __NR_socket;
	decided[n++] = __NR_personality;
	decided[n++] = __NR_close_range;
	if (o->notify_net) {
		decided[n++] = __NR_connect;
		decided[n++] = __NR_sendto;
		decided[n++] = __NR_sendmsg;
		decided[n++] = __NR_sendmmsg;
	}
	if (o->notify_memfd)
		decided[n++] = __NR_memfd_create;
	if (o->notify_listen)
		decided[n++] = __NR_listen;
	if (o->notify_bind)
		decided[n++] = __NR_bind;
	if (o->notify_cross_process) {
		const int xproc[] = { __NR_prlimit64,      __NR_setpriority,
				      __NR_ioprio_set,     __NR_sched_setaffinity,
				      __NR_sched_setparam, __NR_sched_setscheduler,
				      __NR_sched_setattr,  __NR_migrate_pages,
				      __NR_move_pages,     __NR_kcmp,
				      __NR_process_madvise };

		for (size_t i = 0; i < sizeof(xproc) / sizeof(xproc[0]); i++)
			decided[n++] = xproc[i];
	}
	if (o->notify_signals) {
		const int sig[] = { __NR_kill,
				    __NR_tkill,
				    __NR_tgkill,
				    __NR_rt_sigqueueinfo,
				    __NR_rt_tgsigqueueinfo,
				    __NR_pidfd_send_signal,
				    __NR_pidfd_open };

		for (size_t i = 0; i < sizeof(sig) / sizeof(sig[0]); i++)
			decided[n++] = sig[i];
	}
	if (syscall_filter_build(o, &set) < 0) {
		ok(0, "%s: built", what);
		return;
	}
	for (int nr = 0; nr < NR_SCAN; nr++) {
		int want = !in_list(decided, n, nr), got = cached(&set, (uint32_t)nr);

		uncached += !got;
		if (want != got) {
			wrong++;
			if (first_wrong < 0)
				first_wrong = nr;
		}
	}
	ok(wrong == 0, "%s: the cache answers every call but the %zu decided ones (%zu wrong, first nr %d)", what,
	   uncached, wrong, first_wrong);
	ok(cached(&set, __NR_getppid) && cached(&set, __NR_read) && cached(&set, __NR_openat) &&
		   cached(&set, __NR_close) && cached(&set, __NR_futex),
	   "%s: getppid, read, openat, close, futex never run the filter", what);
}

static void check_shape(void)
{
	struct syscall_filter_options o = { 0 };
	struct syscall_filter_set set;

	ok(syscall_filter_build(&o, &set) == 0 && set.count == 1 && !set.programs[0].logged &&
		   !set.programs[0].listener,
	   "log.denials = no, nothing trapped: one program, no listener");
	o.notify_net = true;
	ok(syscall_filter_build(&o, &set) == 0 && set.count == 1 && set.programs[0].listener,
	   "something trapped: the one program has the listener");
	o.log_denials = true;
	ok(syscall_filter_build(&o, &set) == 0 && set.count == 2 && set.programs[0].listener &&
		   !set.programs[0].logged && set.programs[1].logged && !set.programs[1].listener,
	   "log.denials = yes: the refusals in a logged program of their own, the traps unlogged");
	for (size_t p = 0; p < set.count; p++)
		ok(set.programs[p].length > 0 && set.programs[p].length <= BPF_MAXINSNS, "program %zu: %u instructions",
		   p, set.programs[p].length);
}

static void check_verdicts(bool log)
{
	struct syscall_filter_options o = { .allow_udp = false,
					    .notify_net = true,
					    .notify_memfd = true,
					    .notify_signals = true,
					    .notify_cross_process = true,
					    .log_denials = log };
	struct syscall_filter_set set;
	const char *tag = log ? "two programs" : "one program";
	struct seccomp_data data;
	size_t from;

	if (syscall_filter_build(&o, &set) < 0) {
		ok(0, "%s: built", tag);
		return;
	}
	is_int(call(&set, __NR_getppid, 0, 0, 0, 0), SECCOMP_RET_ALLOW, "%s: getppid allowed", tag);
	is_int(call(&set, __NR_unshare, CLONE_NEWUSER, 0, 0, 0), ERR(EPERM), "%s: unshare EPERM", tag);
	is_int(call(&set, __NR_bpf, 0, 0, 0, 0), ERR(EPERM), "%s: bpf EPERM", tag);
	is_int(call(&set, __NR_clone3, 0, 0, 0, 0), ERR(ENOSYS), "%s: clone3 ENOSYS (libc falls back)", tag);
	is_int(call(&set, __NR_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0), ERR(EPERM), "%s: clone(NEWUSER) EPERM", tag);
	is_int(call(&set, __NR_clone, CLONE_NEWNET | CLONE_VM, 0, 0, 0), ERR(EPERM), "%s: clone(NEWNET) EPERM", tag);
	is_int(call(&set, __NR_clone, CLONE_VM | CLONE_THREAD | CLONE_SIGHAND, 0, 0, 0), SECCOMP_RET_ALLOW,
	       "%s: clone of a thread allowed", tag);
	is_int(call(&set, __NR_ioctl, 0, TIOCSTI, 0, 0), ERR(EPERM), "%s: ioctl TIOCSTI EPERM", tag);
	is_int(call(&set, __NR_ioctl, 0, 0xffffffff00000000ULL | TIOCSTI, 0, 0), ERR(EPERM),
	       "%s: ioctl TIOCSTI with junk in the high half EPERM", tag);
	is_int(call(&set, __NR_ioctl, 0, TCGETS, 0, 0), SECCOMP_RET_ALLOW, "%s: ioctl TCGETS allowed", tag);
	is_int(call(&set, __NR_socket, AF_PACKET, SOCK_RAW, 0, 0), ERR(EAFNOSUPPORT), "%s: AF_PACKET refused", tag);
	is_int(call(&set, __NR_socket, AF_INET, SOCK_RAW, IPPROTO_TCP, 0), ERR(ESOCKTNOSUPPORT),
	       "%s: raw socket refused", tag);
	is_int(call(&set, __NR_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0, 0), SECCOMP_RET_ALLOW,
	       "%s: TCP socket allowed", tag);
	is_int(call(&set, __NR_socket, AF_INET6, SOCK_DGRAM, 0, 0), ERR(EPROTONOSUPPORT),
	       "%s: UDP refused without a rule for it", tag);
	is_int(call(&set, __NR_socket, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, 0), SECCOMP_RET_ALLOW,
	       "%s: rtnetlink allowed", tag);
	is_int(call(&set, __NR_connect, 3, 0, 0, 0), SECCOMP_RET_USER_NOTIF, "%s: connect trapped", tag);
	is_int(call(&set, __NR_sendto, 3, 0, 0, 0), SECCOMP_RET_ALLOW, "%s: send() without an address allowed", tag);
	is_int(call(&set, __NR_sendto, 3, 0, 0, 0x7fff0000ULL), SECCOMP_RET_USER_NOTIF, "%s: sendto(addr) trapped",
	       tag);
	is_int(call(&set, __NR_memfd_create, 0, 0, 0, 0), SECCOMP_RET_USER_NOTIF, "%s: memfd_create trapped", tag);
	is_int(call(&set, __NR_kill, 0, 15, 0, 0), SECCOMP_RET_ALLOW, "%s: kill(0) allowed", tag);
	is_int(call(&set, __NR_kill, 4242, 15, 0, 0), SECCOMP_RET_USER_NOTIF, "%s: kill(pid) trapped", tag);
	is_int(call(&set, __NR_setpriority, PRIO_USER, 0, 0, 0), ERR(EPERM), "%s: setpriority(PRIO_USER) EPERM", tag);
	is_int(call(&set, __NR_personality, READ_IMPLIES_EXEC, 0, 0, 0), ERR(EPERM),
	       "%s: personality(READ_IMPLIES_EXEC) EPERM", tag);
	is_int(call(&set, __NR_personality, PER_LINUX | ADDR_NO_RANDOMIZE, 0, 0, 0), SECCOMP_RET_ALLOW,
	       "%s: personality(ADDR_NO_RANDOMIZE) allowed", tag);
	is_int(call(&set, __NR_close_range, ~0U, ~0U, SYSCALL_CANARY_FLAGS, 0), ERR(SYSCALL_CANARY_ERRNO),
	       "%s: the canary answers", tag);
	is_int(call(&set, __NR_close_range, 3, ~0U, 0, 0), SECCOMP_RET_ALLOW, "%s: close_range allowed", tag);
#if defined(__x86_64__)
	is_int(call(&set, __NR_getppid | 0x40000000, 0, 0, 0, 0), SECCOMP_RET_KILL_PROCESS,
	       "%s: an x32 call kills the process", tag);
	data = (struct seccomp_data){ .nr = __NR_getppid, .arch = AUDIT_ARCH_I386 };
	is_int(verdict(&set, &data, &from), SECCOMP_RET_KILL_PROCESS, "%s: an i386 call kills the process", tag);
#endif
	if (!log)
		return;
	/* which program decides says whether the kernel audits it */
	data = (struct seccomp_data){ .nr = __NR_unshare, .arch = seccomp_arch_native() };
	verdict(&set, &data, &from);
	ok(from < set.count && set.programs[from].logged, "a refused unshare is decided by the logged program");
	data.nr = __NR_connect;
	verdict(&set, &data, &from);
	ok(from < set.count && !set.programs[from].logged,
	   "a trapped connect by the unlogged one (no record per call)");
	data.nr = __NR_clone3;
	verdict(&set, &data, &from);
	ok(from < set.count && !set.programs[from].logged, "clone3 by the unlogged one (no record per fork)");
}

int main(void)
{
	struct syscall_filter_options o = { 0 };

	check_shape();
	check_cache(&o, "nothing trapped");
	o.log_denials = true;
	check_cache(&o, "nothing trapped, log.denials");
	o = (struct syscall_filter_options){ .notify_net = true,
					     .notify_memfd = true,
					     .notify_listen = true,
					     .notify_bind = true,
					     .notify_cross_process = true,
					     .notify_signals = true };
	check_cache(&o, "everything trapped");
	o.log_denials = true;
	check_cache(&o, "everything trapped, log.denials");
	o = (struct syscall_filter_options){ .notify_net = true, .allow_udp = true, .log_denials = true };
	check_cache(&o, "the lab policy's traps");
	check_verdicts(false);
	check_verdicts(true);
	return tap_done();
}
