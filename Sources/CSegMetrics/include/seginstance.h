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

/// The ISBI 2012 border thinning (SegMetrics' BorderThinning): Fiji's
/// `WatershedTransform2D` (Vincent–Soille, 4-connected, Fiji's queue and
/// neighbour order) on an image that is 0 on the cells (`cells[i]` non-zero)
/// and 255 elsewhere. Writes the basins, numbered 1 … count (the cells'
/// regions first, each group in row-major order of its first pixel; Fiji
/// numbers in column-major order, the same partition), and the dams (0)
/// into `labels`. Scratch: `padded` (w + 2)·(h + 2) entries, `fifo` and
/// `stack` w·h, `columns` w + 1. Returns the count.
int32_t seg_border_thinning(const uint8_t *cells, int64_t w, int64_t h, int32_t *labels,
                            int32_t *padded, int32_t *fifo, int32_t *stack, int32_t *columns);

/// Connected-component labelling of the pixels where `mask` is non-zero
/// (4-connected, or 8-connected when `eight`), numbered 1 … count in raster
/// order of each component's first pixel, as `scipy.ndimage.label` numbers
/// them; background 0. `parent` is scratch of w·h + 1 entries. Returns the count.
int32_t seg_components(const uint8_t *mask, int64_t w, int64_t h, int eight, int32_t *labels, int32_t *parent);

#endif
