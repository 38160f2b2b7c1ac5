/* Where the dynamic loader maps shared libraries from: the trees a session
 * with fs.exec must still be able to map executable (its programs need
 * libc), whatever fs.exec says, and the loader itself, which the kernel
 * opens for exec with every dynamically linked program. */
#ifndef CORRAL_LOADER_H
#define CORRAL_LOADER_H

#include "strlist.h"

#define LOADER_CONF "/etc/ld.so.conf"
#define LOADER_CONF_DEPTH 8 /* nested include lines */
#if defined(__aarch64__)
#define LOADER_INTERPRETER "/lib/ld-linux-aarch64.so.1"
#else /* x86_64, the architecture corral is built and tested for */
#define LOADER_INTERPRETER "/lib64/ld-linux-x86-64.so.2"
#endif
/* The loader's built-in search path and plugin trees (python's C
 * extensions live in /usr/lib/python3*). */
#define LOADER_DEFAULT_TREES "/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib"

/* The library trees: the built-in ones, then every directory conf (and the
 * files it includes, glob patterns allowed) lists, normalised, each once.
 * A missing or unreadable conf adds nothing. 0 or -ENOMEM. */
int loader_trees(const char *conf, struct strlist *out);

#endif
