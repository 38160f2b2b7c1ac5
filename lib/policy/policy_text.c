/* Session-record form of a policy: writer and strict reader. The reader
 * treats its input as hostile and accepts only canonical values. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathutil.h"
#include "policy_text.h"
#include "util.h"

struct text_buffer {
	char *data;
	size_t len;
	size_t capacity;
};

static int buffer_append(struct text_buffer *b, const char *text)
{
	size_t n = strlen(text);

	int r = array_reserve(&b->data, &b->capacity, b->len + n + 1, 1, 1024, RECORD_SIZE_MAX);

	if (r < 0)
		return r == -EFBIG ? -EINVAL : r;
	memcpy(b->data + b->len, text, n + 1);
	b->len += n;
	return 0;
}

/* One line: tokens quoted so strlist_split reads them back. */
static int write_line(struct text_buffer *b, const char *const *tokens, size_t n_tokens, const struct strlist *more)
{
	char line[RECORD_LINE_MAX]; /* not zeroed: 64 KiB for every line written */
	size_t total = n_tokens + (more ? more->count : 0);

	line[0] = '\0';
	for (size_t i = 0; i < total; i++) {
		const char *token = i < n_tokens || !more ? tokens[i] : more->items[i - n_tokens];

		if (i && strlen(line) + 2 > sizeof(line))
			return -EINVAL;
		if (i)
			strcat(line, " ");
		if (strlist_append_quoted(line, sizeof(line), token) < 0)
			return -EINVAL;
	}
	if (strlen(line) + 2 > sizeof(line))
		return -EINVAL;
	strcat(line, "\n");
	return buffer_append(b, line);
}

/* "resolved HOST ADDR..." for the first rule naming a resolved host. */
static int write_resolved(struct text_buffer *b, const struct netrule_set *set, size_t index)
{
	const struct netrule *rule = &set->rules[index];
	char text[NETRULE_MAX_ADDRS][NET_ADDR_TEXT_MAX];
	const char *tokens[2 + NETRULE_MAX_ADDRS];
	size_t n = 0;

	if (rule->target != NETRULE_TARGET_HOST || rule->n_resolved == 0)
		return 0;
	for (size_t i = 0; i < index; i++)
		if (set->rules[i].target == NETRULE_TARGET_HOST && strcmp(set->rules[i].host, rule->host) == 0)
			return 0;
	tokens[n++] = "resolved";
	tokens[n++] = rule->host;
	for (size_t i = 0; i < rule->n_resolved && i < NETRULE_MAX_ADDRS; i++) {
		if (net_addr_format(&rule->resolved[i], text[i], sizeof(text[i])) < 0)
			return -EINVAL;
		tokens[n++] = text[i];
	}
	return write_line(b, tokens, n, NULL);
}

int policy_text_write(const struct policy *policy, char **out, size_t *outlen)
{
	struct text_buffer b = { 0 };
	char uid[32], gid[32];
	int r;

	snprintf(uid, sizeof(uid), "%u", (unsigned)policy->uid);
	snprintf(gid, sizeof(gid), "%u", (unsigned)policy->gid);
	r = buffer_append(&b, RECORD_MAGIC "\n");
	if (r == 0)
		r = write_line(&b, (const char *[]){ "user", policy->user }, 2, NULL);
	if (r == 0)
		r = write_line(&b, (const char *[]){ "uid", uid }, 2, NULL);
	if (r == 0)
		r = write_line(&b, (const char *[]){ "gid", gid }, 2, NULL);
	if (r == 0)
		r = write_line(&b, (const char *[]){ "home", policy->home }, 2, NULL);
	if (r == 0)
		r = write_line(&b, (const char *[]){ "exempt", policy->exempt ? "yes" : "no" }, 2, NULL);
	for (size_t i = 0; i < policy->sections.count && r == 0; i++)
		r = write_line(&b, (const char *[]){ "section", policy->sections.items[i] }, 2, NULL);
	for (int k = 0; k < KEY_COUNT && r == 0; k++) {
		if (!policy->settings[k].set)
			continue;
		r = write_line(&b, (const char *[]){ "key", key_info((enum policy_key)k)->name }, 2,
			       &policy->settings[k].items);
	}
	for (size_t i = 0; i < policy->net_connect.count && r == 0; i++)
		r = write_resolved(&b, &policy->net_connect, i);
	if (r == 0)
		r = buffer_append(&b, "end\n");
	if (r < 0) {
		free(b.data);
		return r;
	}
	*out = b.data;
	*outlen = b.len;
	return 0;
}

static int parse_id(const char *text, uint32_t *out)
{
	uint64_t value = 0;

	if (!*text || (text[0] == '0' && text[1]))
		return -EINVAL;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		value = value * 10 + (uint64_t)(*p - '0');
		if (value >= UINT32_MAX) /* (uid_t)-1 is never a user */
			return -EINVAL;
	}
	*out = (uint32_t)value;
	return 0;
}

static int parse_key_line(struct policy *p, const struct strlist *tokens, char *err, size_t errlen)
{
	const struct key_info *info;
	struct policy_setting *s;
	int key;

	if (tokens->count < 2) {
		snprintf(err, errlen, "'key' without a key name");
		return -EINVAL;
	}
	key = key_lookup(tokens->items[1]);
	if (key < 0) {
		snprintf(err, errlen, "unknown key '%s'", tokens->items[1]);
		return -EINVAL;
	}
	info = key_info((enum policy_key)key);
	s = &p->settings[key];
	if (s->set) {
		snprintf(err, errlen, "key '%s' appears twice", info->name);
		return -EINVAL;
	}
	if (!info->is_list && tokens->count != 3) {
		snprintf(err, errlen, "key '%s' needs exactly one value", info->name);
		return -EINVAL;
	}
	for (size_t i = 2; i < tokens->count; i++) {
		int r = strlist_append(&s->items, tokens->items[i]);

		if (r < 0)
			return r;
	}
	s->set = true;
	/* compiling is the check: it takes canonical values only */
	return policy_compile_key(p, (enum policy_key)key, err, errlen);
}

enum record_field {
	FIELD_USER = 1 << 0,
	FIELD_UID = 1 << 1,
	FIELD_GID = 1 << 2,
	FIELD_HOME = 1 << 3,
	FIELD_EXEMPT = 1 << 4,
};
#define FIELDS_REQUIRED (FIELD_USER | FIELD_UID | FIELD_GID | FIELD_HOME | FIELD_EXEMPT)

static int parse_field(struct policy *p, const struct strlist *t, unsigned *seen, char *err, size_t errlen)
{
	const char *name = t->items[0];
	unsigned field = 0;
	uint32_t id;

	if (strcmp(name, "key") == 0)
		return parse_key_line(p, t, err, errlen);
	if (t->count != 2) {
		snprintf(err, errlen, "field '%s' needs exactly one value", name);
		return -EINVAL;
	}
	if (strcmp(name, "section") == 0)
		return strlist_append(&p->sections, t->items[1]);
	if (strcmp(name, "user") == 0) {
		field = FIELD_USER;
		if (*seen & field || !key_name_is_valid(t->items[1]) || !(p->user = strdup(t->items[1])))
			goto bad;
	} else if (strcmp(name, "uid") == 0 || strcmp(name, "gid") == 0) {
		field = name[0] == 'u' ? FIELD_UID : FIELD_GID;
		if (*seen & field || parse_id(t->items[1], &id) < 0)
			goto bad;
		if (field == FIELD_UID)
			p->uid = (uid_t)id;
		else
			p->gid = (gid_t)id;
	} else if (strcmp(name, "home") == 0) {
		char copy[PATHUTIL_PATH_MAX];

		field = FIELD_HOME;
		if (*seen & field || snprintf(copy, sizeof(copy), "%s", t->items[1]) >= (int)sizeof(copy) ||
		    path_normalize(copy) < 0 || strcmp(copy, t->items[1]) != 0 || !(p->home = strdup(t->items[1])))
			goto bad;
	} else if (strcmp(name, "exempt") == 0) {
		field = FIELD_EXEMPT;
		if (strcmp(t->items[1], "yes") == 0)
			p->exempt = true;
		else if (strcmp(t->items[1], "no") != 0)
			goto bad;
	} else {
		snprintf(err, errlen, "unknown field '%s'", name);
		return -EINVAL;
	}
	if (*seen & field)
		goto bad;
	*seen |= field;
	return 0;
bad:
	snprintf(err, errlen, "field '%s': bad or repeated value", name);
	return -EINVAL;
}

static int record_parse_fields(const char *text, size_t len, struct policy *out, struct strlist *pending, char *err,
			       size_t errlen);

/* Checks a "resolved" line and keeps it until the rules exist. */
static int keep_resolved(const struct strlist *t, struct strlist *pending, char *err, size_t errlen)
{
	struct net_addr addr;
	char line[RECORD_LINE_MAX]; /* not zeroed: 64 KiB of stack that would stay resident */
	size_t host_len = 0;

	line[0] = '\0';

	if (t->count < 3 || t->count > 2 + NETRULE_MAX_ADDRS || strlen(t->items[1]) > NETRULE_HOST_MAX) {
		snprintf(err, errlen, "field 'resolved': bad value");
		return -EINVAL;
	}
	for (size_t i = 1; i < t->count; i++) {
		if (i > 1 && net_addr_parse(t->items[i], &addr) < 0) {
			snprintf(err, errlen, "field 'resolved': '%.100s' is not an address", t->items[i]);
			return -EINVAL;
		}
		if (i > 1)
			strcat(line, " ");
		if (strlist_append_quoted(line, sizeof(line), t->items[i]) < 0)
			return -EINVAL;
		if (i == 1)
			host_len = strlen(line);
	}
	/* one line per host, as written: a second one is a repeated field */
	for (size_t k = 0; k < pending->count; k++) {
		if (strncmp(pending->items[k], line, host_len) == 0 && pending->items[k][host_len] == ' ') {
			snprintf(err, errlen, "field 'resolved': '%.100s' appears twice", t->items[1]);
			return -EINVAL;
		}
	}
	return strlist_append(pending, line);
}

/* Gives the kept addresses to the compiled host rules. */
static int apply_resolved(struct policy *p, const struct strlist *pending, char *err, size_t errlen)
{
	for (size_t i = 0; i < pending->count; i++) {
		struct net_addr addrs[NETRULE_MAX_ADDRS];
		struct strlist t;
		size_t n = 0;
		int r;

		strlist_init(&t);
		r = strlist_split(pending->items[i], &t, NULL, 0);
		for (size_t j = 1; r == 0 && j < t.count && n < NETRULE_MAX_ADDRS; j++)
			r = net_addr_parse(t.items[j], &addrs[n++]);
		if (r == 0 && netrule_set_resolved(&p->net_connect, t.items[0], addrs, n) == 0) {
			snprintf(err, errlen, "field 'resolved': no rule names '%.100s'", t.items[0]);
			r = -EINVAL;
		}
		strlist_free(&t);
		if (r < 0)
			return r;
	}
	return 0;
}

int policy_text_read(const char *text, size_t len, struct policy *out, char *err, size_t errlen)
{
	struct strlist pending;
	int result = record_parse_fields(text, len, out, &pending, err, errlen);

	if (result == 0)
		result = apply_resolved(out, &pending, err, errlen);
	if (result < 0)
		policy_free(out); /* safe twice: it leaves a zeroed policy */
	strlist_free(&pending);
	return result;
}

static int record_parse_fields(const char *text, size_t len, struct policy *out, struct strlist *pending, char *err,
			       size_t errlen)
{
	const char *p = text, *limit = text + len;
	unsigned seen = 0, lineno = 0;
	bool ended = false;
	int r = 0;

	policy_init(out);
	strlist_init(pending);
	if (len > RECORD_SIZE_MAX || memchr(text, '\0', len)) {
		snprintf(err, errlen, "record is too large or contains a NUL byte");
		return -EINVAL;
	}
	while (p < limit && r == 0) {
		const char *nl = memchr(p, '\n', (size_t)(limit - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(limit - p);
		struct strlist tokens;
		char why[POLICY_ERR_MAX] = "", *line;

		lineno++;
		if (!nl || n >= RECORD_LINE_MAX || ended) {
			snprintf(err, errlen, "line %u: %s", lineno,
				 ended         ? "text after 'end'"
					 : !nl ? "unterminated line"
					       : "line too long");
			r = -EINVAL;
			break;
		}
		/* the line's own size on the heap: a 64 KiB array here would
		 * leave the stack below it resident in every corral-helper */
		line = strndup(p, n);
		if (!line) {
			snprintf(err, errlen, "out of memory");
			r = -ENOMEM;
			break;
		}
		p = nl + 1;
		if (lineno == 1) {
			if (strcmp(line, RECORD_MAGIC) != 0) {
				snprintf(err, errlen, "not a corral policy record");
				r = -EINVAL;
			}
			free(line);
			continue;
		}
		if (strcmp(line, "end") == 0) {
			ended = true;
			free(line);
			continue;
		}
		strlist_init(&tokens);
		r = strlist_split(line, &tokens, why, sizeof(why));
		if (r == 0 && tokens.count == 0)
			r = -EINVAL;
		if (r == 0 && strcmp(tokens.items[0], "resolved") == 0)
			r = keep_resolved(&tokens, pending, why, sizeof(why));
		else if (r == 0)
			r = parse_field(out, &tokens, &seen, why, sizeof(why));
		if (r < 0)
			snprintf(err, errlen, "line %u: %.400s", lineno, why[0] ? why : "malformed line");
		strlist_free(&tokens);
		free(line);
	}
	if (r == 0 && (!ended || (seen & FIELDS_REQUIRED) != FIELDS_REQUIRED)) {
		snprintf(err, errlen, "record is incomplete");
		r = -EINVAL;
	}
	if (r == 0)
		r = policy_compile_unset(out, err, errlen);
	if (r < 0)
		policy_free(out);
	return r;
}
