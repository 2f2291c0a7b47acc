#ifndef SEGFILES_H
#define SEGFILES_H
// Temporary files removed on SIGINT/SIGTERM/SIGHUP: the signal-safe half of
// SegFiles' atomic writes (a handler may only call async-signal-safe code).
#include <stdint.h>

/// Forgets the path in `slot` (no-op for -1).
void seg_tempfile_unregister(int32_t slot);
/// Registers `path` and creates it (O_CREAT | O_EXCL, mode 0666 less the
/// umask), returning the descriptor (-1 with errno on failure) and its slot.
/// Once a cleanup handler has started, it creates nothing and never returns,
/// and a file it created as the handler started is removed: a signal cannot
/// leave a temporary behind, whatever the other threads are doing.
int32_t seg_tempfile_open(const char *path, int32_t *slot);
/// Installs signal handlers that delete registered files, then re-raise.
void seg_install_tempfile_cleanup(void);

#endif
