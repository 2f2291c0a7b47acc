#ifndef SEGDISTANCE_H
#define SEGDISTANCE_H

#include <stdint.h>

/// The exact distance transform's second step for the queries of one row
/// (SegMetrics' EuclideanDistanceTransform): for each query column x, the
/// square root of the minimum over columns c of cost[c] + squares[c − x].
///
/// - cost: the row's costs (sy · vertical offset of the column's nearest
///   feature)², readable with +inf from 64 columns before column 0 to 64
///   after column width − 1.
/// - squares: squares[j] = (sx · j)² for j in −64 … 64 (pointer at j = 0).
/// - query_bits: the row's queries, `words` words of 64 columns (bit b of
///   word k is column 64k + b, none at or past the width).
/// - out: one distance per query in column order; NaN for a query whose
///   nearest feature lies more than 64 columns away (the caller searches
///   the whole row for those).
///
/// Returns the number of queries.
int64_t seg_edt_row_queries(const double *cost, const double *squares, int64_t width,
                            const uint64_t *query_bits, int64_t words, double *out);

/// One row of the transform's vertical pass: for each of the `stride`
/// columns, offsets[x] = 0 where bit x of the row's packed feature bits is
/// set and previous[x] + 1 elsewhere (the row offset to the nearest feature
/// passed so far; `previous` may be `offsets` itself). `bits` holds at
/// least ⌈stride / 64⌉ words.
void seg_edt_sweep_row(const int32_t *previous, int32_t *offsets, const uint64_t *bits, int64_t stride);

/// A row's costs from the vertical pass both ways:
/// cost[x] = (sy · min(above[x], below[x]))² for x < width.
void seg_edt_row_costs(double *cost, const int32_t *above, const int32_t *below, int64_t width, double sy);

/// Packs the pixels of a row-major 8-bit image whose value lies in lo … hi
/// (lo ≤ hi) 64 to a word: bit b of word k of row y is column 64k + b; each
/// row's `stride` words are written whole (bits past the width 0).
void seg_pack_range(const uint8_t *values, int64_t width, int64_t height, uint8_t lo, uint8_t hi,
                    uint64_t *words, int64_t stride);

#endif
