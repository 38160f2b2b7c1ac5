/* libFuzzer target: the strict readers of session records
 * (session_record_parse) and of the policy text inside them (policy_text_read,
 * also through session_record_policy). Hostile input must never crash or
 * leak, and whatever is accepted must be canonical enough to round-trip:
 * parse -> serialize -> parse -> serialize gives the same text both times. */
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "policy_text.h"
#include "session_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_INPUT_MAX ((size_t)128 * 1024)

/* The policy text of an accepted record, serialized and read back. */
static void policy_round_trip(struct policy *p)
{
	char *first = NULL, *second = NULL, err[512];
	size_t first_len = 0, second_len = 0;
	struct policy back;

	if (policy_text_write(p, &first, &first_len) != 0)
		abort();   /* what was read must be writable */
	if (policy_text_read(first, first_len, &back, err, sizeof(err)) != 0)
		abort();   /* what we write must be read back */
	if (policy_text_write(&back, &second, &second_len) != 0)
		abort();
	if (first_len != second_len || memcmp(first, second, first_len) != 0)
		abort();   /* and means the same */
	if (back.uid != p->uid || back.gid != p->gid || strcmp(back.user, p->user) != 0 ||
	    strcmp(back.home, p->home) != 0 || back.confine != p->confine || back.loopback != p->loopback ||
	    back.net_connect.count != p->net_connect.count || back.net_deny.count != p->net_deny.count)
		abort();
	policy_free(&back);
	free(first);
	free(second);
}

static void fuzz_policy(const char *text, size_t len)
{
	struct policy p;
	char err[512];

	if (policy_text_read(text, len, &p, err, sizeof(err)) != 0) {
		if (!memchr(err, '\0', sizeof(err)))
			abort();
		return;
	}
	policy_round_trip(&p);
	policy_free(&p);
}

static void fuzz_session(const char *text, size_t len)
{
	struct session_record rec, back;
	char *first = NULL, *second = NULL, err[SESSION_RECORD_ERR_MAX];
	size_t first_len = 0, second_len = 0;
	struct policy p;

	if (session_record_parse(text, len, &rec, err, sizeof(err)) != 0) {
		session_record_free(&rec);
		return;
	}
	if (!session_id_is_valid(rec.id) || !rec.user || !rec.service || rec.leader <= 0)
		abort();
	if (session_record_format(&rec, &first, &first_len) != 0)
		abort();
	if (session_record_parse(first, first_len, &back, err, sizeof(err)) != 0)
		abort();
	if (session_record_format(&back, &second, &second_len) != 0)
		abort();
	if (first_len != second_len || memcmp(first, second, first_len) != 0)
		abort();
	if (strcmp(rec.id, back.id) != 0 || rec.uid != back.uid || rec.leader != back.leader ||
	    rec.leader_start != back.leader_start || rec.started != back.started ||
	    rec.mount_namespace != back.mount_namespace || rec.cgroup_limits != back.cgroup_limits ||
	    rec.cgroups.count != back.cgroups.count || rec.policy_len != back.policy_len)
		abort();
	/* the policy inside: for the record's user, or refused */
	if (session_record_policy(&rec, &p, err, sizeof(err)) == 0) {
		if (p.uid != rec.uid || strcmp(p.user, rec.user) != 0)
			abort();
		policy_round_trip(&p);
		policy_free(&p);
	}
	session_record_free(&back);
	session_record_free(&rec);
	free(first);
	free(second);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	/* exact size, no NUL after it: the readers must go by the length */
	text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	fuzz_policy(text, size);
	fuzz_session(text, size);
	free(text);
	return 0;
}
