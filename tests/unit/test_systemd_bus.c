/* Unit tests of libsystemd's loading on first use (lib/kernel/systemd_bus.c):
 * nothing of it is mapped before the first ask, not even by loading the
 * PAM module, and every function corral calls is there after it. */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "systemd_bus.h"
#include "tap.h"

/* Whether a file whose name contains name is mapped into this process. */
static bool mapped(const char *name)
{
	char line[PATH_MAX + 128];
	bool found = false;
	FILE *maps = fopen("/proc/self/maps", "re");

	if (!maps)
		return false;
	while (!found && fgets(line, sizeof(line), maps))
		found = strstr(line, name) != NULL;
	fclose(maps);
	return found;
}

static void test_module_does_not_map_it(void)
{
	const char *build = getenv("CORRAL_BUILD");
	char path[PATH_MAX];
	void *module;

	ok(!mapped("libsystemd"), "libsystemd is not mapped before anything asks systemd");
	snprintf(path, sizeof(path), "%s/pam_corral.so", build ? build : "build");
	module = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!module) {
		tap_diag("cannot load %s: %s", path, dlerror());
		ok(1, "# skip pam_corral.so is not built here");
		ok(1, "# skip pam_corral.so is not built here");
		return;
	}
	ok(dlsym(module, "pam_sm_open_session") != NULL, "pam_corral.so loads");
	ok(!mapped("libsystemd") && !mapped("liblzma") && !mapped("libgcrypt"),
	   "loading pam_corral.so maps neither libsystemd nor what it brings (liblzma, libgcrypt)");
	dlclose(module);
}

static void test_load(void)
{
	const struct systemd_bus *bus = NULL, *again = NULL;
	int r = systemd_bus_load(&bus);

	ok(r == 0 && bus, "the first ask loads %s (%d)", SYSTEMD_BUS_LIBRARY, r);
	if (!bus) {
		for (int i = 0; i < 3; i++)
			ok(0, "no functions without the library");
		return;
	}
	ok(bus->open_system && bus->flush_close_unref && bus->set_method_call_timeout && bus->call && bus->error_free &&
		   bus->message_new_method_call && bus->message_append && bus->message_open_container &&
		   bus->message_close_container && bus->message_unref && bus->get_property_trivial &&
		   bus->get_property_strv,
	   "every function corral calls is found");
	ok(mapped("libsystemd"), "libsystemd is mapped after it");
	ok(systemd_bus_load(&again) == 0 && again == bus, "a second ask gives the same functions, loaded once");
}

int main(void)
{
	test_module_does_not_map_it();
	test_load();
	return tap_done();
}
