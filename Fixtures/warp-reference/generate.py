#!/usr/bin/env python3
"""Reference warps made with OpenCV's cv2.remap, for checking SegKit's
bilinear and nearest resampling against an independent implementation.

  source.png      64x48 8-bit gray: v = 128 + 90 sin(x / 6.3) cos(y / 4.7), rounded
  field.tif       2-page float32 TIFF (tifffile): dx then dy, in pixels
                  dx = 3.3 sin(x / 7.1) + 0.37 + 0.9 cos(y / 3.9), dy = 2.9 cos(y / 5.3) - 0.21 + 0.7 sin(x / 4.3)
  linear.png      cv2.remap(source, x + dx, y + dy, INTER_LINEAR, BORDER_REFLECT_101)
  nearest.png     cv2.remap(source, x + dx, y + dy, INTER_NEAREST, BORDER_REFLECT_101)

OpenCV's bilinear remap works in fixed point (positions to 1/32 pixel,
weights to 1/32768), so it differs from exact bilinear interpolation by at
most a grey level or two on this image; nearest picks the same pixel except
where a position is within rounding of a half-pixel boundary.

Run from the repo root in the reference environment (requirements-reference.txt:
numpy, opencv-python-headless 4.14.0, tifffile):

    bash scripts/reference-env && .venv-reference/bin/python Fixtures/warp-reference/generate.py

The OpenCV version matters: 4.14.0 differs from exact bilinear by one grey level in
244 of the 3072 pixels of linear.png; OpenCV 5.0 and 5.1 match it everywhere (the
reference environment cannot hold OpenCV 5: PySODMetrics 1.6.2 requires < 5).
"""
import os

import cv2
import numpy as np
import tifffile

here = os.path.dirname(os.path.abspath(__file__))
h, w = 48, 64
y, x = np.mgrid[0:h, 0:w].astype(np.float64)
source = np.rint(128 + 90 * np.sin(x / 6.3) * np.cos(y / 4.7)).astype(np.uint8)
dx = (3.3 * np.sin(x / 7.1) + 0.37 + 0.9 * np.cos(y / 3.9)).astype(np.float32)
dy = (2.9 * np.cos(y / 5.3) - 0.21 + 0.7 * np.sin(x / 4.3)).astype(np.float32)
map_x = (x.astype(np.float32) + dx).astype(np.float32)
map_y = (y.astype(np.float32) + dy).astype(np.float32)
linear = cv2.remap(source, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
nearest = cv2.remap(source, map_x, map_y, cv2.INTER_NEAREST, borderMode=cv2.BORDER_REFLECT_101)
cv2.imwrite(os.path.join(here, "source.png"), source)
cv2.imwrite(os.path.join(here, "linear.png"), linear)
cv2.imwrite(os.path.join(here, "nearest.png"), nearest)
with tifffile.TiffWriter(os.path.join(here, "field.tif")) as tw:
    tw.write(dx, photometric="minisblack")
    tw.write(dy, photometric="minisblack")

# Exact bilinear in float64, to state how far OpenCV's fixed point strays.
def reflect(i, n):
    period = 2 * (n - 1)
    i = np.abs(i) % period
    return np.where(i >= n, period - i, i)

x0 = np.floor(map_x).astype(int); y0 = np.floor(map_y).astype(int)
fx = map_x - x0; fy = map_y - y0
s = source.astype(np.float64)
v = ((1 - fy) * ((1 - fx) * s[reflect(y0, h), reflect(x0, w)] + fx * s[reflect(y0, h), reflect(x0 + 1, w)])
     + fy * ((1 - fx) * s[reflect(y0 + 1, h), reflect(x0, w)] + fx * s[reflect(y0 + 1, h), reflect(x0 + 1, w)]))
exact = np.floor(v + 0.5)
print("max |cv2 linear - exact bilinear| =", np.abs(linear.astype(int) - exact.astype(int)).max())
nx = reflect(np.floor(map_x + 0.5).astype(int), w); ny = reflect(np.floor(map_y + 0.5).astype(int), h)
print("nearest pixels differing from floor(s + 0.5):", int((source[ny, nx] != nearest).sum()), "of", h * w)
