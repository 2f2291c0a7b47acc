// Internal helpers shared by the codec shims (not part of the public header).
#ifndef SEGCODECS_COMMON_H
#define SEGCODECS_COMMON_H
#include "segcodecs.h"
#include <stdarg.h>
#include <stdio.h>

/// Writes a formatted message into the caller's buffer (always terminated).
void seg_set_message(char *msg, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/// A growable in-memory output buffer for encoders.
typedef struct SegBuffer {
    uint8_t *bytes;
    size_t size;
    size_t capacity;
} SegBuffer;

/// Appends bytes; returns 0 when memory runs out.
int seg_buffer_append(SegBuffer *b, const void *data, size_t n);

/// True when width*height exceeds max_pixels (or overflows).
int seg_too_many_pixels(uint64_t width, uint64_t height, uint64_t max_pixels);

#endif
