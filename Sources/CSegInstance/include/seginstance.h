#ifndef SEGINSTANCE_H
#define SEGINSTANCE_H

#include <stdint.h>

/// The overlap table of two label maps of `n` pixels: for every pair
/// (gt[i], pred[i]), background (0) included, the number of pixels holding
/// it, accumulated run by run into an open-addressing table of
/// 2^log2_capacity slots: `keys` (gt << 32 | pred; UINT64_MAX marks an
/// empty slot, which the caller fills in beforehand) and `counts`.
/// `used` receives the number of occupied slots.
///
/// Returns 1, or 0 when the table would pass half full (the caller retries
/// with a larger one; the table's contents are then unusable).
int seg_overlap_table(const int32_t *gt, const int32_t *pred, int64_t n,
                      uint64_t *keys, int64_t *counts, int64_t log2_capacity, int64_t *used);

/// The largest of `ids[0 ..< n]` (0 when n is 0).
uint16_t seg_max16(const uint16_t *ids, int64_t n);

/// Relabels a 16-bit label image as scikit-image's `relabel_sequential`
/// does: the distinct non-zero ids, in increasing order, become 1 … count
/// in `labels` (0 stays 0). `largest` is the largest id (``seg_max16``),
/// `scratch` holds largest + 1 entries (any contents). Returns the count.
int32_t seg_relabel16(const uint16_t *ids, int64_t n, uint16_t largest, int32_t *scratch, int32_t *labels);

#endif
