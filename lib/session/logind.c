/* logind's logout rule for a user's processes (see logind.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "logind.h"
#include "systemd_bus.h"

#define LOGIND_BUS_TIMEOUT_US 2000000ULL

bool logind_shall_kill(bool kill_user_processes, const struct strlist *only, const struct strlist *exclude,
		       const char *user)
{
	if (exclude->count == 0 && strcmp(user, "root") == 0)
		return false;
	if (strlist_contains(exclude, user))
		return false;
	if (only->count)
		return strlist_contains(only, user);
	return kill_user_processes;
}

static int get_bool(const struct systemd_bus *api, sd_bus *bus, const char *name, bool *out)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	int value = 0, r;

	r = api->get_property_trivial(bus, "org.freedesktop.login1", "/org/freedesktop/login1",
				      "org.freedesktop.login1.Manager", name, &error, 'b', &value);
	api->error_free(&error);
	*out = value != 0;
	return r;
}

static int get_names(const struct systemd_bus *api, sd_bus *bus, const char *name, struct strlist *out)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	char **names = NULL;
	int r;

	r = api->get_property_strv(bus, "org.freedesktop.login1", "/org/freedesktop/login1",
				   "org.freedesktop.login1.Manager", name, &error, &names);
	api->error_free(&error);
	for (size_t i = 0; r >= 0 && names && names[i]; i++)
		r = strlist_append(out, names[i]);
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
	return r;
}

int logind_kills_processes_of(const char *user)
{
	const struct systemd_bus *api;
	struct strlist only, exclude;
	bool kill = false;
	sd_bus *bus = NULL;
	int r;

	r = systemd_bus_load(&api);
	if (r < 0)
		return r;
	strlist_init(&only);
	strlist_init(&exclude);
	r = api->open_system(&bus);
	if (r >= 0)
		r = api->set_method_call_timeout(bus, LOGIND_BUS_TIMEOUT_US);
	if (r >= 0)
		r = get_bool(api, bus, "KillUserProcesses", &kill);
	if (r >= 0)
		r = get_names(api, bus, "KillOnlyUsers", &only);
	if (r >= 0)
		r = get_names(api, bus, "KillExcludeUsers", &exclude);
	api->flush_close_unref(bus);
	if (r >= 0)
		r = logind_shall_kill(kill, &only, &exclude, user) ? 1 : 0;
	strlist_free(&only);
	strlist_free(&exclude);
	return r;
}
