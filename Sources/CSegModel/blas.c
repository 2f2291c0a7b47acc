// OpenBLAS binding: loaded with dlopen so the kernel family can be chosen
// before the library reads OPENBLAS_CORETYPE (it does so only while loading).
#define _GNU_SOURCE
#include "segmodel.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int,
                         const float *, int, float, float *, int);
typedef void (*threads_fn)(int);
typedef char *(*corename_fn)(void);

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

static sgemm_fn sgemm;
static char core[64];
static char load_error[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int has_avx512(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#else
    return 0;
#endif
}

static void load(void) {
    if (getenv("OPENBLAS_CORETYPE") == NULL && has_avx512()) setenv("OPENBLAS_CORETYPE", "SkylakeX", 0);
    static const char *names[] = {"libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0"};
    void *lib = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && lib == NULL; i++) lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        snprintf(load_error, sizeof load_error, "cannot load OpenBLAS (libopenblas.so.0): %s; install libopenblas0", dlerror());
        return;
    }
    sgemm_fn fn = (sgemm_fn)dlsym(lib, "cblas_sgemm");
    threads_fn threads = (threads_fn)dlsym(lib, "openblas_set_num_threads");
    corename_fn corename = (corename_fn)dlsym(lib, "openblas_get_corename");
    if (fn == NULL) {
        snprintf(load_error, sizeof load_error, "OpenBLAS library has no cblas_sgemm");
        return;
    }
    // SegModel parallelises over image strips itself: one BLAS thread per caller
    // scales best on this hardware (two callers × one thread beat one × two).
    if (threads) threads(1);
    if (corename) snprintf(core, sizeof core, "%s", corename());
    sgemm = fn;
}

int32_t seg_blas_load(char *message, size_t capacity) {
    pthread_once(&once, load);
    if (sgemm != NULL) return 0;
    if (message && capacity) snprintf(message, capacity, "%s", load_error);
    return -1;
}

const char *seg_blas_core(void) { return core; }

void seg_sgemm(int32_t m, int32_t n, int32_t k, const float *a, int32_t lda,
               const float *b, int32_t ldb, float beta, float *c, int32_t ldc) {
    sgemm(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
}

void seg_sgemm_at(int32_t m, int32_t n, int32_t k, const float *a, int32_t lda,
                  const float *b, int32_t ldb, float beta, float *c, int32_t ldc) {
    sgemm(ROW_MAJOR, TRANS, NO_TRANS, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
}
