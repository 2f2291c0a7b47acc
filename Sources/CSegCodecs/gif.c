// GIF first-frame decoding through giflib (which reports errors by return
// code, so no setjmp is needed). Pixels are palette indices.
#include "common.h"
#include <gif_lib.h>
#include <stdlib.h>
#include <string.h>

typedef struct SegGifSource {
    const uint8_t *data;
    size_t size;
    size_t pos;
    int short_read;
} SegGifSource;

static int seg_gif_read(GifFileType *gif, GifByteType *out, int n) {
    SegGifSource *src = gif->UserData;
    if (n <= 0) return 0;
    size_t avail = src->size - src->pos;
    size_t take = (size_t)n < avail ? (size_t)n : avail;
    if (take < (size_t)n) src->short_read = 1;
    memcpy(out, src->data + src->pos, take);
    src->pos += take;
    return (int)take;
}

static SegStatus seg_gif_error(GifFileType *gif, SegGifSource *src, int code, char *msg, size_t cap) {
    const char *text = GifErrorString(code);
    int truncated = src->short_read || code == D_GIF_ERR_READ_FAILED || code == D_GIF_ERR_EOF_TOO_SOON;
    seg_set_message(msg, cap, "%s", truncated ? "file is truncated" : (text ? text : "corrupt GIF data"));
    if (gif) DGifCloseFile(gif, NULL);
    return truncated ? SEG_ERR_TRUNCATED : SEG_ERR_CORRUPT;
}

SegStatus seg_gif_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                         SegInfo *info, uint8_t *pixels, size_t pixels_size,
                         char *msg, size_t msg_cap) {
    memset(info, 0, sizeof *info);
    if (size < 6 || memcmp(data, "GIF", 3) != 0) {
        seg_set_message(msg, msg_cap, "not a GIF file (bad signature)");
        return SEG_ERR_CORRUPT;
    }
    SegGifSource src = {data, size, 0, 0};
    int err = 0;
    GifFileType *gif = DGifOpen(&src, seg_gif_read, &err);
    if (!gif) return seg_gif_error(NULL, &src, err, msg, msg_cap);
    uint32_t w = (uint32_t)gif->SWidth, h = (uint32_t)gif->SHeight;
    if (w == 0 || h == 0) {
        DGifCloseFile(gif, NULL);
        seg_set_message(msg, msg_cap, "GIF has an empty logical screen");
        return SEG_ERR_CORRUPT;
    }
    if (seg_too_many_pixels(w, h, max_pixels)) {
        DGifCloseFile(gif, NULL);
        seg_set_message(msg, msg_cap, "dimensions %ux%u exceed the limit of %llu pixels", (unsigned)w, (unsigned)h,
                        (unsigned long long)max_pixels);
        return SEG_ERR_TOO_LARGE;
    }
    info->width = w;
    info->height = h;
    info->channels = 1;
    info->sample_bytes = 1;
    info->source_bit_depth = 8;
    info->color = SEG_COLOR_PALETTE;
    info->page_count = 1;
    int transparent = -1;
    GifRecordType record;
    for (;;) {
        if (DGifGetRecordType(gif, &record) == GIF_ERROR) return seg_gif_error(gif, &src, gif->Error, msg, msg_cap);
        if (record == TERMINATE_RECORD_TYPE) {
            DGifCloseFile(gif, NULL);
            seg_set_message(msg, msg_cap, "GIF contains no image");
            return SEG_ERR_CORRUPT;
        }
        if (record == EXTENSION_RECORD_TYPE) {
            int code = 0;
            GifByteType *ext = NULL;
            if (DGifGetExtension(gif, &code, &ext) == GIF_ERROR) return seg_gif_error(gif, &src, gif->Error, msg, msg_cap);
            if (code == GRAPHICS_EXT_FUNC_CODE && ext && ext[0] >= 4 && (ext[1] & 1)) transparent = ext[4];
            while (ext) {
                if (DGifGetExtensionNext(gif, &ext) == GIF_ERROR) return seg_gif_error(gif, &src, gif->Error, msg, msg_cap);
            }
            continue;
        }
        if (record == IMAGE_DESC_RECORD_TYPE) break;
    }
    if (DGifGetImageDesc(gif) == GIF_ERROR) return seg_gif_error(gif, &src, gif->Error, msg, msg_cap);
    GifImageDesc *desc = &gif->Image;
    ColorMapObject *map = desc->ColorMap ? desc->ColorMap : gif->SColorMap;
    if (!map || map->ColorCount <= 0) {
        /* Indices without colours: what they mean is anyone's guess (found by fuzzing). */
        DGifCloseFile(gif, NULL);
        seg_set_message(msg, msg_cap, "GIF has no colour table (neither a global nor a local one)");
        return SEG_ERR_CORRUPT;
    }
    int n = map->ColorCount > 256 ? 256 : map->ColorCount;
    for (int i = 0; i < n; i++) {
        info->palette[4 * i] = map->Colors[i].Red;
        info->palette[4 * i + 1] = map->Colors[i].Green;
        info->palette[4 * i + 2] = map->Colors[i].Blue;
        info->palette[4 * i + 3] = i == transparent ? 0 : 255;
    }
    info->palette_size = n;
    info->interlaced = desc->Interlace ? 1 : 0;
    if (!pixels) {
        DGifCloseFile(gif, NULL);
        return SEG_OK;
    }
    if (pixels_size < (size_t)w * h) {
        DGifCloseFile(gif, NULL);
        seg_set_message(msg, msg_cap, "pixel buffer too small");
        return SEG_ERR_ARGUMENT;
    }
    if (desc->Left < 0 || desc->Top < 0 || desc->Width <= 0 || desc->Height <= 0 ||
        (uint32_t)desc->Left + (uint32_t)desc->Width > w || (uint32_t)desc->Top + (uint32_t)desc->Height > h) {
        DGifCloseFile(gif, NULL);
        seg_set_message(msg, msg_cap, "GIF frame lies outside the logical screen");
        return SEG_ERR_CORRUPT;
    }
    memset(pixels, gif->SBackGroundColor, (size_t)w * h);
    int fw = desc->Width, fh = desc->Height;
    static const int start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
    int passes = desc->Interlace ? 4 : 1;
    for (int p = 0; p < passes; p++) {
        int y0 = desc->Interlace ? start[p] : 0, dy = desc->Interlace ? step[p] : 1;
        for (int y = y0; y < fh; y += dy) {
            GifPixelType *row = pixels + (size_t)(desc->Top + y) * w + desc->Left;
            if (DGifGetLine(gif, row, fw) == GIF_ERROR) return seg_gif_error(gif, &src, gif->Error, msg, msg_cap);
        }
    }
    DGifCloseFile(gif, NULL);
    return SEG_OK;
}
