// JPEG through libjpeg(-turbo). The error manager longjmps back into the shim
// (never exit()), warnings are counted instead of printed, and a strict mode
// turns warnings such as "Premature end of JPEG file" into errors.
#include "common.h"
#include <stdio.h>
#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct SegJpegError {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
    int warnings;
    int first_warning_code;
    char first_warning[JMSG_LENGTH_MAX];
} SegJpegError;

static void seg_jpeg_error_exit(j_common_ptr cinfo) {
    SegJpegError *err = (SegJpegError *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, err->message);
    longjmp(err->jump, 1);
}

static void seg_jpeg_emit_message(j_common_ptr cinfo, int level) {
    SegJpegError *err = (SegJpegError *)cinfo->err;
    if (level >= 0) return;  // trace messages
    if (err->warnings == 0) {
        err->first_warning_code = cinfo->err->msg_code;
        (*cinfo->err->format_message)(cinfo, err->first_warning);
    }
    err->warnings++;
    cinfo->err->num_warnings++;
}

static void seg_jpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void seg_jpeg_install(SegJpegError *err) {
    jpeg_std_error(&err->pub);
    err->pub.error_exit = seg_jpeg_error_exit;
    err->pub.emit_message = seg_jpeg_emit_message;
    err->pub.output_message = seg_jpeg_output_message;
}

/// JPEG errors that mean "the data ran out" rather than "the data is wrong".
static int seg_jpeg_is_truncation(int code) {
    return code == JWRN_JPEG_EOF || code == JERR_INPUT_EOF || code == JERR_INPUT_EMPTY;
}

struct SegJpegDecoder {
    struct jpeg_decompress_struct cinfo;
    SegJpegError err;
    int channels;
    int created;
};

void seg_jpeg_close(SegJpegDecoder *d) {
    if (!d) return;
    if (d->created) jpeg_destroy_decompress(&d->cinfo);
    free(d);
}

static SegStatus seg_jpeg_fail(SegJpegDecoder *d, char *msg, size_t cap) {
    int code = d->err.pub.msg_code;
    if (code == JERR_BAD_PRECISION || code == JERR_SOF_UNSUPPORTED || code == JERR_NOT_COMPILED) {
        // Valid JPEGs of a kind this libjpeg build does not decode (12-bit, lossless…).
        seg_set_message(msg, cap, "%s", d->err.message);
        return SEG_ERR_UNSUPPORTED;
    }
    // libjpeg's memory source pads a short file with a fake EOI (warning
    // JWRN_JPEG_EOF); an error after that is a consequence of truncation.
    int ran_out = d->err.warnings > 0 && d->err.first_warning_code == JWRN_JPEG_EOF;
    if (ran_out) seg_set_message(msg, cap, "file is truncated (%s)", d->err.message);
    else seg_set_message(msg, cap, "%s", d->err.message);
    return (ran_out || seg_jpeg_is_truncation(code)) ? SEG_ERR_TRUNCATED : SEG_ERR_CORRUPT;
}

SegStatus seg_jpeg_open(const uint8_t *data, size_t size, uint64_t max_pixels, int32_t gray,
                        SegJpegDecoder **out, SegInfo *info, char *msg, size_t msg_cap) {
    *out = NULL;
    memset(info, 0, sizeof *info);
    if (size < 3 || data[0] != 0xFF || data[1] != 0xD8 || data[2] != 0xFF) {
        seg_set_message(msg, msg_cap, "not a JPEG file (bad signature)");
        return SEG_ERR_CORRUPT;
    }
    SegJpegDecoder *d = calloc(1, sizeof *d);
    if (!d) return SEG_ERR_MEMORY;
    d->cinfo.err = &d->err.pub;
    seg_jpeg_install(&d->err);
    if (setjmp(d->err.jump)) {
        SegStatus s = seg_jpeg_fail(d, msg, msg_cap);
        seg_jpeg_close(d);
        return s;
    }
    jpeg_create_decompress(&d->cinfo);
    d->created = 1;
    jpeg_mem_src(&d->cinfo, data, (unsigned long)size);
    jpeg_read_header(&d->cinfo, TRUE);
    info->width = d->cinfo.image_width;
    info->height = d->cinfo.image_height;
    info->source_bit_depth = 8;
    info->sample_bytes = 1;
    info->interlaced = d->cinfo.progressive_mode ? 1 : 0;
    info->page_count = 1;
    switch (d->cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE:
        d->cinfo.out_color_space = JCS_GRAYSCALE;
        info->color = SEG_COLOR_GRAY;
        info->channels = 1;
        break;
    case JCS_YCbCr:
    case JCS_RGB:
        if (gray) {
            /* libjpeg's own colour-to-gray output (the Y channel of YCbCr),
               which is what OpenCV's IMREAD_GRAYSCALE returns. */
            d->cinfo.out_color_space = JCS_GRAYSCALE;
            info->color = SEG_COLOR_GRAY;
            info->channels = 1;
        } else {
            d->cinfo.out_color_space = JCS_RGB;
            info->color = SEG_COLOR_RGB;
            info->channels = 3;
        }
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        seg_jpeg_close(d);
        seg_set_message(msg, msg_cap, "CMYK JPEG is not supported (convert it to RGB first)");
        return SEG_ERR_UNSUPPORTED;
    default:
        seg_jpeg_close(d);
        seg_set_message(msg, msg_cap, "unsupported JPEG colour space %d", (int)d->cinfo.jpeg_color_space);
        return SEG_ERR_UNSUPPORTED;
    }
    d->channels = info->channels;
    if (seg_too_many_pixels(info->width, info->height, max_pixels)) {
        seg_set_message(msg, msg_cap, "dimensions %ux%u exceed the limit of %llu pixels",
                        (unsigned)info->width, (unsigned)info->height, (unsigned long long)max_pixels);
        seg_jpeg_close(d);
        return SEG_ERR_TOO_LARGE;
    }
    info->warnings = d->err.warnings;
    *out = d;
    return SEG_OK;
}

SegStatus seg_jpeg_read(SegJpegDecoder *d, uint8_t *pixels, size_t pixels_size, int32_t strict,
                        int32_t *warnings, char *msg, size_t msg_cap) {
    size_t row_bytes = (size_t)d->cinfo.image_width * d->channels;
    if (pixels_size < row_bytes * d->cinfo.image_height) {
        seg_set_message(msg, msg_cap, "pixel buffer too small");
        return SEG_ERR_ARGUMENT;
    }
    if (setjmp(d->err.jump)) return seg_jpeg_fail(d, msg, msg_cap);
    jpeg_start_decompress(&d->cinfo);
    if (d->cinfo.output_width != d->cinfo.image_width || d->cinfo.output_components != d->channels) {
        seg_set_message(msg, msg_cap, "unexpected JPEG output layout");
        return SEG_ERR_UNSUPPORTED;
    }
    while (d->cinfo.output_scanline < d->cinfo.output_height) {
        JSAMPROW row = pixels + (size_t)d->cinfo.output_scanline * row_bytes;
        jpeg_read_scanlines(&d->cinfo, &row, 1);
    }
    jpeg_finish_decompress(&d->cinfo);
    *warnings = d->err.warnings;
    if (strict && d->err.warnings > 0) {
        seg_set_message(msg, msg_cap, "%s", d->err.first_warning);
        return seg_jpeg_is_truncation(d->err.first_warning_code) ? SEG_ERR_TRUNCATED : SEG_ERR_CORRUPT;
    }
    return SEG_OK;
}

/// A destination manager that collects output in a SegBuffer owned by the
/// encoder, so an error at any point frees exactly what was allocated
/// (libjpeg's jpeg_mem_dest only hands its buffer back when compression ends).
typedef struct SegJpegDest {
    struct jpeg_destination_mgr pub;
    SegBuffer *out;
    JOCTET chunk[65536];
} SegJpegDest;

typedef struct SegJpegEncoder {
    struct jpeg_compress_struct cinfo;
    SegJpegError err;
    SegJpegDest dest;
    SegBuffer out;
    int created;
} SegJpegEncoder;

static void seg_jpeg_dest_init(j_compress_ptr cinfo) {
    SegJpegDest *d = (SegJpegDest *)cinfo->dest;
    d->pub.next_output_byte = d->chunk;
    d->pub.free_in_buffer = sizeof d->chunk;
}

static boolean seg_jpeg_dest_flush(j_compress_ptr cinfo) {
    SegJpegDest *d = (SegJpegDest *)cinfo->dest;
    if (!seg_buffer_append(d->out, d->chunk, sizeof d->chunk)) ERREXIT(cinfo, JERR_OUT_OF_MEMORY);
    d->pub.next_output_byte = d->chunk;
    d->pub.free_in_buffer = sizeof d->chunk;
    return TRUE;
}

static void seg_jpeg_dest_term(j_compress_ptr cinfo) {
    SegJpegDest *d = (SegJpegDest *)cinfo->dest;
    size_t used = sizeof d->chunk - d->pub.free_in_buffer;
    if (!seg_buffer_append(d->out, d->chunk, used)) ERREXIT(cinfo, JERR_OUT_OF_MEMORY);
}

SegStatus seg_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int32_t channels,
                          int32_t quality, int32_t progressive,
                          uint8_t **out, size_t *out_size, char *msg, size_t msg_cap) {
    *out = NULL;
    *out_size = 0;
    if ((channels != 1 && channels != 3) || width == 0 || height == 0 || width > 65500 || height > 65500) {
        seg_set_message(msg, msg_cap, "JPEG needs 1 or 3 channels and sides of 1 to 65500 pixels");
        return SEG_ERR_ARGUMENT;
    }
    SegJpegEncoder *e = calloc(1, sizeof *e);
    if (!e) return SEG_ERR_MEMORY;
    e->cinfo.err = &e->err.pub;
    seg_jpeg_install(&e->err);
    if (setjmp(e->err.jump)) {
        seg_set_message(msg, msg_cap, "%s", e->err.message);
        if (e->created) jpeg_destroy_compress(&e->cinfo);
        free(e->out.bytes);
        free(e);
        return SEG_ERR_ARGUMENT;
    }
    jpeg_create_compress(&e->cinfo);
    e->created = 1;
    e->dest.out = &e->out;
    e->dest.pub.init_destination = seg_jpeg_dest_init;
    e->dest.pub.empty_output_buffer = seg_jpeg_dest_flush;
    e->dest.pub.term_destination = seg_jpeg_dest_term;
    e->cinfo.dest = &e->dest.pub;
    e->cinfo.image_width = width;
    e->cinfo.image_height = height;
    e->cinfo.input_components = channels;
    e->cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&e->cinfo);
    jpeg_set_quality(&e->cinfo, quality < 1 ? 1 : (quality > 100 ? 100 : quality), TRUE);
    if (progressive) jpeg_simple_progression(&e->cinfo);
    jpeg_start_compress(&e->cinfo, TRUE);
    size_t row_bytes = (size_t)width * channels;
    while (e->cinfo.next_scanline < e->cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)e->cinfo.next_scanline * row_bytes);
        jpeg_write_scanlines(&e->cinfo, &row, 1);
    }
    jpeg_finish_compress(&e->cinfo);
    jpeg_destroy_compress(&e->cinfo);
    *out = e->out.bytes;
    *out_size = e->out.size;
    free(e);
    return SEG_OK;
}
