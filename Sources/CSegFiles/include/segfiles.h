#ifndef SEGFILES_H
#define SEGFILES_H
// Temporary files removed on SIGINT/SIGTERM/SIGHUP: the signal-safe half of
// SegFiles' atomic writes (a handler may only call async-signal-safe code).
#include <stdint.h>

/// Remembers a temporary file path; returns a slot (or -1 when full).
int32_t seg_tempfile_register(const char *path);
/// Forgets the path in `slot` (no-op for -1).
void seg_tempfile_unregister(int32_t slot);
/// Installs signal handlers that delete registered files, then re-raise.
void seg_install_tempfile_cleanup(void);

#endif
