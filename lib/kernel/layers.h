/* Which layer enforces each policy key on this host: one table, computed
 * once from what the running kernel has (Landlock's rights, probed; seccomp
 * user notification; Yama) and from what root made for the session (its
 * mount view, its cgroup). The session plans its sandbox from it, and
 * `corralctl check`, `explain` and `audit` show it: all see the same
 * choice. Where Landlock lacks a right another layer enforces the same
 * rule; a key no layer can enforce refuses the session, naming the key. */
#ifndef CORRAL_LAYERS_H
#define CORRAL_LAYERS_H

#include <stdbool.h>
#include <stddef.h>

#include "keys.h"
#include "landlock.h"
#include "policy.h"

enum enforcer {
	BY_LANDLOCK = 1u << 0,
	BY_MOUNT_VIEW = 1u << 1, /* the session's mount namespace (pam_corral, at login) */
	BY_SECCOMP = 1u << 2,
	BY_HELPER = 1u << 3, /* corral-helper: the call is trapped and decided in user space */
	BY_PAM = 1u << 4,    /* pam_corral, as root, at login */
	BY_CGROUP = 1u << 5,
	BY_SESSION = 1u << 6, /* corral-shell and corral-helper: rlimits, environment, timers */
	BY_YAMA = 1u << 7,    /* kernel.yama.ptrace_scope >= 1 */
};

/* The rows: every policy key, then what every session needs that is no
 * key: that nothing in it reaches processes outside it (ptrace,
 * /proc/PID/mem, root, cwd). */
enum layer_row { ROW_OUTSIDE_PROCESSES = KEY_COUNT, ROW_COUNT };

struct host_layers {
	struct landlock_support landlock;
	bool mount_view;       /* the session has pam_corral's mount namespace */
	bool user_notify;      /* seccomp user notification */
	bool memfd_noexec;     /* MFD_NOEXEC_SEAL (Linux 6.3): non-executable memfds */
	int yama_ptrace_scope; /* -1: no Yama */
	bool cgroup;           /* a cgroup the limits can live in */
};

struct row_layer {
	unsigned by;    /* enum enforcer bits; 0: the key is not in force (not set) */
	bool trapped;   /* costs a round trip to corral-helper per call of some kind */
	bool missing;   /* set, and no layer on this host enforces it: refused */
	char note[200]; /* what is different on this host, or why it is missing */
};

/* Probes the kernel. abi_cap > 0 caps the Landlock ABI used (a test knob
 * set by root: pam_corral's landlock_abi= argument, corralctl run's
 * --landlock-abi); mount_view and cgroup say what root made. */
void host_layers_probe(int abi_cap, bool mount_view, bool cgroup, struct host_layers *out);

/* A host as the ABI table says one with Landlock ABI abi is (0: none),
 * with seccomp notification and Yama's ptrace_scope 1. Pure: for the unit
 * tests, and to tell what another kernel would do. */
void host_layers_assume(int abi, bool mount_view, bool cgroup, struct host_layers *out);

/* The table for a policy on a host. Pure. Returns the first row that is
 * missing (its key is the one to name in a refusal), or -1. */
int layers_decide(const struct policy *policy, const struct host_layers *host, struct row_layer rows[ROW_COUNT]);

/* "Landlock ABI 6 | mount view | corral-helper" for a row's layers. */
void layers_format(unsigned by, const struct host_layers *host, char *out, size_t outlen);

/* The row's name: the key's, or "processes outside the session". */
const char *layers_row_name(int row);

#endif
