// One register tile of the tiled 3×3 convolution, included by tiled.c once
// per NV = 1, 2 or 3 vectors of 16 output pixels: a compile-time count, so
// that the 8 × NV sums stay in registers.
// Vector v reads offset off[v] (+ the tap's shift) of every padded input
// plane and writes offset ooff[v] of every output plane, lanes `mask[v]`
// only; MR output channels, of which `mcount` exist.
#define TILE_NAME_(n) tile##n
#define TILE_NAME(n) TILE_NAME_(n)
__attribute__((target("avx512f")))
static void TILE_NAME(NV)(const float *const *planes, const int64_t *off, int32_t channels, int64_t row_step, int32_t dil,
                          const float *w, const float *bias, const float *residual, const int64_t *ooff,
                          const __mmask16 *mask, int64_t oplane, int32_t mcount, int32_t act, float *out) {
    enum { nv = NV };
    __m512 acc[MR][3];
#pragma clang loop unroll(full)
    for (int m = 0; m < MR; m++)
#pragma clang loop unroll(full)
        for (int v = 0; v < nv; v++) acc[m][v] = _mm512_setzero_ps();
    // Plane offsets of the nine taps; the tap loop is deliberately not
    // unrolled: unrolled, the compiler loads a channel's 27 vectors up front
    // and spills them whenever the frame pointer takes a register (SwiftPM's
    // builds), which halved the speed.
    int64_t taps[9];
    for (int t = 0; t < 9; t++) taps[t] = (t / 3) * row_step + (t % 3) * dil;
    for (int32_t c = 0; c < channels; c++) {
        const float *ip = planes[c];
        const float *wc = w + (int64_t)c * 9 * MR;
#pragma clang loop unroll(disable)
        for (int t = 0; t < 9; t++) {
            const float *tap = ip + taps[t];
            __m512 b[3];
#pragma clang loop unroll(full)
            for (int v = 0; v < nv; v++) b[v] = _mm512_maskz_loadu_ps(mask[v], tap + off[v]);
            const float *wt = wc + t * MR;
#pragma clang loop unroll(full)
            for (int m = 0; m < MR; m++) {
                const __m512 wm = _mm512_set1_ps(wt[m]);
#pragma clang loop unroll(full)
                for (int v = 0; v < nv; v++) acc[m][v] = _mm512_fmadd_ps(wm, b[v], acc[m][v]);
            }
        }
    }
    tile_store(acc, nv, bias, residual, ooff, mask, oplane, mcount, act, out);
}
#undef TILE_NAME
#undef TILE_NAME_
