/* Thin Landlock wrappers and the one place that knows which access rights
 * each Landlock ABI version offers. Return -errno; never log. */
#ifndef CORRAL_LANDLOCK_H
#define CORRAL_LANDLOCK_H

#include <stdint.h>

/* Debian 12's <linux/landlock.h> stops at ABI 2; these are the kernel's
 * values for the rights added later. */
#define LL_FS_EXECUTE (1ULL << 0)
#define LL_FS_WRITE_FILE (1ULL << 1)
#define LL_FS_READ_FILE (1ULL << 2)
#define LL_FS_READ_DIR (1ULL << 3)
#define LL_FS_REMOVE_DIR (1ULL << 4)
#define LL_FS_REMOVE_FILE (1ULL << 5)
#define LL_FS_MAKE_CHAR (1ULL << 6)
#define LL_FS_MAKE_DIR (1ULL << 7)
#define LL_FS_MAKE_REG (1ULL << 8)
#define LL_FS_MAKE_SOCK (1ULL << 9)
#define LL_FS_MAKE_FIFO (1ULL << 10)
#define LL_FS_MAKE_BLOCK (1ULL << 11)
#define LL_FS_MAKE_SYM (1ULL << 12)
#define LL_FS_REFER (1ULL << 13)     /* ABI 2 */
#define LL_FS_TRUNCATE (1ULL << 14)  /* ABI 3 */
#define LL_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#define LL_NET_BIND_TCP (1ULL << 0)  /* ABI 4 */
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX (1ULL << 0) /* ABI 6 */
#define LL_SCOPE_SIGNAL (1ULL << 1)
/* landlock_restrict_self() flags (ABI 7): which denials the kernel reports
 * through audit (AUDIT_LANDLOCK_ACCESS / _DOMAIN records) */
#define LL_RESTRICT_SELF_LOG_SAME_EXEC_OFF (1U << 0)
#define LL_RESTRICT_SELF_LOG_NEW_EXEC_ON (1U << 1)
#define LL_RESTRICT_SELF_LOG_SUBDOMAINS_OFF (1U << 2)

#define LL_FS_READ (LL_FS_READ_FILE | LL_FS_READ_DIR)
#define LL_FS_WRITE \
	(LL_FS_WRITE_FILE | LL_FS_REMOVE_DIR | LL_FS_REMOVE_FILE | LL_FS_MAKE_CHAR | LL_FS_MAKE_DIR | LL_FS_MAKE_REG | \
	 LL_FS_MAKE_SOCK | LL_FS_MAKE_FIFO | LL_FS_MAKE_BLOCK | LL_FS_MAKE_SYM | LL_FS_REFER | LL_FS_TRUNCATE | \
	 LL_FS_IOCTL_DEV)

/* What a ruleset handles: everything handled and not granted is refused. */
struct landlock_rights {
	uint64_t fs;
	uint64_t net;
	uint64_t scoped;
	uint32_t log_flags; /* the LL_RESTRICT_SELF_LOG_* flags landlock_restrict_self() takes */
};

/* The highest ABI the running kernel offers (>= 1), or -errno
 * (-ENOSYS: not built in, -EOPNOTSUPP: disabled at boot). */
int landlock_abi(void);

/* What this kernel's Landlock can enforce, each right probed by making a
 * ruleset that handles it, not taken from the ABI number alone (a vendor
 * kernel may report an ABI with a right of it missing), at most what ABI
 * abi_cap brings (a test knob; 0: no cap). abi 0: no Landlock. */
struct landlock_support {
	int abi;
	struct landlock_rights rights;
	uint64_t errata;  /* LANDLOCK_CREATE_RULESET_ERRATA: fixed errata, bit N-1 for erratum N */
	int errata_known; /* the kernel answers the errata query */
};
void landlock_probe(int abi_cap, struct landlock_support *out);

/* The rights ABI version abi can enforce. */
void landlock_rights_for_abi(int abi, struct landlock_rights *out);

/* A new ruleset fd handling these rights, or -errno. */
int landlock_ruleset_create(const struct landlock_rights *handled);

/* Grants access (masked by the caller to what the ruleset handles) beneath
 * the directory or file open as fd (an O_PATH fd is enough). */
int landlock_allow_beneath(int ruleset_fd, int fd, uint64_t access);

/* Grants TCP bind/connect on one port. */
int landlock_allow_port(int ruleset_fd, uint16_t port, uint64_t access);

/* Restricts the calling thread (needs no_new_privs or CAP_SYS_ADMIN);
 * flags: LL_RESTRICT_SELF_LOG_* (0 before ABI 7). */
int landlock_restrict_self(int ruleset_fd, uint32_t flags);

#endif
