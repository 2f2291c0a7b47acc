// The object metrics' pixel loops (SegMetrics' InstanceLabels,
// InstanceOverlap and BorderThinning) in C, so that the run boundaries of sixteen pixels are
// found with one vector compare and the relabelling gathers by vector, compiled for AVX-512, AVX2 and baseline
// x86-64 and picked at run time (multiversion.h), as the distance kernels are.
#include "seginstance.h"
#include <string.h>

#include "multiversion.h"

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

enum { MASK = -2, WATERSHED = 0, INITIAL = -1, IN_QUEUE = -3, BORDER = -4 };

/// The watershed's step for pixel p and its neighbour c (Fiji's `WatershedTransform2D`).
#define FLOOD_FROM(c) do { \
    int32_t l_ = lab[c]; \
    if (l_ > 0) { \
        if (lab[p] == IN_QUEUE || (lab[p] == WATERSHED && flag)) lab[p] = l_; \
        else if (lab[p] > 0 && lab[p] != l_) { lab[p] = WATERSHED; flag = 0; } \
    } else if (l_ == WATERSHED) { \
        if (lab[p] == IN_QUEUE) { lab[p] = WATERSHED; flag = 1; } \
    } else if (l_ == MASK) { \
        lab[c] = IN_QUEUE; \
        fifo[tail++] = (int32_t)(c); \
    } \
} while (0)

/// Numbers the 4-connected regions of MASK pixels of a padded W × H image
/// (a one-pixel BORDER frame: no bounds checks), in row-major order of
/// their first pixel, from `current` + 1.
static int32_t label_masked(int32_t *lab, int64_t W, int64_t H, int32_t *stack, int32_t current) {
    for (int64_t y = 1; y + 1 < H; y++) {
        for (int64_t start = y * W + 1; start < y * W + W - 1; start++) {
            if (lab[start] != MASK) continue;
            lab[start] = ++current;
            int64_t top = 0;
            stack[top++] = (int32_t)start;
            while (top > 0) {
                const int64_t q = stack[--top];
                if (lab[q - 1] == MASK) { lab[q - 1] = current; stack[top++] = (int32_t)(q - 1); }
                if (lab[q - W] == MASK) { lab[q - W] = current; stack[top++] = (int32_t)(q - W); }
                if (lab[q + 1] == MASK) { lab[q + 1] = current; stack[top++] = (int32_t)(q + 1); }
                if (lab[q + W] == MASK) { lab[q + W] = current; stack[top++] = (int32_t)(q + W); }
            }
        }
    }
    return current;
}

/// Whether padded pixel P (a MASK pixel) has a labelled (cell) 4-neighbour.
#define NEXT_TO_CELL(P) (lab[(P) - 1] > 0 || lab[(P) - W] > 0 || lab[(P) + 1] > 0 || lab[(P) + W] > 0)

int32_t seg_border_thinning(const uint8_t *cells, int64_t w, int64_t h, int32_t *labels,
                            int32_t *lab, int32_t *fifo, int32_t *stack, int32_t *columns) {
    const int64_t W = w + 2, H = h + 2;
    // The padded image: a BORDER frame (never flooded, never joined), cells MASK, the rest INITIAL.
    for (int64_t x = 0; x < W; x++) { lab[x] = BORDER; lab[(H - 1) * W + x] = BORDER; }
    for (int64_t y = 0; y < h; y++) {
        int32_t *row = lab + (y + 1) * W;
        row[0] = BORDER;
        row[W - 1] = BORDER;
        for (int64_t x = 0; x < w; x++) row[x + 1] = cells[y * w + x] ? MASK : INITIAL;
    }
    // Fiji processes the cells (level 0) first: none can join the queue (nothing is labelled
    // yet), so the level ends by numbering their 4-connected regions. Which number a region
    // gets does not change the partition, so rows are scanned in memory order.
    int32_t current = label_masked(lab, W, H, stack, 0);
    // Level 255: every other pixel is masked; those with a cell among their 4 neighbours join
    // the queue in Fiji's column-major order (counted and placed by rows, stably by column).
    for (int64_t P = W; P < (H - 1) * W; P++) if (lab[P] == INITIAL) lab[P] = MASK;
    for (int64_t x = 0; x <= w; x++) columns[x] = 0;
    for (int64_t y = 1; y + 1 < H; y++)
        for (int64_t x = 1; x + 1 < W; x++) {
            const int64_t P = y * W + x;
            if (lab[P] == MASK && NEXT_TO_CELL(P)) columns[x]++;
        }
    for (int64_t x = 0; x < w; x++) columns[x + 1] += columns[x];
    // columns[x] now ends column x (1-based x); shift to starts.
    for (int64_t x = w; x >= 1; x--) columns[x] = columns[x - 1];
    columns[0] = 0;
    int64_t total = 0;
    for (int64_t y = 1; y + 1 < H; y++)
        for (int64_t x = 1; x + 1 < W; x++) {
            const int64_t P = y * W + x;
            if (lab[P] == MASK && NEXT_TO_CELL(P)) { fifo[columns[x]++] = (int32_t)P; total++; }
        }
    for (int64_t k = 0; k < total; k++) lab[fifo[k]] = IN_QUEUE;
    int flag = 0;
    int64_t head = 0, tail = total;
    while (head < tail) {
        const int64_t p = fifo[head++];
        // Neighbours in Fiji's order: (x−1, y), (x, y−1), (x+1, y), (x, y+1); the frame is inert.
        FLOOD_FROM(p - 1);
        FLOOD_FROM(p - W);
        FLOOD_FROM(p + 1);
        FLOOD_FROM(p + W);
    }
    // Regions the flood did not reach (no cell in them) become basins of their own.
    current = label_masked(lab, W, H, stack, current);
    for (int64_t y = 0; y < h; y++) {
        const int32_t *row = lab + (y + 1) * W + 1;
        for (int64_t x = 0; x < w; x++) labels[y * w + x] = row[x] < 0 ? 0 : row[x];
    }
    return current;
}

/// The root of x (union-find with path halving; roots are the smallest label of their set).
static inline int32_t find_root(int32_t *parent, int32_t x) {
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/// Joins the sets of a and b; returns the root (the smaller one).
static inline int32_t join_roots(int32_t *parent, int32_t a, int32_t b) {
    int32_t ra = find_root(parent, a), rb = find_root(parent, b);
    if (ra == rb) return ra;
    if (ra < rb) { parent[rb] = ra; return ra; }
    parent[ra] = rb;
    return rb;
}

int32_t seg_components(const uint8_t *mask, int64_t w, int64_t h, int eight, int32_t *labels, int32_t *parent) {
    int32_t next = 1;
    parent[0] = 0;
    for (int64_t y = 0; y < h; y++) {
        const int64_t row = y * w;
        for (int64_t x = 0; x < w; x++) {
            const int64_t p = row + x;
            if (!mask[p]) { labels[p] = 0; continue; }
            int32_t label = 0;
#define JOIN(q) do { int32_t n_ = labels[q]; if (n_) label = label ? join_roots(parent, label, n_) : find_root(parent, n_); } while (0)
            if (x > 0) JOIN(p - 1);
            if (y > 0) {
                JOIN(p - w);
                if (eight) {
                    if (x > 0) JOIN(p - w - 1);
                    if (x + 1 < w) JOIN(p - w + 1);
                }
            }
#undef JOIN
            if (!label) { label = next++; parent[label] = label; }
            labels[p] = label;
        }
    }
    // Final numbers in order of each root's first appearance in the scan (roots reuse
    // parent[] as their final number, marked negative).
    int32_t count = 0;
    const int64_t n = w * h;
    for (int64_t p = 0; p < n; p++) {
        int32_t l = labels[p];
        if (!l) continue;
        int32_t r = l;
        while (parent[r] > 0 && parent[r] != r) r = parent[r];
        if (parent[r] > 0) { parent[r] = -(++count); }
        labels[p] = -parent[r];
        // Point l straight at its root for the next visit.
        if (l != r) parent[l] = r;
    }
    return count;
}
