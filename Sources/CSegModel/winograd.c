// Winograd F(4×4, 3×3) (Lavin & Gray, 2016): a 3×3 convolution computed on 6×6
// input tiles as 36 independent matrix products, 4× fewer multiplications than
// im2col. Transforms: V = Bᵀ d B, U = G g Gᵀ, Y = Aᵀ (U ⊙ V) A.
#include "segmodel.h"
#include "source_row.h"
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#define HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define HOT
#endif

void seg_wino_weights(const float *w, int32_t kout, int32_t channels, float *u) {
    static const double g[6][3] = {
        {1.0 / 4, 0, 0}, {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
        {1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}};
    const int64_t plane = (int64_t)kout * channels;
    for (int32_t k = 0; k < kout; k++)
        for (int32_t c = 0; c < channels; c++) {
            const float *f = w + ((int64_t)k * channels + c) * 9;
            double t[6][3];
            for (int i = 0; i < 6; i++)
                for (int j = 0; j < 3; j++)
                    t[i][j] = g[i][0] * f[j] + g[i][1] * f[3 + j] + g[i][2] * f[6 + j];
            for (int i = 0; i < 6; i++)
                for (int j = 0; j < 6; j++) {
                    const double v = t[i][0] * g[j][0] + t[i][1] * g[j][1] + t[i][2] * g[j][2];
                    u[(i * 6 + j) * plane + (int64_t)k * channels + c] = (float)v;
                }
        }
}

HOT void seg_wino_input(const float *input, int32_t channels, int32_t height, int32_t width,
                        const int32_t *rowmap, const int32_t *colmap, int32_t src_height, int32_t src_width,
                        int32_t trow0, int32_t trow1, float *v, int64_t ldv, int64_t estride) {
    const int32_t tw = (width + 3) / 4;
    const int32_t lp = 4 * tw + 2;  // padded row: column p holds input x = p - 1
    const int64_t plane = seg_source_plane(height, width, rowmap, src_height, src_width);
    float rows[6][lp], t[6][lp];
    for (int32_t c = 0; c < channels; c++) {
        const float *src = input + c * plane;
        for (int32_t ty = trow0; ty < trow1; ty++) {
            for (int r = 0; r < 6; r++) {
                const int32_t y = 4 * ty - 1 + r;
                memset(rows[r], 0, sizeof(float) * (size_t)lp);
                if (y < 0 || y >= height) continue;
                seg_source_row(src, y, width, rowmap, colmap, src_width, rows[r] + 1);
            }
            for (int32_t p = 0; p < lp; p++) {
                const float d0 = rows[0][p], d1 = rows[1][p], d2 = rows[2][p];
                const float d3 = rows[3][p], d4 = rows[4][p], d5 = rows[5][p];
                t[0][p] = 4 * d0 - 5 * d2 + d4;
                t[1][p] = -4 * (d1 + d2) + d3 + d4;
                t[2][p] = 4 * (d1 - d2) - d3 + d4;
                t[3][p] = 2 * (d3 - d1) - d2 + d4;
                t[4][p] = 2 * (d1 - d3) - d2 + d4;
                t[5][p] = 4 * d1 - 5 * d3 + d5;
            }
            float *base = v + (int64_t)c * ldv + (int64_t)(ty - trow0) * tw;
            for (int i = 0; i < 6; i++) {
                const float *s = t[i];
                float *o0 = base + (i * 6 + 0) * estride, *o1 = base + (i * 6 + 1) * estride;
                float *o2 = base + (i * 6 + 2) * estride, *o3 = base + (i * 6 + 3) * estride;
                float *o4 = base + (i * 6 + 4) * estride, *o5 = base + (i * 6 + 5) * estride;
                for (int32_t x = 0; x < tw; x++) {
                    const float d0 = s[4 * x], d1 = s[4 * x + 1], d2 = s[4 * x + 2];
                    const float d3 = s[4 * x + 3], d4 = s[4 * x + 4], d5 = s[4 * x + 5];
                    o0[x] = 4 * d0 - 5 * d2 + d4;
                    o1[x] = -4 * (d1 + d2) + d3 + d4;
                    o2[x] = 4 * (d1 - d2) - d3 + d4;
                    o3[x] = 2 * (d3 - d1) - d2 + d4;
                    o4[x] = 2 * (d1 - d3) - d2 + d4;
                    o5[x] = 4 * d1 - 5 * d3 + d5;
                }
            }
        }
    }
}

// The output transform of one channel's tile rows, with output pixel (y, x)
// of the grid stored at out[(y0 + step·y)·out_width + x0 + step·x] (and the
// residual read there): `step` a compile-time 1 on the common path, so that
// loop vectorises.
static inline __attribute__((always_inline)) void wino_output_channel(
    const float *m, int64_t estride, int32_t height, int32_t width, int32_t trow0, int32_t trow1,
    float b, const float *residual, float lo, float hi, int32_t step, int32_t y0, int32_t x0, int32_t out_width,
    float *dst) {
    const int32_t tw = (width + 3) / 4;
    const int32_t lp = 4 * tw;
    float s[6][lp];
    for (int32_t ty = trow0; ty < trow1; ty++) {
        const float *base = m + (int64_t)(ty - trow0) * tw;
        for (int i = 0; i < 6; i++) {
            const float *m0 = base + (i * 6 + 0) * estride, *m1 = base + (i * 6 + 1) * estride;
            const float *m2 = base + (i * 6 + 2) * estride, *m3 = base + (i * 6 + 3) * estride;
            const float *m4 = base + (i * 6 + 4) * estride, *m5 = base + (i * 6 + 5) * estride;
            float *d = s[i];
            for (int32_t x = 0; x < tw; x++) {
                const float a1 = m1[x] + m2[x], a2 = m1[x] - m2[x];
                const float b1 = m3[x] + m4[x], b2 = m3[x] - m4[x];
                d[4 * x] = m0[x] + a1 + b1;
                d[4 * x + 1] = a2 + 2 * b2;
                d[4 * x + 2] = a1 + 4 * b1;
                d[4 * x + 3] = a2 + 8 * b2 + m5[x];
            }
        }
        float o[4][lp];
        for (int32_t x = 0; x < width; x++) {
            const float a1 = s[1][x] + s[2][x], a2 = s[1][x] - s[2][x];
            const float b1 = s[3][x] + s[4][x], b2 = s[3][x] - s[4][x];
            o[0][x] = s[0][x] + a1 + b1 + b;
            o[1][x] = a2 + 2 * b2 + b;
            o[2][x] = a1 + 4 * b1 + b;
            o[3][x] = a2 + 8 * b2 + s[5][x] + b;
        }
        for (int p = 0; p < 4; p++) {
            const int32_t y = 4 * ty + p;
            if (y >= height) break;  // rows past the bottom edge are discarded
            const int64_t row = (int64_t)(y0 + step * y) * out_width + x0;
            float *r = dst + row;
            const float *v = o[p];
            if (residual) {  // added before the activation (a ResNet block's shortcut)
                const float *q = residual + row;
                for (int32_t x = 0; x < width; x++) {
                    const float t = v[x] + q[step * x];
                    r[step * x] = t > lo ? (t < hi ? t : hi) : lo;
                }
            } else {
                for (int32_t x = 0; x < width; x++) r[step * x] = v[x] > lo ? (v[x] < hi ? v[x] : hi) : lo;
            }
        }
    }
}

HOT void seg_wino_output(const float *m, int64_t ldm, int32_t kout, int32_t height, int32_t width,
                         int32_t trow0, int32_t trow1, const float *bias, const float *residual, int32_t relu,
                         int32_t step, int32_t y0, int32_t x0, int32_t out_width, int64_t out_plane, float *out) {
    const int64_t estride = (int64_t)kout * ldm;
    const float lo = relu ? 0.0f : -__builtin_inff(), hi = relu == 2 ? 6.0f : __builtin_inff();
    for (int32_t k = 0; k < kout; k++) {
        const float b = bias ? bias[k] : 0.0f;
        const float *q = residual ? residual + k * out_plane : NULL;
        if (step == 1)
            wino_output_channel(m + k * ldm, estride, height, width, trow0, trow1, b, q, lo, hi, 1, y0, x0, out_width,
                                out + k * out_plane);
        else
            wino_output_channel(m + k * ldm, estride, height, width, trow0, trow1, b, q, lo, hi, step, y0, x0, out_width,
                                out + k * out_plane);
    }
}

// Output channels per packed weight block (seg_tiled_pack's layout).
enum { PACK = SEG_TILED_BLOCK };

HOT void seg_wino_weights_packed(const float *packed, int32_t channels, int32_t block0, int32_t block1, int32_t row,
                                 float *u) {
    static const float g[6][3] = {
        {1.0f / 4, 0, 0}, {-1.0f / 6, -1.0f / 6, -1.0f / 6}, {-1.0f / 6, 1.0f / 6, -1.0f / 6},
        {1.0f / 24, 1.0f / 12, 1.0f / 6}, {1.0f / 24, -1.0f / 12, 1.0f / 6}, {0, 0, 1}};
    const int64_t ld = (int64_t)(block1 - block0) * PACK;
    const int64_t estride = (int64_t)channels * ld;
    const float *gi = g[row];
    for (int32_t blk = block0; blk < block1; blk++)
        for (int32_t c = 0; c < channels; c++) {
            const float *f = packed + ((int64_t)blk * channels + c) * 9 * PACK;
            float t[3][PACK];  // row `row` of G·g
            for (int j = 0; j < 3; j++)
                for (int l = 0; l < PACK; l++)
                    t[j][l] = gi[0] * f[j * PACK + l] + gi[1] * f[(3 + j) * PACK + l] + gi[2] * f[(6 + j) * PACK + l];
            float *o = u + (int64_t)c * ld + (int64_t)(blk - block0) * PACK;
            for (int j = 0; j < 6; j++)
                for (int l = 0; l < PACK; l++)
                    o[j * estride + l] = t[0][l] * g[j][0] + t[1][l] * g[j][1] + t[2][l] * g[j][2];
        }
}
