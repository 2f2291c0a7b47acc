// A fast path for the PNG files label pipelines read and write by the
// thousand: non-interlaced PNG decoded and encoded with libdeflate (about
// three times zlib's speed). It is deliberately narrow and strict: anything
// unusual — a CRC mismatch, interlacing, an unknown critical chunk, a stream
// that does not inflate to exactly the expected size — returns SEG_FALLBACK,
// and the caller decodes with libpng, which remains the authority on errors.
#include "common.h"
#include <libdeflate.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static void put_be32(uint8_t *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = (uint8_t)v; }

static const uint8_t png_signature[8] = {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A};

typedef struct FastPng {
    uint32_t width, height;
    int depth, color_type, channels;
    size_t row_bytes;  // packed bytes per row, without the filter byte
    const uint8_t *idat;  // first IDAT data (when it is the only one)
    size_t idat_total;
    int idat_chunks;
} FastPng;

/// Walks the chunks. With `verify`, checks every CRC. Returns SEG_OK or SEG_FALLBACK.
static SegStatus fast_parse(const uint8_t *data, size_t size, uint64_t max_pixels, int verify,
                            FastPng *png, SegInfo *info) {
    memset(png, 0, sizeof *png);
    memset(info, 0, sizeof *info);
    if (size < 8 + 25 || memcmp(data, png_signature, 8) != 0) return SEG_FALLBACK;
    size_t pos = 8;
    int seen_ihdr = 0, seen_iend = 0, idat_done = 0;
    uint8_t trns[256];
    int ntrns = -1;
    while (pos + 12 <= size) {
        uint32_t len = be32(data + pos);
        const uint8_t *type = data + pos + 4;
        if (len > 0x7FFFFFFFu || len > size - pos - 12) return SEG_FALLBACK;
        const uint8_t *body = type + 4;
        if (verify && libdeflate_crc32(0, type, 4 + (size_t)len) != be32(body + len)) return SEG_FALLBACK;
        if (!seen_ihdr) {
            if (memcmp(type, "IHDR", 4) != 0 || len != 13) return SEG_FALLBACK;
            png->width = be32(body);
            png->height = be32(body + 4);
            png->depth = body[8];
            png->color_type = body[9];
            if (body[10] != 0 || body[11] != 0 || body[12] != 0) return SEG_FALLBACK;  // interlaced etc.
            if (png->width == 0 || png->height == 0 || png->width > 0x7FFFFFFFu || png->height > 0x7FFFFFFFu) return SEG_FALLBACK;
            int d = png->depth;
            switch (png->color_type) {
            case 0: png->channels = 1; if (d != 1 && d != 2 && d != 4 && d != 8 && d != 16) return SEG_FALLBACK; break;
            case 2: png->channels = 3; if (d != 8 && d != 16) return SEG_FALLBACK; break;
            case 3: png->channels = 1; if (d != 1 && d != 2 && d != 4 && d != 8) return SEG_FALLBACK; break;
            case 4: png->channels = 2; if (d != 8 && d != 16) return SEG_FALLBACK; break;
            case 6: png->channels = 4; if (d != 8 && d != 16) return SEG_FALLBACK; break;
            default: return SEG_FALLBACK;
            }
            if (seg_too_many_pixels(png->width, png->height, max_pixels)) return SEG_FALLBACK;
            png->row_bytes = ((size_t)png->width * png->channels * d + 7) / 8;
            seen_ihdr = 1;
        } else if (memcmp(type, "IDAT", 4) == 0) {
            if (idat_done) return SEG_FALLBACK;  // IDAT chunks must be consecutive
            if (png->idat_chunks++ == 0) png->idat = body;
            png->idat_total += len;
        } else {
            if (png->idat_chunks > 0) idat_done = 1;
            if (memcmp(type, "IEND", 4) == 0) { seen_iend = 1; break; }
            if (memcmp(type, "PLTE", 4) == 0) {
                if (len % 3 != 0 || len == 0 || len > 768 || png->idat_chunks > 0 || info->palette_size > 0) return SEG_FALLBACK;
                info->palette_size = (int32_t)(len / 3);
                for (uint32_t i = 0; i < len / 3; i++) {
                    info->palette[4 * i] = body[3 * i];
                    info->palette[4 * i + 1] = body[3 * i + 1];
                    info->palette[4 * i + 2] = body[3 * i + 2];
                    info->palette[4 * i + 3] = 255;
                }
            } else if (memcmp(type, "tRNS", 4) == 0) {
                if (png->color_type == 3) {
                    if (len > 256) return SEG_FALLBACK;
                    memcpy(trns, body, len);
                    ntrns = (int)len;
                }
            } else if (!(type[0] & 0x20)) {
                return SEG_FALLBACK;  // an unknown critical chunk
            }
        }
        pos += 12 + (size_t)len;
    }
    if (!seen_ihdr || !seen_iend || png->idat_chunks == 0) return SEG_FALLBACK;
    if (png->color_type == 3) {
        if (info->palette_size == 0) return SEG_FALLBACK;
        // As libpng does: a palette longer than the bit depth allows is cut to 2^depth.
        if (info->palette_size > (1 << png->depth)) info->palette_size = 1 << png->depth;
        if (ntrns > info->palette_size) return SEG_FALLBACK;  // libpng's call
        for (int i = 0; i < ntrns; i++) info->palette[4 * i + 3] = trns[i];
    }
    info->width = png->width;
    info->height = png->height;
    info->channels = png->channels;
    info->sample_bytes = png->depth == 16 ? 2 : 1;
    info->source_bit_depth = png->depth;
    info->color = png->color_type == 0 ? SEG_COLOR_GRAY : png->color_type == 2 ? SEG_COLOR_RGB
                : png->color_type == 3 ? SEG_COLOR_PALETTE : png->color_type == 4 ? SEG_COLOR_GRAY_ALPHA : SEG_COLOR_RGBA;
    info->page_count = 1;
    return SEG_OK;
}

/// The Paeth predictor in branch-free form: pa = |b - c|, pb = |a - c|, pc = |a + b - 2c|.
/// Written for conditional moves: the choice is data-dependent and
/// unpredictable, so branches would mispredict often.
static inline int seg_abs(int x) { int m = x >> 31; return (x ^ m) - m; }
static inline int paeth(int a, int b, int c) {
    int pa = seg_abs(b - c), pb = seg_abs(a - c), pc = seg_abs(a + b - 2 * c);
    int bc = pb <= pc ? b : c;
    int min_bc = pb <= pc ? pb : pc;
    return pa <= min_bc ? a : bc;
}

/// Filters whose left neighbour is one byte back (gray/palette of at most
/// 8 bits) carry the running value in a register instead of reloading the
/// byte just stored, which shortens the loop-carried dependency severalfold.
static void unfilter_row_bpp1(uint8_t filter, uint8_t *row, const uint8_t *prev, size_t n) {
    int left = 0, diag = 0;
    switch (filter) {
    case 1:
        for (size_t i = 0; i < n; i++) { left = (row[i] + left) & 0xFF; row[i] = (uint8_t)left; }
        break;
    case 3:
        for (size_t i = 0; i < n; i++) { left = (row[i] + ((left + prev[i]) >> 1)) & 0xFF; row[i] = (uint8_t)left; }
        break;
    case 4:
        for (size_t i = 0; i < n; i++) {
            int up = prev[i];
            // up == diag makes pa = 0, so Paeth picks left: the common case in
            // masks and smooth images, and a well-predicted branch.
            left = (row[i] + (up == diag ? left : paeth(left, up, diag))) & 0xFF;
            diag = up;
            row[i] = (uint8_t)left;
        }
        break;
    }
}

/// The Sub filter for bpp > 1: each byte plus the byte bpp before it, a
/// prefix sum per byte lane. The running sums stay in registers (through
/// memory, every byte would wait for the store of the one before it); for
/// bpp 2, 4 and 8 sixteen bytes at a time by shifted adds (SSE2).
static void unfilter_sub(uint8_t *row, size_t n, size_t bpp) {
    size_t i = 0;
#if defined(__SSE2__)
    if (bpp == 2 || bpp == 4 || bpp == 8) {
        __m128i carry = _mm_setzero_si128();
        for (; i + 16 <= n; i += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(row + i));
            if (bpp == 2) x = _mm_add_epi8(x, _mm_slli_si128(x, 2));
            if (bpp <= 4) x = _mm_add_epi8(x, _mm_slli_si128(x, 4));
            x = _mm_add_epi8(x, _mm_slli_si128(x, 8));
            x = _mm_add_epi8(x, carry);
            _mm_storeu_si128((__m128i *)(row + i), x);
            // The last bpp bytes, repeated across the register.
            if (bpp == 2) carry = _mm_shuffle_epi32(_mm_shufflehi_epi16(x, 0xFF), 0xFF);
            else if (bpp == 4) carry = _mm_shuffle_epi32(x, 0xFF);
            else carry = _mm_unpackhi_epi64(x, x);
        }
        if (i == 0) i = bpp;
    } else
#endif
    {
        i = bpp;
    }
    // The rest (and bpp 3, 6): lanes carried in a small array the compiler keeps in registers.
    uint8_t last[8] = {0};
    if (i > n) return;
    for (size_t k = 0; k < bpp; k++) last[k] = row[i - bpp + k];
    size_t lane = 0;
    for (; i < n; i++) {
        last[lane] = (uint8_t)(last[lane] + row[i]);
        row[i] = last[lane];
        if (++lane == bpp) lane = 0;
    }
}

/// 16-bit big-endian samples to native order, eight at a time where SSE2 is there.
static void swap16(uint16_t *restrict out, const uint8_t *restrict in, size_t count) {
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 8 <= count; i += 8) {
        __m128i x = _mm_loadu_si128((const __m128i *)(in + 2 * i));
        _mm_storeu_si128((__m128i *)(out + i), _mm_or_si128(_mm_slli_epi16(x, 8), _mm_srli_epi16(x, 8)));
    }
#endif
    for (; i < count; i++) out[i] = (uint16_t)(in[2 * i] << 8 | in[2 * i + 1]);
}

/// Reverses the PNG row filters in place; returns 0 on an invalid filter type.
/// `zero` is a row of row_bytes zeros standing in for the row above the first.
static int unfilter(uint8_t *raw, uint32_t height, size_t row_bytes, size_t bpp, const uint8_t *zero) {
    const uint8_t *prev = zero;
    size_t head = bpp < row_bytes ? bpp : row_bytes;
    for (uint32_t y = 0; y < height; y++) {
        uint8_t *line = raw + (size_t)y * (row_bytes + 1);
        uint8_t *row = line + 1;
        uint8_t filter = line[0];
        if (filter > 4) return 0;
        if (filter == 2) {
            for (size_t i = 0; i < row_bytes; i++) row[i] = (uint8_t)(row[i] + prev[i]);
        } else if (filter != 0 && bpp == 1) {
            unfilter_row_bpp1(filter, row, prev, row_bytes);
        } else if (filter == 1) {
            unfilter_sub(row, row_bytes, bpp);
        } else if (filter == 3) {
            for (size_t i = 0; i < head; i++) row[i] = (uint8_t)(row[i] + (prev[i] >> 1));
            for (size_t i = bpp; i < row_bytes; i++) row[i] = (uint8_t)(row[i] + ((row[i - bpp] + prev[i]) >> 1));
        } else if (filter == 4) {
            for (size_t i = 0; i < head; i++) row[i] = (uint8_t)(row[i] + prev[i]);  // paeth(0, b, 0) = b
            for (size_t i = bpp; i < row_bytes; i++)
                row[i] = (uint8_t)(row[i] + paeth(row[i - bpp], prev[i], prev[i - bpp]));
        }
        prev = row;
    }
    return 1;
}

SegStatus seg_png_fast_decode(const uint8_t *data, size_t size, uint64_t max_pixels, SegInfo *info,
                              uint8_t *pixels, size_t pixels_size) {
    FastPng png;
    if (fast_parse(data, size, max_pixels, pixels != NULL, &png, info) != SEG_OK) return SEG_FALLBACK;
    if (!pixels) return SEG_OK;
    size_t samples = (size_t)png.width * png.height * png.channels;
    size_t sample_bytes = png.depth == 16 ? 2 : 1;
    if (pixels_size < samples * sample_bytes) return SEG_ERR_ARGUMENT;
    if (png.row_bytes > (SIZE_MAX - 1) / png.height) return SEG_FALLBACK;
    size_t raw_size = (png.row_bytes + 1) * png.height;
    uint8_t *raw = malloc(raw_size);
    uint8_t *zero = calloc(1, png.row_bytes);
    uint8_t *joined = NULL;
    const uint8_t *stream = png.idat;
    if (png.idat_chunks > 1) {
        joined = malloc(png.idat_total);
        if (joined) {
            // Re-walk the consecutive IDAT chunks to gather their data.
            size_t at = 0;
            const uint8_t *p = png.idat - 8;
            while (at < png.idat_total) {
                uint32_t len = be32(p);
                memcpy(joined + at, p + 8, len);
                at += len;
                p += 12 + (size_t)len;
            }
        }
        stream = joined;
    }
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    SegStatus status = SEG_FALLBACK;
    if (raw && zero && stream && d &&
        libdeflate_zlib_decompress(d, stream, png.idat_total, raw, raw_size, NULL) == LIBDEFLATE_SUCCESS) {
        size_t bpp = ((size_t)png.channels * png.depth + 7) / 8;
        if (unfilter(raw, png.height, png.row_bytes, bpp, zero)) {
            status = SEG_OK;
            size_t per_row = (size_t)png.width * png.channels;
            for (uint32_t y = 0; y < png.height; y++) {
                const uint8_t *row = raw + (size_t)y * (png.row_bytes + 1) + 1;
                if (png.depth == 8) {
                    memcpy(pixels + (size_t)y * per_row, row, per_row);
                } else if (png.depth == 16) {
                    uint16_t *out = (uint16_t *)pixels + (size_t)y * per_row;
                    swap16(out, row, per_row);
                } else {
                    uint8_t *out = pixels + (size_t)y * per_row;
                    int d_ = png.depth, per_byte = 8 / d_, mask = (1 << d_) - 1;
                    for (size_t i = 0; i < per_row; i++) {
                        int shift = 8 - d_ * (int)(i % per_byte + 1);
                        out[i] = (uint8_t)((row[i / per_byte] >> shift) & mask);
                    }
                }
            }
        }
    }
    if (d) libdeflate_free_decompressor(d);
    free(joined);
    free(zero);
    free(raw);
    return status;
}

static int put_chunk(SegBuffer *b, const char *type, const uint8_t *body, size_t len) {
    uint8_t head[8], tail[4];
    put_be32(head, (uint32_t)len);
    memcpy(head + 4, type, 4);
    uint32_t crc = libdeflate_crc32(0, type, 4);
    if (len) crc = libdeflate_crc32(crc, body, len);
    put_be32(tail, crc);
    return seg_buffer_append(b, head, 8) && (len == 0 || seg_buffer_append(b, body, len)) && seg_buffer_append(b, tail, 4);
}

SegStatus seg_png_fast_encode(const uint8_t *pixels, uint32_t width, uint32_t height, SegColor color,
                              const uint8_t *palette, int32_t palette_size, int32_t level,
                              uint8_t **out, size_t *out_size, char *msg, size_t msg_cap) {
    *out = NULL;
    *out_size = 0;
    int channels, color_type;
    switch (color) {
    case SEG_COLOR_GRAY: channels = 1; color_type = 0; break;
    case SEG_COLOR_GRAY_ALPHA: channels = 2; color_type = 4; break;
    case SEG_COLOR_RGB: channels = 3; color_type = 2; break;
    case SEG_COLOR_RGBA: channels = 4; color_type = 6; break;
    case SEG_COLOR_PALETTE: channels = 1; color_type = 3; break;
    default: seg_set_message(msg, msg_cap, "unknown colour type"); return SEG_ERR_ARGUMENT;
    }
    if (width == 0 || height == 0 || width > 0x7FFFFFFFu || height > 0x7FFFFFFFu ||
        (color == SEG_COLOR_PALETTE && (!palette || palette_size < 1 || palette_size > 256))) {
        seg_set_message(msg, msg_cap, "cannot write this PNG (%ux%u)", (unsigned)width, (unsigned)height);
        return SEG_ERR_ARGUMENT;
    }
    size_t row_bytes = (size_t)width * channels;
    if (row_bytes + 1 > SIZE_MAX / height) return SEG_ERR_MEMORY;
    size_t raw_size = (row_bytes + 1) * height;
    uint8_t *raw = malloc(raw_size);
    if (level < 0) level = 0;
    if (level > 12) level = 12;
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
    size_t bound = c ? libdeflate_zlib_compress_bound(c, raw_size) : 0;
    uint8_t *packed = bound ? malloc(bound) : NULL;
    SegBuffer file = {0};
    SegStatus status = SEG_ERR_MEMORY;
    if (raw && c && packed) {
        for (uint32_t y = 0; y < height; y++) {
            raw[(size_t)y * (row_bytes + 1)] = 0;  // filter type None
            memcpy(raw + (size_t)y * (row_bytes + 1) + 1, pixels + (size_t)y * row_bytes, row_bytes);
        }
        size_t packed_size = libdeflate_zlib_compress(c, raw, raw_size, packed, bound);
        uint8_t ihdr[13];
        put_be32(ihdr, width);
        put_be32(ihdr + 4, height);
        ihdr[8] = 8;
        ihdr[9] = (uint8_t)color_type;
        ihdr[10] = ihdr[11] = ihdr[12] = 0;
        int ok = packed_size > 0 && seg_buffer_append(&file, png_signature, 8) && put_chunk(&file, "IHDR", ihdr, 13);
        if (ok && color == SEG_COLOR_PALETTE) {
            uint8_t plte[768], trns[256];
            int last_translucent = -1;
            for (int i = 0; i < palette_size; i++) {
                memcpy(plte + 3 * i, palette + 4 * i, 3);
                trns[i] = palette[4 * i + 3];
                if (trns[i] != 255) last_translucent = i;
            }
            ok = put_chunk(&file, "PLTE", plte, (size_t)palette_size * 3);
            if (ok && last_translucent >= 0) ok = put_chunk(&file, "tRNS", trns, (size_t)last_translucent + 1);
        }
        for (size_t at = 0; ok && at < packed_size; at += 0x40000000) {
            size_t part = packed_size - at < 0x40000000 ? packed_size - at : 0x40000000;
            ok = put_chunk(&file, "IDAT", packed + at, part);
        }
        if (ok) ok = put_chunk(&file, "IEND", NULL, 0);
        if (ok) {
            status = SEG_OK;
            *out = file.bytes;
            *out_size = file.size;
            file.bytes = NULL;
        } else {
            seg_set_message(msg, msg_cap, "out of memory while encoding PNG");
        }
    }
    free(file.bytes);
    free(packed);
    free(raw);
    if (c) libdeflate_free_compressor(c);
    return status;
}
