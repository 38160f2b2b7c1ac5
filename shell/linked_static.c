/* Linked into corral-shell only (static): main() may finish the usual
 * login itself (see clean_env.h). */
#include "clean_env.h"

const bool shell_is_static = true;
