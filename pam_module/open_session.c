/* pam_corral's open and close (see open_session.h). */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "beside.h"
#include "confine.h"
#include "keeper.h"
#include "landlock.h"
#include "layers.h"
#include "mountns.h"
#include "open_session.h"
#include "open_sessions.h"
#include "paths.h"
#include "policy.h"
#include "policy_load.h"
#include "sandbox.h"
#include "service_rules.h"
#include "session_env.h"
#include "users.h"
#include "util.h"

#define REASON_MAX 768
#define SECTIONS_MAX 512

static bool is_corral_shell(const char *shell)
{
	char a[PATH_MAX], b[PATH_MAX];

	if (strcmp(shell, CORRAL_SHELL_PATH) == 0)
		return true;
	return realpath(shell, a) && realpath(CORRAL_SHELL_PATH, b) && strcmp(a, b) == 0;
}

/* "[default] [group:students]" from the origins "[x] file:line". */
static void section_names(const struct policy *p, char *out, size_t outlen)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < p->sections.count && len + 1 < outlen; i++) {
		const char *s = p->sections.items[i];
		int n = snprintf(out + len, outlen - len, "%s%.*s", i ? "," : "", (int)strcspn(s, " "), s);

		if (n < 0)
			break;
		len += (size_t)n;
	}
}

/* /proc/self/cmdline of the daemon (su, runuser). */
static int read_cmdline(char *buf, size_t buflen, size_t *len)
{
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC), r;
	size_t got = 0;

	if (fd < 0)
		return -errno;
	r = read_all(fd, buf, buflen, &got);
	close(fd);
	*len = got;
	return got == buflen ? -E2BIG : r;
}

static int refuse(const struct open_request *req, int error, const char *rule, const char *reason)
{
	req->log(req->context, LOG_ERR,
		 "user=%s event=refused op=open_session service=%s rule=%s errno=%d reason=\"%s\"", req->user,
		 req->service, rule, -error, reason);
	return error;
}

/* -ENOENT becomes PAM_USER_UNKNOWN (pam_corral.c): only the user lookup may
 * say that; a missing file or directory later on is a session error (the
 * log line keeps the real errno). */
static int not_user_unknown(int r)
{
	return r == -ENOENT ? -EIO : r;
}

/* Would this session start without corral-shell (and so unconfined)? */
static int check_entry(const struct open_request *req, const struct policy *p, const struct user_info *user,
		       bool *direct)
{
	enum service_kind kind = service_kind_of(req->service);
	char reason[REASON_MAX];

	*direct = kind == SERVICE_DIRECT;
	if (!service_allowed(policy_list(p, KEY_SERVICES), policy_is_set(p, KEY_SERVICES), req->service)) {
		snprintf(reason, sizeof(reason), "PAM service '%s' is not in this policy's services%s", req->service,
			 policy_is_set(p, KEY_SERVICES)
				 ? ""
				 : " (without a services key only login-shell services are allowed)");
		return refuse(req, -EPERM, "services", reason);
	}
	if (kind == SERVICE_SU) {
		char *cmdline = malloc(SERVICE_CMDLINE_MAX);
		const char *why = NULL;
		size_t len = 0;
		int r = cmdline ? read_cmdline(cmdline, SERVICE_CMDLINE_MAX, &len) : -ENOMEM;
		bool runuser = strcmp(req->service, "runuser") == 0 || strcmp(req->service, "runuser-l") == 0;
		bool overrides = r == 0 && service_su_overrides_shell(cmdline, len, runuser, &why);

		free(cmdline);
		if (r < 0)
			return refuse(req, r, "shell", "cannot read the command line of su/runuser");
		if (overrides) {
			snprintf(reason, sizeof(reason), "%s %s would not start the login shell corral-shell",
				 req->service, why);
			return refuse(req, -EPERM, "shell", reason);
		}
	}
	if (!*direct && !is_corral_shell(user->shell)) {
		snprintf(reason, sizeof(reason), "login shell %s is not %s", user->shell, CORRAL_SHELL_PATH);
		return refuse(req, -EPERM, "shell", reason);
	}
	return 0;
}

/* limits.sessions, before anything of this session exists (its record
 * would count itself). Two logins at the same instant may both pass. */
static int check_open_sessions(const struct open_request *req, const struct policy *p)
{
	uint64_t limit = p->number[KEY_LIMITS_SESSIONS];
	char reason[REASON_MAX], message[REASON_MAX];
	struct session_seen *seen = NULL;
	size_t n = 0, open = 0;
	bool allowed;
	int r;

	if (!policy_is_set(p, KEY_LIMITS_SESSIONS))
		return 0;
	r = open_sessions_read(req->args.run_dir, &seen, &n);
	if (r < 0)
		return refuse(req, r, "limits.sessions", "cannot count the user's open sessions");
	allowed = open_sessions_allow_one_more(seen, n, p->uid, limit, &open);
	free(seen);
	if (allowed)
		return 0;
	if (limit == 0)
		snprintf(message, sizeof(message), "corral: %s may not open sessions on this host.", req->user);
	else
		snprintf(message, sizeof(message),
			 "corral: too many open sessions for %s (%zu open, at most %" PRIu64 " at once).", req->user,
			 open, limit);
	if (req->tell)
		req->tell(req->context, message);
	snprintf(reason, sizeof(reason), "open sessions: %zu, at most %" PRIu64 " at once", open, limit);
	return refuse(req, -EPERM, "limits.sessions", reason);
}

/* corral-helper beside this module (a build tree, tests), else the
 * installed one: the module's own directory is root's. */
static void helper_beside_module(char *out, size_t outlen)
{
	Dl_info info;
	bool known = dladdr((void *)helper_beside_module, &info) && info.dli_fname;

	program_beside(known ? info.dli_fname : NULL, CORRAL_HELPER_NAME, CORRAL_HELPER_PATH, out, outlen);
}

/* Services that do not run the login shell: the calling process itself is
 * confined; a keeper starts corral-helper on its notification fd and closes
 * the session when the process ends. */
static int confine_caller(const struct open_request *req, struct module_session *s, const struct policy *p,
			  struct sandbox_plan *plan, int abi, const char *helper)
{
	char reason[REASON_MAX];
	struct keeper_request keeper = {
		.setup = &s->setup, .policy = p, .leader = getpid(), .helper_path = helper, .service = req->service
	};
	int listener = -1, channel = -1, r;

	r = keeper_start(&keeper, &channel);
	if (r < 0)
		return refuse(req, r, "confine", "cannot start the session keeper");
	s->keeper_owns_cleanup = true;
	/* this process is the session: it gets the session's limits itself */
	r = session_apply_rlimits(p, s->setup.cgroup.limits & CGROUP_LIMIT_PROCESSES);
	if (r < 0) {
		close(channel);
		return refuse(req, r, "confine", "cannot set the session's resource limits");
	}
	r = confine_process(plan, abi, false, &listener, reason, sizeof(reason));
	if (r < 0) {
		close(channel);
		return refuse(req, r, "confine", reason);
	}
	r = keeper_hand_over(channel, listener);
	close(channel);
	if (listener >= 0)
		close(listener);
	if (r < 0)
		return refuse(req, r, "confine", "corral-helper could not be started for this session");
	return 0;
}

static int open_confined(const struct open_request *req, struct policy *p, const struct user_info *user)
{
	char helper[PATH_MAX];
	struct session_setup_request setup = {
		.policy = p,
		.service = req->service,
		.leader = getpid(),
		.run_dir = req->args.run_dir,
		.tmp_base = req->args.tmp_base,
		.helper_path = helper,
		.landlock_abi_cap = req->args.landlock_abi,
		.user = user,
	};
	char reason[SESSION_SETUP_ERR_MAX], sections[SECTIONS_MAX];
	struct module_session *s = NULL;
	struct sandbox_plan plan;
	bool direct, planned = false;
	int r, abi = 0;

	r = check_entry(req, p, user, &direct);
	if (r < 0)
		return r;
	r = check_open_sessions(req, p);
	if (r < 0)
		return r;
	helper_beside_module(helper, sizeof(helper));
	if (direct) {
		struct host_layers host;

		host_layers_probe(req->args.landlock_abi, mountns_needed(p), true, &host);
		abi = host.landlock.abi;
		r = sandbox_plan(p, &host, &plan, reason, sizeof(reason));
		if (r < 0)
			return refuse(req, r, "confine", reason);
		planned = true;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		r = refuse(req, -ENOMEM, "confine", "out of memory");
		goto out;
	}
	snprintf(s->user, sizeof(s->user), "%s", req->user);
	r = session_setup_open(&setup, &s->setup, reason, sizeof(reason));
	if (r < 0) {
		r = refuse(req, r, "setup", reason);
		goto out;
	}
	if (s->setup.warning[0])
		req->log(req->context, LOG_WARNING, "user=%s session=%s event=warning reason=\"%s\"", req->user,
			 s->setup.id, s->setup.warning);
	r = direct ? confine_caller(req, s, p, &plan, abi, helper) : 0;
	if (r == 0) {
		r = req->keep(req->context, s);
		if (r < 0)
			refuse(req, r, "setup", "cannot keep the session's state");
	}
	if (r < 0) {
		if (!s->keeper_owns_cleanup) {
			s->setup.linger = false; /* refused: nothing of it may outlive this */
			session_setup_close(&s->setup, reason, sizeof(reason));
		}
		goto out;
	}
	section_names(p, sections, sizeof(sections));
	req->log(req->context, LOG_INFO, "user=%s session=%s event=session-open service=%s sections=%s%s", req->user,
		 s->setup.id, req->service, sections, direct ? " op=confine-caller" : "");
	s = NULL; /* kept by the PAM handle now */
out:
	free(s);
	if (planned)
		sandbox_plan_free(&plan);
	return r;
}

int open_session(const struct open_request *req)
{
	struct policy_load_status status;
	struct user_info user;
	struct policy policy;
	int r;

	for (size_t i = 0; i < req->args.n_unknown; i++)
		req->log(req->context, LOG_WARNING,
			 "event=bad-argument target=\"%s\" reason=\"unknown argument, ignored\"", req->args.unknown[i]);
	if (req->args.invalid)
		req->log(
			req->context, LOG_WARNING,
			"event=bad-argument target=\"%s\" reason=\"a bad value (paths must be absolute, landlock_abi a number), ignored\"",
			req->args.invalid);
	r = user_info_by_name(req->user, &user);
	if (r < 0)
		return refuse(req, r, "user", r == -ENOENT ? "no such user" : "cannot look up the user (NSS)");
	r = policy_load_for_user(req->args.config, &user, POLICY_LOAD_EXEMPT_FIRST, &policy, &status);
	if (status.exempt == 1) {
		if (r == 0)
			policy_free(&policy);
		if (req->args.debug)
			req->log(req->context, LOG_DEBUG, "user=%s event=exempt service=%s", req->user, req->service);
		r = 0;
		goto out;
	}
	if (status.failed == POLICY_LOAD_EXEMPT_LOOKUP) {
		r = not_user_unknown(refuse(req, r, "exempt_groups", "cannot look up the exempt groups (NSS)"));
		goto out;
	}
	if (r < 0) {
		r = not_user_unknown(refuse(
			req, r, "config",
			status.reason[0] ? status.reason : "the configuration could not be loaded (out of memory)"));
		goto out;
	}
	if (policy.confine) {
		r = not_user_unknown(open_confined(req, &policy, &user));
	} else if (req->args.debug) {
		req->log(req->context, LOG_DEBUG, "user=%s event=not-confined service=%s", req->user, req->service);
	}
	policy_free(&policy);
out:
	user_info_free(&user);
	return r;
}

void close_session(struct module_session *s, module_log_fn log, void *context, bool debug)
{
	char reason[SESSION_SETUP_ERR_MAX];
	int r;

	if (s->keeper_owns_cleanup) {
		if (debug)
			log(context, LOG_DEBUG, "user=%s session=%s event=session-close op=keeper", s->user,
			    s->setup.id);
		return;
	}
	r = session_setup_close(&s->setup, reason, sizeof(reason));
	if (r < 0)
		log(context, LOG_ERR, "user=%s session=%s event=session-close errno=%d reason=\"%s\"", s->user,
		    s->setup.id, -r, reason);
	else
		log(context, LOG_INFO, "user=%s session=%s event=session-close", s->user, s->setup.id);
}
