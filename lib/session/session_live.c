/* The "ID.live" file of a running session: the policies its helper must
 * apply from now on and when the session ends, written by corralctl
 * apply and read by corral-helper with the record's distrust. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session_live.h"
#include "strlist.h"
#include "util.h"

#define LIVE_LINE_MAX (SESSION_LIVE_REASON_MAX + 64)

void session_live_init(struct session_live *live)
{
	memset(live, 0, sizeof(*live));
}

void session_live_free(struct session_live *live)
{
	for (size_t i = 0; i < live->count; i++)
		free(live->texts[i]);
	session_live_init(live);
}

static const char *const role_names[] = {
	[SESSION_LIVE_CURRENT] = "current",
	[SESSION_LIVE_CEILING] = "ceiling",
	[SESSION_LIVE_GRANTS] = "grants",
};

int session_live_add(struct session_live *live, enum session_live_role role, const char *text, size_t len)
{
	char *copy;

	for (size_t i = 0; i < live->count; i++)
		if (live->roles[i] == role && live->lens[i] == len && memcmp(live->texts[i], text, len) == 0)
			return 0;
	if (live->count >= SESSION_LIVE_POLICIES_MAX)
		return -E2BIG;
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	live->texts[live->count] = copy;
	live->roles[live->count] = role;
	live->lens[live->count++] = len;
	return 0;
}

static int append(char **buf, size_t *cap, size_t *len, const char *data, size_t n)
{
	int r = array_reserve((void **)buf, cap, *len + n + 1, 1, 4096, SESSION_LIVE_SIZE_MAX + 1);

	if (r < 0)
		return r;
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
	return 0;
}

int session_live_format(const struct session_live *live, char **out, size_t *outlen)
{
	char line[LIVE_LINE_MAX + SESSION_ID_LEN], *buf = NULL;
	size_t cap = 0, len = 0;
	int r;

	if (!session_id_is_valid(live->id) || live->count == 0 || live->roles[0] != SESSION_LIVE_CURRENT ||
	    strpbrk(live->reason, "\n\"") || strpbrk(live->windows, "\n\""))
		return -EINVAL;
	snprintf(line, sizeof(line), "%s\nid %s\napplied %" PRId64 "\n", SESSION_LIVE_MAGIC, live->id, live->applied);
	r = append(&buf, &cap, &len, line, strlen(line));
	if (r == 0 && live->ends) {
		snprintf(line, sizeof(line), "ends %" PRId64 " \"%s\"\n", live->ends, live->reason);
		r = append(&buf, &cap, &len, line, strlen(line));
	}
	if (r == 0 && live->windows[0]) {
		snprintf(line, sizeof(line), "windows \"%s\"\n", live->windows);
		r = append(&buf, &cap, &len, line, strlen(line));
	}
	for (size_t i = 0; i < live->count && r == 0; i++) {
		snprintf(line, sizeof(line), "policy %s %zu\n", role_names[live->roles[i]], live->lens[i]);
		r = append(&buf, &cap, &len, line, strlen(line));
		if (r == 0)
			r = append(&buf, &cap, &len, live->texts[i], live->lens[i]);
	}
	if (r < 0) {
		free(buf);
		return r;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

/* One header line (without its newline) into out. */
static int parse_header(const char *line, struct session_live *out, unsigned *seen)
{
	struct strlist words;
	char err[64];
	int r = -EINVAL;
	char *end;

	strlist_init(&words);
	if (strlist_split(line, &words, err, sizeof(err)) < 0 || words.count < 2)
		goto out;
	if (strcmp(words.items[0], "id") == 0 && words.count == 2 && !(*seen & 1) &&
	    session_id_is_valid(words.items[1])) {
		memcpy(out->id, words.items[1], SESSION_ID_LEN + 1);
		*seen |= 1;
		r = 0;
	} else if (strcmp(words.items[0], "applied") == 0 && words.count == 2 && !(*seen & 2)) {
		errno = 0;
		out->applied = strtoll(words.items[1], &end, 10);
		r = errno || *end || out->applied <= 0 ? -EINVAL : 0;
		*seen |= 2;
	} else if (strcmp(words.items[0], "ends") == 0 && words.count == 3 && !(*seen & 4) &&
		   strlen(words.items[2]) < sizeof(out->reason)) {
		errno = 0;
		out->ends = strtoll(words.items[1], &end, 10);
		r = errno || *end || out->ends <= 0 ? -EINVAL : 0;
		snprintf(out->reason, sizeof(out->reason), "%s", words.items[2]);
		*seen |= 4;
	} else if (strcmp(words.items[0], "windows") == 0 && words.count == 2 && !(*seen & 8) &&
		   strlen(words.items[1]) < sizeof(out->windows)) {
		snprintf(out->windows, sizeof(out->windows), "%s", words.items[1]);
		*seen |= 8;
		r = 0;
	}
out:
	strlist_free(&words);
	return r;
}

int session_live_parse(const char *text, size_t len, struct session_live *out, char *err, size_t errlen)
{
	size_t pos = 0, magic = strlen(SESSION_LIVE_MAGIC);
	unsigned seen = 0;
	int r = 0;

	session_live_init(out);
	if (len > SESSION_LIVE_SIZE_MAX || memchr(text, '\0', len) || len <= magic ||
	    memcmp(text, SESSION_LIVE_MAGIC "\n", magic + 1) != 0) {
		snprintf(err, errlen, "not a live policy file");
		return -EINVAL;
	}
	pos = magic + 1;
	while (pos < len && r == 0) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		char line[LIVE_LINE_MAX], *end;
		const char *number;
		size_t n, size, role;

		if (!nl || (size_t)(nl - (text + pos)) >= sizeof(line)) {
			r = -EINVAL;
			break;
		}
		n = (size_t)(nl - (text + pos));
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + 1;
		if (strncmp(line, "policy ", 7) != 0) {
			r = out->count ? -EINVAL : parse_header(line, out, &seen); /* headers come first */
			continue;
		}
		for (role = 0; role < sizeof(role_names) / sizeof(role_names[0]); role++)
			if (strncmp(line + 7, role_names[role], strlen(role_names[role])) == 0 &&
			    line[7 + strlen(role_names[role])] == ' ')
				break;
		if (role == sizeof(role_names) / sizeof(role_names[0])) {
			r = -EINVAL;
			break;
		}
		number = line + 8 + strlen(role_names[role]);
		errno = 0;
		size = strtoull(number, &end, 10);
		if (errno || *end || *number < '0' || *number > '9' || size > len - pos) {
			r = -EINVAL;
			break;
		}
		r = session_live_add(out, (enum session_live_role)role, text + pos, size);
		pos += size;
	}
	/* exactly one current policy, first */
	if (r == 0 && (!(seen & 1) || !(seen & 2) || out->count == 0 || out->roles[0] != SESSION_LIVE_CURRENT))
		r = -EINVAL;
	for (size_t i = 1; i < out->count && r == 0; i++)
		if (out->roles[i] == SESSION_LIVE_CURRENT)
			r = -EINVAL;
	if (r < 0) {
		snprintf(err, errlen, "malformed live policy file");
		session_live_free(out);
	}
	return r;
}

static int live_name(const char *id, char *out, size_t outlen)
{
	if (!session_id_is_valid(id))
		return -EINVAL;
	snprintf(out, outlen, "%s%s", id, SESSION_LIVE_SUFFIX);
	return 0;
}

int session_live_write(const char *run_dir, const struct session_live *live)
{
	char name[SESSION_ID_LEN + sizeof(SESSION_LIVE_SUFFIX)], *text = NULL;
	size_t len = 0;
	int r = live_name(live->id, name, sizeof(name));

	if (r == 0)
		r = session_live_format(live, &text, &len);
	if (r == 0)
		r = session_file_write(run_dir, name, text, len);
	/* the helper watches its record, not the directory: one that ended
	 * meanwhile has nobody left to tell */
	if (r == 0)
		r = session_record_touch(run_dir, live->id);
	free(text);
	return r == -ENOENT ? 0 : r;
}

int session_live_read(const char *run_dir, const char *id, struct session_live *out, char *err, size_t errlen)
{
	char name[SESSION_ID_LEN + sizeof(SESSION_LIVE_SUFFIX)], *text = NULL;
	size_t len = 0;
	int r;

	session_live_init(out);
	r = live_name(id, name, sizeof(name));
	if (r < 0) {
		snprintf(err, errlen, "'%.80s' is not a session id", id);
		return r;
	}
	r = session_file_read(run_dir, name, SESSION_LIVE_SIZE_MAX, &text, &len, err, errlen);
	if (r < 0 || !text)
		return r < 0 ? r : -EIO;
	r = session_live_parse(text, len, out, err, errlen);
	if (r == 0 && strcmp(out->id, id) != 0) {
		snprintf(err, errlen, "%s names another session", name);
		session_live_free(out);
		r = -EINVAL;
	}
	free(text);
	return r;
}
