#include "seg_build_info.h"
#ifndef SEGKIT_VERSION
#define SEGKIT_VERSION "unknown"
#endif
#ifndef SEGKIT_COMMIT
#define SEGKIT_COMMIT "unknown"
#endif
const char *seg_build_version(void) { return SEGKIT_VERSION; }
const char *seg_build_commit(void) { return SEGKIT_COMMIT; }
