// A signal-safe registry of temporary files being written, so that SIGINT,
// SIGTERM or SIGHUP removes them before the process dies: an interrupted
// atomic write then leaves neither a partial file under the final name nor
// a stray temporary file.
#include "segfiles.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#define SEG_TEMP_SLOTS 64
#define SEG_TEMP_PATH_MAX 4096

static char seg_temp_paths[SEG_TEMP_SLOTS][SEG_TEMP_PATH_MAX];
static atomic_int seg_temp_state[SEG_TEMP_SLOTS];  // 0 free, 1 claimed (writing path), 2 live

// Remembers a temporary file path; returns a slot (or -1 when full).
static int32_t seg_tempfile_register(const char *path) {
    size_t n = strlen(path);
    if (n >= SEG_TEMP_PATH_MAX) return -1;
    for (int i = 0; i < SEG_TEMP_SLOTS; i++) {
        int expected = 0;
        if (atomic_compare_exchange_strong(&seg_temp_state[i], &expected, 1)) {
            memcpy(seg_temp_paths[i], path, n + 1);
            atomic_store(&seg_temp_state[i], 2);
            return i;
        }
    }
    return -1;
}

void seg_tempfile_unregister(int32_t slot) {
    if (slot >= 0 && slot < SEG_TEMP_SLOTS) atomic_store(&seg_temp_state[slot], 0);
}

// Set by the handler: the process is going down, no new temporary may appear.
static atomic_int seg_dying;
// Threads between registering a temporary and knowing whether it may stay.
static atomic_int seg_creating;
// Whether this thread is one of them (the handler must not wait for itself).
static _Thread_local volatile sig_atomic_t seg_thread_creating;

int32_t seg_tempfile_open(const char *path, int32_t *slot) {
    // Announce first, then look: with sequentially consistent atomics, either
    // the handler sees this thread announced (and waits for it to clean up)
    // or this thread sees the handler's flag (and creates nothing).
    seg_thread_creating = 1;
    atomic_fetch_add(&seg_creating, 1);
    if (atomic_load(&seg_dying)) {
        atomic_fetch_sub(&seg_creating, 1);
        for (;;) pause();
    }
    int32_t s = seg_tempfile_register(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    int saved = errno;
    if (atomic_load(&seg_dying)) {
        // The handler may already have swept the registry: remove our own file.
        if (fd >= 0) { close(fd); unlink(path); }
        atomic_fetch_sub(&seg_creating, 1);
        for (;;) pause();
    }
    atomic_fetch_sub(&seg_creating, 1);
    seg_thread_creating = 0;
    if (fd < 0) { seg_tempfile_unregister(s); s = -1; }
    *slot = s;
    errno = saved;
    return fd;
}

static void seg_cleanup_handler(int sig) {
    atomic_store(&seg_dying, 1);
    // Let threads in the middle of creating a temporary see the flag and
    // remove their own file (bounded: never hang a dying process).
    int own = seg_thread_creating ? 1 : 0;
    for (long spin = 0; spin < 200000000L && atomic_load(&seg_creating) > own; spin++) {}
    for (int i = 0; i < SEG_TEMP_SLOTS; i++)
        if (atomic_load(&seg_temp_state[i]) == 2) unlink(seg_temp_paths[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

void seg_install_tempfile_cleanup(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = seg_cleanup_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    // Past a file-size limit (ulimit -f), let write() fail with EFBIG so the
    // writer cleans up and reports, instead of the process dying mid-file.
    signal(SIGXFSZ, SIG_IGN);
}
