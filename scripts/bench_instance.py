#!/usr/bin/env python3
"""Times segeval's instance matching (`--metrics match`) against stardist 0.9.2's `matching`
computing the same values on the same files, in one run. Not run in CI.

    bash scripts/setup && bash scripts/reference-env && swift build -c release
    .venv-reference/bin/python scripts/bench_instance.py --make /dev/shm/segkit-instance-bench
    .venv-reference/bin/python scripts/bench_instance.py /dev/shm/segkit-instance-bench [--rounds 5]

--make DIR writes 900 pairs of 512x512 16-bit label maps (the benchmark set of issue 16):
DIR/gt/r{rep}_{n}.png = scipy.ndimage.label(ISBI 2012 train/label/{n}.png > 128) and
DIR/pred/r{rep}_{n}.png = scipy.ndimage.label(binary_erosion(train/image/{n}.png > 127,
iterations=2)) (4-connected, as Fixtures/metrics/instance/generate.py), each written once by
OpenCV and byte-copied for rep 0..29; 130-210 GT cells and 900-1300 predicted objects per image.

Timing: segeval on both cores, whole process, best of --rounds; stardist in one Python process
reading each pair with cv2.IMREAD_UNCHANGED and calling matching(gt, pred, thresh=[0.5, 0.75,
0.9]) (one thread: stardist's own loop; its numba overlap kernel is compiled before timing).
"""
import argparse
import os
import shutil
import subprocess
import time

import cv2
import numpy as np
from scipy import ndimage
from stardist.matching import matching

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ISBI = os.path.join(REPO, "..", "shared", "datasets", "isbi2012", "train")
SEGEVAL = os.path.join(REPO, ".build", "release", "segeval")
THRESHOLDS = [0.5, 0.75, 0.9]


def make(out):
    for sub in ("gt", "pred"):
        shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
        os.makedirs(os.path.join(out, sub))
    for n in range(30):
        label = cv2.imread(os.path.join(ISBI, "label", f"{n}.png"), cv2.IMREAD_GRAYSCALE)
        image = cv2.imread(os.path.join(ISBI, "image", f"{n}.png"), cv2.IMREAD_GRAYSCALE)
        gt, _ = ndimage.label(label > 128)
        pred, _ = ndimage.label(ndimage.binary_erosion(image > 127, iterations=2, border_value=0))
        first = {}
        for sub, array in (("gt", gt), ("pred", pred)):
            first[sub] = os.path.join(out, sub, f"r0_{n}.png")
            cv2.imwrite(first[sub], array.astype(np.uint16))
        for rep in range(1, 30):
            for sub in ("gt", "pred"):
                shutil.copyfile(first[sub], os.path.join(out, sub, f"r{rep}_{n}.png"))


def stardist_run(pairs):
    for g, p in pairs:
        matching(cv2.imread(g, cv2.IMREAD_UNCHANGED), cv2.imread(p, cv2.IMREAD_UNCHANGED), thresh=THRESHOLDS)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--make", action="store_true", help="write the benchmark set into DIR and stop")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--python-rounds", type=int, default=1)
    args = parser.parse_args()
    if args.make:
        make(args.dir)
        return
    gt, pred = os.path.join(args.dir, "gt"), os.path.join(args.dir, "pred")
    names = sorted(os.listdir(gt))
    pairs = [(os.path.join(gt, n), os.path.join(pred, n)) for n in names]
    stardist_run(pairs[:1])  # numba compiles its overlap kernel here, outside the timing
    segkit = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        subprocess.run([SEGEVAL, "--pred", pred, "--gt", gt, "--metrics", "match"], check=True, capture_output=True)
        segkit.append(time.perf_counter() - start)
    reference = []
    for _ in range(args.python_rounds):
        start = time.perf_counter()
        stardist_run(pairs)
        reference.append(time.perf_counter() - start)
    s, r = min(segkit), min(reference)
    print(f"{len(pairs)} pairs: segeval --metrics match {s:.2f} s ({len(pairs) / s:.0f} pairs/s, both cores); "
          f"stardist 0.9.2 matching {r:.2f} s ({r / s:.0f}x)", flush=True)


if __name__ == "__main__":
    main()
