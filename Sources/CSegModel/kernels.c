// Convolution helpers, pooling and resampling. Written as plain loops the
// compiler vectorises; hot ones are compiled for AVX-512, AVX2 and baseline
// x86-64 and picked at run time.
#include "segmodel.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#define HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define HOT
#endif

HOT void seg_im2col(const float *input, int32_t channels, int32_t height, int32_t width,
                    int32_t kh, int32_t kw, int32_t stride, int32_t dil, int32_t pad_y, int32_t pad_x, int32_t out_width,
                    int32_t row0, int32_t row1, float *col, int64_t ld) {
    const int64_t plane = (int64_t)height * width;
    for (int32_t c = 0; c < channels; c++) {
        const float *src = input + c * plane;
        for (int32_t ky = 0; ky < kh; ky++) {
            for (int32_t kx = 0; kx < kw; kx++) {
                float *dst = col + ((int64_t)(c * kh + ky) * kw + kx) * ld;
                const int32_t dx = kx * dil - pad_x;
                // Output columns whose source column x·stride + dx lies inside the image.
                int32_t x0 = dx < 0 ? (-dx + stride - 1) / stride : 0;
                int32_t x1 = dx < width ? (width - dx + stride - 1) / stride : 0;
                if (x0 > out_width) x0 = out_width;
                if (x1 > out_width) x1 = out_width;
                if (x1 < x0) x1 = x0;
                for (int32_t y = row0; y < row1; y++) {
                    float *d = dst + (int64_t)(y - row0) * out_width;
                    const int32_t sy = y * stride + ky * dil - pad_y;
                    if (sy < 0 || sy >= height) {
                        memset(d, 0, sizeof(float) * (size_t)out_width);
                        continue;
                    }
                    const float *s = src + (int64_t)sy * width + dx;
                    for (int32_t x = 0; x < x0; x++) d[x] = 0;
                    if (stride == 1) {
                        for (int32_t x = x0; x < x1; x++) d[x] = s[x];
                    } else {
                        for (int32_t x = x0; x < x1; x++) d[x] = s[(int64_t)x * stride];
                    }
                    for (int32_t x = x1; x < out_width; x++) d[x] = 0;
                }
            }
        }
    }
}

HOT void seg_bias_act(float *out, int32_t channels, int64_t stride, int64_t count,
                      const float *bias, const float *residual, int32_t relu) {
    const float lo = relu ? 0.0f : -INFINITY, hi = relu == 2 ? 6.0f : INFINITY;
    for (int32_t c = 0; c < channels; c++) {
        float *restrict p = out + c * stride;
        const float b = bias ? bias[c] : 0.0f;
        if (residual) {
            const float *restrict q = residual + c * stride;
            for (int64_t i = 0; i < count; i++) p[i] += b + q[i];
        } else {
            for (int64_t i = 0; i < count; i++) p[i] += b;
        }
        if (relu)
            for (int64_t i = 0; i < count; i++) { float v = p[i] > lo ? p[i] : lo; p[i] = v < hi ? v : hi; }
    }
}

// max that propagates NaN, as PyTorch's pooling does.
static inline float nan_max(float m, float v) { return (v > m || v != v) ? v : m; }

#if defined(__x86_64__) && defined(__clang__)
#include "avx512_lanes.h"
#define KERNELS_AVX512 1
// nan_max(m, v) on 16 lanes.
__attribute__((target("avx512f"), always_inline))
static inline __m512 nan_max16(__m512 m, __m512 v) {
    const __mmask16 take = _mm512_cmp_ps_mask(v, m, _CMP_GT_OQ) | _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
    return _mm512_mask_blend_ps(take, m, v);
}

// d[x] = max of padded[2x], padded[2x + 1], padded[2x + 2] in that order, 16
// outputs at a time from even and odd lanes of vector pairs.
__attribute__((target("avx512f")))
static void maxpool_row_avx512(const float *padded, int32_t ow, float *d) {
    for (int32_t x = 0; x < ow; x += 16) {
        const float *p = padded + 2 * x;
        const __m512 a = _mm512_loadu_ps(p), b = _mm512_loadu_ps(p + 16);
        __m512 m = seg_even_lanes(a, b);
        m = nan_max16(m, seg_odd_lanes(a, b));
        m = nan_max16(m, seg_even_lanes(_mm512_loadu_ps(p + 2), _mm512_loadu_ps(p + 18)));
        const int32_t n = ow - x < 16 ? ow - x : 16;
        _mm512_mask_storeu_ps(d + x, (__mmask16)((1u << n) - 1), m);
    }
}
#endif

// ResNet's stem pool (3×3, stride 2, padding 1): the column maxima of each
// output row's three input rows first (contiguous, vectorised), then the
// maxima of three neighbouring columns, read from a row padded with −inf on
// both sides (which changes no maximum and no NaN) so every output has all three.
static void maxpool_3x3_s2(const float *input, int32_t channels, int32_t height, int32_t width,
                           int32_t oh, int32_t ow, float *out) {
    // padded[0] is column −1; columns width … 2·ow + 33 are −inf too (vector over-reads).
    const int32_t length = (2 * ow + 34 > width + 1 ? 2 * ow + 34 : width + 1);
    float padded[length];
    for (int32_t x = 0; x < length; x++) padded[x] = -INFINITY;
    float *column = padded + 1;
#ifdef KERNELS_AVX512
    const int wide = __builtin_cpu_supports("avx512f");
#endif
    for (int32_t c = 0; c < channels; c++) {
        const float *src = input + (int64_t)c * height * width;
        float *dst = out + (int64_t)c * oh * ow;
        for (int32_t y = 0; y < oh; y++) {
            const int32_t ya = 2 * y - 1 < 0 ? 0 : 2 * y - 1, yb = 2 * y + 2 < height ? 2 * y + 2 : height;
            const float *r = src + (int64_t)ya * width;
            for (int32_t x = 0; x < width; x++) column[x] = r[x];
            for (int32_t yy = ya + 1; yy < yb; yy++) {
                const float *q = src + (int64_t)yy * width;
                for (int32_t x = 0; x < width; x++) column[x] = nan_max(column[x], q[x]);
            }
            float *d = dst + (int64_t)y * ow;
#ifdef KERNELS_AVX512
            if (wide) {
                maxpool_row_avx512(padded, ow, d);
                continue;
            }
#endif
            for (int32_t x = 0; x < ow; x++) {
                float m = padded[2 * x];
                m = nan_max(m, padded[2 * x + 1]);
                d[x] = nan_max(m, padded[2 * x + 2]);
            }
        }
    }
}

HOT void seg_maxpool(const float *input, int32_t channels, int32_t height, int32_t width,
                     int32_t k, int32_t stride, int32_t pad, int32_t oh, int32_t ow, float *out) {
    if (k == 3 && stride == 2 && pad == 1) {
        maxpool_3x3_s2(input, channels, height, width, oh, ow, out);
        return;
    }
    for (int32_t c = 0; c < channels; c++) {
        const float *src = input + (int64_t)c * height * width;
        float *dst = out + (int64_t)c * oh * ow;
        for (int32_t y = 0; y < oh; y++) {
            int32_t ya = y * stride - pad, yb = ya + k < height ? ya + k : height;
            if (ya < 0) ya = 0;
            for (int32_t x = 0; x < ow; x++) {
                int32_t xa = x * stride - pad, xb = xa + k < width ? xa + k : width;
                if (xa < 0) xa = 0;
                float m = -INFINITY;
                for (int32_t yy = ya; yy < yb; yy++)
                    for (int32_t xx = xa; xx < xb; xx++) {
                        const float v = src[(int64_t)yy * width + xx];
                        // NaN propagates, as in PyTorch.
                        if (v > m || v != v) m = v;
                    }
                dst[(int64_t)y * ow + x] = m;
            }
        }
    }
}

// Source index and weight of output coordinate `o` along one axis.
static void axis_weights(int32_t in, int32_t out, int32_t align_corners, int32_t o,
                         int32_t *i0, int32_t *i1, float *w1) {
    float src;
    if (align_corners) {
        src = out > 1 ? (float)o * (float)(in - 1) / (float)(out - 1) : 0.0f;
    } else {
        src = ((float)o + 0.5f) * ((float)in / (float)out) - 0.5f;
        if (src < 0) src = 0;
    }
    int32_t a = (int32_t)src;
    if (a > in - 1) a = in - 1;
    *i0 = a;
    *i1 = a + 1 < in ? a + 1 : in - 1;
    *w1 = src - (float)a;
}

// One input row interpolated along x: h[x] = row[x0] + (row[x1] − row[x0])·w.
static inline void bilinear_row(const float *row, const int32_t *xi0, const int32_t *xi1, const float *xw, int32_t ow,
                                float *h) {
    for (int32_t x = 0; x < ow; x++) h[x] = row[xi0[x]] + (row[xi1[x]] - row[xi0[x]]) * xw[x];
}

// Output row y blends two input rows interpolated along x. Those are kept
// (two slots) while consecutive output rows read them, so an upsampling ×4
// interpolates each input row along x once instead of for every output row,
// and the blend itself runs over contiguous rows.
HOT void seg_bilinear(const float *input, int32_t channels, int32_t height, int32_t width,
                      int32_t oh, int32_t ow, int32_t align_corners, float *out) {
    int32_t *xi = malloc(sizeof(int32_t) * 2 * (size_t)ow);
    float *xw = malloc(sizeof(float) * 3 * (size_t)ow);
    if (xi == NULL || xw == NULL) abort();
    int32_t *xi0 = xi, *xi1 = xi + ow;
    float *slots = xw + ow;
    for (int32_t x = 0; x < ow; x++) axis_weights(width, ow, align_corners, x, &xi0[x], &xi1[x], &xw[x]);
    for (int32_t c = 0; c < channels; c++) {
        const float *src = input + (int64_t)c * height * width;
        float *dst = out + (int64_t)c * oh * ow;
        int32_t held[2] = {-1, -1};  // the input row each slot holds
        for (int32_t y = 0; y < oh; y++) {
            int32_t y0, y1;
            float wy;
            axis_weights(height, oh, align_corners, y, &y0, &y1, &wy);
            int s0 = held[0] == y0 ? 0 : held[1] == y0 ? 1 : -1;
            if (s0 < 0) {
                s0 = held[0] == y1 ? 1 : 0;
                bilinear_row(src + (int64_t)y0 * width, xi0, xi1, xw, ow, slots + s0 * ow);
                held[s0] = y0;
            }
            int s1 = held[0] == y1 ? 0 : held[1] == y1 ? 1 : -1;
            if (s1 < 0) {
                s1 = 1 - s0;
                bilinear_row(src + (int64_t)y1 * width, xi0, xi1, xw, ow, slots + s1 * ow);
                held[s1] = y1;
            }
            const float *restrict top = slots + s0 * ow, *restrict bottom = slots + s1 * ow;
            float *restrict d = dst + (int64_t)y * ow;
            for (int32_t x = 0; x < ow; x++) d[x] = top[x] + (bottom[x] - top[x]) * wy;
        }
    }
    free(xi);
    free(xw);
}

HOT void seg_conv3x3_direct(const float *input, int32_t channels, int32_t height, int32_t width,
                            const float *weights, const float *bias, int32_t kout, int32_t dil, int32_t relu,
                            int32_t row0, int32_t row1, float *out) {
    const int32_t lp = width + 2 * dil;
    const int64_t plane = (int64_t)height * width;
    float rows[channels * 3][lp];
    for (int32_t y = row0; y < row1; y++) {
        for (int32_t c = 0; c < channels; c++)
            for (int ky = 0; ky < 3; ky++) {
                float *r = rows[c * 3 + ky];
                const int32_t sy = y + (ky - 1) * dil;
                memset(r, 0, sizeof(float) * (size_t)lp);
                if (sy >= 0 && sy < height) memcpy(r + dil, input + c * plane + (int64_t)sy * width, sizeof(float) * (size_t)width);
            }
        for (int32_t o = 0; o < kout; o++) {
            float *restrict d = out + o * plane + (int64_t)y * width;
            const float b = bias ? bias[o] : 0.0f;
            for (int32_t x = 0; x < width; x++) d[x] = b;
            for (int32_t c = 0; c < channels; c++)
                for (int ky = 0; ky < 3; ky++) {
                    const float *restrict r = rows[c * 3 + ky];
                    const float *wk = weights + (((int64_t)o * channels + c) * 3 + ky) * 3;
                    const float w0 = wk[0], w1 = wk[1], w2 = wk[2];
                    for (int32_t x = 0; x < width; x++) d[x] += w0 * r[x] + w1 * r[x + dil] + w2 * r[x + 2 * dil];
                }
            if (relu)
                for (int32_t x = 0; x < width; x++) d[x] = d[x] > 0 ? d[x] : 0;
            if (relu == 2)
                for (int32_t x = 0; x < width; x++) d[x] = d[x] < 6 ? d[x] : 6;
        }
    }
}

#ifdef KERNELS_AVX512
// Stride-1 depthwise convolution with the sums in registers: each run of up to
// four 16-pixel vectors of an output row adds up its taps (masked loads where
// a tap's columns leave the row, taps whose rows or columns miss the input
// skipped), then bias and activation, and is stored once. The generic loop
// below passes over the output row once per tap instead, which made
// DeepLabV3+'s separable convolutions (2048 channels at 32², 304 at 128²)
// about 2.5× slower than onnxruntime's. Same summation order as that loop.
__attribute__((target("avx512f")))
static void depthwise_avx512(const float *input, int32_t channels, int32_t height, int32_t width,
                             const float *weights, const float *bias, int32_t k, int32_t dil,
                             int32_t pad, int32_t oh, int32_t ow, int32_t relu, float *out) {
    enum { VL = 16, NV = 4 };
    __mmask16 masks[k * NV];
    for (int32_t c = 0; c < channels; c++) {
        const float *src = input + (int64_t)c * height * width;
        const float *wc = weights + (int64_t)c * k * k;
        const __m512 b = _mm512_set1_ps(bias ? bias[c] : 0.0f);
        for (int32_t x0 = 0; x0 < ow; x0 += NV * VL) {
            // Lanes of vector v whose tap kx lies inside the row: output columns x
            // with 0 <= x + off < width (the same for every row and ky).
            for (int32_t kx = 0; kx < k; kx++) {
                const int32_t off = kx * dil - pad;
                for (int v = 0; v < NV; v++) {
                    const int32_t xs = x0 + v * VL;
                    int32_t a = -off > xs ? -off : xs, e = xs + VL;
                    if (e > ow) e = ow;
                    if (e > width - off) e = width - off;
                    masks[kx * NV + v] = e <= a ? 0 : (__mmask16)(((1u << (e - xs)) - 1) & ~((1u << (a - xs)) - 1));
                }
            }
            for (int32_t y = 0; y < oh; y++) {
                __m512 acc[NV];
#pragma clang loop unroll(full)
                for (int v = 0; v < NV; v++) acc[v] = _mm512_setzero_ps();
                for (int32_t ky = 0; ky < k; ky++) {
                    const int32_t iy = y + ky * dil - pad;
                    if (iy < 0 || iy >= height) continue;
                    const float *row = src + (int64_t)iy * width + x0 - pad;
                    for (int32_t kx = 0; kx < k; kx++) {
                        const __m512 w = _mm512_set1_ps(wc[ky * k + kx]);
                        const float *tap = row + kx * dil;
                        const __mmask16 *m = masks + kx * NV;
#pragma clang loop unroll(full)
                        for (int v = 0; v < NV; v++)
                            if (m[v]) acc[v] = _mm512_fmadd_ps(w, _mm512_maskz_loadu_ps(m[v], tap + v * VL), acc[v]);
                    }
                }
                float *d = out + ((int64_t)c * oh + y) * ow;
#pragma clang loop unroll(full)
                for (int v = 0; v < NV; v++) {
                    const int32_t xs = x0 + v * VL;
                    if (xs >= ow) break;
                    const int32_t n = ow - xs < VL ? ow - xs : VL;
                    _mm512_mask_storeu_ps(d + xs, (__mmask16)((1u << n) - 1), seg_activate16(_mm512_add_ps(acc[v], b), relu));
                }
            }
        }
    }
}
#endif

HOT void seg_depthwise(const float *input, int32_t channels, int32_t height, int32_t width,
                       const float *weights, const float *bias, int32_t k, int32_t stride, int32_t dil,
                       int32_t pad, int32_t oh, int32_t ow, int32_t relu, float *out) {
#ifdef KERNELS_AVX512
    if (stride == 1 && __builtin_cpu_supports("avx512f")) {
        depthwise_avx512(input, channels, height, width, weights, bias, k, dil, pad, oh, ow, relu, out);
        return;
    }
#endif
    for (int32_t c = 0; c < channels; c++) {
        const float *src = input + (int64_t)c * height * width;
        const float *wc = weights + (int64_t)c * k * k;
        const float b = bias ? bias[c] : 0.0f;
        for (int32_t y = 0; y < oh; y++) {
            float *restrict d = out + ((int64_t)c * oh + y) * ow;
            for (int32_t x = 0; x < ow; x++) d[x] = 0;
            for (int32_t ky = 0; ky < k; ky++) {
                const int32_t iy = y * stride + ky * dil - pad;
                if (iy < 0 || iy >= height) continue;
                const float *restrict row = src + (int64_t)iy * width;
                for (int32_t kx = 0; kx < k; kx++) {
                    const float w = wc[ky * k + kx];
                    // Output columns whose tap lands inside the row: 0 <= x·stride + off < width.
                    const int32_t off = kx * dil - pad;
                    int32_t x0 = off < 0 ? (-off + stride - 1) / stride : 0;
                    int32_t x1 = width - 1 - off < 0 ? -1 : (width - 1 - off) / stride;
                    if (x1 > ow - 1) x1 = ow - 1;
                    if (stride == 1) {
                        const float *restrict r = row + off;
                        for (int32_t x = x0; x <= x1; x++) d[x] += w * r[x];
                    } else {
                        for (int32_t x = x0; x <= x1; x++) d[x] += w * row[x * stride + off];
                    }
                }
            }
        }
        seg_bias_act(out + (int64_t)c * oh * ow, 1, 0, (int64_t)oh * ow, &b, NULL, relu);
    }
}
