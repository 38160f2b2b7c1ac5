/* From a compiled policy to kernel confinement: which Landlock rights and
 * rules, which seccomp options, and what the running kernel must offer.
 * sandbox_plan() is pure; sandbox_apply() does the system calls. */
#ifndef CORRAL_SANDBOX_H
#define CORRAL_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "landlock.h"
#include "policy.h"
#include "syscall_filter.h"

#define SANDBOX_ERR_MAX 512

struct sandbox_path_rule {
	const char *path; /* points into the policy */
	uint64_t access;  /* directory rights; trimmed for files at apply time */
};

struct sandbox_plan {
	int abi_needed;                 /* the lowest Landlock ABI that enforces it all */
	uid_t uid;                      /* whose links count as planted (whoever applies the plan) */
	struct landlock_rights handled; /* before trimming to the running ABI */
	uint32_t landlock_log;          /* LL_RESTRICT_SELF_LOG_* for landlock_restrict_self() */
	struct sandbox_path_rule *paths;
	size_t n_paths;
	const struct port_set *bind_ports;       /* when handled.net has BIND */
	const struct netrule_set *connect_ports; /* when handled.net has CONNECT */
	const struct strlist *deny;              /* fs.deny: carved out of the granted trees (no mount view) */
	const struct strlist *deny_links;        /* fs.deny: denied files with other names are refused */
	struct syscall_filter_options filter;
};

/* Plans the confinement of policy on a host (layers.h: what each layer
 * enforces there, decided once in the table). Returns 0; -EOPNOTSUPP when
 * a key set in the policy has no layer on this host, with the key and why
 * in err; -ENOMEM. The plan points into policy and is freed with
 * sandbox_plan_free. */
struct host_layers;
int sandbox_plan(const struct policy *policy, const struct host_layers *host, struct sandbox_plan *plan, char *err,
		 size_t errlen);
void sandbox_plan_free(struct sandbox_plan *plan);

/* Applies a plan to the calling thread: Landlock ruleset, then seccomp.
 * no_new_privs must already be set. *listener gets the seccomp
 * notification fd when the plan traps system calls (else -1): corral-helper
 * must serve it. On failure (-errno, reason in err) the process may be
 * partly confined and must not run the session. */
int sandbox_apply(const struct sandbox_plan *plan, int abi, int *listener, char *err, size_t errlen);

/* The plan's Landlock ruleset alone, no seccomp filter: for the benchmarks
 * (bench/landlock_layer), to measure one Landlock layer with the session's
 * rules. no_new_privs must already be set. Returns 0 or -errno (err). */
int sandbox_apply_landlock_only(const struct sandbox_plan *plan, char *err, size_t errlen);

#endif
