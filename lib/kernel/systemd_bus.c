/* Loading libsystemd's bus calls on first use (see systemd_bus.h). */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "systemd_bus.h"

static struct systemd_bus loaded;
static int load_result = -ELIBACC;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void *symbol(void *library, const char *name, bool *missing)
{
	void *address = dlsym(library, name);

	if (!address)
		*missing = true;
	return address;
}

static void load(void)
{
	/* NODELETE: the pointers stay valid whoever else closes it */
	void *library = dlopen(SYSTEMD_BUS_LIBRARY, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	struct systemd_bus bus;
	bool missing = false;

	if (!library)
		return;
	bus.open_system = (__typeof__(bus.open_system))symbol(library, "sd_bus_open_system", &missing);
	bus.flush_close_unref = (__typeof__(bus.flush_close_unref))symbol(library, "sd_bus_flush_close_unref",
									  &missing);
	bus.set_method_call_timeout = (__typeof__(bus.set_method_call_timeout))symbol(
		library, "sd_bus_set_method_call_timeout", &missing);
	bus.call = (__typeof__(bus.call))symbol(library, "sd_bus_call", &missing);
	bus.error_free = (__typeof__(bus.error_free))symbol(library, "sd_bus_error_free", &missing);
	bus.message_new_method_call = (__typeof__(bus.message_new_method_call))symbol(
		library, "sd_bus_message_new_method_call", &missing);
	bus.message_append = (__typeof__(bus.message_append))symbol(library, "sd_bus_message_append", &missing);
	bus.message_open_container = (__typeof__(bus.message_open_container))symbol(
		library, "sd_bus_message_open_container", &missing);
	bus.message_close_container = (__typeof__(bus.message_close_container))symbol(
		library, "sd_bus_message_close_container", &missing);
	bus.message_unref = (__typeof__(bus.message_unref))symbol(library, "sd_bus_message_unref", &missing);
	bus.get_property_trivial = (__typeof__(bus.get_property_trivial))symbol(library, "sd_bus_get_property_trivial",
										&missing);
	bus.get_property_strv = (__typeof__(bus.get_property_strv))symbol(library, "sd_bus_get_property_strv",
									  &missing);
	if (missing) {
		dlclose(library);
		return;
	}
	loaded = bus;
	load_result = 0;
}

int systemd_bus_load(const struct systemd_bus **out)
{
	*out = NULL;
	if (pthread_once(&load_once, load) != 0)
		return -ELIBACC;
	if (load_result < 0)
		return load_result;
	*out = &loaded;
	return 0;
}
