// FMA throughput probe: 24 independent accumulators hide the FMA latency on
// any current x86 core, so the loop runs at the issue rate of its FMA units.
#include "segbench_peak.h"
#include <time.h>

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define PROBE(NAME, TARGET, VEC, SET1, FMA, LANES)                                      \
    __attribute__((target(TARGET))) static double NAME(int64_t iterations) {            \
        VEC a[24];                                                                       \
        for (int i = 0; i < 24; i++) a[i] = SET1(0.001f * i);                            \
        const VEC b = SET1(0.9999f), c = SET1(0.0001f);                                  \
        const double start = seconds();                                                  \
        for (int64_t n = 0; n < iterations; n++) {                                       \
            _Pragma("clang loop unroll(full)") for (int i = 0; i < 24; i++)              \
                a[i] = FMA(a[i], b, c);                                                  \
        }                                                                                \
        const double elapsed = seconds() - start;                                        \
        volatile float sink = 0;                                                         \
        for (int i = 0; i < 24; i++) sink += ((float *)&a[i])[0];                        \
        (void)sink;                                                                      \
        return 24.0 * 2 * LANES * (double)iterations / elapsed / 1e9;                    \
    }

PROBE(probe512, "avx512f", __m512, _mm512_set1_ps, _mm512_fmadd_ps, 16)
PROBE(probe256, "avx2,fma", __m256, _mm256_set1_ps, _mm256_fmadd_ps, 8)

double seg_fma_peak(int64_t iterations) {
    if (__builtin_cpu_supports("avx512f")) return probe512(iterations);
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return probe256(iterations);
    return 0;
}
#else
double seg_fma_peak(int64_t iterations) {
    (void)iterations;
    return 0;
}
#endif
