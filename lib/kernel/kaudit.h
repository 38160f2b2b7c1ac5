/* The kernel's audit switch, over NETLINK_AUDIT: is audit compiled in and
 * enabled, does a daemon (auditd) take the records? Kernel-facing: -errno,
 * never logs. */
#ifndef CORRAL_KAUDIT_H
#define CORRAL_KAUDIT_H

#include <stdbool.h>
#include <stdint.h>

struct kaudit_status {
	uint32_t enabled;    /* 0 off, 1 on, 2 on and locked */
	uint32_t daemon_pid; /* 0: no daemon: records go to the kernel log, rate-limited */
};

/* 0 with the status; -EPROTONOSUPPORT when the kernel has no audit;
 * -EPERM without CAP_AUDIT_CONTROL (in the initial namespaces). */
int kaudit_status(struct kaudit_status *out);

/* Switches audit on (1) or off (0). Root only. 0 or -errno. */
int kaudit_set_enabled(uint32_t enabled);

#endif
