// PNG through libpng's low-level API. Every entry point sets its own setjmp,
// and all state that changes after setjmp lives in heap structs.
#include "common.h"
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

struct SegPngDecoder {
    png_structp png;
    png_infop info;
    const uint8_t *data;
    size_t size;
    size_t pos;
    int truncated;
    size_t row_bytes;
    uint32_t height;
    png_bytep *rows;
    char message[256];
};

static void seg_png_error(png_structp png, png_const_charp text) {
    struct SegPngDecoder *d = png_get_error_ptr(png);
    if (d && !d->truncated) snprintf(d->message, sizeof d->message, "%s", text);
    png_longjmp(png, 1);
}

static void seg_png_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;  // warnings (bad ancillary chunks) are not fatal; stay silent
}

static void seg_png_read_fn(png_structp png, png_bytep out, size_t length) {
    struct SegPngDecoder *d = png_get_io_ptr(png);
    if (length > d->size - d->pos) {
        d->truncated = 1;
        snprintf(d->message, sizeof d->message, "file is truncated (ends after %zu bytes)", d->size);
        png_error(png, "truncated");
    }
    memcpy(out, d->data + d->pos, length);
    d->pos += length;
}

static SegStatus seg_png_fail(struct SegPngDecoder *d, char *msg, size_t cap) {
    seg_set_message(msg, cap, "%s", d->message[0] ? d->message : "corrupt PNG data");
    return d->truncated ? SEG_ERR_TRUNCATED : SEG_ERR_CORRUPT;
}

void seg_png_close(SegPngDecoder *d) {
    if (!d) return;
    if (d->png) png_destroy_read_struct(&d->png, d->info ? &d->info : NULL, NULL);
    free(d->rows);
    free(d);
}

SegStatus seg_png_open(const uint8_t *data, size_t size, uint64_t max_pixels,
                       SegPngDecoder **out, SegInfo *info, char *msg, size_t msg_cap) {
    *out = NULL;
    memset(info, 0, sizeof *info);
    if (size < 8 || png_sig_cmp((png_const_bytep)data, 0, 8) != 0) {
        seg_set_message(msg, msg_cap, "not a PNG file (bad signature)");
        return SEG_ERR_CORRUPT;
    }
    struct SegPngDecoder *d = calloc(1, sizeof *d);
    if (!d) return SEG_ERR_MEMORY;
    d->data = data;
    d->size = size;
    d->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, d, seg_png_error, seg_png_warning);
    if (d->png) d->info = png_create_info_struct(d->png);
    if (!d->png || !d->info) {
        seg_png_close(d);
        seg_set_message(msg, msg_cap, "out of memory creating the PNG decoder");
        return SEG_ERR_MEMORY;
    }
    if (setjmp(png_jmpbuf(d->png))) {
        SegStatus s = seg_png_fail(d, msg, msg_cap);
        seg_png_close(d);
        return s;
    }
    png_set_read_fn(d->png, d, seg_png_read_fn);
    // Our own pixel limit is checked below; lift libpng's 1e6-per-side default.
    png_set_user_limits(d->png, 0x7fffffff, 0x7fffffff);
    png_read_info(d->png, d->info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(d->png, d->info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
    info->width = width;
    info->height = height;
    info->source_bit_depth = bit_depth;
    info->interlaced = interlace != PNG_INTERLACE_NONE;
    info->page_count = 1;
    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY: info->color = SEG_COLOR_GRAY; info->channels = 1; break;
    case PNG_COLOR_TYPE_GRAY_ALPHA: info->color = SEG_COLOR_GRAY_ALPHA; info->channels = 2; break;
    case PNG_COLOR_TYPE_RGB: info->color = SEG_COLOR_RGB; info->channels = 3; break;
    case PNG_COLOR_TYPE_RGB_ALPHA: info->color = SEG_COLOR_RGBA; info->channels = 4; break;
    case PNG_COLOR_TYPE_PALETTE: info->color = SEG_COLOR_PALETTE; info->channels = 1; break;
    default:
        seg_png_close(d);
        seg_set_message(msg, msg_cap, "unsupported PNG colour type %d", color_type);
        return SEG_ERR_UNSUPPORTED;
    }
    info->sample_bytes = bit_depth == 16 ? 2 : 1;
    if (seg_too_many_pixels(width, height, max_pixels)) {
        seg_png_close(d);
        seg_set_message(msg, msg_cap, "dimensions %ux%u exceed the limit of %llu pixels",
                        (unsigned)width, (unsigned)height, (unsigned long long)max_pixels);
        return SEG_ERR_TOO_LARGE;
    }
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        png_colorp plte = NULL;
        int n = 0;
        if (png_get_PLTE(d->png, d->info, &plte, &n) & PNG_INFO_PLTE) {
            if (n > 256) n = 256;
            png_bytep trans = NULL;
            int ntrans = 0;
            png_get_tRNS(d->png, d->info, &trans, &ntrans, NULL);
            for (int i = 0; i < n; i++) {
                info->palette[4 * i] = plte[i].red;
                info->palette[4 * i + 1] = plte[i].green;
                info->palette[4 * i + 2] = plte[i].blue;
                info->palette[4 * i + 3] = (trans && i < ntrans) ? trans[i] : 255;
            }
            info->palette_size = n;
        }
    }
    // Keep raw values: sub-byte samples unpacked to one byte each (not rescaled),
    // palette indices not expanded, 16-bit samples in host order.
    if (bit_depth < 8) png_set_packing(d->png);
    if (bit_depth == 16) png_set_swap(d->png);
    png_set_interlace_handling(d->png);
    png_read_update_info(d->png, d->info);
    d->row_bytes = png_get_rowbytes(d->png, d->info);
    d->height = height;
    size_t expected = (size_t)width * (size_t)info->channels * (size_t)info->sample_bytes;
    if (d->row_bytes != expected) {
        seg_png_close(d);
        seg_set_message(msg, msg_cap, "unexpected PNG row layout (%zu bytes, expected %zu)", d->row_bytes, expected);
        return SEG_ERR_UNSUPPORTED;
    }
    *out = d;
    return SEG_OK;
}

SegStatus seg_png_read(SegPngDecoder *d, uint8_t *pixels, size_t pixels_size, char *msg, size_t msg_cap) {
    if (!d || pixels_size < d->row_bytes * d->height) {
        seg_set_message(msg, msg_cap, "pixel buffer too small");
        return SEG_ERR_ARGUMENT;
    }
    d->rows = malloc(sizeof(png_bytep) * (d->height ? d->height : 1));
    if (!d->rows) return SEG_ERR_MEMORY;
    for (uint32_t y = 0; y < d->height; y++) d->rows[y] = pixels + (size_t)y * d->row_bytes;
    if (setjmp(png_jmpbuf(d->png))) return seg_png_fail(d, msg, msg_cap);
    png_read_image(d->png, d->rows);
    png_read_end(d->png, NULL);
    return SEG_OK;
}

// ---- encoder ----------------------------------------------------------------

struct SegPngEncoder {
    png_structp png;
    png_infop info;
    SegBuffer out;
    int out_of_memory;
    png_bytep *rows;
    char message[256];
};

static void seg_png_enc_error(png_structp png, png_const_charp text) {
    struct SegPngEncoder *e = png_get_error_ptr(png);
    if (e) snprintf(e->message, sizeof e->message, "%s", text);
    png_longjmp(png, 1);
}

static void seg_png_write_fn(png_structp png, png_bytep data, size_t length) {
    struct SegPngEncoder *e = png_get_io_ptr(png);
    if (!seg_buffer_append(&e->out, data, length)) {
        e->out_of_memory = 1;
        png_error(png, "out of memory while encoding PNG");
    }
}

static void seg_png_flush_fn(png_structp png) { (void)png; }

static void seg_png_encoder_free(struct SegPngEncoder *e) {
    if (e->png) png_destroy_write_struct(&e->png, e->info ? &e->info : NULL);
    free(e->rows);
    free(e->out.bytes);
    free(e);
}

SegStatus seg_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height,
                         SegColor color, int32_t bit_depth,
                         const uint8_t *palette, int32_t palette_size,
                         int32_t compression_level, int32_t fast_filters,
                         uint8_t **out, size_t *out_size, char *msg, size_t msg_cap) {
    *out = NULL;
    *out_size = 0;
    int channels, png_ctype;
    switch (color) {
    case SEG_COLOR_GRAY: channels = 1; png_ctype = PNG_COLOR_TYPE_GRAY; break;
    case SEG_COLOR_GRAY_ALPHA: channels = 2; png_ctype = PNG_COLOR_TYPE_GRAY_ALPHA; break;
    case SEG_COLOR_RGB: channels = 3; png_ctype = PNG_COLOR_TYPE_RGB; break;
    case SEG_COLOR_RGBA: channels = 4; png_ctype = PNG_COLOR_TYPE_RGB_ALPHA; break;
    case SEG_COLOR_PALETTE: channels = 1; png_ctype = PNG_COLOR_TYPE_PALETTE; break;
    default: seg_set_message(msg, msg_cap, "unknown colour type"); return SEG_ERR_ARGUMENT;
    }
    if (width == 0 || height == 0 || width > 0x7fffffff || height > 0x7fffffff) {
        seg_set_message(msg, msg_cap, "cannot write a %ux%u PNG", (unsigned)width, (unsigned)height);
        return SEG_ERR_ARGUMENT;
    }
    int sub_byte = bit_depth == 1 || bit_depth == 2 || bit_depth == 4;
    if (!(sub_byte || bit_depth == 8 || bit_depth == 16) ||
        (sub_byte && color != SEG_COLOR_GRAY && color != SEG_COLOR_PALETTE)) {
        seg_set_message(msg, msg_cap, "PNG bit depth %d is not possible for this colour type", bit_depth);
        return SEG_ERR_ARGUMENT;
    }
    if (color == SEG_COLOR_PALETTE && (bit_depth == 16 || !palette || palette_size < 1 || palette_size > 256)) {
        seg_set_message(msg, msg_cap, "a palette PNG needs indices of at most 8 bits and 1 to 256 palette entries");
        return SEG_ERR_ARGUMENT;
    }
    // Indices of `bit_depth` bits reach only the first 2^bit_depth entries.
    if (color == SEG_COLOR_PALETTE && palette_size > (1 << bit_depth)) palette_size = 1 << bit_depth;
    struct SegPngEncoder *e = calloc(1, sizeof *e);
    if (!e) return SEG_ERR_MEMORY;
    e->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, e, seg_png_enc_error, seg_png_warning);
    if (e->png) e->info = png_create_info_struct(e->png);
    e->rows = malloc(sizeof(png_bytep) * height);
    if (!e->png || !e->info || !e->rows) {
        seg_png_encoder_free(e);
        seg_set_message(msg, msg_cap, "out of memory creating the PNG encoder");
        return SEG_ERR_MEMORY;
    }
    if (setjmp(png_jmpbuf(e->png))) {
        SegStatus s = e->out_of_memory ? SEG_ERR_MEMORY : SEG_ERR_ARGUMENT;
        seg_set_message(msg, msg_cap, "%s", e->message);
        seg_png_encoder_free(e);
        return s;
    }
    png_set_write_fn(e->png, e, seg_png_write_fn, seg_png_flush_fn);
    png_set_IHDR(e->png, e->info, width, height, bit_depth, png_ctype, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (compression_level < 0) compression_level = 0;
    if (compression_level > 9) compression_level = 9;
    png_set_compression_level(e->png, compression_level);
    if (fast_filters) png_set_filter(e->png, 0, PNG_FILTER_NONE);
    if (color == SEG_COLOR_PALETTE) {
        png_color plte[256];
        png_byte trans[256];
        int last_translucent = -1;
        for (int i = 0; i < palette_size; i++) {
            plte[i].red = palette[4 * i];
            plte[i].green = palette[4 * i + 1];
            plte[i].blue = palette[4 * i + 2];
            trans[i] = palette[4 * i + 3];
            if (trans[i] != 255) last_translucent = i;
        }
        png_set_PLTE(e->png, e->info, plte, palette_size);
        if (last_translucent >= 0) png_set_tRNS(e->png, e->info, trans, last_translucent + 1, NULL);
    }
    png_write_info(e->png, e->info);
    if (bit_depth == 16) png_set_swap(e->png);
    if (sub_byte) png_set_packing(e->png);  // input holds one sample per byte
    size_t row_bytes = (size_t)width * channels * (bit_depth == 16 ? 2 : 1);
    for (uint32_t y = 0; y < height; y++) e->rows[y] = (png_bytep)pixels + (size_t)y * row_bytes;
    png_write_image(e->png, e->rows);
    png_write_end(e->png, NULL);
    *out = e->out.bytes;
    *out_size = e->out.size;
    e->out.bytes = NULL;
    seg_png_encoder_free(e);
    return SEG_OK;
}
