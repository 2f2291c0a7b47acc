// Reading a convolution's input rows, shared by the Winograd and the tiled
// paths: a channel plane as it is, or a nearest-resized view of it (smp's
// decoders upsample, then convolve; the upsampled map is never made).
#ifndef SEG_SOURCE_ROW_H
#define SEG_SOURCE_ROW_H
#include <stdint.h>
#include <string.h>

// Floats per source channel plane: the view's source when `rowmap` is given.
static inline int64_t seg_source_plane(int32_t height, int32_t width, const int32_t *rowmap, int32_t src_height,
                                       int32_t src_width) {
    return rowmap ? (int64_t)src_height * src_width : (int64_t)height * width;
}

// Copies row y (of `width` pixels) of the plane at `src` to `dst`; with
// `rowmap` non-NULL pixel (y, x) is source pixel (rowmap[y], colmap[x]) of a
// map `src_width` wide.
static inline void seg_source_row(const float *src, int32_t y, int32_t width, const int32_t *rowmap,
                                  const int32_t *colmap, int32_t src_width, float *dst) {
    if (rowmap) {
        const float *s = src + (int64_t)rowmap[y] * src_width;
        for (int32_t x = 0; x < width; x++) dst[x] = s[colmap[x]];
    } else {
        memcpy(dst, src + (int64_t)y * width, sizeof(float) * (size_t)width);
    }
}
#endif
