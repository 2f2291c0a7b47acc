// TIFF through libtiff, reading from and writing to memory. Errors and
// warnings go to per-handle handlers (TIFFOpenOptions), never to stderr.
#include "common.h"
#include <tiffio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct SegTiffIO {
    const uint8_t *data;  // reading
    size_t size;
    SegBuffer *wbuf;      // writing (random access; grows)
    uint64_t pos;
    char message[256];
    int errors;
} SegTiffIO;

static pthread_once_t seg_tiff_once = PTHREAD_ONCE_INIT;
static void seg_tiff_silence_globals(void) {
    // Handlers set per handle take precedence; these catch anything emitted
    // before a handle exists so that nothing reaches stderr.
    TIFFSetErrorHandler(NULL);
    TIFFSetWarningHandler(NULL);
}

static int seg_tiff_on_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    SegTiffIO *io = user;
    if (io->errors++ == 0) {
        char text[200];
        vsnprintf(text, sizeof text, fmt, ap);
        snprintf(io->message, sizeof io->message, "%s%s%s", module ? module : "", module ? ": " : "", text);
    }
    return 1;
}

static int seg_tiff_on_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif; (void)user; (void)module; (void)fmt; (void)ap;
    return 1;
}

static tmsize_t seg_tiff_read_proc(thandle_t h, void *buf, tmsize_t n) {
    SegTiffIO *io = (SegTiffIO *)h;
    const uint8_t *src = io->wbuf ? io->wbuf->bytes : io->data;
    size_t size = io->wbuf ? io->wbuf->size : io->size;
    if (n <= 0 || io->pos >= size) return 0;
    size_t avail = size - (size_t)io->pos;
    size_t take = (size_t)n < avail ? (size_t)n : avail;
    memcpy(buf, src + io->pos, take);
    io->pos += take;
    return (tmsize_t)take;
}

static tmsize_t seg_tiff_write_proc(thandle_t h, void *buf, tmsize_t n) {
    SegTiffIO *io = (SegTiffIO *)h;
    if (!io->wbuf || n < 0) return -1;
    SegBuffer *b = io->wbuf;
    uint64_t end = io->pos + (uint64_t)n;
    if (end > SIZE_MAX) return -1;
    if (end > b->size) {
        // Grow (zero-filling any gap), then overwrite in place.
        size_t old = b->size;
        size_t grow = (size_t)end - old;
        uint8_t *zeros = calloc(1, grow);
        if (!zeros) return -1;
        int ok = seg_buffer_append(b, zeros, grow);
        free(zeros);
        if (!ok) return -1;
    }
    memcpy(b->bytes + io->pos, buf, (size_t)n);
    io->pos = end;
    return n;
}

static toff_t seg_tiff_seek_proc(thandle_t h, toff_t off, int whence) {
    SegTiffIO *io = (SegTiffIO *)h;
    uint64_t size = io->wbuf ? io->wbuf->size : io->size;
    uint64_t base = whence == SEEK_SET ? 0 : (whence == SEEK_CUR ? io->pos : size);
    io->pos = base + off;
    return io->pos;
}

static int seg_tiff_close_proc(thandle_t h) { (void)h; return 0; }
static toff_t seg_tiff_size_proc(thandle_t h) {
    SegTiffIO *io = (SegTiffIO *)h;
    return io->wbuf ? io->wbuf->size : io->size;
}
static int seg_tiff_map_proc(thandle_t h, void **base, toff_t *size) {
    SegTiffIO *io = (SegTiffIO *)h;
    if (io->wbuf) return 0;
    *base = (void *)io->data;
    *size = io->size;
    return 1;
}
static void seg_tiff_unmap_proc(thandle_t h, void *base, toff_t size) { (void)h; (void)base; (void)size; }

static TIFF *seg_tiff_client_open(SegTiffIO *io, const char *mode) {
    pthread_once(&seg_tiff_once, seg_tiff_silence_globals);
    TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
    if (!opts) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(opts, seg_tiff_on_error, io);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, seg_tiff_on_warning, io);
    TIFF *tif = TIFFClientOpenExt("tiff", mode, (thandle_t)io, seg_tiff_read_proc, seg_tiff_write_proc,
                                  seg_tiff_seek_proc, seg_tiff_close_proc, seg_tiff_size_proc,
                                  seg_tiff_map_proc, seg_tiff_unmap_proc, opts);
    TIFFOpenOptionsFree(opts);
    return tif;
}

/// Classifies a libtiff failure: reads past the end of the data mean truncation.
static SegStatus seg_tiff_fail(SegTiffIO *io, const char *fallback, char *msg, size_t cap) {
    const char *text = io->message[0] ? io->message : fallback;
    seg_set_message(msg, cap, "%s", text);
    if (strstr(text, "Read error") || strstr(text, "past end") || strstr(text, "Cannot read") ||
        strstr(text, "EOF") || strstr(text, "Not enough data") || strstr(text, "beyond end") ||
        strstr(text, "short read") || strstr(text, "fetching directory") || strstr(text, "Cannot read TIFF directory"))
        return SEG_ERR_TRUNCATED;
    return SEG_ERR_CORRUPT;
}

// ---- decoder ----------------------------------------------------------------

struct SegTiffDecoder {
    TIFF *tif;
    SegTiffIO io;
    uint32_t pages;
    uint32_t width, height;
    uint16_t spp, bps, planar, photometric;
    int tiled;
    uint32_t tile_w, tile_h;
    int selected;
};

void seg_tiff_close(SegTiffDecoder *d) {
    if (!d) return;
    if (d->tif) TIFFClose(d->tif);
    free(d);
}

SegStatus seg_tiff_open(const uint8_t *data, size_t size, SegTiffDecoder **out,
                        uint32_t *page_count, char *msg, size_t msg_cap) {
    *out = NULL;
    *page_count = 0;
    int le = size >= 4 && data[0] == 'I' && data[1] == 'I' && (data[2] == 42 || data[2] == 43) && data[3] == 0;
    int be = size >= 4 && data[0] == 'M' && data[1] == 'M' && data[2] == 0 && (data[3] == 42 || data[3] == 43);
    if (!le && !be) {
        seg_set_message(msg, msg_cap, "not a TIFF file (bad signature)");
        return SEG_ERR_CORRUPT;
    }
    SegTiffDecoder *d = calloc(1, sizeof *d);
    if (!d) return SEG_ERR_MEMORY;
    d->io.data = data;
    d->io.size = size;
    d->tif = seg_tiff_client_open(&d->io, "r");
    if (!d->tif) {
        SegStatus s = seg_tiff_fail(&d->io, "cannot open TIFF", msg, msg_cap);
        seg_tiff_close(d);
        return s;
    }
    d->pages = TIFFNumberOfDirectories(d->tif);
    if (d->io.errors) {
        // A directory chain that points past the end or loops: the file is damaged.
        SegStatus s = seg_tiff_fail(&d->io, "cannot read the TIFF directory chain", msg, msg_cap);
        seg_tiff_close(d);
        return s;
    }
    if (d->pages == 0) {
        seg_set_message(msg, msg_cap, "TIFF has no pages");
        seg_tiff_close(d);
        return SEG_ERR_CORRUPT;
    }
    *page_count = d->pages;
    *out = d;
    return SEG_OK;
}

SegStatus seg_tiff_select(SegTiffDecoder *d, uint32_t page, uint64_t max_pixels,
                          SegInfo *info, char *msg, size_t msg_cap) {
    memset(info, 0, sizeof *info);
    d->selected = 0;
    if (page >= d->pages) {
        seg_set_message(msg, msg_cap, "page %u does not exist (the file has %u)", (unsigned)page, (unsigned)d->pages);
        return SEG_ERR_ARGUMENT;
    }
    d->io.message[0] = 0;
    d->io.errors = 0;
    if (!TIFFSetDirectory(d->tif, (tdir_t)page)) return seg_tiff_fail(&d->io, "cannot read TIFF directory", msg, msg_cap);
    uint32_t w = 0, h = 0;
    uint16_t spp = 1, bps = 1, planar = PLANARCONFIG_CONTIG, photometric = 0, format = SAMPLEFORMAT_UINT, compression = 1;
    if (!TIFFGetField(d->tif, TIFFTAG_IMAGEWIDTH, &w) || !TIFFGetField(d->tif, TIFFTAG_IMAGELENGTH, &h) || w == 0 || h == 0) {
        seg_set_message(msg, msg_cap, "TIFF page %u has no valid image size", (unsigned)page);
        return SEG_ERR_CORRUPT;
    }
    TIFFGetFieldDefaulted(d->tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetFieldDefaulted(d->tif, TIFFTAG_BITSPERSAMPLE, &bps);
    TIFFGetFieldDefaulted(d->tif, TIFFTAG_PLANARCONFIG, &planar);
    TIFFGetFieldDefaulted(d->tif, TIFFTAG_SAMPLEFORMAT, &format);
    TIFFGetFieldDefaulted(d->tif, TIFFTAG_COMPRESSION, &compression);
    if (!TIFFGetField(d->tif, TIFFTAG_PHOTOMETRIC, &photometric))
        photometric = spp >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;
    if (!TIFFIsCODECConfigured(compression)) {
        seg_set_message(msg, msg_cap, "TIFF compression scheme %u is not supported", (unsigned)compression);
        return SEG_ERR_UNSUPPORTED;
    }
    int is_float = format == SAMPLEFORMAT_IEEEFP && bps == 32 && spp == 1;
    // 32-bit integer gray: instance label maps (stardist, cellpose and tifffile write them).
    int is_label32 = (format == SAMPLEFORMAT_UINT || format == SAMPLEFORMAT_INT) && bps == 32 && spp == 1;
    if (format != SAMPLEFORMAT_UINT && !is_float && !is_label32) {
        seg_set_message(msg, msg_cap, "TIFF sample format %u with %u bits is not supported (unsigned integers, 32-bit integer or float gray)",
                        (unsigned)format, (unsigned)bps);
        return SEG_ERR_UNSUPPORTED;
    }
    if (bps != 1 && bps != 8 && bps != 16 && !is_float && !is_label32) {
        seg_set_message(msg, msg_cap, "TIFF with %u bits per sample is not supported (1, 8 or 16; 32 for one gray sample)", (unsigned)bps);
        return SEG_ERR_UNSUPPORTED;
    }
    SegColor color;
    if ((photometric == PHOTOMETRIC_MINISBLACK || photometric == PHOTOMETRIC_MINISWHITE) && (spp == 1 || spp == 2)) {
        color = spp == 1 ? SEG_COLOR_GRAY : SEG_COLOR_GRAY_ALPHA;
    } else if (photometric == PHOTOMETRIC_RGB && (spp == 3 || spp == 4)) {
        color = spp == 3 ? SEG_COLOR_RGB : SEG_COLOR_RGBA;
    } else if (photometric == PHOTOMETRIC_PALETTE && spp == 1 && bps == 8) {
        color = SEG_COLOR_PALETTE;
    } else {
        seg_set_message(msg, msg_cap, "TIFF photometric %u with %u samples per pixel is not supported",
                        (unsigned)photometric, (unsigned)spp);
        return SEG_ERR_UNSUPPORTED;
    }
    int tiled = TIFFIsTiled(d->tif);
    if (tiled && bps == 1) {
        seg_set_message(msg, msg_cap, "tiled 1-bit TIFF is not supported");
        return SEG_ERR_UNSUPPORTED;
    }
    if (seg_too_many_pixels(w, h, max_pixels)) {  // spp is at most 4 after the checks above
        seg_set_message(msg, msg_cap, "dimensions %ux%u exceed the limit of %llu pixels", (unsigned)w, (unsigned)h,
                        (unsigned long long)max_pixels);
        return SEG_ERR_TOO_LARGE;
    }
    if (tiled) {
        TIFFGetField(d->tif, TIFFTAG_TILEWIDTH, &d->tile_w);
        TIFFGetField(d->tif, TIFFTAG_TILELENGTH, &d->tile_h);
        if (d->tile_w == 0 || d->tile_h == 0 || seg_too_many_pixels(d->tile_w, d->tile_h, max_pixels)) {
            seg_set_message(msg, msg_cap, "TIFF tile size %ux%u is invalid", (unsigned)d->tile_w, (unsigned)d->tile_h);
            return SEG_ERR_CORRUPT;
        }
    }
    if (color == SEG_COLOR_PALETTE) {
        uint16_t *r = NULL, *g = NULL, *b = NULL;
        if (!TIFFGetField(d->tif, TIFFTAG_COLORMAP, &r, &g, &b) || !r || !g || !b) {
            seg_set_message(msg, msg_cap, "palette TIFF has no colour map");
            return SEG_ERR_CORRUPT;
        }
        for (int i = 0; i < 256; i++) {
            info->palette[4 * i] = (uint8_t)(r[i] >> 8);
            info->palette[4 * i + 1] = (uint8_t)(g[i] >> 8);
            info->palette[4 * i + 2] = (uint8_t)(b[i] >> 8);
            info->palette[4 * i + 3] = 255;
        }
        info->palette_size = 256;
    }
    d->width = w;
    d->height = h;
    d->spp = spp;
    d->bps = bps;
    d->planar = planar;
    d->photometric = photometric;
    d->tiled = tiled;
    d->selected = 1;
    info->width = w;
    info->height = h;
    info->channels = spp;
    info->sample_bytes = bps == 32 ? 4 : (bps == 16 ? 2 : 1);
    info->source_bit_depth = bps;
    info->sample_format = is_float ? 2 : (format == SAMPLEFORMAT_INT ? 1 : 0);
    info->color = color;
    info->page_count = d->pages;
    return SEG_OK;
}

/// Copies `count` samples of one row, starting at sample index `first`, from a
/// decoded buffer into the output row with a stride of `step` output samples.
static void seg_tiff_put(uint8_t *dst_row, size_t dst_first, size_t step, const uint8_t *src,
                         size_t src_first, size_t src_step, size_t count, int bps) {
    if (bps == 32) {
        uint32_t *dst = (uint32_t *)dst_row;
        const uint32_t *s = (const uint32_t *)src;
        for (size_t i = 0; i < count; i++) dst[dst_first + i * step] = s[src_first + i * src_step];
    } else if (bps == 16) {
        uint16_t *dst = (uint16_t *)dst_row;
        const uint16_t *s = (const uint16_t *)src;
        for (size_t i = 0; i < count; i++) dst[dst_first + i * step] = s[src_first + i * src_step];
    } else if (bps == 8) {
        for (size_t i = 0; i < count; i++) dst_row[dst_first + i * step] = src[src_first + i * src_step];
    } else {  // 1-bit, MSB first
        for (size_t i = 0; i < count; i++) {
            size_t bit = src_first + i * src_step;
            dst_row[dst_first + i * step] = (src[bit >> 3] >> (7 - (bit & 7))) & 1;
        }
    }
}

SegStatus seg_tiff_read(SegTiffDecoder *d, uint8_t *pixels, size_t pixels_size, char *msg, size_t msg_cap) {
    if (!d->selected) {
        seg_set_message(msg, msg_cap, "no TIFF page selected");
        return SEG_ERR_ARGUMENT;
    }
    size_t sb = d->bps == 32 ? 4 : (d->bps == 16 ? 2 : 1);
    size_t spp = d->spp;
    size_t row_bytes = (size_t)d->width * spp * sb;
    if (pixels_size < row_bytes * d->height) {
        seg_set_message(msg, msg_cap, "pixel buffer too small");
        return SEG_ERR_ARGUMENT;
    }
    d->io.message[0] = 0;
    d->io.errors = 0;
    int separate = d->planar == PLANARCONFIG_SEPARATE && spp > 1;
    size_t planes = separate ? spp : 1;
    size_t per_plane = separate ? 1 : spp;
    SegStatus status = SEG_OK;
    if (!d->tiled) {
        tmsize_t line = TIFFScanlineSize(d->tif);
        uint8_t *buf = line > 0 ? malloc((size_t)line) : NULL;
        if (!buf) return seg_tiff_fail(&d->io, "invalid TIFF scanline size", msg, msg_cap);
        for (size_t p = 0; p < planes && status == SEG_OK; p++) {
            for (uint32_t y = 0; y < d->height; y++) {
                if (TIFFReadScanline(d->tif, buf, y, (uint16_t)p) < 0) {
                    status = seg_tiff_fail(&d->io, "cannot read TIFF scanline", msg, msg_cap);
                    break;
                }
                uint8_t *row = pixels + (size_t)y * row_bytes;
                for (size_t c = 0; c < per_plane; c++)
                    seg_tiff_put(row, p + c, spp, buf, c, per_plane, d->width, d->bps);
            }
        }
        free(buf);
    } else {
        tmsize_t tsize = TIFFTileSize(d->tif);
        uint8_t *buf = tsize > 0 ? malloc((size_t)tsize) : NULL;
        if (!buf) return seg_tiff_fail(&d->io, "invalid TIFF tile size", msg, msg_cap);
        size_t tile_row_samples = (size_t)d->tile_w * per_plane;
        for (size_t p = 0; p < planes && status == SEG_OK; p++) {
            for (uint32_t ty = 0; ty < d->height && status == SEG_OK; ty += d->tile_h) {
                for (uint32_t tx = 0; tx < d->width; tx += d->tile_w) {
                    if (TIFFReadTile(d->tif, buf, tx, ty, 0, (uint16_t)p) < 0) {
                        status = seg_tiff_fail(&d->io, "cannot read TIFF tile", msg, msg_cap);
                        break;
                    }
                    uint32_t cols = d->width - tx < d->tile_w ? d->width - tx : d->tile_w;
                    uint32_t rows = d->height - ty < d->tile_h ? d->height - ty : d->tile_h;
                    for (uint32_t r = 0; r < rows; r++) {
                        uint8_t *row = pixels + (size_t)(ty + r) * row_bytes;
                        for (size_t c = 0; c < per_plane; c++)
                            seg_tiff_put(row, (size_t)tx * spp + p + c, spp, buf,
                                         (size_t)r * tile_row_samples + c, per_plane, cols, d->bps);
                    }
                }
            }
        }
        free(buf);
    }
    if (status == SEG_OK && d->photometric == PHOTOMETRIC_MINISWHITE && d->bps != 32) {
        // Deliver gray with the usual meaning (0 = black) whatever the file stores.
        size_t n = (size_t)d->width * d->height * spp;
        uint32_t maxv = d->bps == 16 ? 65535 : (d->bps == 8 ? 255 : 1);
        for (size_t i = 0; i < n; i += spp) {
            if (sb == 2) ((uint16_t *)pixels)[i] = (uint16_t)(maxv - ((uint16_t *)pixels)[i]);
            else pixels[i] = (uint8_t)(maxv - pixels[i]);
        }
    }
    return status;
}

// ---- encoder ----------------------------------------------------------------

struct SegTiffEncoder {
    TIFF *tif;
    SegTiffIO io;
    SegBuffer buffer;
};

SegStatus seg_tiff_encoder_create(SegTiffEncoder **out, char *msg, size_t msg_cap) {
    *out = NULL;
    SegTiffEncoder *e = calloc(1, sizeof *e);
    if (!e) return SEG_ERR_MEMORY;
    e->io.wbuf = &e->buffer;
    e->tif = seg_tiff_client_open(&e->io, "w");
    if (!e->tif) {
        seg_set_message(msg, msg_cap, "cannot create TIFF encoder: %s", e->io.message);
        free(e->buffer.bytes);
        free(e);
        return SEG_ERR_MEMORY;
    }
    *out = e;
    return SEG_OK;
}

SegStatus seg_tiff_encoder_add_page(SegTiffEncoder *e, const uint8_t *pixels, uint32_t width,
                                    uint32_t height, SegColor color, int32_t bit_depth,
                                    const uint8_t *palette, int32_t palette_size,
                                    int32_t compression, char *msg, size_t msg_cap) {
    uint16_t spp, photometric;
    switch (color) {
    case SEG_COLOR_GRAY: spp = 1; photometric = PHOTOMETRIC_MINISBLACK; break;
    case SEG_COLOR_GRAY_ALPHA: spp = 2; photometric = PHOTOMETRIC_MINISBLACK; break;
    case SEG_COLOR_RGB: spp = 3; photometric = PHOTOMETRIC_RGB; break;
    case SEG_COLOR_RGBA: spp = 4; photometric = PHOTOMETRIC_RGB; break;
    case SEG_COLOR_PALETTE: spp = 1; photometric = PHOTOMETRIC_PALETTE; break;
    default: seg_set_message(msg, msg_cap, "unknown colour type"); return SEG_ERR_ARGUMENT;
    }
    int is_float = bit_depth == 32;  // 32-bit IEEE float, gray only
    if ((bit_depth != 8 && bit_depth != 16 && !(is_float && color == SEG_COLOR_GRAY)) ||
        (color == SEG_COLOR_PALETTE && (bit_depth != 8 || !palette)) || width == 0 || height == 0) {
        seg_set_message(msg, msg_cap, "cannot write this TIFF page (%ux%u, %d-bit)", (unsigned)width, (unsigned)height, bit_depth);
        return SEG_ERR_ARGUMENT;
    }
    uint16_t scheme = compression == 1 ? COMPRESSION_ADOBE_DEFLATE
                    : compression == 2 ? COMPRESSION_LZW
                    : compression == 3 ? COMPRESSION_PACKBITS : COMPRESSION_NONE;
    TIFF *t = e->tif;
    e->io.message[0] = 0;
    e->io.errors = 0;
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, width);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, height);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, (uint16_t)bit_depth);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, spp);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, photometric);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_COMPRESSION, scheme);
    if (is_float) TIFFSetField(t, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_IEEEFP);
    if (spp == 2 || spp == 4) {
        uint16_t extra = EXTRASAMPLE_UNASSALPHA;
        TIFFSetField(t, TIFFTAG_EXTRASAMPLES, 1, &extra);
    }
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize(t, 0));
    if (color == SEG_COLOR_PALETTE) {
        uint16_t r[256] = {0}, g[256] = {0}, b[256] = {0};
        for (int i = 0; i < palette_size && i < 256; i++) {
            r[i] = (uint16_t)(palette[4 * i] * 257);
            g[i] = (uint16_t)(palette[4 * i + 1] * 257);
            b[i] = (uint16_t)(palette[4 * i + 2] * 257);
        }
        TIFFSetField(t, TIFFTAG_COLORMAP, r, g, b);
    }
    size_t row_bytes = (size_t)width * spp * (bit_depth / 8);
    for (uint32_t y = 0; y < height; y++) {
        if (TIFFWriteScanline(t, (void *)(pixels + (size_t)y * row_bytes), y, 0) < 0) {
            seg_set_message(msg, msg_cap, "TIFF write failed: %s", e->io.message);
            return SEG_ERR_MEMORY;
        }
    }
    if (!TIFFWriteDirectory(t)) {
        seg_set_message(msg, msg_cap, "TIFF write failed: %s", e->io.message);
        return SEG_ERR_MEMORY;
    }
    return SEG_OK;
}

SegStatus seg_tiff_encoder_finish(SegTiffEncoder *e, uint8_t **out, size_t *out_size, char *msg, size_t msg_cap) {
    *out = NULL;
    *out_size = 0;
    TIFFClose(e->tif);
    e->tif = NULL;
    if (e->io.errors) {
        seg_set_message(msg, msg_cap, "TIFF write failed: %s", e->io.message);
        return SEG_ERR_MEMORY;
    }
    *out = e->buffer.bytes;
    *out_size = e->buffer.size;
    e->buffer.bytes = NULL;
    return SEG_OK;
}

void seg_tiff_encoder_destroy(SegTiffEncoder *e) {
    if (!e) return;
    if (e->tif) TIFFClose(e->tif);
    free(e->buffer.bytes);
    free(e);
}
