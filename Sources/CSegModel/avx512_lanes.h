// AVX-512 helpers shared by the hand-vectorised kernels (kernels.c, tiled.c);
// they compile only into functions built for avx512f.
#ifndef SEG_AVX512_LANES_H
#define SEG_AVX512_LANES_H
#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>
#include <math.h>
#include <stdint.h>

// Lanes 0, 2, …, 30 of the 32 floats a:b — every other value, as a stride-2
// layer or pool reads a row.
__attribute__((target("avx512f"), always_inline))
static inline __m512 seg_even_lanes(__m512 a, __m512 b) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    return _mm512_permutex2var_ps(a, even, b);
}

// Lanes 1, 3, …, 31 of a:b.
__attribute__((target("avx512f"), always_inline))
static inline __m512 seg_odd_lanes(__m512 a, __m512 b) {
    const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    return _mm512_permutex2var_ps(a, odd, b);
}

// seg_bias_act's activation on 16 lanes: 0 none, 1 ReLU, 2 ReLU6.
__attribute__((target("avx512f"), always_inline))
static inline __m512 seg_activate16(__m512 r, int32_t act) {
    if (!act) return r;
    return _mm512_min_ps(_mm512_max_ps(r, _mm512_setzero_ps()), _mm512_set1_ps(act == 2 ? 6.0f : INFINITY));
}
#endif
#endif
