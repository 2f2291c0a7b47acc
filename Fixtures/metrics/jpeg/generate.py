"""Colour JPEG fixture for segeval's gray reading.

Writes colour.jpg (Pillow, quality 90, 4:2:0: smooth colours plus saturated noise
that clips when decoded) and opencv-gray.png: what OpenCV's
cv2.imread(path, cv2.IMREAD_GRAYSCALE) returns for it (libjpeg's Y channel),
saved by Pillow. Run from the repo root in the reference environment
(requirements-reference.txt: numpy, Pillow, opencv-python-headless):

    bash scripts/reference-env && .venv-reference/bin/python Fixtures/metrics/jpeg/generate.py
"""
import os

import cv2
import numpy as np
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261122)
h, w = 40, 56
y, x = np.mgrid[0:h, 0:w]
rgb = np.stack([(x * 255 / (w - 1)), (y * 255 / (h - 1)), ((x + y) * 2) % 256], axis=-1)
noise = rng.integers(0, 256, (h, w, 3))
rgb[h // 2:, : w // 2] = noise[h // 2:, : w // 2]
rgb = rgb.astype(np.uint8)
jpeg = os.path.join(here, "colour.jpg")
Image.fromarray(rgb, "RGB").save(jpeg, quality=90, subsampling=2)
gray = cv2.imread(jpeg, cv2.IMREAD_GRAYSCALE)
Image.fromarray(gray, "L").save(os.path.join(here, "opencv-gray.png"))
print("wrote", jpeg, gray.shape, "cv2", cv2.__version__)
