/* Unit tests of the per-host table of layers (lib/kernel/layers.c): which layer
 * enforces each key for kernels with Landlock ABI 0 to 7, with and without
 * the session's mount view, and what is refused, naming the key. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "layers.h"
#include "policy.h"
#include "fixture.h"
#include "tap.h"

static gid_t groups[] = { 1000 };
static struct user_info stu = {
	.name = "stu",
	.uid = 1000,
	.gid = 1000,
	.home = "/home/stu",
	.shell = "/usr/bin/corral-shell",
	.groups = groups,
	.n_groups = 1,
};

static const char *const lab =
	"[default]\nconfine = yes\nfs.read = /usr /etc\nfs.write = ~\nfs.exec = /usr\nfs.deny = ~/.ssh\n"
	"net.connect = tcp://:443 udp://:53\nnet.bind = 8000-8010\nlimits.processes = 100\nlimits.memory = 1G\n";

static void test_by_abi(void)
{
	struct row_layer rows[ROW_COUNT];
	struct host_layers h;
	struct policy p;

	if (policy_from_ini(lab, &stu, &p, NULL, 0) < 0) {
		ok(0, "setup");
		return;
	}
	host_layers_assume(7, true, true, &h);
	is_int(layers_decide(&p, &h, rows), -1, "ABI 7 with the view: everything enforced");
	is_int(rows[KEY_FS_READ].by, BY_LANDLOCK | BY_MOUNT_VIEW, "fs.read: Landlock and the view");
	is_int(rows[KEY_FS_DENY].by, BY_MOUNT_VIEW, "fs.deny: the view");
	ok(rows[KEY_FS_EXEC].by & BY_MOUNT_VIEW, "fs.exec: the view");
	ok((rows[KEY_NET_BIND].by & BY_LANDLOCK) && (rows[KEY_NET_BIND].by & BY_HELPER),
	   "net.bind: Landlock and the helper (listen)");
	is_int(rows[KEY_IPC_ABSTRACT_UNIX].by, BY_LANDLOCK, "abstract sockets: Landlock's scope");
	ok((rows[KEY_IPC_SIGNALS].by & BY_LANDLOCK) && !rows[KEY_IPC_SIGNALS].trapped,
	   "signals: Landlock's scope, not trapped");
	is_int(rows[ROW_OUTSIDE_PROCESSES].by, BY_LANDLOCK, "outside processes: Landlock");
	is_int(rows[KEY_LIMITS_MEMORY].by, BY_CGROUP | BY_PAM, "limits.memory: the cgroup pam_corral makes");

	host_layers_assume(4, true, true, &h);
	is_int(layers_decide(&p, &h, rows), -1, "ABI 4 (Ubuntu 24.04): everything enforced");
	ok(rows[KEY_IPC_SIGNALS].by == BY_HELPER && rows[KEY_IPC_SIGNALS].trapped, "signals: corral-helper, trapped");
	ok(strstr(rows[KEY_IPC_SIGNALS].note, "no signal scope") != NULL, "... and why: %s",
	   rows[KEY_IPC_SIGNALS].note);
	is_int(rows[KEY_IPC_ABSTRACT_UNIX].by, BY_HELPER, "abstract sockets: corral-helper");
	ok(rows[KEY_NET_BIND].by & BY_LANDLOCK, "net.bind: Landlock's port rules");

	host_layers_assume(2, true, true, &h);
	is_int(layers_decide(&p, &h, rows), -1, "ABI 2 (Debian 12): everything enforced");
	is_int(rows[KEY_NET_BIND].by, BY_HELPER, "net.bind: corral-helper alone");
	ok(strstr(rows[KEY_NET_BIND].note, "ABI 4") != NULL, "... saying ports need ABI 4: %s",
	   rows[KEY_NET_BIND].note);
	ok(rows[KEY_FS_READ].by & BY_LANDLOCK, "fs.read: Landlock ABI 2");

	host_layers_assume(1, true, true, &h);
	is_int(layers_decide(&p, &h, rows), -1, "ABI 1: enforced");
	ok(strstr(rows[KEY_FS_READ].note, "REFER") != NULL, "with a note on renames: %s", rows[KEY_FS_READ].note);

	host_layers_assume(0, true, true, &h);
	is_int(layers_decide(&p, &h, rows), KEY_FS_READ, "no Landlock: fs.read is the first key refused");
	ok(rows[KEY_FS_READ].missing && strstr(rows[KEY_FS_READ].note, "Landlock"), "why: %s", rows[KEY_FS_READ].note);
	is_int(rows[KEY_FS_DENY].by, BY_MOUNT_VIEW, "fs.deny still by the view");
	is_int(rows[ROW_OUTSIDE_PROCESSES].by, BY_YAMA, "outside processes: Yama (ptrace_scope 1)");
	h.yama_ptrace_scope = 0;
	layers_decide(&p, &h, rows);
	ok(rows[ROW_OUTSIDE_PROCESSES].missing, "no Landlock, no Yama: outside processes not covered");
	policy_free(&p);
}

static void test_without_view(void)
{
	struct row_layer rows[ROW_COUNT];
	struct host_layers h;
	struct policy p;

	if (policy_from_ini(lab, &stu, &p, NULL, 0) < 0)
		return;
	host_layers_assume(6, false, false, &h);
	is_int(layers_decide(&p, &h, rows), KEY_FS_EXEC, "without the view: fs.exec refused first");
	ok(strstr(rows[KEY_FS_EXEC].note, "mount view") != NULL, "naming the view: %s", rows[KEY_FS_EXEC].note);
	is_int(rows[KEY_FS_DENY].by, BY_LANDLOCK, "fs.deny: carved by Landlock");
	ok(strstr(rows[KEY_FS_DENY].note, "read-only") != NULL, "saying the top level is read-only");
	ok(rows[KEY_LIMITS_MEMORY].missing, "limits.memory without a cgroup: refused");
	is_int(rows[KEY_LIMITS_PROCESSES].by, BY_SESSION, "limits.processes without a cgroup: RLIMIT_NPROC");
	policy_free(&p);

	if (policy_from_ini(
		    "[default]\nconfine = yes\nnet.connect = tcp://:443\nipc.unix = /\nipc.abstract_unix = allow\n"
		    "ipc.signals = any\n",
		    &stu, &p, NULL, 0) < 0)
		return;
	host_layers_assume(4, false, false, &h);
	is_int(layers_decide(&p, &h, rows), -1, "port rules only on ABI 4");
	is_int(rows[KEY_NET_CONNECT].by, BY_LANDLOCK | BY_SECCOMP, "net.connect: Landlock alone, nothing trapped");
	ok(!rows[KEY_NET_CONNECT].trapped && !rows[KEY_IPC_UNIX].by && !rows[KEY_IPC_SIGNALS].by,
	   "nothing of it goes to the helper");
	host_layers_assume(3, false, false, &h);
	layers_decide(&p, &h, rows);
	ok(rows[KEY_NET_CONNECT].trapped && strstr(rows[KEY_NET_CONNECT].note, "ABI 4"),
	   "ABI 3: the same ports by corral-helper: %s", rows[KEY_NET_CONNECT].note);
	h.user_notify = false;
	is_int(layers_decide(&p, &h, rows), KEY_NET_CONNECT, "and without user notification nothing can: refused");
	policy_free(&p);
}

static void test_format(void)
{
	struct host_layers h;
	char out[128];

	host_layers_assume(6, true, true, &h);
	layers_format(BY_LANDLOCK | BY_MOUNT_VIEW | BY_HELPER, &h, out, sizeof(out));
	is_str(out, "Landlock ABI 6 | mount view | corral-helper", "the layers in words");
	layers_format(0, &h, out, sizeof(out));
	is_str(out, "", "no layer: empty");
	layers_format(BY_LANDLOCK | BY_MOUNT_VIEW, &h, out, 12);
	ok(strlen(out) < 12, "cut to the buffer");
	is_str(layers_row_name(KEY_FS_READ), "fs.read", "a key's row is named after it");
	is_str(layers_row_name(ROW_OUTSIDE_PROCESSES), "processes outside the session", "the baseline row");
}

int main(void)
{
	test_by_abi();
	test_without_view();
	test_format();
	return tap_done();
}
