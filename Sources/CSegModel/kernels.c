// Convolution helpers, pooling and resampling. Written as plain loops the
// compiler vectorises; hot ones are compiled for AVX-512, AVX2 and baseline
// x86-64 and picked at run time.
#include "segmodel.h"
#include <math.h>
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

// ResNet's stem pool (3×3, stride 2, padding 1): the column maxima of each
// output row's three input rows first (contiguous, vectorised), then the
// maxima of three neighbouring columns.
static void maxpool_3x3_s2(const float *input, int32_t channels, int32_t height, int32_t width,
                           int32_t oh, int32_t ow, float *out) {
    float column[width];
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
            for (int32_t x = 0; x < ow; x++) {
                const int32_t xa = 2 * x - 1 < 0 ? 0 : 2 * x - 1, xb = 2 * x + 2 < width ? 2 * x + 2 : width;
                float m = column[xa];
                for (int32_t xx = xa + 1; xx < xb; xx++) m = nan_max(m, column[xx]);
                d[x] = m;
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

HOT void seg_bilinear(const float *input, int32_t channels, int32_t height, int32_t width,
                      int32_t oh, int32_t ow, int32_t align_corners, float *out) {
    int32_t xi0[ow], xi1[ow];
    float xw[ow];
    for (int32_t x = 0; x < ow; x++) axis_weights(width, ow, align_corners, x, &xi0[x], &xi1[x], &xw[x]);
    for (int32_t c = 0; c < channels; c++) {
        const float *src = input + (int64_t)c * height * width;
        float *dst = out + (int64_t)c * oh * ow;
        for (int32_t y = 0; y < oh; y++) {
            int32_t y0, y1;
            float wy;
            axis_weights(height, oh, align_corners, y, &y0, &y1, &wy);
            const float *r0 = src + (int64_t)y0 * width, *r1 = src + (int64_t)y1 * width;
            float *d = dst + (int64_t)y * ow;
            for (int32_t x = 0; x < ow; x++) {
                const float top = r0[xi0[x]] + (r0[xi1[x]] - r0[xi0[x]]) * xw[x];
                const float bottom = r1[xi0[x]] + (r1[xi1[x]] - r1[xi0[x]]) * xw[x];
                d[x] = top + (bottom - top) * wy;
            }
        }
    }
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

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>
#define DEPTHWISE_AVX512 1
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
    const __m512 lo = _mm512_set1_ps(relu ? 0.0f : -INFINITY), hi = _mm512_set1_ps(relu == 2 ? 6.0f : INFINITY);
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
                    __m512 r = _mm512_add_ps(acc[v], b);
                    if (relu) r = _mm512_min_ps(_mm512_max_ps(r, lo), hi);
                    _mm512_mask_storeu_ps(d + xs, (__mmask16)((1u << n) - 1), r);
                }
            }
        }
    }
}
#endif

HOT void seg_depthwise(const float *input, int32_t channels, int32_t height, int32_t width,
                       const float *weights, const float *bias, int32_t k, int32_t stride, int32_t dil,
                       int32_t pad, int32_t oh, int32_t ow, int32_t relu, float *out) {
#ifdef DEPTHWISE_AVX512
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
