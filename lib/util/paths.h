/* Installed locations every program agrees on (see SPEC). */
#ifndef CORRAL_PATHS_H
#define CORRAL_PATHS_H

#ifndef CORRAL_BINDIR
#define CORRAL_BINDIR "/usr/bin"
#endif
#define CORRAL_SHELL_PATH CORRAL_BINDIR "/corral-shell"
#ifndef CORRAL_LIBEXECDIR
#define CORRAL_LIBEXECDIR "/usr/libexec"
#endif
#define CORRAL_HELPER_PATH CORRAL_LIBEXECDIR "/corral/corral-helper"
#define CORRAL_HELPER_NAME "corral-helper"
/* the real corral-shell, started by the static first stage (shell/launcher.c) */
#define CORRAL_SESSION_PATH CORRAL_LIBEXECDIR "/corral/corral-session"
#define CORRAL_SESSION_NAME "corral-session"

#endif
