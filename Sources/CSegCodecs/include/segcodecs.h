// segcodecs.h — a longjmp-free, allocation-checked C interface to libpng,
// libjpeg, libtiff and giflib for the SegImage Swift module.
//
// Every function that enters a codec library sets up its own error recovery
// (setjmp for libpng/libjpeg, per-handle handlers for libtiff, return codes for
// giflib), so no input can abort the process or print to stderr. Failures come
// back as a SegStatus plus a human-readable message in the caller's buffer.
// No codec library type appears in this header.
#ifndef SEGCODECS_H
#define SEGCODECS_H

#include <stddef.h>
#include <stdint.h>

typedef enum __attribute__((enum_extensibility(closed))) SegStatus : int32_t {
    SEG_OK = 0,
    SEG_ERR_CORRUPT = 1,      // the data is damaged or not valid for the format
    SEG_ERR_TRUNCATED = 2,    // the data ends early
    SEG_ERR_UNSUPPORTED = 3,  // a valid file using a variant we do not read
    SEG_ERR_TOO_LARGE = 4,    // dimensions over the caller's pixel limit
    SEG_ERR_MEMORY = 5,       // allocation failed
    SEG_ERR_ARGUMENT = 6,     // the caller passed something invalid (bug or bad request)
    SEG_FALLBACK = 7          // fast path declined: use the general (libpng) path
} SegStatus;

typedef enum __attribute__((enum_extensibility(closed))) SegColor : int32_t {
    SEG_COLOR_GRAY = 0,
    SEG_COLOR_GRAY_ALPHA = 1,
    SEG_COLOR_RGB = 2,
    SEG_COLOR_RGBA = 3,
    SEG_COLOR_PALETTE = 4
} SegColor;

/// What a decoder found in a file's header. Samples are delivered as one byte
/// per sample when `sample_bytes` is 1 (source depths 1, 2, 4, 8; values are
/// NOT rescaled) and as native-endian uint16 when it is 2.
typedef struct SegInfo {
    uint32_t width;
    uint32_t height;
    int32_t channels;          // 1..4
    int32_t sample_bytes;      // 1 or 2 (4: 32-bit TIFF samples, see sample_format)
    int32_t source_bit_depth;  // 1, 2, 4, 8 or 16
    SegColor color;
    int32_t interlaced;        // PNG Adam7 / GIF interlace / JPEG progressive
    int32_t palette_size;      // entries in palette (0 if none)
    uint8_t palette[256 * 4];  // RGBA entries
    uint32_t page_count;       // TIFF: number of directories; 1 otherwise
    int32_t warnings;          // non-fatal codec warnings seen so far
    int32_t sample_format;     // 0 unsigned integer, 1 signed integer, 2 IEEE float (TIFF; 0 elsewhere)
} SegInfo;

// ---- PNG -------------------------------------------------------------------
typedef struct SegPngDecoder SegPngDecoder;
/// Reads the header of an in-memory PNG. On success *out must be closed.
SegStatus seg_png_open(const uint8_t *data, size_t size, uint64_t max_pixels,
                       SegPngDecoder **out, SegInfo *info, char *msg, size_t msg_cap);
/// Decodes all pixels into `pixels` (height rows of width*channels*sample_bytes bytes).
SegStatus seg_png_read(SegPngDecoder *dec, uint8_t *pixels, size_t pixels_size,
                       char *msg, size_t msg_cap);
void seg_png_close(SegPngDecoder *dec);

/// Encodes a PNG into a malloc'd buffer (*out, *out_size; free with seg_free).
/// color: GRAY, GRAY_ALPHA, RGB, RGBA or PALETTE (palette: RGBA entries, alpha
/// written as tRNS when any entry is not opaque). bit_depth 1, 2, 4 (gray or
/// palette, one sample per input byte), 8 or 16 (native-endian uint16). compression_level 0..9; fast_filters uses no row
/// filtering (fast, small for label maps).
SegStatus seg_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height,
                         SegColor color, int32_t bit_depth,
                         const uint8_t *palette, int32_t palette_size,
                         int32_t compression_level, int32_t fast_filters,
                         uint8_t **out, size_t *out_size, char *msg, size_t msg_cap);

/// Fast path (libdeflate) for well-formed non-interlaced PNGs. Same output
/// layout as seg_png_open/read. With pixels == NULL only `info` is filled
/// (chunk structure checked, CRCs not); with a buffer every CRC is verified.
/// Returns SEG_FALLBACK for anything it does not handle, including every
/// kind of damage: the caller then uses the libpng path for a precise error.
SegStatus seg_png_fast_decode(const uint8_t *data, size_t size, uint64_t max_pixels, SegInfo *info,
                              uint8_t *pixels, size_t pixels_size);
/// Fast path (libdeflate, no row filters) for 8-bit PNG output; level 0..12.
SegStatus seg_png_fast_encode(const uint8_t *pixels, uint32_t width, uint32_t height, SegColor color,
                              const uint8_t *palette, int32_t palette_size, int32_t level,
                              uint8_t **out, size_t *out_size, char *msg, size_t msg_cap);

// ---- JPEG ------------------------------------------------------------------
typedef struct SegJpegDecoder SegJpegDecoder;
/// gray != 0 decodes colour JPEG straight to libjpeg's gray output (the Y channel).
SegStatus seg_jpeg_open(const uint8_t *data, size_t size, uint64_t max_pixels, int32_t gray,
                        SegJpegDecoder **out, SegInfo *info, char *msg, size_t msg_cap);
/// Decodes into 8-bit gray or RGB. With strict != 0 any libjpeg warning
/// (e.g. "Premature end of JPEG file") is an error.
SegStatus seg_jpeg_read(SegJpegDecoder *dec, uint8_t *pixels, size_t pixels_size, int32_t strict,
                        int32_t *warnings, char *msg, size_t msg_cap);
void seg_jpeg_close(SegJpegDecoder *dec);
SegStatus seg_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int32_t channels,
                          int32_t quality, int32_t progressive,
                          uint8_t **out, size_t *out_size, char *msg, size_t msg_cap);

// ---- TIFF ------------------------------------------------------------------
typedef struct SegTiffDecoder SegTiffDecoder;
/// Opens an in-memory TIFF and counts its pages.
SegStatus seg_tiff_open(const uint8_t *data, size_t size, SegTiffDecoder **out,
                        uint32_t *page_count, char *msg, size_t msg_cap);
/// Selects page `page` (0-based) and fills `info` from its tags.
SegStatus seg_tiff_select(SegTiffDecoder *dec, uint32_t page, uint64_t max_pixels,
                          SegInfo *info, char *msg, size_t msg_cap);
/// Decodes the selected page (strips or tiles, contiguous or planar). A
/// 32-bit float gray page has sample_bytes 4 and delivers native floats.
SegStatus seg_tiff_read(SegTiffDecoder *dec, uint8_t *pixels, size_t pixels_size,
                        char *msg, size_t msg_cap);
void seg_tiff_close(SegTiffDecoder *dec);

typedef struct SegTiffEncoder SegTiffEncoder;
/// compression: 0 none, 1 Deflate, 2 LZW, 3 PackBits.
SegStatus seg_tiff_encoder_create(SegTiffEncoder **out, char *msg, size_t msg_cap);
/// Appends one page (gray/RGB/palette, 8- or 16-bit; or gray 32-bit IEEE float
/// with bit_depth 32, pixels native-endian float).
SegStatus seg_tiff_encoder_add_page(SegTiffEncoder *enc, const uint8_t *pixels, uint32_t width,
                                    uint32_t height, SegColor color, int32_t bit_depth,
                                    const uint8_t *palette, int32_t palette_size,
                                    int32_t compression, char *msg, size_t msg_cap);
/// Finishes the file and hands its bytes to the caller (free with seg_free).
SegStatus seg_tiff_encoder_finish(SegTiffEncoder *enc, uint8_t **out, size_t *out_size,
                                  char *msg, size_t msg_cap);
void seg_tiff_encoder_destroy(SegTiffEncoder *enc);

// ---- GIF -------------------------------------------------------------------
/// Decodes the first frame of a GIF as palette indices onto its logical screen
/// (pixels outside the frame take the background index). Two calls: first with
/// pixels == NULL to get `info`, then with a buffer of width*height bytes.
SegStatus seg_gif_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                         SegInfo *info, uint8_t *pixels, size_t pixels_size,
                         char *msg, size_t msg_cap);

void seg_free(void *p);

#endif
