/* Linked into corral-session only (dynamic): main() never hands over to
 * corral-session, which it is (see clean_env.h). */
#include "clean_env.h"

const bool shell_is_static = false;
