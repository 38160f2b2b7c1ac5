/* corralctl audit, sshd: reads the effective settings `sshd -T` prints for
 * one user, for the ways an ssh session gets around corral. Pure. */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "paths.h"

#define SSHD_LINE_MAX 4096

/* Variables a client must never set. sshd puts accepted ones in the
 * environment corral-shell starts with, before it confines anything: ld.so
 * would load the client's code into it; CORRAL_SESSION names the session
 * record the shell reads, which is pam_corral's to say. */
static const char *const guarded_env[] = { "CORRAL_SESSION", "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT" };

const char *audit_acceptenv_admits(const char *pattern)
{
	for (size_t i = 0; i < sizeof(guarded_env) / sizeof(guarded_env[0]); i++)
		if (fnmatch(pattern, guarded_env[i], 0) == 0)
			return guarded_env[i];
	return NULL;
}

/* Splits one line of sshd -T into key and value (both point into line). */
static bool split_setting(char *line, char **key, char **value)
{
	char *p = line;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return false;
	*key = p;
	p += strcspn(p, " \t");
	if (*p)
		*p++ = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	*value = p;
	p += strlen(p);
	while (p > *value && (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\r'))
		*--p = '\0';
	return true;
}

/* Calls fn for every "key value" line of output. */
static void each_setting(const char *output, void (*fn)(void *, const char *, const char *), void *arg)
{
	char line[SSHD_LINE_MAX];

	for (const char *p = output; *p;) {
		size_t len = strcspn(p, "\n");
		char *key, *value;

		if (len < sizeof(line)) {
			memcpy(line, p, len);
			line[len] = '\0';
			if (split_setting(line, &key, &value))
				fn(arg, key, value);
		}
		p += len;
		if (*p == '\n')
			p++;
	}
}

struct evaluation {
	audit_report_fn report;
	void *ctx;
	bool forwarding_disabled; /* DisableForwarding yes overrides every *Forwarding */
};

static void find_disable_forwarding(void *arg, const char *key, const char *value)
{
	struct evaluation *ev = arg;

	if (strcmp(key, "disableforwarding") == 0)
		ev->forwarding_disabled = strcmp(value, "yes") == 0;
}

static bool is_corral_shell(const char *command)
{
	size_t len = strcspn(command, " \t");
	const char *base = memrchr(command, '/', len);

	base = base ? base + 1 : command;
	return (size_t)(command + len - base) == strlen("corral-shell") &&
		strncmp(base, "corral-shell", strlen("corral-shell")) == 0;
}

static bool is_internal_sftp(const char *command)
{
	return strncmp(command, "internal-sftp", strlen("internal-sftp")) == 0 &&
		(command[strlen("internal-sftp")] == '\0' || command[strlen("internal-sftp")] == ' ');
}

/* A forwarding setting: key, the value that is safe, what it lets through. */
static const struct {
	const char *key;
	const char *option;
	const char *safe;
	const char *lets;
} forwarding[] = {
	{ "allowtcpforwarding", "AllowTcpForwarding", "no",
	  "sshd itself connects and listens for the user, outside the session's net.* rules" },
	{ "allowstreamlocalforwarding", "AllowStreamLocalForwarding", "no",
	  "sshd itself connects to unix sockets for the user, outside the session's ipc.* rules" },
	{ "x11forwarding", "X11Forwarding", "no", "sshd listens for X11 clients of the session outside its rules" },
	{ "allowagentforwarding", "AllowAgentForwarding", "no",
	  "sshd makes the client's ssh agent reachable from the session" },
};

static void check_setting(void *arg, const char *key, const char *value)
{
	struct evaluation *ev = arg;
	char what[AUDIT_TEXT_MAX], fix[AUDIT_TEXT_MAX];

	for (size_t i = 0; i < sizeof(forwarding) / sizeof(forwarding[0]); i++) {
		if (strcmp(key, forwarding[i].key) != 0 || ev->forwarding_disabled ||
		    strcmp(value, forwarding[i].safe) == 0)
			continue;
		snprintf(what, sizeof(what), "sshd allows %s %s: %s", forwarding[i].option, value, forwarding[i].lets);
		snprintf(
			fix, sizeof(fix),
			"set %s no (or DisableForwarding yes) in sshd_config, in a Match block for these users if others need it",
			forwarding[i].option);
		ev->report(ev->ctx, what, fix);
	}
	if (strcmp(key, "usepam") == 0 && strcmp(value, "yes") != 0)
		ev->report(
			ev->ctx,
			"sshd has UsePAM no: pam_corral never opens the ssh sessions (no session record, limits or mount namespace)",
			"set UsePAM yes in sshd_config");
	if (strcmp(key, "permittunnel") == 0 && strcmp(value, "no") != 0) {
		snprintf(what, sizeof(what),
			 "sshd allows PermitTunnel %s: tun/tap traffic goes through sshd, outside the session", value);
		ev->report(ev->ctx, what, "set PermitTunnel no in sshd_config");
	}
	if (strcmp(key, "permituserenvironment") == 0 && strcmp(value, "no") != 0) {
		snprintf(
			what, sizeof(what),
			"sshd has PermitUserEnvironment %s: ~/.ssh/environment and environment= in authorized_keys set LD_PRELOAD or CORRAL_SESSION before corral-shell starts",
			value);
		ev->report(ev->ctx, what, "set PermitUserEnvironment no in sshd_config");
	}
	if (strcmp(key, "acceptenv") == 0) {
		/* sshd -T prints one pattern per line, but a list costs nothing */
		char patterns[SSHD_LINE_MAX], *save = NULL;

		snprintf(patterns, sizeof(patterns), "%s", value);
		for (char *pat = strtok_r(patterns, " \t", &save); pat; pat = strtok_r(NULL, " \t", &save)) {
			const char *name = audit_acceptenv_admits(pat);

			if (!name)
				continue;
			snprintf(what, sizeof(what), "sshd has AcceptEnv %s: the client may set %s for corral-shell",
				 pat, name);
			snprintf(fix, sizeof(fix), "remove %s from AcceptEnv in sshd_config (LANG LC_* is enough)",
				 pat);
			ev->report(ev->ctx, what, fix);
		}
	}
	if (strcmp(key, "subsystem") == 0) {
		size_t name_len = strcspn(value, " \t");
		const char *command = value + name_len + strspn(value + name_len, " \t");

		if (is_internal_sftp(command)) {
			snprintf(
				what, sizeof(what),
				"sshd serves Subsystem %.*s internal-sftp: it runs inside sshd, never through the login shell corral-shell",
				(int)name_len, value);
			snprintf(
				fix, sizeof(fix),
				"set Subsystem %.*s /usr/lib/openssh/sftp-server in sshd_config (it runs through the login shell; list sftp-server in commands for transfer-only accounts)",
				(int)name_len, value);
			ev->report(ev->ctx, what, fix);
		}
	}
	if (strcmp(key, "forcecommand") == 0 && strcmp(value, "none") != 0 && !is_corral_shell(value)) {
		snprintf(what, sizeof(what), "sshd has ForceCommand %.200s: %s", value,
			 is_internal_sftp(value)
				 ? "it runs inside sshd, never through the login shell corral-shell"
				 : "it replaces the command corral-shell would check against the policy");
		ev->report(ev->ctx, what,
			   "set ForceCommand " CORRAL_SHELL_PATH
			   " (it reads SSH_ORIGINAL_COMMAND and applies the policy's commands) or remove it");
	}
}

void audit_sshd_evaluate(const char *output, audit_report_fn report, void *ctx)
{
	struct evaluation ev = { .report = report, .ctx = ctx, .forwarding_disabled = false };

	each_setting(output, find_disable_forwarding, &ev);
	each_setting(output, check_setting, &ev);
}
