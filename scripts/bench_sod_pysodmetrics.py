#!/usr/bin/env python3
"""Times PySODMetrics the way its users run it, for comparison with `segeval`
(single process, wall clock including PNG decoding).

    bash scripts/reference-env && .venv-reference/bin/python scripts/bench_sod_pysodmetrics.py GT_DIR PRED_DIR [--metrics mae,f]

Pairs are the *.png files of GT_DIR (sorted by name) with the identically named
file in PRED_DIR. Decoding follows PySODMetrics' examples: cv2.imread(gt,
IMREAD_GRAYSCALE); the prediction is decoded once with IMREAD_ANYDEPTH (gray,
same pixels as IMREAD_GRAYSCALE for 8-bit files, which
Fixtures/metrics/generate.py checks) and a 16-bit prediction is fed as
v / 65535, min-max normalised when max != min, with gt > 128 and normalize=False.

Without --metrics it runs twice: MAE + Fmeasure, then the full set (MAE,
Fmeasure(beta=0.3), Smeasure, Emeasure, WeightedFmeasure). With --metrics it runs
once with the listed ones (mae, f, s, e, wf). Prints one JSON document on stdout.
Runs in the reference environment (requirements-reference.txt: numpy,
opencv-python-headless, pysodmetrics 1.6.2).
"""
import argparse
import json
import os
import platform
import sys
import time
import warnings
from importlib.metadata import version

import cv2
import numpy as np
import py_sod_metrics

warnings.filterwarnings("ignore", message="This class will be removed in the future")

ALL = ["mae", "f", "s", "e", "wf"]


def pairs_of(gt_dir, pred_dir):
    names = sorted(n for n in os.listdir(gt_dir) if n.lower().endswith(".png"))
    missing = [n for n in names if not os.path.isfile(os.path.join(pred_dir, n))]
    if missing:
        sys.exit(f"{len(missing)} ground truths have no prediction, e.g. {missing[0]}")
    return [(os.path.join(gt_dir, n), os.path.join(pred_dir, n)) for n in names]


def run(pairs, metrics):
    objs = {}
    if "mae" in metrics:
        objs["mae"] = py_sod_metrics.MAE()
    if "f" in metrics:
        objs["f"] = py_sod_metrics.Fmeasure(beta=0.3)
    if "s" in metrics:
        objs["s"] = py_sod_metrics.Smeasure()
    if "e" in metrics:
        objs["e"] = py_sod_metrics.Emeasure()
    if "wf" in metrics:
        objs["wf"] = py_sod_metrics.WeightedFmeasure()
    steps = list(objs.values())

    start = time.perf_counter()
    for gp, pp in pairs:
        gt = cv2.imread(gp, cv2.IMREAD_GRAYSCALE)
        pred = cv2.imread(pp, cv2.IMREAD_ANYDEPTH)
        if gt is None or pred is None:
            sys.exit(f"cannot decode {gp} or {pp}")
        if pred.dtype == np.uint16:
            pred = pred / 65535
            if pred.max() != pred.min():
                pred = (pred - pred.min()) / (pred.max() - pred.min())
            gt, normalize = gt > 128, False
        else:
            normalize = True
        for m in steps:
            m.step(pred=pred, gt=gt, normalize=normalize)

    values = {}
    if "mae" in objs:
        values["MAE"] = objs["mae"].get_results()["mae"]
    if "f" in objs:
        r = objs["f"].get_results()
        curve, p, rc = r["fm"]["curve"], r["pr"]["p"], r["pr"]["r"]
        num = 1.3 * p * rc
        f_meanpr = num / np.where(num == 0, 1, 0.3 * p + rc)
        values.update(adpF=r["fm"]["adp"], maxF=curve.max(), meanF=curve.mean(),
                      maxF_meanPR=f_meanpr.max(), meanF_meanPR=f_meanpr.mean())
    if "s" in objs:
        values["Sm"] = objs["s"].get_results()["sm"]
    if "e" in objs:
        r = objs["e"].get_results()["em"]
        values.update(adpEm=r["adp"], meanEm=r["curve"].mean(), maxEm=r["curve"].max())
    if "wf" in objs:
        values["wF"] = objs["wf"].get_results()["wfm"]
    seconds = time.perf_counter() - start  # results included: they are part of what users wait for
    return {"metrics": metrics, "seconds": round(seconds, 3),
            "pairs_per_second": round(len(pairs) / seconds, 1),
            "values": {k: float(v) for k, v in values.items()}}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gt_dir")
    ap.add_argument("pred_dir")
    ap.add_argument("--metrics", help="comma-separated subset of " + ",".join(ALL) + " (default: two runs, mae,f then all)")
    args = ap.parse_args()
    if args.metrics:
        chosen = [m.strip().lower() for m in args.metrics.split(",") if m.strip()]
        bad = [m for m in chosen if m not in ALL]
        if bad or not chosen:
            ap.error(f"unknown metric(s) {bad}; choose from {','.join(ALL)}")
        sets = [[m for m in ALL if m in chosen]]
    else:
        sets = [["mae", "f"], ALL]
    pairs = pairs_of(args.gt_dir, args.pred_dir)
    if not pairs:
        sys.exit(f"no .png files in {args.gt_dir}")
    out = {
        "tool": "PySODMetrics", "gt": args.gt_dir, "pred": args.pred_dir, "pairs": len(pairs),
        "versions": {"pysodmetrics": version("pysodmetrics"), "numpy": np.__version__, "opencv": cv2.__version__,
                     "python": platform.python_version()},
        "cpus": os.cpu_count(), "cv2_threads": cv2.getNumThreads(),
        "runs": [run(pairs, s) for s in sets],
    }
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
