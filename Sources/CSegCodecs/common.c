#include "common.h"
#include <stdlib.h>
#include <string.h>

void seg_set_message(char *msg, size_t cap, const char *fmt, ...) {
    if (!msg || cap == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, cap, fmt, ap);
    va_end(ap);
}

int seg_buffer_append(SegBuffer *b, const void *data, size_t n) {
    if (n > SIZE_MAX - b->size) return 0;
    if (b->size + n > b->capacity) {
        size_t cap = b->capacity ? b->capacity : 65536;
        while (cap < b->size + n) {
            if (cap > SIZE_MAX / 2) return 0;
            cap *= 2;
        }
        uint8_t *p = realloc(b->bytes, cap);
        if (!p) return 0;
        b->bytes = p;
        b->capacity = cap;
    }
    memcpy(b->bytes + b->size, data, n);
    b->size += n;
    return 1;
}

int seg_too_many_pixels(uint64_t width, uint64_t height, uint64_t max_pixels) {
    if (width == 0 || height == 0) return 0;
    if (width > UINT64_MAX / height) return 1;
    return width * height > max_pixels;
}

void seg_free(void *p) { free(p); }
