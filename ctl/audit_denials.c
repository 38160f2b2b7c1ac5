/* corralctl audit: can this host show the denials of every layer
 * (log.denials)? corral-helper's go to syslog or the journal; Landlock's
 * (ABI 7) and seccomp's are the kernel's audit records. */
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "audit.h"
#include "journal.h"
#include "kaudit.h"

#define AUDIT_SYSLOG_SOCKET "/dev/log"

/* Does a daemon take datagrams on this socket? */
static bool socket_listens(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool up;

	if (fd < 0)
		return false;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	up = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
	close(fd);
	return up;
}

void audit_denials_probe(int landlock_abi, bool landlock_log, struct audit_denials_host *out)
{
	struct kaudit_status status;
	int r = kaudit_status(&status);

	out->landlock_abi = landlock_abi;
	out->landlock_log = landlock_log;
	out->audit = r == 0 ? status.enabled != 0 : r == -EPROTONOSUPPORT ? -1 : -2;
	out->audit_daemon = r == 0 && status.daemon_pid != 0;
	out->journald = socket_listens(JOURNAL_SOCKET);
	out->syslog = socket_listens(AUDIT_SYSLOG_SOCKET);
}

void audit_denials_evaluate(const struct audit_denials_host *h, audit_report_fn report, void *ctx)
{
	if (!h->journald && !h->syslog)
		report(ctx,
		       "log.denials: no syslog daemon on " AUDIT_SYSLOG_SOCKET
		       " and no journald: corral-helper's denials and corral's session events are lost",
		       "install rsyslog (its /var/log/auth.log is what corralctl denials reads), or run systemd-journald");
	if (h->landlock_abi > 0 && !h->landlock_log) {
		char what[AUDIT_TEXT_MAX];

		snprintf(
			what, sizeof(what),
			"log.denials: this kernel's Landlock (ABI %d) reports no denials: Landlock's refusals (EACCES outside fs.read, fs.write, fs.exec) leave no record",
			h->landlock_abi);
		report(ctx, what,
		       "boot Linux 6.15 or later (Landlock ABI 7); until then `corralctl why USER read PATH` tells what Landlock refuses");
	}
	if (h->audit == -1)
		report(ctx,
		       "log.denials: the kernel has no audit support: Landlock's and seccomp's denials are never reported",
		       "boot a kernel built with CONFIG_AUDIT (Debian's is)");
	else if (h->audit == 0)
		report(ctx,
		       "log.denials: the kernel's audit is off: it drops Landlock's denial records (seccomp's still reach the kernel log)",
		       "apt install auditd (it switches audit on and keeps /var/log/audit/audit.log), or boot with audit=1");
	if (h->audit >= 0 && !h->audit_daemon && !h->journald)
		report(ctx,
		       "log.denials: no auditd and no journald: the kernel's denial records only reach the kernel ring buffer, rate-limited and overwritten",
		       "apt install auditd (records kept in /var/log/audit/audit.log), or run systemd-journald");
}
