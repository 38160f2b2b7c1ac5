/* The session's seccomp-bpf filter: one table of refused system calls, the
 * argument checks (clone, ioctl, personality), the socket() allowlist, the
 * trapped calls and the architecture lock. Kernel-facing: returns -errno,
 * logs nothing. */
#ifndef CORRAL_SYSCALL_FILTER_H
#define CORRAL_SYSCALL_FILTER_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

struct syscall_denial {
	const char *name; /* as libseccomp and the man page call it */
	int error;        /* errno returned */
	bool quiet;       /* never audited: libc tries it on every fork (decided in the unlogged filter) */
	const char *why;
};

/* The refused system calls, for the man page test and `corralctl`. */
extern const struct syscall_denial syscall_denials[];
extern const size_t syscall_denials_count;

struct syscall_filter_options {
	bool allow_udp;  /* UDP sockets (no allow list, or a rule allows udp) */
	bool allow_icmp; /* ICMP / ICMPv6 ping sockets (a rule allows icmp) */
	/* What goes to corral-helper (seccomp user notification). Nothing is
	 * trapped unless the policy needs the helper to decide it. */
	bool notify_net;    /* connect, sendto with an address, sendmsg, sendmmsg */
	bool notify_memfd;  /* memfd_create: the helper makes a non-executable one */
	bool notify_listen; /* listen: an unbound TCP socket would take a random port past net.bind */
	bool notify_bind;   /* bind: net.bind too wide for a Landlock rule per port */
	/* prlimit64, setpriority, sched_set*, ioprio_set, migrate_pages and
	 * move_pages naming another process, kcmp, process_madvise: the helper
	 * lets them through for the session's own processes only (ipc.signals
	 * = session); a whole user's priority is refused outright */
	bool notify_cross_process;
	/* kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo,
	 * pidfd_send_signal, pidfd_open: decided by session membership where
	 * Landlock has no signal scope (ABI < 6) */
	bool notify_signals;
	/* log.denials: the refusals of the listed calls (syscall_denials but
	 * the quiet ones, namespace flags of clone, terminal ioctls) are
	 * audited (SECCOMP_FILTER_FLAG_LOG on that filter only: the trapped
	 * calls of the other one would each be audited too) */
	bool log_denials;
};

/* Is anything trapped (so the filter has a listener fd)? */
bool syscall_filter_traps(const struct syscall_filter_options *options);

/* A question only a corral session answers: close_range() with these
 * flags fails with EINVAL everywhere else, and with SYSCALL_CANARY_ERRNO
 * inside a session (how a nested corral-shell knows not to confine twice). */
#define SYSCALL_CANARY_FLAGS 0xc0aa0000u
#define SYSCALL_CANARY_ERRNO ENOANO
bool syscall_filter_in_session(void);

/* The programs, built but not installed (the unit tests run them through
 * the kernel's cache emulation). One program; two with log.denials, since
 * the kernel audits every action but ALLOW of a program it logs. */
#define SYSCALL_FILTER_INSNS_MAX 256
struct syscall_filter_program {
	struct sock_filter insns[SYSCALL_FILTER_INSNS_MAX];
	unsigned short length;
	bool logged;   /* SECCOMP_FILTER_FLAG_LOG: the listed refusals only */
	bool listener; /* SECCOMP_FILTER_FLAG_NEW_LISTENER: the trapped calls */
};
struct syscall_filter_set {
	struct syscall_filter_program programs[2]; /* in the order installed */
	size_t count;
};
int syscall_filter_build(const struct syscall_filter_options *options, struct syscall_filter_set *set);

/* Installs the filter on the calling thread (no_new_privs must be set).
 * When something is trapped, *listener gets the notification fd (close-on-
 * exec), else -1. Returns 0 or -errno; on error nothing or only part is
 * installed and the caller must not exec the session. */
int syscall_filter_install(const struct syscall_filter_options *options, int *listener);

#endif
