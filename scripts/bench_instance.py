#!/usr/bin/env python3
"""Times segeval's instance matching (`--metrics match`) against stardist 0.9.2's `matching`, and
its scikit-image Rand/VI (`--metrics rand,vi --rand-convention skimage`) against scikit-image
0.25's `adapted_rand_error` + `variation_of_information`, computing the same values on the same
files, in one run; with the decode floor (`segbench decode`: read and decode every PNG on both
cores, nothing else). Not run in CI.

    bash scripts/setup && bash scripts/reference-env && swift build -c release
    .venv-reference/bin/python scripts/bench_instance.py --make /dev/shm/segkit-instance-bench
    .venv-reference/bin/python scripts/bench_instance.py /dev/shm/segkit-instance-bench [--rounds 5]

--make DIR writes 900 pairs of 512x512 16-bit label maps (the benchmark set of issue 16):
DIR/gt/r{rep}_{n}.png = scipy.ndimage.label(ISBI 2012 train/label/{n}.png > 128) and
DIR/pred/r{rep}_{n}.png = scipy.ndimage.label(binary_erosion(train/image/{n}.png > 127,
iterations=2)) (4-connected, as Fixtures/metrics/instance/generate.py), each written once by
OpenCV and byte-copied for rep 0..29; 130-210 GT cells and 900-1300 predicted objects per image.

Timing: segeval on both cores, whole process, the SegKit commands interleaved round by round,
best of --rounds; stardist and scikit-image in one Python process each reading every pair with
cv2.IMREAD_UNCHANGED, then matching(gt, pred, thresh=[0.5, 0.75, 0.9]) (stardist's own loop; its
numba overlap kernel is compiled before timing), or adapted_rand_error(gt, pred,
ignore_labels=(0,)) and variation_of_information(gt, pred, ignore_labels=(0,)) — best of
--python-rounds (0 skips them).
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
SEGBENCH = os.path.join(REPO, ".build", "release", "segbench")
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


def skimage_run(pairs):
    from skimage.metrics import adapted_rand_error, variation_of_information
    for g, p in pairs:
        gt, pred = cv2.imread(g, cv2.IMREAD_UNCHANGED), cv2.imread(p, cv2.IMREAD_UNCHANGED)
        adapted_rand_error(gt, pred, ignore_labels=(0,))
        variation_of_information(gt, pred, ignore_labels=(0,))


def best_time(command, rounds):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        command()
        times.append(time.perf_counter() - start)
    return min(times) if times else float("nan")


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
    commands = {
        "decode": [SEGBENCH, "decode", gt, pred, "--rounds", "1"],
        "match": [SEGEVAL, "--pred", pred, "--gt", gt, "--metrics", "match"],
        "rand,vi skimage": [SEGEVAL, "--pred", pred, "--gt", gt, "--metrics", "rand,vi", "--rand-convention", "skimage"],
    }
    times = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times[name].append(time.perf_counter() - start)
    best = {name: min(t) for name, t in times.items()}
    stardist_run(pairs[:1])  # numba compiles its overlap kernel here, outside the timing
    stardist = best_time(lambda: stardist_run(pairs), args.python_rounds)
    skimage = best_time(lambda: skimage_run(pairs), args.python_rounds)
    n = len(pairs)
    print(f"{n} pairs, best of {args.rounds} (SegKit, both cores) / {args.python_rounds} (Python):", flush=True)
    print(f"  decode floor (segbench decode)          {best['decode']:.2f} s", flush=True)
    print(f"  segeval --metrics match                 {best['match']:.2f} s ({best['match'] / best['decode']:.1f}x decode); "
          f"stardist 0.9.2 matching {stardist:.2f} s ({stardist / best['match']:.1f}x slower)", flush=True)
    print(f"  segeval --metrics rand,vi (skimage)     {best['rand,vi skimage']:.2f} s ({best['rand,vi skimage'] / best['decode']:.1f}x decode); "
          f"scikit-image 0.25 {skimage:.2f} s ({skimage / best['rand,vi skimage']:.1f}x slower)", flush=True)


if __name__ == "__main__":
    main()
