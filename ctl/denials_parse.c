/* Parsers of the lines corralctl denials reads (see denials_parse.h). Pure: the
 * text comes from logs a confined user can write into (paths, comm), so
 * every field is bounded and nothing in it is trusted. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "denials_parse.h"
#include "journal.h"

#define AUDIT_RET_ACTION_FULL 0xffff0000U
#define AUDIT_RET_ERRNO 0x00050000U
#define AUDIT_RET_DATA 0x0000ffffU
#define AUDIT_TYPE_NAME_MAX 40
#define SYSLOG_STAMP_MAX 40

/* Keys whose value the kernel writes with audit_log_untrustedstring():
 * hex when it holds a space, a quote or a control character. */
static const char *const untrusted_keys[] = { "path", "exe", "comm", "ocomm", "name" };

static void copy_bounded(char *out, size_t outlen, const char *from, size_t n)
{
	if (outlen == 0)
		return;
	if (n >= outlen)
		n = outlen - 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)from[i];

		if (c == '\0') {
			n = i;
			break;
		}
		out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	out[n] = '\0';
}

static bool is_untrusted_key(const char *key)
{
	for (size_t i = 0; i < sizeof(untrusted_keys) / sizeof(untrusted_keys[0]); i++)
		if (strcmp(key, untrusted_keys[i]) == 0)
			return true;
	return false;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

const char *denials_digits(const char *p, int min, int max, long long *out)
{
	long long v = 0;
	int n = 0;

	if (max > 18)
		max = 18;
	while (n < max && isdigit((unsigned char)p[n]))
		v = v * 10 + (p[n++] - '0');
	if (n < min)
		return NULL;
	*out = v;
	return p + n;
}

/* A whole decimal number (an audit type), or -1. */
static long long whole_number(const char *text)
{
	long long v;
	const char *end = denials_digits(text, 1, 18, &v);

	return end && (*end == '\0' || *end == ']' || *end == ' ') ? v : -1;
}

/* Where key= starts as a whole word outside quotes, or NULL. */
static const char *find_key(const char *body, const char *key)
{
	size_t keylen = strlen(key);
	bool quoted = false;

	for (const char *p = body; *p; p++) {
		if (*p == '"') {
			quoted = !quoted;
			continue;
		}
		if (quoted || (p != body && p[-1] != ' '))
			continue;
		if (strncmp(p, key, keylen) == 0 && p[keylen] == '=')
			return p + keylen + 1;
	}
	return NULL;
}

void denial_audit_field(const char *body, const char *key, char *out, size_t outlen)
{
	const char *v = find_key(body, key);
	size_t n;

	if (outlen)
		out[0] = '\0';
	if (!v || outlen == 0)
		return;
	if (*v == '"') {
		copy_bounded(out, outlen, v + 1, strcspn(v + 1, "\""));
		return;
	}
	n = strcspn(v, " ");
	if (is_untrusted_key(key) && n % 2 == 0 && n > 0) {
		bool hex = true;

		for (size_t i = 0; i < n && hex; i++)
			hex = hex_value(v[i]) >= 0;
		if (hex) {
			size_t o = 0;

			for (size_t i = 0; i < n && o + 1 < outlen; i += 2) {
				unsigned c = (unsigned)(hex_value(v[i]) * 16 + hex_value(v[i + 1]));

				out[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
			}
			out[o] = '\0';
			return;
		}
	}
	copy_bounded(out, outlen, v, n);
}

/* A decimal (or, with base 16, hex) number field; false when absent or
 * malformed. */
static bool number_field(const char *body, const char *key, int base, uint64_t *out)
{
	char text[DENIAL_NAME_MAX], *end;
	unsigned long long v;

	denial_audit_field(body, key, text, sizeof(text));
	if (!text[0] || text[0] == '-')
		return false;
	errno = 0;
	v = strtoull(text, &end, base);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static long id_field(const char *body, const char *key)
{
	uint64_t v;

	/* 4294967295 is audit's "unset" */
	if (!number_field(body, key, 10, &v) || v >= UINT32_MAX)
		return DENIAL_UNKNOWN;
	return (long)v;
}

static const struct {
	const char *prefix;
	const char *op;
} landlock_ops[] = {
	{ "fs.read_file", "read" },       { "fs.read_dir", "list" },
	{ "fs.execute", "exec" },         { "fs.", "write" },
	{ "net.connect_tcp", "connect" }, { "net.bind_tcp", "bind" },
	{ "scope.signal", "signal" },     { "scope.abstract_unix_socket", "abstract-unix" },
};

const char *denial_landlock_op(const char *blockers)
{
	for (size_t i = 0; i < sizeof(landlock_ops) / sizeof(landlock_ops[0]); i++)
		if (strncmp(blockers, landlock_ops[i].prefix, strlen(landlock_ops[i].prefix)) == 0)
			return landlock_ops[i].op;
	return NULL;
}

static int parse_landlock_access(const char *body, struct denial_record *out)
{
	char blockers[DENIAL_TEXT_MAX], a[DENIAL_TEXT_MAX], b[DENIAL_NAME_MAX];
	const char *op;

	if (!number_field(body, "domain", 16, &out->domain))
		return -EINVAL;
	denial_audit_field(body, "blockers", blockers, sizeof(blockers));
	if (!blockers[0])
		return -EINVAL;
	op = denial_landlock_op(blockers);
	op = op ? op : blockers;
	copy_bounded(out->op, sizeof(out->op), op, strlen(op));
	copy_bounded(out->rule, sizeof(out->rule), blockers, strlen(blockers));
	out->kind = DENIAL_LANDLOCK;
	out->error = EACCES;
	if (strncmp(blockers, "net.", 4) == 0) {
		bool bind = strncmp(blockers, "net.bind", 8) == 0;

		denial_audit_field(body, bind ? "saddr" : "daddr", a, sizeof(a));
		denial_audit_field(body, bind ? "src" : "dest", b, sizeof(b));
		if (bind)
			snprintf(out->target, sizeof(out->target), "%s", b);
		else
			snprintf(out->target, sizeof(out->target), strchr(a, ':') ? "tcp://[%s]:%s" : "tcp://%s:%s", a,
				 b);
		return 0;
	}
	if (strncmp(blockers, "scope.", 6) == 0) {
		denial_audit_field(body, "opid", b, sizeof(b));
		denial_audit_field(body, "ocomm", a, sizeof(a));
		snprintf(out->target, sizeof(out->target), "pid %s (%.*s)", b, DENIAL_NAME_MAX, a);
		out->error = EPERM;
		return 0;
	}
	denial_audit_field(body, "path", out->target, sizeof(out->target));
	if (!out->target[0]) /* an object without a path: its device and inode */
		denial_audit_field(body, "ino", out->target, sizeof(out->target));
	return 0;
}

static int parse_landlock_domain(const char *body, struct denial_record *out)
{
	char status[DENIAL_NAME_MAX];

	if (!number_field(body, "domain", 16, &out->domain))
		return -EINVAL;
	denial_audit_field(body, "status", status, sizeof(status));
	out->kind = DENIAL_DOMAIN;
	out->deallocated = strcmp(status, "deallocated") == 0;
	out->pid = id_field(body, "pid");
	out->uid = id_field(body, "uid");
	denial_audit_field(body, "exe", out->target, sizeof(out->target));
	return 0;
}

static int parse_seccomp(const char *body, struct denial_record *out)
{
	uint64_t code, nr, arch;

	if (!number_field(body, "code", 16, &code) || !number_field(body, "syscall", 10, &nr) ||
	    !number_field(body, "arch", 16, &arch) || nr > INT32_MAX || arch > UINT32_MAX)
		return -EINVAL;
	out->action = (uint32_t)code & AUDIT_RET_ACTION_FULL;
	out->error = out->action == AUDIT_RET_ERRNO ? (int)(code & AUDIT_RET_DATA) : 0;
	out->syscall = (long)nr;
	out->arch = (uint32_t)arch;
	out->uid = id_field(body, "uid");
	out->pid = id_field(body, "pid");
	denial_audit_field(body, "exe", out->target, sizeof(out->target));
	snprintf(out->op, sizeof(out->op), "syscall %" PRIu64, nr);
	out->kind = DENIAL_SECCOMP;
	return 0;
}

int denial_parse_audit_body(int type, const char *body, struct denial_record *out)
{
	switch (type) {
	case DENIAL_AUDIT_LANDLOCK_ACCESS:
		return parse_landlock_access(body, out);
	case DENIAL_AUDIT_LANDLOCK_DOMAIN:
		return parse_landlock_domain(body, out);
	case DENIAL_AUDIT_SECCOMP:
		return parse_seccomp(body, out);
	default:
		return 0;
	}
}

static void record_init(struct denial_record *out)
{
	memset(out, 0, sizeof(*out));
	out->uid = DENIAL_UNKNOWN;
	out->pid = DENIAL_UNKNOWN;
	out->syscall = DENIAL_UNKNOWN;
}

/* The type of an audit.log line (type=SECCOMP, type=LANDLOCK_ACCESS,
 * type=UNKNOWN[1423]) or of a kernel log line (type=1423). */
static int audit_type(const char *text)
{
	static const struct {
		const char *name;
		int type;
	} names[] = {
		{ "SECCOMP", DENIAL_AUDIT_SECCOMP },
		{ "LANDLOCK_ACCESS", DENIAL_AUDIT_LANDLOCK_ACCESS },
		{ "LANDLOCK_DOMAIN", DENIAL_AUDIT_LANDLOCK_DOMAIN },
	};
	char word[AUDIT_TYPE_NAME_MAX];
	size_t n = strcspn(text, " ");

	if (n == 0 || n >= sizeof(word))
		return 0;
	memcpy(word, text, n);
	word[n] = '\0';
	if (isdigit((unsigned char)word[0]))
		return (int)whole_number(word);
	if (strncmp(word, "UNKNOWN[", 8) == 0)
		return (int)whole_number(word + 8);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(word, names[i].name) == 0)
			return names[i].type;
	return 0;
}

/* "audit(1796455276.186:126): body": the time, the serial and the body. */
static int audit_stamp(const char *p, struct denial_record *out, const char **body)
{
	long long sec, ms, serial;

	if (strncmp(p, "audit(", 6) != 0)
		return -EINVAL;
	p = denials_digits(p + 6, 1, 12, &sec);
	if (!p || *p != '.' || !(p = denials_digits(p + 1, 3, 3, &ms)) || *p != ':' ||
	    !(p = denials_digits(p + 1, 1, 18, &serial)) || strncmp(p, "):", 2) != 0)
		return -EINVAL;
	out->time_ms = (int64_t)sec * 1000 + (int64_t)ms;
	out->serial = (uint64_t)serial;
	*body = p + 2;
	while (**body == ' ')
		(*body)++;
	return 0;
}

static int parse_audit_line(const char *line, struct denial_record *out)
{
	const char *type_at = strstr(line, "type="), *stamp, *body;
	int type, r;

	if (!type_at)
		return 0;
	type = audit_type(type_at + 5);
	if (type != DENIAL_AUDIT_SECCOMP && type != DENIAL_AUDIT_LANDLOCK_ACCESS &&
	    type != DENIAL_AUDIT_LANDLOCK_DOMAIN)
		return 0;
	stamp = strstr(type_at, "audit(");
	if (!stamp)
		return -EINVAL;
	r = audit_stamp(stamp, out, &body);
	if (r < 0)
		return r;
	return denial_parse_audit_body(type, body, out);
}

static int month_number(const char *name)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

	for (int m = 0; m < 12; m++)
		if (strncmp(name, months[m], 3) == 0)
			return m;
	return -1;
}

/* "HH:MM:SS" into tm; the end, or NULL. */
static const char *clock_time(const char *p, struct tm *tm)
{
	long long h, mi, s;

	if (!(p = denials_digits(p, 2, 2, &h)) || *p != ':' || !(p = denials_digits(p + 1, 2, 2, &mi)) || *p != ':' ||
	    !(p = denials_digits(p + 1, 2, 2, &s)))
		return NULL;
	tm->tm_hour = (int)h;
	tm->tm_min = (int)mi;
	tm->tm_sec = (int)s;
	return p;
}

/* RFC 3339 ("2026-12-05T07:40:01.123456+01:00", as rsyslog writes on
 * Debian 13): ms since the epoch, or 0. */
static int64_t rfc3339_ms(const char *p)
{
	long long y, mo, d, oh, om;
	int64_t frac_ms = 0, offset = 0;
	struct tm tm;
	int digits = 0;

	memset(&tm, 0, sizeof(tm));
	if (!(p = denials_digits(p, 4, 4, &y)) || *p != '-' || !(p = denials_digits(p + 1, 2, 2, &mo)) || *p != '-' ||
	    !(p = denials_digits(p + 1, 2, 2, &d)) || *p != 'T' || !(p = clock_time(p + 1, &tm)))
		return 0;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++, digits++)
			if (digits < 3)
				frac_ms = frac_ms * 10 + (*p - '0');
	for (; digits > 0 && digits < 3; digits++)
		frac_ms *= 10;
	if (*p == '+' || *p == '-') {
		const char *q = denials_digits(p + 1, 2, 2, &oh);

		if (q && *q == ':' && denials_digits(q + 1, 2, 2, &om))
			offset = (int64_t)(oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
	}
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	return ((int64_t)timegm(&tm) - offset) * 1000 + frac_ms;
}

/* A syslog line's stamp: RFC 3339, or the traditional "Dec  5 07:40:01"
 * (local time, no year). 0 when neither. */
static int64_t syslog_time_ms(const char *line, int year, time_t now)
{
	long long d;
	struct tm tm;
	const char *p;
	time_t t;

	/* a datagram as syslog() sends it starts with its priority: "<86>" */
	if (line[0] == '<') {
		size_t n = 1;

		while (n < 5 && isdigit((unsigned char)line[n]))
			n++;
		if (line[n] == '>')
			line += n + 1;
	}
	if (isdigit((unsigned char)line[0]))
		return rfc3339_ms(line);
	memset(&tm, 0, sizeof(tm));
	tm.tm_mon = month_number(line);
	if (tm.tm_mon < 0 || line[3] != ' ')
		return 0;
	p = line + 4;
	if (*p == ' ')
		p++;
	if (!(p = denials_digits(p, 1, 2, &d)) || *p != ' ' || !clock_time(p + 1, &tm))
		return 0;
	tm.tm_year = year - 1900;
	tm.tm_mday = (int)d;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	/* "Dec 31" read in January is last year's */
	if (t > now + 86400) {
		tm.tm_year--;
		tm.tm_isdst = -1;
		t = mktime(&tm);
	}
	return (int64_t)t * 1000;
}

/* corral's event text ("user=... event=... ..."), wherever it came from. */
static int parse_event(const char *text, struct denial_record *out)
{
	char number[DENIAL_NAME_MAX], *end;
	long v;

	journal_event_field(text, "event", out->event, sizeof(out->event));
	if (!out->event[0])
		return 0;
	journal_event_field(text, "user", out->user, sizeof(out->user));
	journal_event_field(text, "session", out->session, sizeof(out->session));
	journal_event_field(text, "op", out->op, sizeof(out->op));
	journal_event_field(text, "target", out->target, sizeof(out->target));
	journal_event_field(text, "rule", out->rule, sizeof(out->rule));
	journal_event_field(text, "errno", number, sizeof(number));
	v = strtol(number, &end, 10);
	out->error = number[0] && !*end && v > 0 && v < 4096 ? (int)v : 0;
	journal_event_field(text, "pid", number, sizeof(number));
	v = strtol(number, &end, 10);
	out->pid = number[0] && !*end && v > 0 && v <= INT32_MAX ? v : DENIAL_UNKNOWN;
	/* a user's name is a word; the rest of the line is not trusted further */
	if (strcmp(out->session, "-") == 0)
		out->session[0] = '\0';
	out->kind = strcmp(out->event, "denied") == 0 ? DENIAL_HELPER : DENIAL_EVENT;
	return 0;
}

/* The text of corral's event in a syslog line: after "corral[PID]: ",
 * "corral: " or a pam_syslog prefix "pam_corral(SERVICE:session): ". */
static const char *syslog_event_text(const char *line)
{
	const char *p = strstr(line, " corral[");

	if (p) {
		p = strstr(p, "]: ");
		return p ? p + 3 : NULL;
	}
	p = strstr(line, " corral: ");
	if (p)
		return p + 9;
	p = strstr(line, "pam_corral(");
	if (p) {
		p = strstr(p, "): ");
		return p ? p + 3 : NULL;
	}
	return NULL;
}

int denial_parse_line(const char *line, int year, time_t now, struct denial_record *out)
{
	const char *text;
	int r;

	record_init(out);
	/* the kernel's records: audit.log, /dev/kmsg, dmesg */
	if (strstr(line, "audit(") && strstr(line, "type=")) {
		r = parse_audit_line(line, out);
		if (r < 0 || out->kind != DENIAL_NONE)
			return r;
	}
	text = syslog_event_text(line);
	if (!text)
		return 0;
	r = parse_event(text, out);
	if (r == 0 && out->kind != DENIAL_NONE)
		out->time_ms = syslog_time_ms(line, year, now);
	return r;
}

/* A string field of one journalctl JSON object: "KEY":"VALUE", with its
 * escapes undone (\uXXXX beyond ASCII becomes '?'). A field journald gives
 * as an array of bytes (not UTF-8) counts as absent. */
static bool json_field(const char *json, const char *key, char *out, size_t outlen)
{
	char pattern[DENIAL_NAME_MAX + 4];
	const char *p;
	size_t o = 0;

	if (outlen == 0)
		return false;
	out[0] = '\0';
	snprintf(pattern, sizeof(pattern), "\"%s\":", key);
	p = strstr(json, pattern);
	if (!p)
		return false;
	p += strlen(pattern);
	while (*p == ' ')
		p++;
	if (*p != '"')
		return false;
	for (p++; *p && *p != '"' && o + 1 < outlen; p++) {
		char c = *p;

		if (c == '\\' && p[1]) {
			p++;
			switch (*p) {
			case 'n':
			case 't':
			case 'r':
				c = ' ';
				break;
			case 'u': {
				unsigned cp = 0;
				int i;

				for (i = 1; i <= 4 && hex_value(p[i]) >= 0; i++)
					cp = cp * 16 + (unsigned)hex_value(p[i]);
				p += i - 1;
				c = (cp >= 0x20 && cp < 0x7f) ? (char)cp : '?';
				break;
			}
			default:
				c = *p;
			}
		}
		out[o++] = ((unsigned char)c < 0x20 || c == 0x7f) ? '?' : c;
	}
	out[o] = '\0';
	return true;
}

int denial_parse_journal(const char *json, struct denial_record *out)
{
	/* zeroed: the analyzer cannot follow json_field's terminator */
	char message[DENIAL_LINE_MAX] = { 0 }, field[DENIAL_NAME_MAX] = { 0 }, *end;
	int r;

	record_init(out);
	if (!json_field(json, "MESSAGE", message, sizeof(message)))
		return 0;
	if (json_field(json, "_TRANSPORT", field, sizeof(field)) && strcmp(field, "audit") == 0) {
		const char *body = message + strcspn(message, " ");
		int type;

		if (!json_field(json, "_AUDIT_TYPE", field, sizeof(field)))
			return 0;
		type = (int)whole_number(field);
		while (*body == ' ')
			body++;
		r = denial_parse_audit_body(type, body, out);
		if (r == 0 && json_field(json, "_AUDIT_ID", field, sizeof(field)))
			out->serial = strtoull(field, NULL, 10);
	} else {
		if (!json_field(json, "SYSLOG_IDENTIFIER", field, sizeof(field)) ||
		    (strcmp(field, "corral") != 0 && strncmp(message, "pam_corral(", 11) != 0))
			return 0;
		r = parse_event(syslog_event_text(message) ? syslog_event_text(message) : message, out);
	}
	if (r == 0 && json_field(json, "__REALTIME_TIMESTAMP", field, sizeof(field))) {
		unsigned long long usec;

		errno = 0;
		usec = strtoull(field, &end, 10);
		if (!errno && !*end && usec < (unsigned long long)INT64_MAX)
			out->time_ms = (int64_t)(usec / 1000);
	}
	return r;
}
