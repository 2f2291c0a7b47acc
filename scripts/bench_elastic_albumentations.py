#!/usr/bin/env python3
"""albumentations' ElasticTransform on one 512x512 ISBI image + label, one core,
with the same alpha and sigma as `segbench elastic` (docs/benchmarks.md).

    bash scripts/reference-env     # the pinned environment: albumentations 2.0.8, OpenCV 4.14.0
    .venv-reference/bin/python scripts/bench_elastic_albumentations.py [--alpha 300] [--sigma 12]
"""
import argparse
import os
import time

import cv2
import numpy as np

cv2.setNumThreads(1)
os.environ.setdefault("OMP_NUM_THREADS", "1")
import albumentations as A  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--alpha", type=float, default=300)
parser.add_argument("--sigma", type=float, default=12)
parser.add_argument("--reps", type=int, default=20)
args = parser.parse_args()
here = os.path.dirname(os.path.abspath(__file__))
isbi = os.path.join(here, "..", "..", "shared", "datasets", "isbi2012", "train")
image = cv2.imread(os.path.join(isbi, "image", "0.png"), cv2.IMREAD_GRAYSCALE)
label = cv2.imread(os.path.join(isbi, "label", "0.png"), cv2.IMREAD_GRAYSCALE)
for approximate in (False, True):
    t = A.ElasticTransform(alpha=args.alpha, sigma=args.sigma, approximate=approximate, p=1.0,
                           interpolation=cv2.INTER_LINEAR, mask_interpolation=cv2.INTER_NEAREST)
    best = float("inf")
    for _ in range(args.reps):
        start = time.perf_counter()
        out = t(image=image, mask=label)
        best = min(best, time.perf_counter() - start)
    values = set(np.unique(out["mask"]).tolist())
    print(f"albumentations {A.__version__} ElasticTransform(alpha={args.alpha:g}, sigma={args.sigma:g}, "
          f"approximate={approximate}): {best * 1000:.2f} ms per image+mask (best of {args.reps}, 1 thread); "
          f"mask values {sorted(values)}")
