/* audit_switch [0|1]: prints the kernel's audit switch ("enabled=N
 * daemon=PID"), then sets it when asked: tests that need the kernel's audit
 * records switch it on and back (what `auditctl -e` does, without auditd). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaudit.h"

int main(int argc, char **argv)
{
	struct kaudit_status status;
	int r = kaudit_status(&status);

	if (r < 0) {
		fprintf(stderr, "audit_switch: cannot read the audit status: %s\n", strerror(-r));
		return 1;
	}
	printf("enabled=%u daemon=%u\n", status.enabled, status.daemon_pid);
	if (argc < 2)
		return 0;
	if (strcmp(argv[1], "0") != 0 && strcmp(argv[1], "1") != 0) {
		fputs("usage: audit_switch [0|1]\n", stderr);
		return 2;
	}
	r = kaudit_set_enabled((uint32_t)atoi(argv[1]));
	if (r < 0) {
		fprintf(stderr, "audit_switch: cannot switch audit: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}
