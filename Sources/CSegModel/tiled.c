// Register-tiled 3×3 convolution for the low-resolution, many-channel layers
// of ResNet encoders and smp decoders (16²–64² at 128–768 channels), where
// im2col plus a general matrix product loses a third of its time to copying
// and packing. The input is copied once into a zero-padded buffer; each tile
// of 8 output channels × up to three 16-pixel vectors keeps its 24 sums in
// AVX-512 registers over all input channels and taps, then adds bias and
// residual and applies the activation on the way out. Every output value is
// summed in the same order (channel, then tap) whatever the tiling or the
// thread count, so results do not depend on how rows are split.
#include "segmodel.h"
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

void seg_tiled_pack(const float *w, int32_t kout, int32_t channels, float *packed) {
    const int32_t blocks = (kout + MR - 1) / MR;
    memset(packed, 0, sizeof(float) * (size_t)blocks * MR * channels * 9);
    for (int32_t m = 0; m < kout; m++)
        for (int32_t c = 0; c < channels; c++)
            for (int t = 0; t < 9; t++)
                packed[(((int64_t)(m / MR) * channels + c) * 9 + t) * MR + m % MR] = w[((int64_t)m * channels + c) * 9 + t];
}

void seg_tiled_unpack(const float *packed, int32_t kout, int32_t channels, float *w) {
    for (int32_t m = 0; m < kout; m++)
        for (int32_t c = 0; c < channels; c++)
            for (int t = 0; t < 9; t++)
                w[((int64_t)m * channels + c) * 9 + t] = packed[(((int64_t)(m / MR) * channels + c) * 9 + t) * MR + m % MR];
}

void seg_tiled_pad(const float *input, int32_t channels, int32_t height, int32_t width,
                   const int32_t *rowmap, const int32_t *colmap, int32_t src_height, int32_t src_width,
                   int32_t pad, float *padded) {
    const int32_t pw = width + 2 * pad;
    const int64_t pplane = (int64_t)(height + 2 * pad) * pw;
    const int64_t plane = rowmap ? (int64_t)src_height * src_width : (int64_t)height * width;
    for (int32_t c = 0; c < channels; c++) {
        const float *src = input + c * plane;
        float *dst = padded + c * pplane;
        memset(dst, 0, sizeof(float) * (size_t)pad * pw);
        memset(dst + (int64_t)(pad + height) * pw, 0, sizeof(float) * (size_t)pad * pw);
        for (int32_t y = 0; y < height; y++) {
            float *d = dst + (int64_t)(pad + y) * pw;
            for (int32_t x = 0; x < pad; x++) d[x] = d[pad + width + x] = 0;
            if (rowmap) {
                // A nearest-resized view: pixel (y, x) is source pixel (rowmap[y], colmap[x]).
                const float *s = src + (int64_t)rowmap[y] * src_width;
                for (int32_t x = 0; x < width; x++) d[pad + x] = s[colmap[x]];
            } else {
                memcpy(d + pad, src + (int64_t)y * width, sizeof(float) * (size_t)width);
            }
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

__attribute__((target("avx512f")))
static void tiled_avx512(const float *padded, int32_t channels, int32_t height, int32_t width, int32_t dil,
                         const float *packed, int32_t kout, const float *bias, const float *residual, int32_t act,
                         int32_t row0, int32_t row1, float *out) {
    const int32_t pw = width + 2 * dil;
    const int64_t pplane = (int64_t)(height + 2 * dil) * pw, oplane = (int64_t)height * width;
    const int64_t row_step = (int64_t)dil * pw;
    int64_t off[3], ooff[3];
    __mmask16 mask[3];
    for (int32_t m0 = 0; m0 < kout; m0 += MR) {
        const float *w = packed + (int64_t)m0 * channels * 9;
        const int32_t mcount = kout - m0 < MR ? kout - m0 : MR;
        const float *b = bias + m0, *res = residual ? residual + m0 * oplane : NULL;
        float *o = out + m0 * oplane;
        int nv = 0;
        for (int32_t y = row0; y < row1; y++)
            for (int32_t x = 0; x < width; x += VL) {
                // Tap (ky, kx) of output (y, x) is padded pixel (y + ky·dil, x + kx·dil).
                off[nv] = (int64_t)y * pw + x;
                ooff[nv] = (int64_t)y * width + x;
                const int32_t n = width - x < VL ? width - x : VL;
                mask[nv] = (__mmask16)((1u << n) - 1);
                if (++nv == 3) {
                    tile3(padded, off, pplane, channels, row_step, dil, w, b, res, ooff, mask, oplane, mcount, act, o);
                    nv = 0;
                }
            }
        if (nv == 2) tile2(padded, off, pplane, channels, row_step, dil, w, b, res, ooff, mask, oplane, mcount, act, o);
        if (nv == 1) tile1(padded, off, pplane, channels, row_step, dil, w, b, res, ooff, mask, oplane, mcount, act, o);
    }
}
#endif

void seg_tiled_conv3x3(const float *padded, int32_t channels, int32_t height, int32_t width, int32_t dil,
                       const float *packed, int32_t kout, const float *bias, const float *residual, int32_t act,
                       int32_t row0, int32_t row1, float *out) {
#ifdef TILED_X86
    tiled_avx512(padded, channels, height, width, dil, packed, kout, bias, residual, act, row0, row1, out);
#else
    // Unreachable: seg_tiled_available() is 0 here, so callers take im2col.
    (void)padded; (void)channels; (void)height; (void)width; (void)dil; (void)packed; (void)kout;
    (void)bias; (void)residual; (void)act; (void)row0; (void)row1; (void)out;
    abort();
#endif
}
