/* Root-side session open/close (see session_setup.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hosts.h"
#include "loader.h"
#include "logind.h"
#include "mountns.h"
#include "paths.h"
#include "procinfo.h"
#include "policy_text.h"
#include "session_env.h"
#include "session_setup.h"
#include "systemd_bus.h"
#include "util.h"

/* limits.X.processes, .memory and .cpu: three keys in a row in the table. */
_Static_assert(KEY_LIMITS_MEMORY == KEY_LIMITS_PROCESSES + 1 && KEY_LIMITS_CPU == KEY_LIMITS_PROCESSES + 2 &&
		       KEY_LIMITS_USER_MEMORY == KEY_LIMITS_USER_PROCESSES + 1 &&
		       KEY_LIMITS_USER_CPU == KEY_LIMITS_USER_PROCESSES + 2 &&
		       KEY_LIMITS_GROUP_MEMORY == KEY_LIMITS_GROUP_PROCESSES + 1 &&
		       KEY_LIMITS_GROUP_CPU == KEY_LIMITS_GROUP_PROCESSES + 2,
	       "limits keys come in processes, memory, cpu order");
static struct cgroup_limits limits_from(const struct policy *p, enum policy_key processes)
{
	struct cgroup_limits l = {
		.processes = policy_is_set(p, processes) ? p->number[processes] : 0,
		.memory = policy_is_set(p, processes + 1) ? p->number[processes + 1] : 0,
		.cpu_percent = policy_is_set(p, processes + 2) ? p->number[processes + 2] : 0,
	};

	if (l.memory == UINT64_MAX) /* "unlimited" */
		l.memory = 0;
	return l;
}

static int open_cgroup(const struct session_setup_request *req, struct session_setup *state, char *err, size_t errlen)
{
	const struct policy *p = req->policy;
	char group[CGROUP_GROUP_NAME_MAX] = "";
	struct cgroup_request cg = {
		.id = state->id,
		.pid = req->leader,
		.uid = p->uid,
		.user = p->user,
		.session = limits_from(p, KEY_LIMITS_PROCESSES),
		.user_limits = limits_from(p, KEY_LIMITS_USER_PROCESSES),
		.group_limits = limits_from(p, KEY_LIMITS_GROUP_PROCESSES),
		.group = group,
	};
	struct cgroup_layout layout;
	int r;

	r = policy_limit_group(p, group, sizeof(group));
	if (r == -EINVAL) {
		snprintf(err, errlen, "%s", group);
		return r;
	}
	if (r < 0)
		cg.group = NULL; /* no group level */
	r = cgroup_layout_detect(&layout);
	if (r == 0)
		r = cgroup_session_open(&layout, &cg, &state->cgroup);
	if (r == -EOPNOTSUPP)
		snprintf(
			err, errlen,
			"the policy sets limits.processes, .memory or .cpu (of the session, the user or the group) but this host has no cgroup controller for it; refusing to enforce less");
	else if (r == -ELIBACC)
		snprintf(err, errlen, "cannot set up the session's cgroup: cannot load %s to ask systemd for its scope",
			 SYSTEMD_BUS_LIBRARY);
	else if (r < 0)
		snprintf(err, errlen, "cannot set up the session's cgroup: %s", strerror(-r));
	return r;
}

static int write_hosts(const struct session_setup_request *req, struct session_setup *state, char *path, size_t pathlen,
		       char *err, size_t errlen)
{
	char *text = malloc(HOSTS_FILE_MAX);
	int dir = -1, fd = -1, r;

	if (!text)
		return -ENOMEM;
	r = hosts_file_text(req->policy, text, HOSTS_FILE_MAX);
	if (r == 0) {
		int run = session_record_dir_open(req->run_dir, true); /* makes run_dir safely */

		if (run >= 0)
			close(run);
		dir = open(req->run_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		r = dir < 0 ? -errno : 0;
	}
	if (r == 0 && mkdirat(dir, SESSION_HOSTS_SUBDIR, 0755) < 0 && errno != EEXIST)
		r = -errno;
	if (r == 0 &&
	    snprintf(path, pathlen, "%s/%s/%s", req->run_dir, SESSION_HOSTS_SUBDIR, state->id) >= (int)pathlen)
		r = -ENAMETOOLONG;
	if (r == 0) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		r = fd < 0 ? -errno : 0;
	}
	if (r == 0) {
		size_t len = strlen(text);

		state->hosts_written = true;
		if (write(fd, text, len) != (ssize_t)len || fchmod(fd, 0644) < 0)
			r = -EIO;
	}
	if (fd >= 0)
		close(fd);
	if (dir >= 0)
		close(dir);
	free(text);
	if (r < 0)
		snprintf(err, errlen, "cannot write the pinned hosts file: %s", strerror(-r));
	return r;
}

static int write_record(const struct session_setup_request *req, struct session_setup *state, char *err, size_t errlen)
{
	struct session_record rec;
	struct proc_stat st;
	int r;

	session_record_init(&rec);
	memcpy(rec.id, state->id, sizeof(rec.id));
	rec.user = req->policy->user;
	rec.uid = req->policy->uid;
	rec.service = (char *)req->service;
	rec.leader = req->leader;
	rec.started = (int64_t)time(NULL);
	rec.cgroup_limits = state->cgroup.limits;
	rec.landlock_abi_cap = req->landlock_abi_cap > 0 ? (unsigned)req->landlock_abi_cap : 0;
	r = proc_stat_read(req->leader, &st);
	if (r == 0) {
		rec.leader_start = st.start_time;
		if (mountns_needed(req->policy))
			r = proc_mount_namespace(req->leader, &rec.mount_namespace);
	}
	for (size_t i = 0; i < state->cgroup.count && r == 0; i++)
		r = strlist_append(&rec.cgroups, state->cgroup.dirs[i]);
	if (r == 0)
		r = policy_text_write(req->policy, &rec.policy_text, &rec.policy_len);
	if (r == 0)
		r = session_record_write(req->run_dir, &rec);
	if (r == 0)
		state->record_written = true;
	else
		snprintf(err, errlen, "cannot write the session record in %s: %s", req->run_dir, strerror(-r));
	free(rec.policy_text);
	strlist_free(&rec.cgroups);
	return r;
}

/* The groups the view's paths are looked up with, as the user: the ones
 * the policy was resolved with, else the user's through NSS (a caller
 * that resolved none). *owned: groups->groups is the caller's to free. */
static int view_groups(const struct session_setup_request *req, struct user_info *groups, bool *owned, char *err,
		       size_t errlen)
{
	const struct user_info *user = req->user;
	int r;

	*owned = false;
	if (user && user->groups_loaded && user->uid == req->policy->uid && user->gid == req->policy->gid) {
		*groups = *user;
		return 0;
	}
	*groups = (struct user_info){ .name = (char *)req->policy->user, .gid = req->policy->gid };
	r = groups->name ? user_info_load_groups(groups) : -EINVAL;
	if (r < 0)
		return set_err(err, errlen, r, "cannot look up the groups of %s: %s",
			       groups->name ? groups->name : "the user", strerror(-r));
	*owned = true;
	return 0;
}

/* The session's view of the filesystem (mountns.h), with corral's own
 * programs executable in it whatever fs.exec says: the daemon execs the
 * login shell there, and the shell its second stage and the helper. */
static int enter_namespace(const struct session_setup_request *req, struct session_setup *state, char *err,
			   size_t errlen)
{
	char hosts_path[512] = "";
	const char *programs[] = { CORRAL_SHELL_PATH, CORRAL_BINDIR "/" CORRAL_SESSION_NAME,
				   CORRAL_LIBEXECDIR "/corral", req->helper_path, NULL };
	struct mountns_plan plan = { .needed = false };
	struct user_info groups = { .name = NULL };
	bool own_groups = false;
	struct strlist loader;
	int r;

	strlist_init(&loader);
	r = mountns_needed(req->policy) && policy_is_set(req->policy, KEY_FS_EXEC) ? loader_trees(LOADER_CONF, &loader)
										   : 0;
	if (r == 0)
		r = mountns_plan(req->policy, &loader, &plan);
	strlist_free(&loader);
	if (r < 0) {
		snprintf(err, errlen, "cannot plan the session's mounts: %s", strerror(-r));
		return r;
	}
	if (plan.pin_hosts)
		r = write_hosts(req, state, hosts_path, sizeof(hosts_path), err, errlen);
	if (r == 0 && plan.needed)
		r = view_groups(req, &groups, &own_groups, err, errlen);
	if (r == 0) {
		struct mountns_request mreq = {
			.plan = &plan,
			.uid = req->policy->uid,
			.gid = req->policy->gid,
			.groups = groups.groups,
			.n_groups = groups.n_groups,
			.tmp_base = req->tmp_base,
			.hosts_file = hosts_path,
			.run_dir = req->run_dir,
			.programs = programs,
		};

		r = mountns_enter(&mreq, err, errlen);
	}
	if (own_groups)
		free(groups.groups);
	mountns_plan_free(&plan);
	if (r < 0 && !err[0])
		snprintf(err, errlen, "cannot set up the session's mounts: %s", strerror(-r));
	return r;
}

int session_setup_open(const struct session_setup_request *req, struct session_setup *state, char *err, size_t errlen)
{
	char failed[256];
	int r;

	memset(state, 0, sizeof(*state));
	err[0] = '\0';
	state->linger = req->policy->linger;
	if (snprintf(state->run_dir, sizeof(state->run_dir), "%s", req->run_dir) >= (int)sizeof(state->run_dir)) {
		snprintf(err, errlen, "run directory name too long");
		return -ENAMETOOLONG;
	}
	r = session_id_generate(state->id);
	if (r < 0) {
		snprintf(err, errlen, "cannot make a session id: %s", strerror(-r));
		return r;
	}
	if (hosts_resolve(req->policy, failed, sizeof(failed)))
		snprintf(state->warning, sizeof(state->warning),
			 "net.connect names that did not resolve (they allow nothing): %s", failed);
	r = open_cgroup(req, state, err, errlen);
	/* a session lingers only where logind would let it, too: an admin's
	 * KillUserProcesses=yes is not widened by session.linger */
	if (r == 0 && state->linger && state->cgroup.mode == CGROUP_SYSTEMD &&
	    logind_kills_processes_of(req->policy->user) == 1)
		state->linger = false;
	if (r == 0) {
		r = session_raise_hard_limits(req->policy);
		if (r < 0)
			snprintf(err, errlen, "cannot set resource limits: %s", strerror(-r));
	}
	if (r == 0) {
		/* the records' directory must be there before the view is made:
		 * it stays writable in it, for the record and its removal */
		int run = session_record_dir_open(req->run_dir, true);

		if (run < 0) {
			r = run;
			snprintf(err, errlen, "cannot make the session records' directory %s: %s", req->run_dir,
				 strerror(-r));
		} else {
			close(run);
			r = enter_namespace(req, state, err, errlen);
		}
	}
	if (r == 0)
		r = write_record(req, state, err, errlen);
	if (r < 0) {
		char ignored[SESSION_SETUP_ERR_MAX];

		/* a session that never opened has nothing that may linger: its
		 * cgroup goes too (the caller is moved out first) */
		state->linger = false;
		session_setup_close(state, ignored, sizeof(ignored));
	}
	return r;
}

/* A session cgroup is in use while its session has a record. */
static bool has_record(const char *id, void *data)
{
	char path[512];

	if (!session_id_is_valid(id))
		return true; /* not ours: leave it */
	snprintf(path, sizeof(path), "%s/%s/%s", (const char *)data, SESSION_RECORD_SUBDIR, id);
	return access(path, F_OK) == 0;
}

/* Lingering sessions leave their cgroups when their processes end; the
 * next logout removes the empty ones. */
static void collect_lingered(const char *run_dir)
{
	struct cgroup_layout layout;

	if (cgroup_layout_detect(&layout) == 0)
		cgroup_collect_lingered(&layout, has_record, (void *)run_dir);
}

int session_setup_close(struct session_setup *state, char *err, size_t errlen)
{
	int r = 0, e;

	err[0] = '\0';
	if (state->record_written) {
		e = session_record_remove(state->run_dir, state->id);
		if (e < 0 && e != -ENOENT) {
			r = e;
			snprintf(err, errlen, "cannot remove the session record: %s", strerror(-e));
		}
		state->record_written = false;
	}
	if (state->hosts_written) {
		char path[512];

		snprintf(path, sizeof(path), "%s/%s/%s", state->run_dir, SESSION_HOSTS_SUBDIR, state->id);
		unlink(path);
		state->hosts_written = false;
	}
	e = cgroup_session_close(&state->cgroup, state->linger);
	collect_lingered(state->run_dir);
	if (e < 0 && r == 0) {
		r = e;
		snprintf(err, errlen, "%s",
			 e == -EBUSY ? "some processes of the session survived the kill"
				     : "cannot remove the session's cgroup");
	}
	return r;
}
