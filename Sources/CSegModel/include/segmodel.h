// Kernels and the OpenBLAS binding behind SegModel. Nothing else in SegKit
// includes this header. Tensors are float32, channel-major (C × H × W).
#ifndef SEGMODEL_H
#define SEGMODEL_H
#include <stddef.h>
#include <stdint.h>

// ---- OpenBLAS, loaded at run time ------------------------------------------
// Loads libopenblas (dlopen) after choosing its kernel family: when the CPU has
// AVX-512 and OPENBLAS_CORETYPE is unset, it is set to SkylakeX first, because
// Debian's 0.3.21 otherwise picks AVX2 kernels on AMD Zen 4/5 (half the speed)
// and reads the variable only while loading. Returns 0, or -1 with a message.
int32_t seg_blas_load(char *message, size_t capacity);
// The kernel family OpenBLAS chose ("Haswell", "SkylakeX", …); "" before load.
const char *seg_blas_core(void);
// Row-major C[M×N] = A[M×K]·B[K×N] + beta·C, single-threaded (callers parallelise).
void seg_sgemm(int32_t m, int32_t n, int32_t k, const float *a, int32_t lda,
               const float *b, int32_t ldb, float beta, float *c, int32_t ldc);
// Same with A transposed (A stored K×M).
void seg_sgemm_at(int32_t m, int32_t n, int32_t k, const float *a, int32_t lda,
                  const float *b, int32_t ldb, float beta, float *c, int32_t ldc);

// ---- Convolution pieces ------------------------------------------------------
// Column matrix for output rows [row0, row1) of a convolution with any
// stride and zero padding (PyTorch's Conv2d(stride, padding, dilation)):
// output pixel (y, x) reads input (y·stride + ky·dil − pad_y, x·stride + kx·dil − pad_x),
// 0 outside; `out_width` output columns per row; `col` has ld columns per row.
// (Different padding per axis serves the phases of a transposed convolution.)
void seg_im2col(const float *input, int32_t channels, int32_t height, int32_t width,
                int32_t kh, int32_t kw, int32_t stride, int32_t dil, int32_t pad_y, int32_t pad_x, int32_t out_width,
                int32_t row0, int32_t row1, float *col, int64_t ld);
// out[c][i] = act(out[c][i] + bias[c] + residual[c][i]) for `count` values per
// channel at `stride` apart (the residual in the same layout, NULL for none: a
// ResNet block's shortcut added before its ReLU); act 0 = none, 1 = ReLU,
// 2 = ReLU6 (MobileNet's min(max(x, 0), 6)).
void seg_bias_act(float *out, int32_t channels, int64_t stride, int64_t count,
                  const float *bias, const float *residual, int32_t relu);

// Direct 3×3 convolution (dilation `dil`, zero padding `dil`) of output rows
// [row0, row1), bias and optional ReLU included: for layers with very few input
// channels (an image's 1–4), where a matrix product has too little depth.
void seg_conv3x3_direct(const float *input, int32_t channels, int32_t height, int32_t width,
                        const float *weights, const float *bias, int32_t kout, int32_t dil, int32_t relu,
                        int32_t row0, int32_t row1, float *out);

// Depthwise k×k convolution (PyTorch's Conv2d with groups = channels: MobileNet's
// and DeepLabV3+'s separable convolutions): any stride, dilation and zero
// padding, `oh` × `ow` outputs per channel, bias and activation (0/1/2 as
// seg_bias_act) included.
void seg_depthwise(const float *input, int32_t channels, int32_t height, int32_t width,
                   const float *weights, const float *bias, int32_t k, int32_t stride, int32_t dil,
                   int32_t pad, int32_t oh, int32_t ow, int32_t relu, float *out);

// ---- Register-tiled convolutions (AVX-512) ---------------------------------------
// Output channels per weight block.
#define SEG_TILED_BLOCK 8
// 1 when this CPU runs the tiled kernels (AVX-512), else 0 (callers use im2col
// and the matrix product).
int32_t seg_tiled_available(void);
// PyTorch weights w[K][C][taps] (taps = 9 for 3×3, 1 for 1×1) →
// packed[⌈K/8⌉][C][taps][8] (missing output channels zero).
void seg_tiled_pack(const float *w, int32_t kout, int32_t channels, int32_t taps, float *packed);
// The inverse of seg_tiled_pack (for the Winograd weight transform).
void seg_tiled_unpack(const float *packed, int32_t kout, int32_t channels, int32_t taps, float *w);
// Copies `channels` planes into zero-padded planes of (height + 2·pad) ×
// (width + 2·pad): channel c's padded row r starts at
// padded + c·channel_stride + r·row_stride (so rows of all channels may be
// interleaved); with `rowmap` non-NULL the input is a nearest-resized view of
// a src_height × src_width map, as in seg_wino_input.
void seg_tiled_pad(const float *input, int32_t channels, int32_t height, int32_t width,
                   const int32_t *rowmap, const int32_t *colmap, int32_t src_height, int32_t src_width,
                   int32_t pad, int64_t channel_stride, int64_t row_stride, float *padded);
// Output rows [row0, row1) of a stride-1 3×3 convolution with dilation (and
// padding) `dil`: planes[c] is input channel c's padded plane as seg_tiled_pad
// makes it with pad = dil, its rows `row_stride` floats apart; packed weights from seg_tiled_pack; bias, optional
// residual and activation as seg_bias_act.
void seg_tiled_conv3x3(const float *const *planes, int32_t channels, int32_t dil, int32_t height, int32_t width,
                       int64_t row_stride, const float *packed, int32_t kout, const float *bias, const float *residual, int32_t act,
                       int32_t row0, int32_t row1, float *out);

// Floats of scratch one caller of seg_tiled_gathered needs (64-byte aligned).
int64_t seg_tiled_gathered_scratch(int32_t channels, int32_t kernel);
// Any other convolution (kernel × kernel at `stride`, dilation `dil`, zero
// padding `pad`; 1×1, 3×3/2, 7×7/2, …) for output pixels [48·group0,
// 48·group1) of the height × width output (pixels counted row by row):
// planes[c] is input channel c's in_height × in_width plane. Packed weights
// from seg_tiled_pack (taps kernel²); bias, optional residual and activation
// as seg_bias_act.
void seg_tiled_gathered(const float *const *planes, int32_t channels, int32_t in_height, int32_t in_width, int32_t kernel,
                        int32_t stride, int32_t dil, int32_t pad, int32_t height, int32_t width, const float *packed,
                        int32_t kout, const float *bias, const float *residual, int32_t act, int64_t group0,
                        int64_t group1, float *scratch, float *out);

// ---- Winograd F(4×4, 3×3) for stride-1, dilation-1, padding-1 convolutions ----
// Input transform of 6×6 tiles (4×4 outputs, step 4) for tile rows
// [trow0, trow1): V[36][C][tiles], `ldv` values per (element, channel) row and
// `estride` values per element (C_total × ldv when several inputs are stacked).
// With `rowmap` non-NULL the input is a nearest-resized view of a
// src_height × src_width map (height × width is the view's size): view pixel
// (y, x) is source pixel (rowmap[y], colmap[x]), so an upsampled copy is never made.
void seg_wino_input(const float *input, int32_t channels, int32_t height, int32_t width,
                    const int32_t *rowmap, const int32_t *colmap, int32_t src_height, int32_t src_width,
                    int32_t trow0, int32_t trow1, float *v, int64_t ldv, int64_t estride);
// Output transform: M[36][K][tiles] → out rows of tile rows [trow0, trow1) of a
// height × width grid, with bias, an optional residual (out's layout, NULL for
// none) and activation as seg_bias_act. Grid pixel (y, x) of channel k lands
// at out[k·out_plane + (y0 + step·y)·out_width + x0 + step·x]: step 1 and
// y0 = x0 = 0 for a whole map, step d for one of a dilation-d layer's d²
// interleaved sub-grids (each a dilation-1 convolution of its own).
void seg_wino_output(const float *m, int64_t ldm, int32_t kout, int32_t height, int32_t width,
                     int32_t trow0, int32_t trow1, const float *bias, const float *residual, int32_t relu,
                     int32_t step, int32_t y0, int32_t x0, int32_t out_width, int64_t out_plane, float *out);
// Weight transform: w[K][C][3][3] → U[36][K][C].
void seg_wino_weights(const float *w, int32_t kout, int32_t channels, float *u);
// Weight transform of seg_tiled_pack's 3×3 blocks [block0, block1) (8 output
// channels each), elements 6·row … 6·row + 5 only → U[6][C][8·(block1 − block0)],
// output channels contiguous (the A operand of seg_sgemm_at): for layers that
// transform their weights on every call, a block and a row at a time (small
// enough to stay in L2 for the products), instead of keeping a 4×-size copy.
void seg_wino_weights_packed(const float *packed, int32_t channels, int32_t block0, int32_t block1, int32_t row,
                             float *u);

// ---- Resampling and pooling ----------------------------------------------------
// k×k max pooling with a stride and padding (PyTorch's MaxPool2d: padding is
// −inf, so windows are clipped to the image; `oh` × `ow` outputs, ceil mode's
// partial windows included when the caller sizes the output so).
void seg_maxpool(const float *input, int32_t channels, int32_t height, int32_t width,
                 int32_t k, int32_t stride, int32_t pad, int32_t oh, int32_t ow, float *out);
// Bilinear resize of every channel, PyTorch semantics (align_corners on or off;
// no antialiasing).
void seg_bilinear(const float *input, int32_t channels, int32_t height, int32_t width,
                  int32_t oh, int32_t ow, int32_t align_corners, float *out);
#endif
