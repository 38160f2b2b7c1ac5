/* The journal's native protocol for corral's events (see journal.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "journal.h"

#define FIELD_VALUE_MAX 512

void journal_event_field(const char *message, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key);

	out[0] = '\0';
	for (const char *p = message; *p;) {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			const char *value = p + klen + 1;
			size_t len;

			if (*value == '"') {
				const char *end = strchr(value + 1, '"');

				value++;
				len = end ? (size_t)(end - value) : strlen(value);
			} else {
				len = strcspn(value, " ");
			}
			snprintf(out, outlen, "%.*s", (int)len, value);
			return;
		}
		/* the next word: skip a quoted value whole */
		while (*p && *p != ' ') {
			if (*p == '"') {
				const char *end = strchr(p + 1, '"');

				p = end ? end + 1 : p + strlen(p);
				continue;
			}
			p++;
		}
		p += strspn(p, " ");
	}
}

static int append(char *out, size_t outlen, size_t *len, const char *name, const char *value)
{
	int n = snprintf(out + *len, outlen - *len, "%s=%s\n", name, value);

	if (n < 0 || (size_t)n >= outlen - *len)
		return -ENOBUFS;
	/* MESSAGE is one line in the simple form: no newline inside a value */
	for (char *c = out + *len + strlen(name) + 1; c < out + *len + n - 1; c++)
		if (*c == '\n')
			*c = ' ';
	*len += (size_t)n;
	return 0;
}

ssize_t journal_event_format(int priority, const char *ident, pid_t pid, const char *message, char *out, size_t outlen)
{
	static const char *const fields[][2] = {
		{ "CORRAL_SESSION", "session" },
		{ "CORRAL_USER", "user" },
		{ "CORRAL_EVENT", "event" },
		{ "CORRAL_RULE", "rule" },
	};
	char number[32], value[FIELD_VALUE_MAX];
	size_t len = 0;
	int r;

	r = append(out, outlen, &len, "MESSAGE", message);
	snprintf(number, sizeof(number), "%d", priority & 7);
	if (r == 0)
		r = append(out, outlen, &len, "PRIORITY", number);
	snprintf(number, sizeof(number), "%d", JOURNAL_FACILITY_AUTHPRIV);
	if (r == 0)
		r = append(out, outlen, &len, "SYSLOG_FACILITY", number);
	if (r == 0)
		r = append(out, outlen, &len, "SYSLOG_IDENTIFIER", ident);
	snprintf(number, sizeof(number), "%d", (int)pid);
	if (r == 0)
		r = append(out, outlen, &len, "SYSLOG_PID", number);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]) && r == 0; i++) {
		journal_event_field(message, fields[i][1], value, sizeof(value));
		if (value[0])
			r = append(out, outlen, &len, fields[i][0], value);
	}
	return r < 0 ? r : (ssize_t)len;
}

int journal_send_event(int priority, const char *ident, const char *message)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char entry[JOURNAL_ENTRY_MAX];
	ssize_t len = journal_event_format(priority, ident, getpid(), message, entry, sizeof(entry));
	int fd, r = 0;

	if (len < 0)
		return (int)len;
	/* a socket per event: events are rare, and the PAM module must not
	 * leave an fd open in the login daemon */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memcpy(addr.sun_path, JOURNAL_SOCKET, sizeof(JOURNAL_SOCKET));
	if (sendto(fd, entry, (size_t)len, MSG_NOSIGNAL, (const struct sockaddr *)&addr, sizeof(addr)) < 0)
		r = -errno;
	close(fd);
	return r;
}
