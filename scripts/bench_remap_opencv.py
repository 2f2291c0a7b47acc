#!/usr/bin/env python3
"""The numpy + OpenCV script that `segprep remap` is compared with
(docs/benchmarks.md): cv2.imread -> LUT (0->0, 255->1) -> cv2.imwrite, one
process, OpenCV's default PNG settings. Run after `segbench remap`, which
leaves the 900 input files in /tmp/segkit-bench/in.

    .venv-reference/bin/python scripts/bench_remap_opencv.py [/tmp/segkit-bench/in] [rounds]

in the reference environment (bash scripts/reference-env; OpenCV 4.14.0);
scripts/bench-remap runs both.
"""
import os
import shutil
import sys
import time

import cv2
import numpy as np

src = sys.argv[1] if len(sys.argv) > 1 else "/tmp/segkit-bench/in"
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs if f.endswith(".png"))
lut = np.zeros(256, np.uint8)
lut[255] = 1
best = float("inf")
for r in range(rounds):
    out = f"/tmp/segkit-bench/opencv{r}"
    start = time.perf_counter()
    for path in files:
        label = cv2.imread(path, cv2.IMREAD_UNCHANGED)
        mapped = cv2.LUT(label, lut)
        target = os.path.join(out, os.path.relpath(path, src))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        cv2.imwrite(target, mapped)
    best = min(best, time.perf_counter() - start)
    shutil.rmtree(out)
print(f"opencv+numpy (cv2.imread -> LUT -> cv2.imwrite): {best:.3f} s, {len(files) / best:.0f} files/s "
      f"({len(files)} files, cv2 {cv2.__version__}, best of {rounds})")
