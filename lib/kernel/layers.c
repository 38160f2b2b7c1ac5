/* The per-host table of which layer enforces each key (see layers.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/memfd.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "layers.h"
#include "netpolicy.h"

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
#define YAMA_SCOPE "/proc/sys/kernel/yama/ptrace_scope"

static int read_yama(void)
{
	char text[16] = "";
	ssize_t n;
	int fd = open(YAMA_SCOPE, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	return n > 0 ? (int)strtol(text, NULL, 10) : -1;
}

void host_layers_probe(int abi_cap, bool mount_view, bool cgroup, struct host_layers *out)
{
	struct seccomp_notif_sizes sizes;
	int memfd;

	memset(out, 0, sizeof(*out));
	landlock_probe(abi_cap, &out->landlock);
	out->mount_view = mount_view;
	out->cgroup = cgroup;
	out->user_notify = syscall(__NR_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) == 0;
	memfd = memfd_create("corral-probe", MFD_CLOEXEC | MFD_NOEXEC_SEAL);
	out->memfd_noexec = memfd >= 0;
	if (memfd >= 0)
		close(memfd);
	out->yama_ptrace_scope = read_yama();
}

void host_layers_assume(int abi, bool mount_view, bool cgroup, struct host_layers *out)
{
	memset(out, 0, sizeof(*out));
	out->landlock.abi = abi;
	landlock_rights_for_abi(abi, &out->landlock.rights);
	out->mount_view = mount_view;
	out->cgroup = cgroup;
	out->user_notify = true;
	out->memfd_noexec = abi >= 3; /* 6.3 came with ABI 3 */
	out->yama_ptrace_scope = 1;
}

const char *layers_row_name(int row)
{
	if (row == ROW_OUTSIDE_PROCESSES)
		return "processes outside the session";
	return row >= 0 && row < KEY_COUNT ? key_info((enum policy_key)row)->name : "?";
}

void layers_format(unsigned by, const struct host_layers *host, char *out, size_t outlen)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ BY_LANDLOCK, "Landlock" },    { BY_MOUNT_VIEW, "mount view" },
		{ BY_SECCOMP, "seccomp" },      { BY_HELPER, "corral-helper" },
		{ BY_PAM, "pam_corral" },       { BY_CGROUP, "cgroup" },
		{ BY_SESSION, "corral-shell" }, { BY_YAMA, "Yama" },
	};
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int n;

		if (!(by & names[i].bit))
			continue;
		if (names[i].bit == BY_LANDLOCK)
			n = snprintf(out + len, outlen - len, "%sLandlock ABI %d", len ? " | " : "",
				     host->landlock.abi);
		else
			n = snprintf(out + len, outlen - len, "%s%s", len ? " | " : "", names[i].name);
		if (n < 0 || (size_t)n >= outlen - len)
			return;
		len += (size_t)n;
	}
}

__attribute__((format(printf, 2, 3))) static void note(struct row_layer *row, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(row->note, sizeof(row->note), fmt, ap);
	va_end(ap);
}

static void missing(struct row_layer *row, const char *why)
{
	row->missing = true;
	note(row, "%s", why);
}

/* A key of the helper's: refused where the kernel cannot trap calls. */
static void by_helper(struct row_layer *row, const struct host_layers *h, unsigned also)
{
	row->by = BY_HELPER | also;
	row->trapped = true;
	if (!h->user_notify)
		missing(row, "needs corral-helper, and this kernel has no seccomp user notification");
}

static void files(const struct policy *p, const struct host_layers *h, struct row_layer rows[ROW_COUNT])
{
	const struct landlock_support *ll = &h->landlock;
	bool restricted = policy_is_set(p, KEY_FS_READ) || policy_is_set(p, KEY_FS_WRITE) ||
		policy_is_set(p, KEY_FS_EXEC);
	static const enum policy_key trees[] = { KEY_FS_READ, KEY_FS_WRITE };

	for (size_t i = 0; i < sizeof(trees) / sizeof(trees[0]) && restricted; i++) {
		struct row_layer *row = &rows[trees[i]];

		if (!policy_is_set(p, trees[i]))
			continue;
		row->by = (ll->abi ? BY_LANDLOCK : 0) | (h->mount_view ? BY_MOUNT_VIEW : 0);
		if (!ll->abi)
			missing(row,
				"only Landlock keeps what is not granted from being read, and this kernel has none");
		else if (!(ll->rights.fs & LL_FS_REFER))
			note(row, "renames and links between directories fail (EXDEV): Landlock ABI 1 has no REFER");
		else if (!h->mount_view && !(ll->rights.fs & LL_FS_TRUNCATE))
			note(row, "without the mount view: truncate and metadata outside fs.write are not refused");
		else if (!h->mount_view)
			note(row,
			     "without the mount view: metadata outside fs.write (chmod, utime, xattrs) is not refused");
	}
	if (policy_is_set(p, KEY_FS_EXEC)) {
		struct row_layer *row = &rows[KEY_FS_EXEC];

		row->by = (h->mount_view ? BY_MOUNT_VIEW : 0) | (ll->abi ? BY_LANDLOCK : 0) | BY_HELPER;
		if (!h->mount_view)
			missing(row,
				"needs the session's mount view (pam_corral): without it ld.so and mmap(PROT_EXEC) run code from anywhere");
		else if (!ll->abi)
			note(row, "without Landlock a program inside a library tree can be executed directly");
		else if (!h->memfd_noexec)
			note(row, "memfd_create fails (EPERM): this kernel makes no non-executable memfds (Linux 6.3)");
	}
	if (policy_is_set(p, KEY_FS_DENY) && policy_list(p, KEY_FS_DENY)->count) {
		struct row_layer *row = &rows[KEY_FS_DENY];

		if (h->mount_view) {
			row->by = BY_MOUNT_VIEW;
		} else if (ll->abi && restricted) {
			row->by = BY_LANDLOCK;
			note(row,
			     "without the mount view Landlock carves the denied paths out: the top level of the trees around them is read-only");
		} else {
			missing(row,
				"needs the session's mount view (pam_corral), or Landlock with fs.read/fs.write to carve it out");
		}
	}
	if (p->private_tmp) {
		rows[KEY_FS_PRIVATE_TMP].by = BY_PAM | BY_MOUNT_VIEW;
		if (!h->mount_view)
			missing(&rows[KEY_FS_PRIVATE_TMP], "needs the session's mount view (pam_corral)");
	}
}

static void network(const struct policy *p, const struct host_layers *h, struct row_layer rows[ROW_COUNT])
{
	const struct landlock_support *ll = &h->landlock;

	if (policy_is_set(p, KEY_NET_CONNECT)) {
		struct row_layer *row = &rows[KEY_NET_CONNECT];

		if (netpolicy_connect_by_kernel(p, ll->rights.net)) {
			row->by = BY_LANDLOCK | BY_SECCOMP;
		} else {
			by_helper(row, h, BY_SECCOMP);
			/* a kernel with TCP port rules would need no helper for it */
			if (!row->missing && netpolicy_connect_by_kernel(p, LL_NET_CONNECT_TCP))
				note(row, "TCP ports by corral-helper: Landlock ABI %d has no port rules (ABI 4)",
				     ll->abi);
		}
	}
	if (policy_is_set(p, KEY_NET_BIND)) {
		struct row_layer *row = &rows[KEY_NET_BIND];

		/* listen() on an unbound socket picks a port: always seen by the helper */
		by_helper(row, h, (ll->rights.net & LL_NET_BIND_TCP) ? BY_LANDLOCK : 0);
		if (!row->missing && !(ll->rights.net & LL_NET_BIND_TCP))
			note(row, "bind and listen decided by corral-helper: Landlock ABI %d has no port rules (ABI 4)",
			     ll->abi);
	}
	if (policy_is_set(p, KEY_NET_DENY) && p->net_deny.count)
		by_helper(&rows[KEY_NET_DENY], h, 0);
	if (p->loopback != NET_LOOPBACK_UNSET && netpolicy_needs_mediation(p))
		by_helper(&rows[KEY_NET_LOOPBACK], h, 0);
	if (p->pin_hosts) {
		rows[KEY_NET_PIN_HOSTS].by = BY_PAM | BY_MOUNT_VIEW;
		if (!h->mount_view)
			missing(&rows[KEY_NET_PIN_HOSTS], "needs the session's mount view (pam_corral)");
	}
}

static void ipc(const struct policy *p, const struct host_layers *h, struct row_layer rows[ROW_COUNT])
{
	const struct landlock_support *ll = &h->landlock;

	if (netpolicy_unix_needs_helper(p))
		by_helper(&rows[KEY_IPC_UNIX], h, 0);
	if (!p->abstract_unix_allowed) {
		struct row_layer *row = &rows[KEY_IPC_ABSTRACT_UNIX];

		if (ll->rights.scoped & LL_SCOPE_ABSTRACT_UNIX) {
			row->by = BY_LANDLOCK;
		} else {
			by_helper(row, h, 0);
			if (!row->missing)
				note(row,
				     "corral-helper refuses every abstract socket, the session's own too (Landlock ABI %d has no scope, ABI 6)",
				     ll->abi);
		}
	}
	if (!p->signals_any) {
		struct row_layer *row = &rows[KEY_IPC_SIGNALS];

		/* limits, priorities and the like of other processes: the helper,
		 * on any kernel (Landlock has no right for them) */
		by_helper(row, h, (ll->rights.scoped & LL_SCOPE_SIGNAL) ? BY_LANDLOCK : 0);
		/* only calls naming another process go there, rare but for kill */
		row->trapped = !(ll->rights.scoped & LL_SCOPE_SIGNAL);
		if (!row->missing && !(ll->rights.scoped & LL_SCOPE_SIGNAL))
			note(row,
			     "signals decided by corral-helper (kill, tgkill, pidfd_send_signal, pidfd_open trapped): Landlock ABI %d has no signal scope (ABI 6)",
			     ll->abi);
	}
	/* ptrace and /proc/PID/{mem,root,cwd,environ,fd} of outside processes */
	{
		struct row_layer *row = &rows[ROW_OUTSIDE_PROCESSES];

		if (ll->abi) {
			row->by = BY_LANDLOCK;
		} else if (h->yama_ptrace_scope >= 1) {
			row->by = BY_YAMA;
			note(row,
			     "Yama (ptrace_scope %d) stops ptrace and /proc/PID/mem, not /proc/PID/root or cwd of the user's other processes",
			     h->yama_ptrace_scope);
		} else {
			missing(row,
				"no Landlock and kernel.yama.ptrace_scope is 0: the session could trace the user's processes outside it");
		}
	}
}

static void limits(const struct policy *p, const struct host_layers *h, struct row_layer rows[ROW_COUNT])
{
	for (enum policy_key k = KEY_LIMITS_PROCESSES; k <= KEY_LIMITS_GROUP_CPU; k++) {
		if (!policy_is_set(p, k))
			continue;
		rows[k].by = BY_CGROUP | BY_PAM;
		if (!h->cgroup && k == KEY_LIMITS_PROCESSES) {
			rows[k].by = BY_SESSION;
			note(&rows[k], "RLIMIT_NPROC without a cgroup: it counts every process of the user");
		} else if (!h->cgroup && !(k == KEY_LIMITS_MEMORY && p->number[k] == UINT64_MAX)) {
			missing(&rows[k], "needs a cgroup made at login (pam_corral) with its controller");
		}
	}
	for (enum policy_key k = KEY_LIMITS_FILES; k <= KEY_LIMITS_CORE; k++)
		if (policy_is_set(p, k))
			rows[k].by = BY_SESSION;
}

/* Does Landlock enforce some row (so the session has a domain to report)? */
static bool rows_use_landlock(const struct row_layer rows[ROW_COUNT])
{
	for (int i = 0; i < ROW_COUNT; i++)
		if (rows[i].by & BY_LANDLOCK)
			return true;
	return false;
}

int layers_decide(const struct policy *p, const struct host_layers *h, struct row_layer rows[ROW_COUNT])
{
	static const enum policy_key session_keys[] = {
		KEY_CONFINE,
		KEY_SHELL,
		KEY_COMMANDS,
		KEY_SESSION_MAX_TIME,
		KEY_SESSION_IDLE_TIMEOUT,
		KEY_SESSION_LINGER,
		KEY_ENV_KEEP,
		KEY_ENV_SET,
		KEY_UMASK,
	};

	memset(rows, 0, sizeof(*rows) * ROW_COUNT);
	if (!p->confine)
		return -1;
	files(p, h, rows);
	network(p, h, rows);
	ipc(p, h, rows);
	limits(p, h, rows);
	for (size_t i = 0; i < sizeof(session_keys) / sizeof(session_keys[0]); i++)
		if (policy_is_set(p, session_keys[i]) || session_keys[i] == KEY_CONFINE)
			rows[session_keys[i]].by = BY_SESSION;
	if (policy_is_set(p, KEY_SERVICES))
		rows[KEY_SERVICES].by = BY_PAM;
	if (policy_is_set(p, KEY_LIMITS_SESSIONS))
		rows[KEY_LIMITS_SESSIONS].by = BY_PAM;
	/* who reports denials: the helper always, seccomp through audit,
	 * Landlock from ABI 7 (its log flags) */
	if (p->log_denials)
		rows[KEY_LOG_DENIALS].by = BY_HELPER | BY_SECCOMP |
			(h->landlock.rights.log_flags && rows_use_landlock(rows) ? BY_LANDLOCK : 0);
	for (int i = 0; i < ROW_COUNT; i++)
		if (rows[i].missing)
			return i;
	return -1;
}
