/* The helpers of grant_ctl.h, shared by ctl/grant.c and ctl/request.c. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "ctl.h"
#include "grant_ctl.h"
#include "log.h"
#include "session_record.h"
#include "util.h"
#include "values.h"

#define LOGINUID_TEXT_MAX 16

int ctl_grant_value(enum policy_key key, const char *arg, struct strlist *out)
{
	char why[GRANT_ERR_MAX];
	int r;

	if (arg[0] != '+') {
		fprintf(stderr, "corralctl: '%s': a grant only adds: write each value as +VALUE\n", arg);
		return -EINVAL;
	}
	if (out->count >= GRANT_VALUES_MAX) {
		fprintf(stderr, "corralctl: more than %d values\n", GRANT_VALUES_MAX);
		return -EINVAL;
	}
	r = grant_value_check(key, arg + 1, why, sizeof(why));
	if (r == -EINVAL)
		fprintf(stderr, "corralctl: %s\n", why);
	if (r < 0)
		return r;
	return strlist_contains(out, arg + 1) ? 0 : strlist_append(out, arg + 1);
}

int ctl_grant_duration(const char *arg, uint64_t *seconds)
{
	if (value_parse_duration(arg, seconds) < 0 || *seconds == 0) {
		fprintf(stderr, "corralctl: --for '%s' is not a duration (Ns, Nm, Nh or Nd, at most 366d)\n", arg);
		return -EINVAL;
	}
	return 0;
}

void ctl_time_text(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(out, outlen, "%Y-%m-%dT%H:%M:%S%z", &tm))
		snprintf(out, outlen, "@%lld", (long long)t);
}

void ctl_duration_text(uint64_t seconds, char *out, size_t outlen)
{
	static const struct {
		uint64_t size;
		char unit;
	} units[] = { { 86400, 'd' }, { 3600, 'h' }, { 60, 'm' } };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (seconds >= units[i].size && seconds % units[i].size == 0) {
			snprintf(out, outlen, "%llu%c", (unsigned long long)(seconds / units[i].size), units[i].unit);
			return;
		}
	}
	snprintf(out, outlen, "%llus", (unsigned long long)seconds);
}

void ctl_values_text(const struct strlist *values, const char *prefix, char *out, size_t outlen)
{
	out[0] = '\0';
	for (size_t i = 0; i < values->count; i++) {
		size_t len = strlen(out);
		if (len + strlen(prefix) + 2 >= outlen)
			break;
		snprintf(out + len, outlen - len, "%s%s", i ? " " : "", prefix);
		if (strlist_append_quoted(out, outlen, values->items[i]) < 0)
			break;
	}
}

void ctl_log_text(const char *text, char *out, size_t outlen)
{
	size_t i;

	if (outlen == 0)
		return;
	for (i = 0; text[i] && i + 1 < outlen; i++)
		out[i] = text[i] == '"' || text[i] == '\\' ? '\'' : text[i];
	out[i] = '\0';
}

void ctl_who(char *out, size_t outlen)
{
	unsigned long login = (unsigned long)-1;
	struct passwd *pw;
	size_t len = 0;
	int fd;

	/* the audit login uid survives su and sudo: who logged in */
	fd = open("/proc/self/loginuid", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		char text[LOGINUID_TEXT_MAX] = "";

		if (read_all(fd, text, sizeof(text) - 1, &len) == 0)
			text[len] = '\0';
		close(fd);
		login = strtoul(text, NULL, 10);
	}
	pw = getpwuid(getuid());
	snprintf(out, outlen, "%s", pw ? pw->pw_name : "?");
	if (len && login != (unsigned long)(uid_t)-1 && login != (unsigned long)getuid()) {
		pw = getpwuid((uid_t)login);
		if (pw)
			snprintf(out + strlen(out), outlen - strlen(out), " (login %s)", pw->pw_name);
	}
}

int ctl_grant_create(const char *user, enum policy_key key, const struct strlist *values, uint64_t seconds,
		     const char *by, const char *reason, char *id, size_t idlen)
{
	char err[GRANT_ERR_MAX], until[CTL_TIME_TEXT_MAX], text[CTL_VALUES_TEXT_MAX];
	char why[CTL_LOG_FIELD_MAX], who[CTL_LOG_FIELD_MAX];
	struct grant g;
	int r;

	memset(&g, 0, sizeof(g));
	g.created = time(NULL);
	g.expires = g.created + (time_t)seconds;
	g.key = key;
	g.values = *values;
	g.user = (char *)user;
	g.by = (char *)by;
	g.reason = (char *)reason;
	r = grants_dir_ensure(NULL, err, sizeof(err));
	if (r == 0)
		r = grant_new_id(g.created, g.id, sizeof(g.id));
	if (r == 0)
		r = grant_write(NULL, &g, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "corralctl: cannot write the grant: %s\n", err[0] ? err : strerror(-r));
		return r;
	}
	snprintf(id, idlen, "%s", g.id);
	ctl_time_text(g.expires, until, sizeof(until));
	ctl_values_text(values, "", text, sizeof(text));
	ctl_log_text(text, text, sizeof(text));
	ctl_log_text(reason, why, sizeof(why));
	ctl_log_text(by, who, sizeof(who));
	corral_log(LOG_NOTICE, "event=grant id=%s user=%s key=%s value=\"%s\" until=%s by=\"%s\" reason=\"%s\"", g.id,
		   user, key_info(key)->name, text, until, who, why);
	ctl_grant_apply(user);
	return 0;
}

/* Has user a running session (a live record)? */
static bool has_sessions(const char *user)
{
	struct strlist ids;
	bool found = false;

	if (session_record_list(SESSION_RUN_DIR, &ids) < 0)
		return false;
	for (size_t i = 0; i < ids.count && !found; i++) {
		char why[SESSION_RECORD_ERR_MAX];
		struct session_record rec;

		if (session_record_read(SESSION_RUN_DIR, ids.items[i], &rec, why, sizeof(why)) < 0)
			continue;
		found = strcmp(rec.user, user) == 0 && session_record_is_live(&rec);
		session_record_free(&rec);
	}
	strlist_free(&ids);
	return found;
}

void ctl_grant_apply(const char *user)
{
	struct apply_result result;

	if (!has_sessions(user))
		return;
	if (apply_all(NULL, user, time(NULL), APPLY_GRACE_DEFAULT, &result) < 0)
		fprintf(stderr, "corralctl: note: running sessions of %s not updated (see corralctl apply)\n", user);
	else if (result.sessions)
		fprintf(stderr, "corralctl: %u running session%s of %s updated\n", result.sessions,
			result.sessions == 1 ? "" : "s", user);
}

int ctl_need_root(const char *what)
{
	if (getuid() == 0 && geteuid() == 0)
		return 0;
	fprintf(stderr, "corralctl: only root may %s\n", what);
	return -EPERM;
}

/* "--NAME=VALUE" or "--NAME VALUE" at argv[*i]: 1 and *value, 0 when it
 * is another argument, -EINVAL when the value is missing. */
static int long_option(int argc, char **argv, int *i, const char *name, const char **value)
{
	size_t len = strlen(name);

	if (strncmp(argv[*i], name, len) != 0)
		return 0;
	if (argv[*i][len] == '=') {
		*value = argv[*i] + len + 1;
		return 1;
	}
	if (argv[*i][len] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return -EINVAL;
	*value = argv[++*i];
	return 1;
}

int ctl_grant_args(int argc, char **argv, char **pos, int *npos, const char **duration, const char **reason)
{
	*npos = 0;
	*duration = NULL;
	*reason = NULL;
	for (int i = 1; i < argc; i++) {
		int r = long_option(argc, argv, &i, "--for", duration);

		if (r == 0)
			r = long_option(argc, argv, &i, "--reason", reason);
		if (r < 0)
			return r;
		if (r > 0)
			continue;
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "corralctl: unknown option '%s'\n", argv[i]);
			return -EINVAL;
		}
		pos[(*npos)++] = argv[i];
	}
	return 0;
}
