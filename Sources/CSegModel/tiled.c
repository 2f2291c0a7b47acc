// Register-tiled convolutions (AVX-512): 3×3 stride-1 layers below Winograd's
// sizes, and every other layer through a gathered block. Each tile of 8 output channels × up
// to three 16-pixel vectors keeps its 24 sums in registers over the input
// channels (and taps), then adds bias and residual and applies the activation
// on the way out, so the output is written once.
// - 3×3: the low-resolution, many-channel layers of ResNet encoders and smp
//   decoders (16²–32² at 256–768 channels at 512² inputs), where im2col plus a
//   general matrix product loses a quarter of its time to copying and packing.
//   The input is copied once into zero-padded rows, those of all channels
//   interleaved ([row][channel][column], rows an odd number of cache lines
//   apart), so that a tile walking the channels reads nearly sequentially.
// - every other layer (1×1 at any stride, 3×3/2, ResNet's 7×7/2 stem, wide
//   dilations): each run of 48 output pixels is first gathered im2col-style
//   into a contiguous [channel·tap][48] block (zeros for padding), which every
//   block of output channels then reads in cache, as a 1×1 convolution over
//   channels × taps. Reading the planes of a 1×1 layer in place instead was
//   2× slower: they (32², 64², 128² floats) are multiples of 4 KB apart, so
//   every channel's vectors fall in the same L1 sets.
// Every output value is summed in the same order (channel, then tap) whatever
// the tiling or the thread count, so results do not depend on how work is split.
#include "segmodel.h"
#include "source_row.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#include "avx512_lanes.h"
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

// Where weight (m, c, t) of PyTorch's [K][C][taps] order sits in the packed order.
static inline int64_t packed_index(int32_t m, int32_t c, int t, int32_t channels, int32_t taps) {
    return (((int64_t)(m / MR) * channels + c) * taps + t) * MR + m % MR;
}

void seg_tiled_pack(const float *w, int32_t kout, int32_t channels, int32_t taps, float *packed) {
    const int32_t blocks = (kout + MR - 1) / MR;
    memset(packed, 0, sizeof(float) * (size_t)blocks * MR * channels * taps);
    for (int32_t m = 0; m < kout; m++)
        for (int32_t c = 0; c < channels; c++)
            for (int t = 0; t < taps; t++)
                packed[packed_index(m, c, t, channels, taps)] = w[((int64_t)m * channels + c) * taps + t];
}

void seg_tiled_unpack(const float *packed, int32_t kout, int32_t channels, int32_t taps, float *w) {
    for (int32_t m = 0; m < kout; m++)
        for (int32_t c = 0; c < channels; c++)
            for (int t = 0; t < taps; t++)
                w[((int64_t)m * channels + c) * taps + t] = packed[packed_index(m, c, t, channels, taps)];
}

void seg_tiled_pad(const float *input, int32_t channels, int32_t height, int32_t width,
                   const int32_t *rowmap, const int32_t *colmap, int32_t src_height, int32_t src_width,
                   int32_t pad, int64_t channel_stride, int64_t row_stride, float *padded) {
    const int32_t pw = width + 2 * pad;
    const int64_t plane = seg_source_plane(height, width, rowmap, src_height, src_width);
    for (int32_t c = 0; c < channels; c++) {
        const float *src = input + c * plane;
        float *dst = padded + c * channel_stride;
        for (int32_t y = 0; y < pad; y++) {
            memset(dst + y * row_stride, 0, sizeof(float) * (size_t)pw);
            memset(dst + (pad + height + y) * row_stride, 0, sizeof(float) * (size_t)pw);
        }
        for (int32_t y = 0; y < height; y++) {
            float *d = dst + (int64_t)(pad + y) * row_stride;
            for (int32_t x = 0; x < pad; x++) d[x] = d[pad + width + x] = 0;
            seg_source_row(src, y, width, rowmap, colmap, src_width, d + pad);
        }
    }
}

#ifdef TILED_X86
// A tile's way out, shared by both kernels: vector v of output channel m is
// sum + (bias + residual), then the activation (as seg_bias_act), stored to
// offset ooff[v] of plane m, lanes mask[v] only, for the mcount channels that exist.
__attribute__((target("avx512f"), always_inline))
static inline void tile_store(__m512 acc[MR][3], int nv, const float *bias, const float *residual, const int64_t *ooff,
                              const __mmask16 *mask, int64_t oplane, int32_t mcount, int32_t act, float *out) {
#pragma clang loop unroll(full)
    for (int m = 0; m < MR; m++) {
        if (m >= mcount) continue;
        const __m512 bm = _mm512_set1_ps(bias[m]);
#pragma clang loop unroll(full)
        for (int v = 0; v < nv; v++) {
            __m512 add = bm;
            if (residual) add = _mm512_add_ps(bm, _mm512_maskz_loadu_ps(mask[v], residual + m * oplane + ooff[v]));
            _mm512_mask_storeu_ps(out + m * oplane + ooff[v], mask[v], seg_activate16(_mm512_add_ps(acc[m][v], add), act));
        }
    }
}

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
                         int64_t row_stride, const float *packed, int32_t kout, const float *bias, const float *residual, int32_t act,
                         int32_t row0, int32_t row1, float *out) {
    const int64_t oplane = (int64_t)height * width, row_step = (int64_t)dil * row_stride;
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
                    // Tap (ky, kx) of output (y, x) is offset (y + ky·dil)·row_stride + x + kx·dil from its channel's plane.
                    const int32_t y = row0 + (int32_t)((v + i) / per_row), x = (int32_t)((v + i) % per_row) * VL;
                    const int32_t n = width - x < VL ? width - x : VL;
                    off[i] = (int64_t)y * row_stride + x;
                    ooff[i] = (int64_t)y * width + x;
                    mask[i] = (__mmask16)((1u << n) - 1);
                }
                tiles[nv - 1](planes, off, channels, row_step, dil, w, b, res, ooff, mask, oplane, mcount, act, o);
            }
        }
    }
}
#endif

#ifdef TILED_X86
// The gathered tile: 8 output channels × 48 pixels over all `depth` rows of a
// gathered [channel·tap][48] block.
__attribute__((target("avx512f")))
static void gathered_tile(const float *block, int32_t depth, const float *w, const float *bias, const float *residual,
                           const int64_t *ooff, const __mmask16 *mask, int nv, int64_t oplane, int32_t mcount, int32_t act,
                           float *out) {
    __m512 acc[MR][3];
#pragma clang loop unroll(full)
    for (int m = 0; m < MR; m++)
#pragma clang loop unroll(full)
        for (int v = 0; v < 3; v++) acc[m][v] = _mm512_setzero_ps();
    for (int32_t c = 0; c < depth; c++) {
        const float *b = block + (int64_t)c * 3 * VL, *wc = w + (int64_t)c * MR;
        const __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + VL), b2 = _mm512_load_ps(b + 2 * VL);
#pragma clang loop unroll(full)
        for (int m = 0; m < MR; m++) {
            const __m512 wm = _mm512_set1_ps(wc[m]);
            acc[m][0] = _mm512_fmadd_ps(wm, b0, acc[m][0]);
            acc[m][1] = _mm512_fmadd_ps(wm, b1, acc[m][1]);
            acc[m][2] = _mm512_fmadd_ps(wm, b2, acc[m][2]);
        }
    }
    if (nv == 3) tile_store(acc, 3, bias, residual, ooff, mask, oplane, mcount, act, out);
    else if (nv == 2) tile_store(acc, 2, bias, residual, ooff, mask, oplane, mcount, act, out);
    else tile_store(acc, 1, bias, residual, ooff, mask, oplane, mcount, act, out);
}

// The geometry of a gathered convolution.
typedef struct {
    int32_t channels, in_height, in_width, kernel, stride, dil, pad, height, width;
} gather_shape;

// Copies count (≤ 48) floats from src to dst, in up to three vectors.
__attribute__((target("avx512f"), always_inline))
static inline void copy_run(float *dst, const float *src, int count) {
    for (int j = 0; j < count; j += VL) {
        const __mmask16 m = count - j >= VL ? 0xFFFF : (__mmask16)((1u << (count - j)) - 1);
        _mm512_mask_storeu_ps(dst + j, m, _mm512_maskz_loadu_ps(m, src + j));
    }
}

// Longest source line (stride·47 + dil·(k − 1) + 1 pixels of an input row)
// gather_block copies before splitting it into taps; longer ones are read in place.
enum { LINE_MAX = 4096 };

static inline int32_t clamp32(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : v; }

// Gathers output pixels [q0, q0 + n) (row by row) into block[c·k² + tap][48]:
// the input value each tap of each pixel reads, zeros past n.
__attribute__((target("avx512f")))
static void gather_block(const float *const *planes, const gather_shape *g, int64_t q0, int n, float *block) {
    const int32_t k = g->kernel, k2 = k * k;
    const int64_t depth = (int64_t)g->channels * k2;
    if (k == 1 && g->stride == 1) {
        // A 1×1 layer at stride 1 reads the run's pixels as they lie: three
        // vectors per channel (masked in the last run), zeros past n.
        const __mmask16 m0 = n >= VL ? 0xFFFF : (__mmask16)((1u << n) - 1);
        const __mmask16 m1 = n >= 2 * VL ? 0xFFFF : n > VL ? (__mmask16)((1u << (n - VL)) - 1) : 0;
        const __mmask16 m2 = n >= 3 * VL ? 0xFFFF : n > 2 * VL ? (__mmask16)((1u << (n - 2 * VL)) - 1) : 0;
        for (int64_t c = 0; c < depth; c++) {
            const float *p = planes[c] + q0;
            float *d = block + c * 3 * VL;
            _mm512_store_ps(d, _mm512_maskz_loadu_ps(m0, p));
            _mm512_store_ps(d + VL, _mm512_maskz_loadu_ps(m1, p + VL));
            _mm512_store_ps(d + 2 * VL, _mm512_maskz_loadu_ps(m2, p + 2 * VL));
        }
        return;
    }
    // Per input row and run: the zero-padded line of source pixels the run's
    // taps read (pixel j, tap kx reads line[stride·j + dil·kx]), its even and
    // odd halves at stride 2; then each tap is one shifted copy of it.
    const int32_t s = g->stride, d = g->dil;
    float line[LINE_MAX + 2 * VL] __attribute__((aligned(64)));
    float halves[2][LINE_MAX / 2 + 2 * VL] __attribute__((aligned(64)));
    for (int i = 0; i < n;) {
        // The run's pixels on output row y: columns x … x + count − 1.
        const int32_t y = (int32_t)((q0 + i) / g->width), x = (int32_t)((q0 + i) % g->width);
        const int count = n - i < g->width - x ? n - i : g->width - x;
        const int32_t ix0 = x * s - g->pad, span = s * (count - 1) + d * (k - 1) + 1;
        // Line positions inside the row (0 ≤ ix0 + t < in_width): [ta, tb).
        const int32_t ta = clamp32(-ix0, 0, span), tb = clamp32(g->in_width - ix0, ta, span);
        for (int32_t c = 0; c < g->channels; c++) {
            for (int32_t ky = 0; ky < k; ky++) {
                const int32_t iy = y * s + ky * d - g->pad;
                float *dst = block + ((int64_t)c * k2 + ky * k) * 3 * VL + i;
                if (iy < 0 || iy >= g->in_height) {
                    for (int32_t kx = 0; kx < k; kx++) memset(dst + kx * 3 * VL, 0, sizeof(float) * (size_t)count);
                    continue;
                }
                const float *row = planes[c] + (int64_t)iy * g->in_width;
                if (span > LINE_MAX) {  // a dilation in the hundreds: read the row directly
                    for (int32_t kx = 0; kx < k; kx++)
                        for (int j = 0; j < count; j++) {
                            const int32_t ix = ix0 + s * j + d * kx;
                            dst[kx * 3 * VL + j] = ix >= 0 && ix < g->in_width ? row[ix] : 0;
                        }
                    continue;
                }
                for (int32_t t = 0; t < ta; t++) line[t] = 0;
                memcpy(line + ta, row + (ix0 + ta), sizeof(float) * (size_t)(tb - ta));
                for (int32_t t = tb; t < span; t++) line[t] = 0;
                if (s == 1) {
                    for (int32_t kx = 0; kx < k; kx++) copy_run(dst + kx * 3 * VL, line + kx * d, count);
                } else if (s == 2) {
                    for (int32_t t = 0; t < span; t += 2 * VL) {
                        const __m512 lo = _mm512_loadu_ps(line + t), hi = _mm512_loadu_ps(line + t + VL);
                        _mm512_store_ps(halves[0] + t / 2, seg_even_lanes(lo, hi));
                        _mm512_store_ps(halves[1] + t / 2, seg_odd_lanes(lo, hi));
                    }
                    for (int32_t kx = 0; kx < k; kx++) {
                        const int32_t at = kx * d;  // line[2j + at] is halves[at % 2][j + at / 2]
                        copy_run(dst + kx * 3 * VL, halves[at & 1] + at / 2, count);
                    }
                } else {
                    for (int32_t kx = 0; kx < k; kx++)
                        for (int j = 0; j < count; j++) dst[kx * 3 * VL + j] = line[s * j + kx * d];
                }
            }
        }
        i += count;
    }
    if (n < 3 * VL)
        for (int64_t r = 0; r < depth; r++) memset(block + r * 3 * VL + n, 0, sizeof(float) * (size_t)(3 * VL - n));
}
#endif

// Gathered blocks a call keeps in cache at once: about 384 KB of input.
static int64_t gathered_chunk(int64_t depth) {
    const int64_t chunk = (384 << 10) / (depth * 3 * VL * 4);
    return chunk < 1 ? 1 : chunk;
}

int64_t seg_tiled_gathered_scratch(int32_t channels, int32_t kernel) {
    const int64_t depth = (int64_t)channels * kernel * kernel;
    return gathered_chunk(depth) * depth * 3 * VL;
}

void seg_tiled_gathered(const float *const *planes, int32_t channels, int32_t in_height, int32_t in_width, int32_t kernel,
                        int32_t stride, int32_t dil, int32_t pad, int32_t height, int32_t width, const float *packed,
                        int32_t kout, const float *bias, const float *residual, int32_t act, int64_t group0,
                        int64_t group1, float *scratch, float *out) {
#ifdef TILED_X86
    const gather_shape g = {channels, in_height, in_width, kernel, stride, dil, pad, height, width};
    const int64_t oplane = (int64_t)height * width, depth = (int64_t)channels * kernel * kernel;
    const int64_t chunk = gathered_chunk(depth), block = depth * 3 * VL;
    for (int64_t g0 = group0; g0 < group1; g0 += chunk) {
        const int64_t g1 = g0 + chunk < group1 ? g0 + chunk : group1;
        for (int64_t r = g0; r < g1; r++) {
            const int64_t q0 = r * 3 * VL;
            gather_block(planes, &g, q0, oplane - q0 < 3 * VL ? (int)(oplane - q0) : 3 * VL, scratch + (r - g0) * block);
        }
        for (int32_t m0 = 0; m0 < kout; m0 += MR) {
            const int32_t mcount = kout - m0 < MR ? kout - m0 : MR;
            const float *w = packed + (int64_t)m0 * depth;
            const float *res = residual ? residual + m0 * oplane : NULL;
            float *o = out + m0 * oplane;
            for (int64_t r = g0; r < g1; r++) {
                const int64_t q0 = r * 3 * VL;
                const int n = oplane - q0 < 3 * VL ? (int)(oplane - q0) : 3 * VL;
                int64_t ooff[3];
                __mmask16 mask[3];
                const int nv = (n + VL - 1) / VL;
                for (int v = 0; v < nv; v++) {
                    const int lanes = n - v * VL < VL ? n - v * VL : VL;
                    ooff[v] = q0 + v * VL;
                    mask[v] = (__mmask16)((1u << lanes) - 1);
                }
                gathered_tile(scratch + (r - g0) * block, (int32_t)depth, w, bias + m0, res, ooff, mask, nv, oplane, mcount, act, o);
            }
        }
    }
#else
    // Unreachable: seg_tiled_available() is 0 here, so callers take im2col.
    (void)planes; (void)channels; (void)in_height; (void)in_width; (void)kernel; (void)stride; (void)dil; (void)pad;
    (void)height; (void)width; (void)packed; (void)kout; (void)bias; (void)residual; (void)act; (void)group0;
    (void)group1; (void)scratch; (void)out;
    abort();
#endif
}

void seg_tiled_conv3x3(const float *const *planes, int32_t channels, int32_t dil, int32_t height, int32_t width,
                       int64_t row_stride, const float *packed, int32_t kout, const float *bias, const float *residual, int32_t act,
                       int32_t row0, int32_t row1, float *out) {
#ifdef TILED_X86
    tiled_avx512(planes, channels, dil, height, width, row_stride, packed, kout, bias, residual, act, row0, row1, out);
#else
    // Unreachable: seg_tiled_available() is 0 here, so callers take im2col.
    (void)planes; (void)channels; (void)dil; (void)height; (void)width; (void)row_stride; (void)packed; (void)kout;
    (void)bias; (void)residual; (void)act; (void)row0; (void)row1; (void)out;
    abort();
#endif
}
