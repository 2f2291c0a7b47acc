#ifndef SEGINSTANCE_H
#define SEGINSTANCE_H

#include <stdint.h>

/// Adds the length of every run of equal labels in `labels[0 ..< n]` to
/// `areas[label]` (so `areas` ends up holding each label's pixel count when
/// it starts at zero). Every label must be a valid index into `areas`.
void seg_label_areas(const int32_t *labels, int64_t n, int64_t *areas);

/// The overlap table of two label maps of `n` pixels: for every pair
/// (gt[i], pred[i]) with both labels non-zero, the number of pixels holding
/// it, accumulated run by run into an open-addressing table of
/// 2^log2_capacity slots: `keys` (gt << 32 | pred; UINT64_MAX marks an
/// empty slot, which the caller fills in beforehand) and `counts`.
/// `used` receives the number of occupied slots.
///
/// Returns 1, or 0 when the table would pass half full (the caller retries
/// with a larger one; the table's contents are then unusable).
int seg_overlap_table(const int32_t *gt, const int32_t *pred, int64_t n,
                      uint64_t *keys, int64_t *counts, int64_t log2_capacity, int64_t *used);

#endif
