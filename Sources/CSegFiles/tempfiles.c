// A signal-safe registry of temporary files being written, so that SIGINT,
// SIGTERM or SIGHUP removes them before the process dies: an interrupted
// atomic write then leaves neither a partial file under the final name nor
// a stray temporary file.
#include "segfiles.h"
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#define SEG_TEMP_SLOTS 64
#define SEG_TEMP_PATH_MAX 4096

static char seg_temp_paths[SEG_TEMP_SLOTS][SEG_TEMP_PATH_MAX];
static atomic_int seg_temp_state[SEG_TEMP_SLOTS];  // 0 free, 1 claimed (writing path), 2 live

int32_t seg_tempfile_register(const char *path) {
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

static void seg_cleanup_handler(int sig) {
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
