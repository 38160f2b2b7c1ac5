/* corralctl sessions: the active sessions, from their records in
 * /run/corral/sessions (id, user, leader pid, service, start, sections). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "policy.h"
#include "session_live.h"
#include "session_record.h"

#define TIME_TEXT_MAX 32
#define SECTIONS_TEXT_MAX 1024

/* "[default],[group:students]" from the policy's section origins. */
static void section_list(const struct session_record *rec, char *out, size_t outlen)
{
	char why[SESSION_RECORD_ERR_MAX];
	struct policy policy;
	size_t len = 0;

	out[0] = '\0';
	if (session_record_policy(rec, &policy, why, sizeof(why)) < 0) {
		snprintf(out, outlen, "?");
		return;
	}
	for (size_t i = 0; i < policy.sections.count && len + 1 < outlen; i++) {
		const char *s = policy.sections.items[i];
		int n = snprintf(out + len, outlen - len, "%s%.*s", i ? "," : "", (int)strcspn(s, " "), s);

		if (n < 0)
			break;
		len += (size_t)n;
	}
	policy_free(&policy);
}

/* What corralctl apply changed: the windows open, and a pending end. */
static void print_live(const char *id)
{
	char why[SESSION_RECORD_ERR_MAX], when[TIME_TEXT_MAX];
	struct session_live live;
	time_t ends;
	struct tm tm;

	if (session_live_read(SESSION_RUN_DIR, id, &live, why, sizeof(why)) < 0)
		return;
	if (live.windows[0])
		printf("  windows: %s", live.windows);
	ends = (time_t)live.ends;
	if (ends && localtime_r(&ends, &tm) && strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm))
		printf("  ends %s (%s)", when, live.reason);
	session_live_free(&live);
}

int ctl_sessions(int argc, char **argv)
{
	struct strlist ids;
	int r, shown = 0;

	(void)argv;
	if (argc > 1) {
		fputs("usage: corralctl sessions\n", stderr);
		return CTL_EXIT_USAGE;
	}
	r = session_record_list(SESSION_RUN_DIR, &ids);
	if (r < 0) {
		fprintf(stderr, "corralctl: %s/%s: %s\n", SESSION_RUN_DIR, SESSION_RECORD_SUBDIR,
			r == -EPERM ? "not a root-owned directory closed to others" : strerror(-r));
		return CTL_EXIT_INVALID;
	}
	printf("%-32s  %-16s  %8s  %-10s  %-19s  %s\n", "SESSION", "USER", "PID", "SERVICE", "STARTED", "SECTIONS");
	for (size_t i = 0; i < ids.count; i++) {
		char why[SESSION_RECORD_ERR_MAX] = "", when[TIME_TEXT_MAX], sections[SECTIONS_TEXT_MAX];
		struct session_record rec;
		time_t started;
		struct tm tm;

		if (session_record_read(SESSION_RUN_DIR, ids.items[i], &rec, why, sizeof(why)) < 0) {
			fprintf(stderr, "corralctl: skipping %s: %s\n", ids.items[i], why);
			continue;
		}
		started = (time_t)rec.started;
		if (!localtime_r(&started, &tm) || !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm))
			snprintf(when, sizeof(when), "?");
		section_list(&rec, sections, sizeof(sections));
		printf("%-32s  %-16s  %8d  %-10s  %-19s  %s%s", rec.id, rec.user, (int)rec.leader, rec.service, when,
		       sections, session_record_is_live(&rec) ? "" : "  (stale: its process is gone)");
		print_live(rec.id);
		putchar('\n');
		session_record_free(&rec);
		shown++;
	}
	strlist_free(&ids);
	if (shown == 0)
		fputs("(no active sessions)\n", stdout);
	return CTL_EXIT_OK;
}
