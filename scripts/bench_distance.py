#!/usr/bin/env python3
"""Times segeval's distance family against MedPy and MONAI computing the same
values (HD, HD95, ASSD, NSD per image) on the same files, in one run.

    bash scripts/setup && bash scripts/reference-env
    .venv-reference/bin/python scripts/bench_distance.py [--rounds 3] [--bench-set DIR --python-rounds 1]

Data: ../shared/datasets/isbi2012/train (labels vs images thresholded at 0.5,
30 pairs of 512x512) and sod300 DSS (maps thresholded at 0.5, 300 pairs).
Every side reads the PNGs itself (cv2 for the Python libraries). Prints the
best of N rounds per tool and dataset, against the decode floor: reading and
decoding every PNG of the set on all cores (`segbench decode`), and segeval's
one-pass path (`--metrics mae`) for reference. SegKit's commands run
interleaved, round by round, so that the machine's drift hits them alike.
Every time is a whole process, start to exit. Not run in CI.
"""
import argparse
import os
import subprocess
import time
import warnings

import cv2
import numpy as np
import torch
from medpy.metric import binary as medpy_binary
from monai.metrics import compute_average_surface_distance, compute_hausdorff_distance, compute_surface_dice

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(REPO, "..", "shared", "datasets")
SEGEVAL = os.path.join(REPO, ".build", "release", "segeval")
SEGBENCH = os.path.join(REPO, ".build", "release", "segbench")
warnings.filterwarnings("ignore")
torch.set_num_threads(2)


def pairs(gt_dir, pred_dir):
    keys = sorted(os.path.splitext(f)[0] for f in os.listdir(gt_dir) if f.endswith(".png"))
    preds = {os.path.splitext(f)[0]: f for f in os.listdir(pred_dir)}
    return [(os.path.join(gt_dir, k + ".png"), os.path.join(pred_dir, preds[k])) for k in keys if k in preds]


def read(gt_path, pred_path):
    gt = cv2.imread(gt_path, cv2.IMREAD_GRAYSCALE) > 128
    pred = cv2.imread(pred_path, cv2.IMREAD_GRAYSCALE).astype(np.float64) / 255 >= 0.5
    return pred, gt


def run_medpy(items):
    for g, p in items:
        pred, gt = read(g, p)
        if pred.any() and gt.any():
            medpy_binary.hd(pred, gt); medpy_binary.hd95(pred, gt); medpy_binary.assd(pred, gt)


def run_monai(items):
    for g, p in items:
        pred, gt = read(g, p)
        P = torch.from_numpy(pred[None, None].astype(np.float32)); G = torch.from_numpy(gt[None, None].astype(np.float32))
        compute_hausdorff_distance(P, G, include_background=True)
        compute_hausdorff_distance(P, G, include_background=True, percentile=95)
        compute_average_surface_distance(P, G, include_background=True, symmetric=True)
        compute_surface_dice(P, G, class_thresholds=[1.0], include_background=True)


def best(f, rounds):
    times = []
    for _ in range(rounds):
        start = time.perf_counter(); f(); times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bench-set", metavar="DIR",
                        help="also time the 900-pair set made by scripts/make-eval-bench-data DIR (DIR/gt, DIR/pred)")
    parser.add_argument("--python-rounds", type=int, default=None,
                        help="rounds for MedPy and MONAI (default: --rounds; one is plenty on the 900-pair set; 0 skips them)")
    args = parser.parse_args()
    sets = {"ISBI 2012 (30 x 512x512)": (os.path.join(DATA, "isbi2012/train/label"), os.path.join(DATA, "isbi2012/train/image")),
            "SOD-300 DSS (300 pairs)": (os.path.join(DATA, "sod300/gt"), os.path.join(DATA, "sod300/pred/DSS"))}
    if args.bench_set:
        sets["benchmark set (900 x 512x512)"] = (os.path.join(args.bench_set, "gt"), os.path.join(args.bench_set, "pred"))
    python_rounds = args.rounds if args.python_rounds is None else args.python_rounds
    for name, (gt, pred) in sets.items():
        items = pairs(gt, pred)
        def timed(command):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            return time.perf_counter() - start
        commands = {"decode": [SEGBENCH, "decode", gt, pred, "--rounds", "1"]}
        for metrics in ["mae", "hd,assd,nsd", "distance"]:
            commands[metrics] = [SEGEVAL, "--pred", pred, "--gt", gt, "--metrics", metrics]
        times = {key: [] for key in commands}
        for _ in range(args.rounds):
            for key, command in commands.items():
                times[key].append(timed(command))
        decode, mae, segkit, every = (min(times[key]) for key in commands)
        line = (f"{name}: decode only {decode:.2f} s; segeval MAE {mae:.2f} s ({mae / decode:.2f}x decode); "
                f"segeval HD, HD95, ASSD/MASD/ASD, NSD {segkit:.2f} s ({segkit / decode:.2f}x decode); "
                f"all distance metrics incl. BIoU, BF {every:.2f} s ({every / decode:.2f}x)")
        if python_rounds > 0:
            medpy = best(lambda: run_medpy(items), python_rounds)
            monai = best(lambda: run_monai(items), python_rounds)
            line += f"; MedPy hd+hd95+assd {medpy:.2f} s ({medpy / segkit:.0f}x); MONAI HD+HD95+ASSD+NSD {monai:.2f} s ({monai / segkit:.0f}x)"
        print(line, flush=True)


if __name__ == "__main__":
    main()
