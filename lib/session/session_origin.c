/* Where a login's policy comes from: the session record pam_corral wrote,
 * verified, or the config; and what confinement needs root to have done. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "mountns.h"
#include "policy_load.h"
#include "procinfo.h"
#include "session_origin.h"
#include "session_record.h"

/* A limit key that limits: set, and not "unlimited". */
static bool limits_something(const struct policy *p, enum policy_key key)
{
	return policy_is_set(p, key) && p->number[key] != UINT64_MAX;
}

int session_requirements_check(const struct policy *p, const struct session_spec *spec, char *err, size_t errlen)
{
	if (!p->confine || spec->nested)
		return 0;
	if (mountns_required(p) && !spec->namespace_ready) {
		snprintf(
			err, errlen,
			"this policy (%s) needs the session mount namespace that pam_corral makes at login; is pam_corral in this service's PAM stack?",
			policy_is_set(p, KEY_FS_EXEC) ? "fs.exec"
				: p->private_tmp      ? "fs.private_tmp"
						      : "net.pin_hosts");
		return -EOPNOTSUPP;
	}
	if (limits_something(p, KEY_LIMITS_MEMORY) && !(spec->cgroup_limits & CGROUP_LIMIT_MEMORY)) {
		snprintf(err, errlen, "limits.memory needs the session cgroup that pam_corral makes at login");
		return -EOPNOTSUPP;
	}
	if (policy_is_set(p, KEY_LIMITS_CPU) && !(spec->cgroup_limits & CGROUP_LIMIT_CPU)) {
		snprintf(err, errlen, "limits.cpu needs the session cgroup that pam_corral makes at login");
		return -EOPNOTSUPP;
	}
	for (enum policy_key k = KEY_LIMITS_USER_PROCESSES; k <= KEY_LIMITS_GROUP_CPU; k++)
		if (limits_something(p, k) && !(spec->cgroup_limits & CGROUP_LIMIT_SHARED)) {
			snprintf(err, errlen, "%s needs the shared cgroup levels that pam_corral makes at login",
				 key_info(k)->name);
			return -EOPNOTSUPP;
		}
	return 0;
}

/* The record's checks beyond the file itself: whose it is and whether its
 * session is the one this process belongs to. */
static int verify_record(const struct session_record *rec, const struct user_info *user, char *why, size_t whylen)
{
	if (rec->uid != user->uid || strcmp(rec->user, user->name) != 0) {
		snprintf(why, whylen, "session record %s belongs to another user", rec->id);
		return -EPERM;
	}
	if (!session_record_is_live(rec)) {
		snprintf(why, whylen, "session record %s is stale (its session is gone)", rec->id);
		return -ESRCH;
	}
	if (!proc_is_ancestor(rec->leader, rec->leader_start, getpid())) {
		snprintf(why, whylen, "session record %s is of another session", rec->id);
		return -EPERM;
	}
	return 0;
}

/* user->name NULL: the record's name, when the record is for user->uid. */
static int from_record(const char *id, struct user_info *user, struct policy *out, struct session_spec *spec, char *why,
		       size_t whylen)
{
	struct session_record rec;
	uint64_t own_namespace = 0;
	int r;

	why[0] = '\0';
	r = session_record_read(SESSION_RUN_DIR, id, &rec, why, whylen);
	if (r < 0)
		return r;
	r = 0;
	if (!user->name && rec.uid == user->uid) {
		user->name = strdup(rec.user);
		if (!user->name) {
			snprintf(why, whylen, "out of memory");
			r = -ENOMEM;
		}
	}
	if (r == 0 && !user->name) {
		snprintf(why, whylen, "session record %s belongs to another user", rec.id);
		r = -EPERM;
	}
	if (r == 0)
		r = verify_record(&rec, user, why, whylen);
	if (r == 0)
		r = session_record_policy(&rec, out, why, whylen);
	if (r == 0) {
		spec->session_id = id;
		spec->landlock_abi_cap = (int)rec.landlock_abi_cap;
		/* limits that another PAM module took us out of (pam_systemd
		 * after pam_corral moves the login to logind's scope) are not in
		 * force: the checks below then refuse what needs them */
		spec->cgroup_limits = rec.cgroups.count == 0 || cgroup_holds_pid(rec.cgroups.items[0], getpid()) == 1
			? rec.cgroup_limits
			: 0;
		spec->namespace_ready = rec.mount_namespace != 0 && proc_mount_namespace(0, &own_namespace) == 0 &&
			own_namespace == rec.mount_namespace;
	}
	session_record_free(&rec);
	return r;
}

int session_policy_load(const char *config_path, const struct user_info *user, struct policy *out, char *err,
			size_t errlen)
{
	struct policy_load_status status;
	int r = policy_load_for_user(config_path, user, 0, out, &status);

	if (status.failed == POLICY_LOAD_CONFIG) {
		snprintf(err, errlen, "no valid policy (%s); ask your administrator",
			 status.reason[0] ? status.reason : "out of memory");
		return -EINVAL;
	}
	if (status.failed == POLICY_LOAD_RESOLVE)
		snprintf(err, errlen, "cannot resolve the policy: %s", status.reason);
	return r;
}

int session_policy_from_record(const char *session_id, uid_t uid, struct user_info *user, struct policy *out,
			       struct session_spec *spec, char *why, size_t whylen)
{
	int r;

	memset(user, 0, sizeof(*user));
	user->uid = uid;
	if (!session_id || !*session_id) {
		snprintf(why, whylen, "no session record");
		return -ENOENT;
	}
	r = from_record(session_id, user, out, spec, why, whylen);
	if (r < 0)
		user_info_free(user);
	return r;
}

int session_policy_for_login(const char *session_id, struct user_info *user, struct policy *out,
			     struct session_spec *spec, char *err, size_t errlen, char *note, size_t notelen)
{
	int r;

	note[0] = '\0';
	if (session_id && *session_id) {
		char why[SESSION_RECORD_ERR_MAX];

		if (from_record(session_id, user, out, spec, why, sizeof(why)) == 0)
			return 0;
		snprintf(note, notelen, "%s", why);
	}
	/* the config decides by groups: ask NSS for them now */
	r = user_info_load_groups(user);
	if (r < 0) {
		snprintf(err, errlen, "cannot look up the groups of this account");
		return r;
	}
	return session_policy_load(NULL, user, out, err, errlen);
}
