/* corralctl audit: the ways around corral on this host for the users it
 * confines, one finding per line with its fix; exit 0 none, 1 some. */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "ctl.h"
#include "landlock.h"
#include "paths.h"
#include "pathutil.h"
#include "policy.h"
#include "mountns.h"
#include "layers.h"
#include "sandbox.h"
#include "users.h"
#include "util.h"

#define AUDIT_USAGE "usage: corralctl audit [-c FILE] [-s SSHD_CONFIG] [-p PAM_DIR]\n"
#define AUDIT_PAM_DIR "/etc/pam.d"
#define AUDIT_LINGER_DIR "/var/lib/systemd/linger"
/* the package's drop-in, and where an admin would put one */
#define AUDIT_USER_MANAGER_DROPIN "/usr/lib/systemd/system/user@.service.d/corral.conf"
#define AUDIT_USER_MANAGER_DROPIN_ETC "/etc/systemd/system/user@.service.d/corral.conf"
/* a finding names this many users, then says how many more */
#define AUDIT_USERS_SHOWN 8

/* The services a confined user can open a session through. */
static const char *const pam_services[] = {
	"sshd", "login", "su", "su-l", "runuser", "runuser-l", "cron", "systemd-user",
};

/* One finding, with every user it applies to (none: the host as a whole):
 * the same problem for 200 students is one line, not 200. */
struct finding {
	char *what;
	char *fix;
	struct strlist users;
};

struct findings {
	struct finding *items;
	size_t count;
	bool out_of_memory; /* a finding was lost: still exit 1 */
};

struct audit {
	const struct config *config;
	const char *config_path;
	const char *sshd_config;
	const char *pamdir;
	struct findings findings;
	size_t n_confined;
	size_t n_logging;        /* confined users with log.denials = yes */
	bool sshd_missing;       /* said once, then the sshd checks are skipped */
	struct host_layers host; /* what this kernel enforces, as a login would see it */
};

static struct finding *finding_find(struct findings *f, const char *what, const char *fix)
{
	for (size_t i = 0; i < f->count; i++)
		if (strcmp(f->items[i].what, what) == 0 && strcmp(f->items[i].fix, fix) == 0)
			return &f->items[i];
	return NULL;
}

static void finding_add(struct findings *f, const char *user, const char *what, const char *fix)
{
	struct finding *item = finding_find(f, what, fix), *items;

	if (!item) {
		items = realloc(f->items, (f->count + 1) * sizeof(*items));
		if (!items)
			goto oom;
		f->items = items;
		item = &f->items[f->count];
		item->what = strdup(what);
		item->fix = strdup(fix);
		strlist_init(&item->users);
		if (!item->what || !item->fix) {
			free(item->what);
			free(item->fix);
			goto oom;
		}
		f->count++;
	}
	if (user && !strlist_contains(&item->users, user) && strlist_append(&item->users, user) < 0)
		goto oom;
	return;
oom:
	f->out_of_memory = true;
}

static void findings_free(struct findings *f)
{
	for (size_t i = 0; i < f->count; i++) {
		free(f->items[i].what);
		free(f->items[i].fix);
		strlist_free(&f->items[i].users);
	}
	free(f->items);
	memset(f, 0, sizeof(*f));
}

static void print_finding(const struct finding *item)
{
	const struct strlist *users = &item->users;

	fputs("audit: ", stdout);
	if (users->count) {
		printf("user%s ", users->count == 1 ? "" : "s");
		for (size_t i = 0; i < users->count && i < AUDIT_USERS_SHOWN; i++)
			printf("%s%s", i ? ", " : "", users->items[i]);
		if (users->count > AUDIT_USERS_SHOWN)
			printf(" and %zu more", users->count - AUDIT_USERS_SHOWN);
		fputs(": ", stdout);
	}
	printf("%s \xe2\x80\x94 fix: %s\n", item->what, item->fix);
}

struct sshd_report {
	struct audit *audit;
	const char *user;
};

static void report_sshd(void *ctx, const char *what, const char *fix)
{
	const struct sshd_report *rep = ctx;

	finding_add(&rep->audit->findings, rep->user, what, fix);
}

/* (a) what sshd's effective configuration for this user lets through */
static void check_sshd(struct audit *a, const char *user)
{
	struct sshd_report rep = { .audit = a, .user = user };
	char err[AUDIT_TEXT_MAX];
	char *output = NULL;
	int r;

	if (a->sshd_missing)
		return;
	r = audit_sshd_run(a->sshd_config, user, &output, err, sizeof(err));
	if (r == -ENOENT) {
		fprintf(stderr, "corralctl audit: %s is not installed: skipping the sshd checks\n", AUDIT_SSHD_PATH);
		a->sshd_missing = true;
		return;
	}
	if (r < 0) {
		char what[2 * AUDIT_TEXT_MAX];

		snprintf(what, sizeof(what), "cannot read sshd's effective configuration (sshd -T: %s)", err);
		finding_add(&a->findings, user, what, "make `sshd -t` pass (as root), then run corralctl audit again");
		return;
	}
	audit_sshd_evaluate(output, report_sshd, &rep);
	free(output);
}

/* (b) the login shell is what confines the login services */
static void check_shell(struct audit *a, const struct user_info *user)
{
	char what[2 * AUDIT_TEXT_MAX];

	if (strcmp(user->shell, CORRAL_SHELL_PATH) == 0)
		return;
	snprintf(
		what, sizeof(what),
		"confined, but the login shell is %s, not %s: pam_corral refuses their logins, and a service without pam_corral runs that shell unconfined",
		user->shell, CORRAL_SHELL_PATH);
	finding_add(&a->findings, user->name, what, "chsh -s " CORRAL_SHELL_PATH " USER");
}

/* (d) a lingering systemd user manager runs the user's services outside
 * any session, unless the package's drop-in skips it for confined users */
static void check_linger(struct audit *a, const struct user_info *user, const struct policy *policy)
{
	char path[PATHUTIL_PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", AUDIT_LINGER_DIR, user->name);
	if (access(path, F_OK) < 0)
		return;
	if (access(AUDIT_USER_MANAGER_DROPIN, F_OK) == 0 || access(AUDIT_USER_MANAGER_DROPIN_ETC, F_OK) == 0)
		return; /* skipped, or confined when services lists systemd-user */
	(void)policy;
	finding_add(
		&a->findings, user->name,
		"lingering is enabled (" AUDIT_LINGER_DIR
		"/USER) and user@.service has no corral drop-in: systemd runs their user manager and its services outside any corral session",
		"reinstall the corral package (its user@.service drop-in skips a confined user's manager), or loginctl disable-linger USER");
}

/* (e) a policy key this kernel has no layer for (its sessions are
 * refused), as the session would decide it */
static void check_kernel(struct audit *a, const struct policy *policy)
{
	char err[SANDBOX_ERR_MAX], what[SANDBOX_ERR_MAX + 128];
	struct sandbox_plan plan;
	int r = sandbox_plan(policy, &a->host, &plan, err, sizeof(err));

	if (r == 0) {
		sandbox_plan_free(&plan);
		return;
	}
	if (r != -EOPNOTSUPP) {
		snprintf(what, sizeof(what), "cannot plan the confinement of their sessions: %s", strerror(-r));
		finding_add(&a->findings, policy->user, what,
			    "run corralctl explain USER and corralctl run -u USER -- true");
		return;
	}
	snprintf(what, sizeof(what), "no layer on this kernel enforces their policy (%s): their sessions are refused",
		 err);
	finding_add(&a->findings, policy->user, what,
		    "boot a kernel with Landlock (in the lsm= list), or drop that key from the policy");
}

/* One user: resolved, skipped unless confined, then each per-user check. */
static void check_user(struct audit *a, const char *name)
{
	char err[POLICY_ERR_MAX], what[POLICY_ERR_MAX + 128];
	struct user_info user;
	struct policy policy;
	int r;

	r = user_info_by_name(name, &user);
	if (r < 0) {
		if (r != -ENOENT) {
			snprintf(what, sizeof(what), "cannot look the user up (%s): not checked", strerror(-r));
			finding_add(&a->findings, name, what, "fix the name service (getent passwd USER)");
		}
		return;
	}
	r = policy_resolve(a->config, &user, &policy, err, sizeof(err));
	if (r < 0) {
		snprintf(what, sizeof(what),
			 "cannot resolve their policy (%s): their sessions are refused, and not checked", err);
		finding_add(&a->findings, name, what, "corralctl explain USER shows why");
		goto out_user;
	}
	if (!policy.exempt && policy.confine) {
		a->n_confined++;
		check_sshd(a, user.name);
		check_shell(a, &user);
		check_linger(a, &user, &policy);
		check_kernel(a, &policy);
		a->n_logging += policy.log_denials;
	}
	policy_free(&policy);
out_user:
	user_info_free(&user);
}

/* (c) every service a confined user can open a session through runs pam_corral */
static void check_pam(struct audit *a)
{
	char what[2 * AUDIT_TEXT_MAX], fix[2 * AUDIT_TEXT_MAX];

	for (size_t i = 0; i < sizeof(pam_services) / sizeof(pam_services[0]); i++) {
		const char *service = pam_services[i];
		enum audit_pam_state state;
		int r = audit_pam_service(a->pamdir, service, &state);

		if (r == -ENOENT) /* no such service here: nobody reaches it */
			continue;
		if (r < 0) {
			snprintf(what, sizeof(what), "cannot read the PAM stack of %s (%s/%s): %s", service, a->pamdir,
				 service, r == -ELOOP ? "includes nest too deep" : strerror(-r));
			finding_add(&a->findings, NULL, what, "fix the file, then run corralctl audit again");
			continue;
		}
		if (state == AUDIT_PAM_PRESENT)
			continue;
		if (state == AUDIT_PAM_OPTIONAL) {
			snprintf(
				what, sizeof(what),
				"PAM service %s (%s/%s) runs pam_corral.so with a control that ignores its failure: a session it refuses still opens",
				service, a->pamdir, service);
			snprintf(fix, sizeof(fix), "make that line \"session required pam_corral.so\"");
		} else {
			snprintf(
				what, sizeof(what),
				"PAM service %s (%s/%s) has no session pam_corral.so: sessions of confined users through it get no corral session",
				service, a->pamdir, service);
			snprintf(
				fix, sizeof(fix),
				"pam-auth-update --enable corral (the Debian package), or add \"session required pam_corral.so\" to %s/%s",
				a->pamdir, service);
		}
		finding_add(&a->findings, NULL, what, fix);
	}
}

/* (f) corral-shell hands every confined session to the helper */
static void check_helper(struct audit *a)
{
	if (access(CORRAL_HELPER_PATH, X_OK) == 0)
		return;
	finding_add(&a->findings, NULL,
		    CORRAL_HELPER_PATH " is missing or not executable: confined sessions have no supervisor",
		    "install corral (make install, or the corral package)");
}

static void report_host(void *ctx, const char *what, const char *fix)
{
	finding_add(ctx, NULL, what, fix);
}

/* (g) the denials of every layer can be seen on this host */
static void check_denial_logs(struct audit *a)
{
	struct audit_denials_host host;

	audit_denials_probe(a->host.landlock.abi, a->host.landlock.rights.log_flags != 0, &host);
	audit_denials_evaluate(&host, report_host, &a->findings);
}

/* Is `corralctl apply --follow` running (the corral-apply service, or by
 * hand)? Read from every process's command line. */
static bool apply_follower_runs(void)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;
	bool found = false;

	if (!proc)
		return false;
	while (!found && (de = readdir(proc)) != NULL) {
		char path[64], args[AUDIT_TEXT_MAX];
		size_t len = 0;
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/cmdline", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		(void)read_all(fd, args, sizeof(args) - 1, &len);
		close(fd);
		/* argv: ".../corralctl" "apply" ... "--follow" ... */
		for (size_t i = 0; i < len; i++)
			if (args[i] == '\0')
				args[i] = '\n';
		args[len] = '\0';
		found = strstr(args, "corralctl\napply\n") && strstr(args, "\n--follow\n");
	}
	closedir(proc);
	return found;
}

/* (h) time windows change running sessions only through apply --follow */
static void check_windows(struct audit *a)
{
	size_t windows = 0;

	for (size_t i = 0; i < a->config->count; i++)
		windows += a->config->sections[i].kind == SECTION_WINDOW;
	if (!windows || apply_follower_runs())
		return;
	finding_add(&a->findings, NULL,
		    "the config has time windows, but no corralctl apply --follow runs: a running session keeps the "
		    "policy it logged in with when a window opens or closes",
		    "systemctl enable --now corral-apply.service (or start corralctl apply --follow as root at boot)");
}

/* Every user NSS lists, and those [user:] sections name (NSS need not list them all). */
static int candidate_users(const struct config *config, struct strlist *names)
{
	struct passwd *pw;
	int r = 0;

	setpwent();
	while ((pw = getpwent()) != NULL)
		if (!strlist_contains(names, pw->pw_name) && (r = strlist_append(names, pw->pw_name)) < 0)
			break;
	endpwent();
	for (size_t i = 0; r == 0 && i < config->count; i++)
		if (config->sections[i].kind == SECTION_USER && !strlist_contains(names, config->sections[i].target))
			r = strlist_append(names, config->sections[i].target);
	return r;
}

static int parse_options(int argc, char **argv, struct audit *a)
{
	int opt;

	optind = 1;
	while ((opt = getopt(argc, argv, "+c:s:p:")) != -1) {
		switch (opt) {
		case 'c':
			a->config_path = optarg;
			break;
		case 's':
			a->sshd_config = optarg;
			break;
		case 'p':
			a->pamdir = optarg;
			break;
		default:
			return -EINVAL;
		}
	}
	return optind == argc ? 0 : -EINVAL;
}

int ctl_audit(int argc, char **argv)
{
	struct audit a = { .pamdir = AUDIT_PAM_DIR };
	struct config config;
	struct strlist names;
	int r, status;

	if (parse_options(argc, argv, &a) < 0) {
		fputs(AUDIT_USAGE, stderr);
		return CTL_EXIT_USAGE;
	}
	strlist_init(&names);
	r = config_load(a.config_path, &config);
	a.config = &config;
	if (r < 0) {
		char what[PATHUTIL_PATH_MAX + 256];

		ctl_print_diags(&config, stderr);
		snprintf(
			what, sizeof(what),
			"%s is invalid: every session of a user it does not exempt is refused, and audit cannot tell who is confined",
			a.config_path ? a.config_path : CONFIG_DEFAULT_PATH);
		finding_add(&a.findings, NULL, what, "corralctl check shows each error with its file and line");
		goto out;
	}
	host_layers_probe(0, true, true, &a.host);
	if (candidate_users(&config, &names) < 0)
		a.findings.out_of_memory = true;
	for (size_t i = 0; i < names.count; i++)
		check_user(&a, names.items[i]);
	if (a.n_confined)
		check_pam(&a);
	if (a.n_logging)
		check_denial_logs(&a);
	if (a.n_confined)
		check_windows(&a);
	check_helper(&a);
out:
	for (size_t i = 0; i < a.findings.count; i++)
		print_finding(&a.findings.items[i]);
	if (a.findings.out_of_memory)
		fputs("corralctl audit: out of memory: some findings were lost\n", stderr);
	if (a.findings.count == 0 && !a.findings.out_of_memory)
		printf("no findings (%zu confined user%s; checked sshd, login shells, PAM stacks, lingering, Landlock, corral-helper, denial logs, windows)\n",
		       a.n_confined, a.n_confined == 1 ? "" : "s");
	status = a.findings.count || a.findings.out_of_memory ? CTL_EXIT_INVALID : CTL_EXIT_OK;
	findings_free(&a.findings);
	strlist_free(&names);
	config_free(&config);
	return status;
}
