/* libsystemd's bus calls, loaded the first time corral asks systemd
 * something: a login where nothing asks does not map libsystemd and the
 * compression and crypto libraries it brings into the login daemon. */
#ifndef CORRAL_SYSTEMD_BUS_H
#define CORRAL_SYSTEMD_BUS_H

#include <systemd/sd-bus.h>

#define SYSTEMD_BUS_LIBRARY "libsystemd.so.0"

/* The functions corral calls, with the header's own types. */
struct systemd_bus {
	__typeof__(sd_bus_open_system) *open_system;
	__typeof__(sd_bus_flush_close_unref) *flush_close_unref;
	__typeof__(sd_bus_set_method_call_timeout) *set_method_call_timeout;
	__typeof__(sd_bus_call) *call;
	__typeof__(sd_bus_error_free) *error_free;
	__typeof__(sd_bus_message_new_method_call) *message_new_method_call;
	__typeof__(sd_bus_message_append) *message_append;
	__typeof__(sd_bus_message_open_container) *message_open_container;
	__typeof__(sd_bus_message_close_container) *message_close_container;
	__typeof__(sd_bus_message_unref) *message_unref;
	__typeof__(sd_bus_get_property_trivial) *get_property_trivial;
	__typeof__(sd_bus_get_property_strv) *get_property_strv;
};

/* The loaded functions (loaded once per process, never unloaded), or
 * -ELIBACC when the library or one of its functions is missing. */
int systemd_bus_load(const struct systemd_bus **out);

#endif
