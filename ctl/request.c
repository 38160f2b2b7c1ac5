/* corralctl request (any user, inside a session too), and requests,
 * approve and refuse (root): a user asks for a grant through the spool,
 * root answers; only approve makes a grant. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "grant_ctl.h"
#include "log.h"
#include "requests.h"
#include "users.h"

static void report_request(const char *file, const char *why, void *data)
{
	(void)data;
	fprintf(stderr, "corralctl: skipping %s: %s\n", file, why);
	corral_log(LOG_WARNING, "event=request-refused target=%s reason=\"%s\"", file, why);
}

/* The user's side: parse, check as a grant would be checked, file. */
int ctl_request(int argc, char **argv)
{
	const char *usage = "usage: corralctl request KEY +VALUE... --for DURATION 'REASON'\n";
	char id[GRANT_ID_MAX], err[REQUEST_ERR_MAX], why[CTL_LOG_FIELD_MAX], text[CTL_VALUES_TEXT_MAX];
	const char *duration, *reason;
	struct user_info user;
	struct request req;
	int npos, r, status = CTL_EXIT_INVALID;
	char **pos = calloc((size_t)argc, sizeof(*pos));

	memset(&req, 0, sizeof(req));
	strlist_init(&req.values);
	if (!pos)
		return CTL_EXIT_INVALID;
	r = ctl_grant_args(argc, argv, pos, &npos, &duration, &reason);
	/* the reason: --reason TEXT, or the last argument that is no +VALUE */
	if (r == 0 && !reason && npos >= 3 && pos[npos - 1][0] != '+')
		reason = pos[--npos];
	if (r < 0 || npos < 2 || !duration || !reason || !reason[0]) {
		fputs(usage, stderr);
		status = CTL_EXIT_USAGE;
		goto out;
	}
	if (!grant_text_is_valid(reason)) {
		fprintf(stderr, "corralctl: the reason is too long or has control characters\n");
		status = CTL_EXIT_USAGE;
		goto out;
	}
	if (grant_key_parse(pos[0], &req.key, err, sizeof(err)) < 0) {
		fprintf(stderr, "corralctl: %s\n", err);
		status = CTL_EXIT_USAGE;
		goto out;
	}
	for (int i = 1; i < npos; i++) {
		if (ctl_grant_value(req.key, pos[i], &req.values) < 0) {
			status = CTL_EXIT_USAGE;
			goto out;
		}
	}
	if (ctl_grant_duration(duration, &req.duration) < 0) {
		status = CTL_EXIT_USAGE;
		goto out;
	}
	req.reason = (char *)reason;
	r = request_file(NULL, getuid(), &req, time(NULL), id, sizeof(id), err, sizeof(err));
	req.reason = NULL;
	if (r < 0) {
		fprintf(stderr, "corralctl: cannot file the request: %s\n",
			r == -ENOENT ? "there is no request spool (" REQUESTS_DIR ") on this host" : err);
		goto out;
	}
	printf("%s\n", id);
	fprintf(stderr, "corralctl: request %s filed; root answers with corralctl approve or refuse\n", id);
	r = user_info_by_uid_basic(getuid(), &user);
	ctl_values_text(&req.values, "", text, sizeof(text));
	ctl_log_text(text, text, sizeof(text));
	ctl_log_text(reason, why, sizeof(why));
	corral_log(LOG_NOTICE, "event=request id=%s user=%s key=%s value=\"%s\" for=%s reason=\"%s\"", id,
		   r == 0 ? user.name : "?", key_info(req.key)->name, text, duration, why);
	if (r == 0)
		user_info_free(&user);
	status = CTL_EXIT_OK;
out:
	request_free(&req);
	free(pos);
	return status;
}

/* The spool (made when missing) and what can be trusted in it. */
static int load(struct request_set *set)
{
	char err[REQUEST_ERR_MAX];
	int r = requests_dir_ensure(NULL, err, sizeof(err));

	if (r < 0) {
		fprintf(stderr, "corralctl: %s\n", err);
		return r;
	}
	r = requests_load(NULL, set, report_request, NULL);
	if (r < 0)
		fprintf(stderr, "corralctl: cannot read %s: %s\n", REQUESTS_DIR, strerror(-r));
	return r;
}

int ctl_requests(int argc, char **argv)
{
	char values[CTL_VALUES_TEXT_MAX], duration[CTL_TIME_TEXT_MAX];
	struct request_set set;

	(void)argv;
	if (argc != 1) {
		fputs("usage: corralctl requests\n", stderr);
		return CTL_EXIT_USAGE;
	}
	if (ctl_need_root("list the requests") < 0 || load(&set) < 0)
		return CTL_EXIT_INVALID;
	for (size_t i = 0; i < set.count; i++) {
		const struct request *req = &set.items[i];

		ctl_values_text(&req->values, "", values, sizeof(values));
		ctl_duration_text(req->duration, duration, sizeof(duration));
		printf("%s %s %s %s %s %s\n", req->id, req->user, key_info(req->key)->name, values, duration,
		       req->reason);
	}
	request_set_free(&set);
	return CTL_EXIT_OK;
}

/* A request of the set by id, or a line saying why there is none. */
static const struct request *find(const struct request_set *set, const char *id)
{
	const struct request *req = request_set_find(set, id);
	uid_t uid;

	if (!req)
		fprintf(stderr, "corralctl: %s\n",
			request_id_parse(id, &uid) ? "no such request (or one that cannot be trusted: see above)"
						   : "not a request id (rUID-N)");
	return req;
}

int ctl_approve(int argc, char **argv)
{
	char by[CTL_WHO_MAX], gid[GRANT_ID_MAX], approver[CTL_WHO_MAX + GRANT_ID_MAX + 16], why[CTL_LOG_FIELD_MAX];
	const char *duration, *reason;
	const struct request *req;
	struct request_set set;
	uint64_t seconds;
	char *pos[4];
	int npos = 0, status = CTL_EXIT_INVALID;

	if (argc > 4 || ctl_grant_args(argc, argv, pos, &npos, &duration, &reason) < 0 || npos != 1 || reason) {
		fputs("usage: corralctl approve ID [--for DURATION]\n", stderr);
		return CTL_EXIT_USAGE;
	}
	if (duration && ctl_grant_duration(duration, &seconds) < 0)
		return CTL_EXIT_USAGE;
	if (ctl_need_root("approve a request") < 0 || load(&set) < 0)
		return CTL_EXIT_INVALID;
	req = find(&set, pos[0]);
	if (!req)
		goto out;
	if (!duration)
		seconds = req->duration;
	ctl_who(by, sizeof(by));
	snprintf(approver, sizeof(approver), "%s, approving %s", by, req->id);
	if (ctl_grant_create(req->user, req->key, &req->values, seconds, approver, req->reason, gid, sizeof(gid)) < 0)
		goto out;
	if (request_remove(NULL, req->id) < 0)
		fprintf(stderr, "corralctl: warning: cannot remove request %s\n", req->id);
	ctl_log_text(by, why, sizeof(why));
	corral_log(LOG_NOTICE, "event=approve id=%s user=%s key=%s grant=%s by=\"%s\"", req->id, req->user,
		   key_info(req->key)->name, gid, why);
	puts(gid);
	status = CTL_EXIT_OK;
out:
	request_set_free(&set);
	return status;
}

int ctl_refuse(int argc, char **argv)
{
	char by[CTL_WHO_MAX], who[CTL_LOG_FIELD_MAX], why[CTL_LOG_FIELD_MAX];
	const char *duration, *reason;
	const struct request *req;
	struct request_set set;
	char *pos[4];
	int npos = 0, r, status = CTL_EXIT_INVALID;

	if (argc > 4 || ctl_grant_args(argc, argv, pos, &npos, &duration, &reason) < 0 || npos != 1 || duration) {
		fputs("usage: corralctl refuse ID [--reason TEXT]\n", stderr);
		return CTL_EXIT_USAGE;
	}
	if (ctl_need_root("refuse a request") < 0 || load(&set) < 0)
		return CTL_EXIT_INVALID;
	req = find(&set, pos[0]);
	if (!req)
		goto out;
	r = request_remove(NULL, req->id);
	if (r < 0) {
		fprintf(stderr, "corralctl: cannot remove request %s: %s\n", req->id, strerror(-r));
		goto out;
	}
	ctl_who(by, sizeof(by));
	ctl_log_text(by, who, sizeof(who));
	ctl_log_text(reason ? reason : "", why, sizeof(why));
	corral_log(LOG_NOTICE, "event=refuse id=%s user=%s key=%s by=\"%s\" reason=\"%s\"", req->id, req->user,
		   key_info(req->key)->name, who, why);
	printf("refused %s (%s %s)\n", req->id, req->user, key_info(req->key)->name);
	status = CTL_EXIT_OK;
out:
	request_set_free(&set);
	return status;
}
