// The per-query step of the exact Euclidean distance transform, in C so that
// it is compiled for AVX-512, AVX2 and baseline x86-64 and picked at run
// time (Swift cannot multiversion a function), as CSegModel's kernels are.
#include "segdistance.h"
#include <math.h>
#include <string.h>

#include "multiversion.h"

typedef double v8d __attribute__((vector_size(64)));
typedef int64_t v8l __attribute__((vector_size(64)));
typedef uint8_t v64u __attribute__((vector_size(64)));
typedef _Bool b64 __attribute__((ext_vector_type(64)));

// Macros rather than functions: a 64-byte vector may not cross a call in
// the baseline build (no AVX-512 calling convention there).

/// Eight doubles from an unaligned address.
#define LOAD8(p) ({ v8d v_; memcpy(&v_, (p), sizeof v_); v_; })

/// Lane-wise a < b ? a : b (x86's min instruction; +inf padding passes through).
#define MIN8(a, b) ({ v8d a_ = (a), b_ = (b); v8l lower_ = (v8l)(a_ < b_); (v8d)(((v8l)a_ & lower_) | ((v8l)b_ & ~lower_)); })

/// The minimum of cost[i] + square[i] over i in 0 ..< 8·blocks.
#define WINDOW_MIN(cost, square, blocks) ({ \
    const double *c_ = (cost), *s_ = (square); \
    v8d m_ = LOAD8(c_) + LOAD8(s_); \
    for (int b_ = 1; b_ < (blocks); b_++) m_ = MIN8(LOAD8(c_ + 8 * b_) + LOAD8(s_ + 8 * b_), m_); \
    double best_ = m_[0]; \
    for (int l_ = 1; l_ < 8; l_++) best_ = m_[l_] < best_ ? m_[l_] : best_; \
    best_; })

HOT int64_t seg_edt_row_queries(const double *cost, const double *squares, int64_t width,
                                const uint64_t *query_bits, int64_t words, double *out) {
    // A window of radius r (columns x − r … x + r − 1) holds the nearest
    // feature once its minimum is at most (sx·r)²: every column outside costs
    // at least that. Radius 16 first (four vectors, no branch on the way),
    // then 64.
    const double near = squares[16], far = squares[64];
    const double *near_squares = squares - 16, *far_squares = squares - 64;
    int64_t n = 0;
    for (int64_t k = 0; k < words; k++) {
        for (uint64_t bits = query_bits[k]; bits != 0; bits &= bits - 1) {
            const int64_t x = 64 * k + __builtin_ctzll(bits);
            double best = WINDOW_MIN(cost + x - 16, near_squares, 4);
            if (best > near && width > 16) {
                best = WINDOW_MIN(cost + x - 64, far_squares, 16);
                if (best > far && width > 64) best = NAN;
            }
            out[n++] = best;
        }
    }
    // llvm.sqrt (no errno: NaN stays NaN), which the loop vectoriser handles.
    for (int64_t i = 0; i < n; i++) out[i] = __builtin_elementwise_sqrt(out[i]);
    return n;
}

// offsets[x] = bit x clear ? previous[x] + 1 : 0 for the stride columns,
// written for both a separate previous row and in place, so that the
// vectoriser needs no overlap test (it falls back to scalar code on one).
#define SWEEP_ROW(previous, offsets, bits, stride) do { \
    for (int64_t k_ = 0; k_ < (stride) / 64; k_++) { \
        const uint64_t word_ = (bits)[k_]; \
        for (int b_ = 0; b_ < 64; b_++) { \
            const int32_t keep_ = (int32_t)((word_ >> b_) & 1) - 1; /* all ones where the bit is clear */ \
            (offsets)[64 * k_ + b_] = ((previous)[64 * k_ + b_] + 1) & keep_; \
        } \
    } \
    const int64_t done_ = (stride) & ~(int64_t)63; \
    for (int64_t x_ = done_; x_ < (stride); x_++) { \
        const int32_t keep_ = (int32_t)(((bits)[done_ / 64] >> (x_ - done_)) & 1) - 1; \
        (offsets)[x_] = ((previous)[x_] + 1) & keep_; \
    } \
} while (0)

static void sweep_in_place(int32_t *restrict offsets, const uint64_t *restrict bits, int64_t stride) {
    SWEEP_ROW(offsets, offsets, bits, stride);
}

static void sweep_from(const int32_t *restrict previous, int32_t *restrict offsets, const uint64_t *restrict bits, int64_t stride) {
    SWEEP_ROW(previous, offsets, bits, stride);
}

HOT void seg_edt_sweep_row(const int32_t *previous, int32_t *offsets, const uint64_t *bits, int64_t stride) {
    if (previous == offsets) sweep_in_place(offsets, bits, stride);
    else sweep_from(previous, offsets, bits, stride);
}

HOT void seg_edt_row_costs(double *cost, const int32_t *above, const int32_t *below, int64_t width, double sy) {
    for (int64_t x = 0; x < width; x++) {
        const int32_t offset = above[x] < below[x] ? above[x] : below[x];
        const double d = (double)offset * sy;
        cost[x] = d * d;
    }
}

HOT void seg_pack_range(const uint8_t *values, int64_t width, int64_t height, uint8_t lo, uint8_t hi,
                        uint64_t *words, int64_t stride) {
    const uint8_t span = (uint8_t)(hi - lo);
    for (int64_t y = 0; y < height; y++) {
        const uint8_t *row = values + y * width;
        uint64_t *out = words + y * stride;
        int64_t x = 0;
        for (; x + 64 <= width; x += 64) {
            // 64 bytes compared at once, the lane results packed to bits (a compare into a mask register on AVX-512).
            v64u v;
            memcpy(&v, row + x, sizeof v);
            b64 inside = __builtin_convertvector((v64u)(v - lo) <= span, b64);
            memcpy(out + (x >> 6), &inside, sizeof(uint64_t));
        }
        if (x < width) {
            uint64_t word = 0;
            for (int b = 0; x + b < width; b++) word |= (uint64_t)((uint8_t)(row[x + b] - lo) <= span) << b;
            out[x >> 6] = word;
        }
    }
}
