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

HOT void seg_wino_output(const float *m, int64_t ldm, int32_t kout, int32_t height, int32_t width,
                         int32_t trow0, int32_t trow1, const float *bias, const float *residual, int32_t relu, float *out) {
    const int32_t tw = (width + 3) / 4;
    const int32_t lp = 4 * tw;
    const int64_t estride = (int64_t)kout * ldm;
    const int64_t plane = (int64_t)height * width;
    float s[6][lp], junk[lp], zeros[lp];
    for (int32_t x = 0; x < lp; x++) zeros[x] = 0;
    for (int32_t k = 0; k < kout; k++) {
        const float b = bias ? bias[k] : 0.0f;
        for (int32_t ty = trow0; ty < trow1; ty++) {
            const float *base = m + (int64_t)k * ldm + (int64_t)(ty - trow0) * tw;
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
            float *dst = out + k * plane;
            float *r[4];
            for (int p = 0; p < 4; p++) {
                const int32_t y = 4 * ty + p;
                r[p] = y < height ? dst + (int64_t)y * width : junk;  // rows past the bottom edge are discarded
            }
            float *r0 = r[0], *r1 = r[1], *r2 = r[2], *r3 = r[3];
            // The residual added before the activation (a ResNet block's shortcut), zeros when none.
            const float *q[4];
            for (int p = 0; p < 4; p++) {
                const int32_t y = 4 * ty + p;
                q[p] = residual && y < height ? residual + k * plane + (int64_t)y * width : zeros;
            }
            const float *q0 = q[0], *q1 = q[1], *q2 = q[2], *q3 = q[3];
            const float lo = relu ? 0.0f : -__builtin_inff(), hi = relu == 2 ? 6.0f : __builtin_inff();
            for (int32_t x = 0; x < width; x++) {
                const float a1 = s[1][x] + s[2][x], a2 = s[1][x] - s[2][x];
                const float b1 = s[3][x] + s[4][x], b2 = s[3][x] - s[4][x];
                const float v0 = s[0][x] + a1 + b1 + b + q0[x], v1 = a2 + 2 * b2 + b + q1[x];
                const float v2 = a1 + 4 * b1 + b + q2[x], v3 = a2 + 8 * b2 + s[5][x] + b + q3[x];
                r0[x] = v0 > lo ? (v0 < hi ? v0 : hi) : lo;
                r1[x] = v1 > lo ? (v1 < hi ? v1 : hi) : lo;
                r2[x] = v2 > lo ? (v2 < hi ? v2 : hi) : lo;
                r3[x] = v3 > lo ? (v3 < hi ? v3 : hi) : lo;
            }
        }
    }
}
