// Register-tiled 3×3 convolution for stride-1 layers below Winograd's sizes:
// the low-resolution, many-channel layers of ResNet encoders and smp decoders
// (16²–32² at 256–768 channels at 512² inputs), where im2col plus a general matrix product
// loses a quarter of its time to copying and packing. The input is copied once
// into zero-padded planes; each tile of 8 output channels × up to three
// 16-pixel vectors keeps its 24 sums in AVX-512 registers over the input
// channels and taps, then adds bias and residual and applies the activation on
// the way out. (A 1×1 version of the same tile was measured level with
// OpenBLAS, so 1×1 layers keep the matrix product.)
// Every output value is summed in the same order (channel, then tap) whatever
// the tiling or the thread count, so results do not depend on how rows are split.
#include "segmodel.h"
#include "source_row.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>
#define TILED_X86 1
#endif

enum { MR = SEG_TILED_BLOCK, VL = 16 };

int32_t seg_tiled_available(void) {
#ifdef TILED_X86
    return __builtin_cpu_supports("avx512f") ? 1 : 0;
#else
    return 0;
#endif
}

// Where weight (m, c, t) of PyTorch's [K][C][9] order sits in the packed order.
static inline int64_t packed_index(int32_t m, int32_t c, int t, int32_t channels) {
    return (((int64_t)(m / MR) * channels + c) * 9 + t) * MR + m % MR;
}

void seg_tiled_pack(const float *w, int32_t kout, int32_t channels, float *packed) {
    const int32_t blocks = (kout + MR - 1) / MR;
    memset(packed, 0, sizeof(float) * (size_t)blocks * MR * channels * 9);
    for (int32_t m = 0; m < kout; m++)
        for (int32_t c = 0; c < channels; c++)
            for (int t = 0; t < 9; t++) packed[packed_index(m, c, t, channels)] = w[((int64_t)m * channels + c) * 9 + t];
}

void seg_tiled_unpack(const float *packed, int32_t kout, int32_t channels, float *w) {
    for (int32_t m = 0; m < kout; m++)
        for (int32_t c = 0; c < channels; c++)
            for (int t = 0; t < 9; t++) w[((int64_t)m * channels + c) * 9 + t] = packed[packed_index(m, c, t, channels)];
}

void seg_tiled_pad(const float *input, int32_t channels, int32_t height, int32_t width,
                   const int32_t *rowmap, const int32_t *colmap, int32_t src_height, int32_t src_width,
                   int32_t pad, int64_t pplane, float *padded) {
    const int32_t pw = width + 2 * pad;
    const int64_t plane = seg_source_plane(height, width, rowmap, src_height, src_width);
    for (int32_t c = 0; c < channels; c++) {
        const float *src = input + c * plane;
        float *dst = padded + c * pplane;
        memset(dst, 0, sizeof(float) * (size_t)pad * pw);
        memset(dst + (int64_t)(pad + height) * pw, 0, sizeof(float) * (size_t)pad * pw);
        for (int32_t y = 0; y < height; y++) {
            float *d = dst + (int64_t)(pad + y) * pw;
            for (int32_t x = 0; x < pad; x++) d[x] = d[pad + width + x] = 0;
            seg_source_row(src, y, width, rowmap, colmap, src_width, d + pad);
        }
    }
}

#ifdef TILED_X86
#define NV 1
#include "tiled_tile.h"
#undef NV
#define NV 2
#include "tiled_tile.h"
#undef NV
#define NV 3
#include "tiled_tile.h"
#undef NV

// The tile kernel for nv vectors.
typedef void (*tile_fn)(const float *const *, const int64_t *, int32_t, int64_t, int32_t, const float *, const float *,
                        const float *, const int64_t *, const __mmask16 *, int64_t, int32_t, int32_t, float *);
static const tile_fn tiles[3] = {tile1, tile2, tile3};

// Loop nest: chunks of the rows' vectors (about 2 MB of input, all of them
// for the usual sizes), then blocks of 8 output channels, each passing over
// the chunk's input in cache. (Blocking the input channels as well, so that a
// tile's input stays in L1, was measured no faster.)
__attribute__((target("avx512f")))
static void tiled_avx512(const float *const *planes, int32_t channels, int32_t dil, int32_t height, int32_t width,
                         const float *packed, int32_t kout, const float *bias, const float *residual, int32_t act,
                         int32_t row0, int32_t row1, float *out) {
    const int32_t pitch = width + 2 * dil;
    const int64_t oplane = (int64_t)height * width, row_step = (int64_t)dil * pitch;
    const int32_t per_row = (width + VL - 1) / VL;
    const int64_t vectors = (int64_t)(row1 - row0) * per_row;
    // Input bytes one vector reads per channel: three rows of 16 floats.
    int64_t chunk = (2 << 20) / ((int64_t)channels * 3 * VL * 4);
    chunk = chunk < 3 ? 3 : chunk - chunk % 3;
    int64_t off[3], ooff[3];
    __mmask16 mask[3];
    for (int64_t v0 = 0; v0 < vectors; v0 += chunk) {
        const int64_t v1 = v0 + chunk < vectors ? v0 + chunk : vectors;
        for (int32_t m0 = 0; m0 < kout; m0 += MR) {
            const int32_t mcount = kout - m0 < MR ? kout - m0 : MR;
            const float *w = packed + (int64_t)m0 * channels * 9, *b = bias + m0;
            const float *res = residual ? residual + m0 * oplane : NULL;
            float *o = out + m0 * oplane;
            for (int64_t v = v0; v < v1; v += 3) {
                const int nv = v1 - v < 3 ? (int)(v1 - v) : 3;
                for (int i = 0; i < nv; i++) {
                    // Tap (ky, kx) of output (y, x) is padded-plane offset (y + ky·dil)·pitch + x + kx·dil.
                    const int32_t y = row0 + (int32_t)((v + i) / per_row), x = (int32_t)((v + i) % per_row) * VL;
                    const int32_t n = width - x < VL ? width - x : VL;
                    off[i] = (int64_t)y * pitch + x;
                    ooff[i] = (int64_t)y * width + x;
                    mask[i] = (__mmask16)((1u << n) - 1);
                }
                tiles[nv - 1](planes, off, channels, row_step, dil, w, b, res, ooff, mask, oplane, mcount, act, o);
            }
        }
    }
}
#endif

void seg_tiled_conv3x3(const float *const *planes, int32_t channels, int32_t dil, int32_t height, int32_t width,
                       const float *packed, int32_t kout, const float *bias, const float *residual, int32_t act,
                       int32_t row0, int32_t row1, float *out) {
#ifdef TILED_X86
    tiled_avx512(planes, channels, dil, height, width, packed, kout, bias, residual, act, row0, row1, out);
#else
    // Unreachable: seg_tiled_available() is 0 here, so callers take im2col.
    (void)planes; (void)channels; (void)dil; (void)height; (void)width; (void)packed; (void)kout;
    (void)bias; (void)residual; (void)act; (void)row0; (void)row1; (void)out;
    abort();
#endif
}
