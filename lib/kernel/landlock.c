/* Landlock system calls, and the table of rights per ABI version. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_CREATE_RULESET_ERRATA (1U << 1)
#define LL_RULE_PATH_BENEATH 1
#define LL_RULE_NET_PORT 2

/* The kernel's structures as of ABI 6; older kernels accept the prefix
 * they know as long as the fields they do not know are zero. */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct ll_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

struct ll_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};

int landlock_abi(void)
{
	long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);

	return abi < 0 ? -errno : (int)abi;
}

void landlock_rights_for_abi(int abi, struct landlock_rights *out)
{
	memset(out, 0, sizeof(*out));
	if (abi < 1)
		return;
	out->fs = LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_READ_DIR | LL_FS_REMOVE_DIR |
		LL_FS_REMOVE_FILE | LL_FS_MAKE_CHAR | LL_FS_MAKE_DIR | LL_FS_MAKE_REG | LL_FS_MAKE_SOCK |
		LL_FS_MAKE_FIFO | LL_FS_MAKE_BLOCK | LL_FS_MAKE_SYM;
	/* Each version adds to the previous one; newer ones bring no right we
	 * use. */
	switch (abi) {
	default:
	case 7:
		out->log_flags |= LL_RESTRICT_SELF_LOG_SAME_EXEC_OFF | LL_RESTRICT_SELF_LOG_NEW_EXEC_ON |
			LL_RESTRICT_SELF_LOG_SUBDOMAINS_OFF;
		/* fall through */
	case 6:
		out->scoped |= LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
		/* fall through */
	case 5:
		out->fs |= LL_FS_IOCTL_DEV;
		/* fall through */
	case 4:
		out->net |= LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
		/* fall through */
	case 3:
		out->fs |= LL_FS_TRUNCATE;
		/* fall through */
	case 2:
		out->fs |= LL_FS_REFER;
		/* fall through */
	case 1:
		break;
	}
}

int landlock_ruleset_create(const struct landlock_rights *handled)
{
	struct ll_ruleset_attr attr = {
		.handled_access_fs = handled->fs,
		.handled_access_net = handled->net,
		.scoped = handled->scoped,
	};
	size_t size = sizeof(attr);
	long fd;

	/* an older kernel rejects a larger struct even when the tail is zero */
	if (!handled->scoped)
		size = handled->net ? offsetof(struct ll_ruleset_attr, scoped)
				    : offsetof(struct ll_ruleset_attr, handled_access_net);
	fd = syscall(__NR_landlock_create_ruleset, &attr, size, 0);
	return fd < 0 ? -errno : (int)fd;
}

int landlock_allow_beneath(int ruleset_fd, int fd, uint64_t access)
{
	struct ll_path_beneath_attr attr = { .allowed_access = access, .parent_fd = fd };

	if (syscall(__NR_landlock_add_rule, ruleset_fd, LL_RULE_PATH_BENEATH, &attr, 0) < 0)
		return -errno;
	return 0;
}

int landlock_allow_port(int ruleset_fd, uint16_t port, uint64_t access)
{
	struct ll_net_port_attr attr = { .allowed_access = access, .port = port };

	if (syscall(__NR_landlock_add_rule, ruleset_fd, LL_RULE_NET_PORT, &attr, 0) < 0)
		return -errno;
	return 0;
}

int landlock_restrict_self(int ruleset_fd, uint32_t flags)
{
	if (syscall(__NR_landlock_restrict_self, ruleset_fd, flags) < 0)
		return -errno;
	return 0;
}

/* Does a ruleset handling only these rights come into being? */
static int handles(uint64_t fs, uint64_t net, uint64_t scoped)
{
	struct landlock_rights one = { .fs = fs, .net = net, .scoped = scoped };
	int fd = landlock_ruleset_create(&one);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

void landlock_probe(int abi_cap, struct landlock_support *out)
{
	struct landlock_rights expected;
	long errata;
	int abi = landlock_abi();

	memset(out, 0, sizeof(*out));
	if (abi <= 0)
		return;
	if (abi_cap > 0 && abi > abi_cap)
		abi = abi_cap;
	out->abi = abi;
	landlock_rights_for_abi(abi, &expected);
	/* the rights of ABI 1 come with the system call; the later ones, one
	 * by one */
	out->rights.fs = expected.fs & ~(LL_FS_REFER | LL_FS_TRUNCATE | LL_FS_IOCTL_DEV);
	for (uint64_t bit = LL_FS_REFER; bit <= LL_FS_IOCTL_DEV; bit <<= 1)
		if ((expected.fs & bit) && handles(LL_FS_READ_FILE | bit, 0, 0))
			out->rights.fs |= bit;
	for (uint64_t bit = LL_NET_BIND_TCP; bit <= LL_NET_CONNECT_TCP; bit <<= 1)
		if ((expected.net & bit) && handles(LL_FS_READ_FILE, bit, 0))
			out->rights.net |= bit;
	for (uint64_t bit = LL_SCOPE_ABSTRACT_UNIX; bit <= LL_SCOPE_SIGNAL; bit <<= 1)
		if ((expected.scoped & bit) && handles(LL_FS_READ_FILE, 0, bit))
			out->rights.scoped |= bit;
	/* an unknown flag is EINVAL; a known one with no ruleset EBADF (or
	 * EPERM before no_new_privs: then the ABI's word is taken) */
	if ((expected.log_flags & LL_RESTRICT_SELF_LOG_SAME_EXEC_OFF) &&
	    landlock_restrict_self(-1, LL_RESTRICT_SELF_LOG_SAME_EXEC_OFF) != -EINVAL)
		out->rights.log_flags = expected.log_flags;
	errata = syscall(__NR_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_ERRATA);
	out->errata_known = errata >= 0;
	out->errata = errata >= 0 ? (uint64_t)errata : 0;
}
