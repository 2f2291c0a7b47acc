// The instance metrics' pixel loops (SegMetrics' InstanceLabels and
// InstanceOverlap) in C, so that the run boundaries of sixteen pixels are
// found with one vector compare and the relabelling gathers by vector, compiled for AVX-512, AVX2 and baseline
// x86-64 and picked at run time, as CSegDistance's kernels are.
#include "seginstance.h"
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#define HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define HOT
#endif

typedef int32_t v16i __attribute__((vector_size(64)));
typedef _Bool b16 __attribute__((ext_vector_type(16)));

/// Sixteen labels from an unaligned address.
#define LOAD16(p) ({ v16i v_; memcpy(&v_, (p), sizeof v_); v_; })

/// Bit b set where position i + b starts a new run of `a` (its label differs from the one before).
#define STARTS(a, i) ({ b16 m_ = __builtin_convertvector(LOAD16((a) + (i)) != LOAD16((a) + (i) - 1), b16); \
                        uint16_t bits_; memcpy(&bits_, &m_, sizeof bits_); bits_; })

/// Adds `count` to the slot of `key`; 0 when a new slot would pass half the capacity.
static inline int table_add(uint64_t *keys, int64_t *counts, int64_t shift, uint64_t mask,
                            uint64_t key, int64_t count, int64_t *used, int64_t limit) {
    uint64_t h = (key * 0x9E3779B97F4A7C15ull) >> shift;
    for (;;) {
        if (keys[h] == key) { counts[h] += count; return 1; }
        if (keys[h] == UINT64_MAX) {
            if (*used >= limit) return 0;
            keys[h] = key;
            counts[h] = count;
            (*used)++;
            return 1;
        }
        h = (h + 1) & mask;
    }
}

/// The run [start, end) of one (gt, pred) pair into the table.
#define ADD_RUN(start, end) do { \
    int32_t g_ = gt[start], p_ = pred[start]; \
    if (!table_add(keys, counts, shift, mask, (uint64_t)(uint32_t)g_ << 32 | (uint32_t)p_, (end) - (start), used, limit)) return 0; \
} while (0)

HOT int seg_overlap_table(const int32_t *gt, const int32_t *pred, int64_t n,
                          uint64_t *keys, int64_t *counts, int64_t log2_capacity, int64_t *used) {
    *used = 0;
    if (n <= 0) return 1;
    const int64_t shift = 64 - log2_capacity;
    const uint64_t mask = ((uint64_t)1 << log2_capacity) - 1;
    const int64_t limit = (int64_t)1 << (log2_capacity - 1);
    int64_t start = 0, i = 1;
    for (; i + 16 <= n; i += 16) {
        uint32_t bits = STARTS(gt, i) | STARTS(pred, i);
        while (bits) {
            int64_t at = i + __builtin_ctz(bits);
            ADD_RUN(start, at);
            start = at;
            bits &= bits - 1;
        }
    }
    for (; i < n; i++) {
        if (gt[i] != gt[i - 1] || pred[i] != pred[i - 1]) {
            ADD_RUN(start, i);
            start = i;
        }
    }
    ADD_RUN(start, n);
    return 1;
}

HOT uint16_t seg_max16(const uint16_t *ids, int64_t n) {
    uint16_t largest = 0;
    for (int64_t i = 0; i < n; i++) largest = ids[i] > largest ? ids[i] : largest;
    return largest;
}

HOT int32_t seg_relabel16(const uint16_t *restrict ids, int64_t n, uint16_t largest, int32_t *restrict scratch, int32_t *restrict labels) {
    memset(scratch, 0, ((size_t)largest + 1) * sizeof *scratch);
    // Scalar stores: a vector scatter is slower (equal neighbours conflict).
#pragma clang loop vectorize(disable)
    for (int64_t i = 0; i < n; i++) scratch[ids[i]] = 1;
    int32_t count = 0;
    scratch[0] = 0;
    for (int32_t v = 1; v <= largest; v++) {
        if (scratch[v]) scratch[v] = ++count;
    }
#pragma clang loop vectorize(enable)
    for (int64_t i = 0; i < n; i++) labels[i] = scratch[ids[i]];
    return count;
}
