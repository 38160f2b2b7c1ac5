/* Module argument parsing (see module_args.h). */
#include <stdlib.h>
#include <string.h>

#include "mountns.h"
#include "session_record.h"
#include "module_args.h"

static const char *value_of(const char *arg, const char *name)
{
	size_t len = strlen(name);

	return strncmp(arg, name, len) == 0 && arg[len] == '=' ? arg + len + 1 : NULL;
}

void module_args_parse(int argc, const char **argv, struct module_args *out)
{
	memset(out, 0, sizeof(*out));
	out->run_dir = SESSION_RUN_DIR;
	out->tmp_base = MOUNTNS_PRIVATE_TMP_BASE;
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i], *v;
		const char **slot = NULL;

		if (!arg)
			continue;
		if (strcmp(arg, "debug") == 0) {
			out->debug = true;
			continue;
		}
		if ((v = value_of(arg, "landlock_abi")) != NULL) {
			/* 1..99: anything else is a bad value, not a cap */
			if (v[0] >= '1' && v[0] <= '9' &&
			    (v[1] == '\0' || (v[1] >= '0' && v[1] <= '9' && v[2] == '\0')))
				out->landlock_abi = (int)strtol(v, NULL, 10);
			else
				out->invalid = arg;
			continue;
		}
		if ((v = value_of(arg, "config")) != NULL)
			slot = &out->config;
		else if ((v = value_of(arg, "rundir")) != NULL)
			slot = &out->run_dir;
		else if ((v = value_of(arg, "tmpdir")) != NULL)
			slot = &out->tmp_base;
		if (!slot) {
			if (out->n_unknown < MODULE_ARGS_MAX_UNKNOWN)
				out->unknown[out->n_unknown++] = arg;
			continue;
		}
		/* a relative path would depend on the daemon's cwd */
		if (v[0] != '/') {
			out->invalid = arg;
			continue;
		}
		*slot = v;
	}
}
