#!/usr/bin/env python3
"""Reference values for segeval's distance family (`--metrics distance`):
HD, HD95, ASSD, MASD, ASD and NSD under the conventions of MONAI 1.6.1,
MedPy 0.5.2 and Metrics Reloaded, Boundary IoU as Metrics Reloaded and as
Cheng et al.'s boundary-iou-api compute it, and the DAVIS 2017 boundary F.

Run from the repo root in the reference environment (requirements-reference.txt:
monai, medpy, scikit-image, opencv-python-headless, pypng, numpy, scipy), with
checkouts of the three libraries that are not on PyPI at the pinned commits:

    git clone https://github.com/Project-MONAI/MetricsReloaded SRC/MetricsReloaded
    git -C SRC/MetricsReloaded checkout cb38dfc0a5ed4fa3bdc559e4960b6e2b93c3b967
    git clone https://github.com/bowenc0221/boundary-iou-api SRC/boundary-iou-api
    git -C SRC/boundary-iou-api checkout 37d25586a677b043ed585f10e5c42d4e80176ea9
    git clone https://github.com/davisvideochallenge/davis2017-evaluation SRC/davis2017-evaluation
    git -C SRC/davis2017-evaluation checkout ac7c43fca936f9722837b7fbd337d284ba37004b
    git clone https://github.com/google-deepmind/surface-distance SRC/surface-distance
    git -C SRC/surface-distance checkout 1f805cea446805e559badc80dd27f34175e4173d
    bash scripts/reference-env && .venv-reference/bin/python Fixtures/metrics/distance/generate.py SRC

1. Writes hand-made pairs Fixtures/metrics/distance/{gt,pred}/NAME.png (pypng,
   0/255, numpy only: byte-identical on re-runs).
2. Reads each pair as segeval's binary reading does (GT > 128; prediction
   v/255 >= 0.5) and computes, per image, what each library returns:
   - monai: HausdorffDistanceMetric (percentile None and 95),
     SurfaceDistanceMetric(symmetric=True) for ASSD and symmetric=False for
     ASD (prediction → GT) and the reverse direction (MASD = mean of the two),
     SurfaceDiceMetric(class_thresholds=[tau]) for NSD;
   - medpy: hd, hd95, assd, asd(pred, gt), MASD = mean of asd both ways; MedPy
     has no NSD, so its NSD is the same formula on the same surfaces (Metrics
     Reloaded's float64 value when both masks are non-empty); an empty
     mask raises RuntimeError: null;
   - metricsreloaded: BinaryPairwiseMeasures.measured_distance (HD, ASSD,
     HD95, MASD), normalised_surface_distance (NSD), ASD = mean of the
     prediction border's distances from border_distance(), boundary_iou;
   - deepmind: surface_distance compute_surface_distances(gt, pred), robust
     Hausdorff at 100 (HD) and 95, the two directed means (ASSD = MASD = their
     mean, ASD = prediction → GT), surface Dice at tau;
   - boundary IoU (Cheng): boundary-iou-api mask_to_boundary (dilation ratio
     0.02), |Gb ∩ Pb| / |Gb ∪ Pb|; DAVIS: davis2017 f_measure (bound_th 0.008).
   Infinite values are written as "inf", undefined ones as null.
3. Models: the hand-made cases at spacing 1,1 and at 0.7,1.3 (edge-aniso),
   ISBI 2012 train (labels vs images thresholded at 0.5, as a stand-in
   prediction) and SOD-300 DSS (thresholded at 0.5), read in place from
   ../shared/datasets. Writes Fixtures/metrics/distance/expected.json.
"""
import json
import math
import os
import sys
import warnings
from importlib.metadata import version

import cv2
import numpy as np
import png
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
SHARED = os.path.join(REPO, "..", "shared", "datasets")
SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "..", "refsrc")
sys.path[:0] = [os.path.join(SRC, "MetricsReloaded"), os.path.join(SRC, "boundary-iou-api"), os.path.join(SRC, "davis2017-evaluation"),
                os.path.join(SRC, "surface-distance")]
warnings.filterwarnings("ignore")

from MetricsReloaded.metrics.pairwise_measures import BinaryPairwiseMeasures  # noqa: E402
from surface_distance import metrics as deepmind  # noqa: E402
from boundary_iou.utils.boundary_utils import mask_to_boundary  # noqa: E402
from davis2017.metrics import f_measure  # noqa: E402
from medpy.metric import binary as medpy_binary  # noqa: E402
from monai.metrics import (compute_average_surface_distance, compute_hausdorff_distance,  # noqa: E402
                           compute_surface_dice)

PERCENTILE = 95
TAU = 1.0
BIOU_WIDTH = 1


def write_png(path, array):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        png.Writer(width=array.shape[1], height=array.shape[0], greyscale=True, bitdepth=8).write(f, [list(map(int, r)) for r in array])


def make_cases():
    cases = {}

    def pair(name, gt, pred, what):
        cases[name] = what
        write_png(os.path.join(HERE, "gt", name + ".png"), gt.astype(np.uint8) * 255)
        write_png(os.path.join(HERE, "pred", name + ".png"), pred.astype(np.uint8) * 255)

    g = np.zeros((64, 64), bool); g[20:44, 20:44] = True
    p = np.zeros((64, 64), bool); p[22:48, 18:42] = True; p[5:8, 50:53] = True
    pair("shifted-square-blob", g, p, "the notes' pair: GT square 24x24, prediction shifted and resized plus a 3x3 false blob")
    g = np.zeros((40, 56), bool); g[:30, :30] = True
    p = np.zeros((40, 56), bool); p[:28, :33] = True
    pair("touching-edge", g, p, "both masks touch the image edge (the edge is surface)")
    g = np.zeros((20, 24), bool); g[5, 7] = True
    p = np.zeros((20, 24), bool); p[12, 18] = True
    pair("one-pixel", g, p, "one pixel each")
    g = np.zeros((48, 60), bool); g[4:44, 6:54] = True; g[12:36, 16:44] = False; g[18:30, 24:36] = True; g[22:26, 28:32] = False
    p = np.zeros((48, 60), bool); p[5:43, 8:55] = True; p[13:35, 17:45] = False; p[19:29, 25:37] = True
    pair("nested-holes", g, p, "a ring around a ring with a hole; the prediction misses the inner hole")
    rng = np.random.default_rng(7)
    g = np.zeros((50, 70), bool); p = np.zeros((50, 70), bool)
    for _ in range(6):
        y, x, h, w = rng.integers(2, 40), rng.integers(2, 58), rng.integers(3, 9), rng.integers(3, 11)
        g[y:y + h, x:x + w] = True
        dy, dx = rng.integers(-2, 3), rng.integers(-2, 3)
        p[max(y + dy, 0):y + dy + h, max(x + dx, 0):x + dx + w] = True
    pair("components", g, p, "six components, each predicted shifted by up to 2 px")
    e = np.zeros((16, 20), bool); s = np.zeros((16, 20), bool); s[4:10, 6:14] = True
    pair("gt-empty", e, s, "empty ground truth, non-empty prediction")
    pair("pred-empty", s, e, "missed structure: empty prediction")
    pair("both-empty", e, e, "both empty")
    pair("full-gt", np.ones((16, 20), bool), s, "the ground truth fills the image")
    return cases


def monai_values(pred, gt, spacing):
    t = lambda m: torch.from_numpy(m[None, None].astype(np.float32))
    P, G = t(pred), t(gt)
    sp = list(spacing)
    hd = compute_hausdorff_distance(P, G, include_background=True, spacing=sp).item()
    hd95 = compute_hausdorff_distance(P, G, include_background=True, percentile=PERCENTILE, spacing=sp).item()
    assd = compute_average_surface_distance(P, G, include_background=True, symmetric=True, spacing=sp).item()
    asd = compute_average_surface_distance(P, G, include_background=True, symmetric=False, spacing=sp).item()
    back = compute_average_surface_distance(G, P, include_background=True, symmetric=False, spacing=sp).item()
    nsd = compute_surface_dice(P, G, class_thresholds=[TAU], include_background=True, spacing=sp).item()
    return {"HD": hd, "HD95": hd95, "ASSD": assd, "MASD": (asd + back) / 2, "ASD": asd, "NSD": nsd}


def medpy_values(pred, gt, spacing, reloaded):
    """MedPy has no NSD: under its convention segeval reports the same formula on the same
    surfaces, in float64 (Metrics Reloaded's value, which equals MONAI's but for float32)."""
    try:
        asd = medpy_binary.asd(pred, gt, voxelspacing=spacing)
        back = medpy_binary.asd(gt, pred, voxelspacing=spacing)
        return {"HD": medpy_binary.hd(pred, gt, voxelspacing=spacing), "HD95": medpy_binary.hd95(pred, gt, voxelspacing=spacing),
                "ASSD": medpy_binary.assd(pred, gt, voxelspacing=spacing), "MASD": (asd + back) / 2, "ASD": asd, "NSD": reloaded["NSD"]}
    except RuntimeError:
        return {k: None for k in ["HD", "HD95", "ASSD", "MASD", "ASD", "NSD"]}


def reloaded_values(pred, gt, spacing):
    m = BinaryPairwiseMeasures(pred.astype(np.int8), gt.astype(np.int8), pixdim=list(spacing),
                               dict_args={"hd_perc": PERCENTILE, "nsd": TAU, "boundary_dist": BIOU_WIDTH})
    hd, assd, hd95, masd = m.measured_distance()
    if pred.sum() == 0 or gt.sum() == 0:
        asd = hd  # 0 when both are empty, NaN when one is (as its other distances)
    else:
        ref_border_dist, _, _, pred_border = m.border_distance()
        asd = ref_border_dist.sum() / pred_border.sum()
    return {"HD": hd, "HD95": hd95, "ASSD": assd, "MASD": masd, "ASD": asd, "NSD": m.normalised_surface_distance(),
            "BIoU": m.boundary_iou()}


def deepmind_values(pred, gt, spacing):
    """HD = robust Hausdorff at 100, HD95 at 95, ASSD = MASD = mean of the two directed means."""
    d = deepmind.compute_surface_distances(gt, pred, spacing)
    gt_to_pred, pred_to_gt = deepmind.compute_average_surface_distance(d)
    masd = (gt_to_pred + pred_to_gt) / 2
    return {"HD": deepmind.compute_robust_hausdorff(d, 100), "HD95": deepmind.compute_robust_hausdorff(d, PERCENTILE),
            "ASSD": masd, "MASD": masd, "ASD": pred_to_gt, "NSD": deepmind.compute_surface_dice_at_tolerance(d, TAU)}


def cheng_biou(pred, gt):
    gb = mask_to_boundary(gt.astype(np.uint8)); pb = mask_to_boundary(pred.astype(np.uint8))
    union = ((gb + pb) > 0).sum()
    return float(((gb * pb) > 0).sum() / union) if union else None


def clean(v):
    if v is None:
        return None
    v = float(v)
    if math.isnan(v):
        return None
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def image_values(pred, gt, spacing):
    reloaded = reloaded_values(pred, gt, spacing)
    out = {"monai": monai_values(pred, gt, spacing), "medpy": medpy_values(pred, gt, spacing, reloaded),
           "metricsreloaded": reloaded, "deepmind": deepmind_values(pred, gt, spacing)}
    out["BIoU_cheng"] = cheng_biou(pred, gt)
    out["BF"] = f_measure(pred.astype(np.uint8), gt.astype(np.uint8))
    return {k: ({m: clean(x) for m, x in v.items()} if isinstance(v, dict) else clean(v)) for k, v in out.items()}


def read(gt_path, pred_path):
    gt = cv2.imread(gt_path, cv2.IMREAD_GRAYSCALE) > 128
    pred = cv2.imread(pred_path, cv2.IMREAD_GRAYSCALE).astype(np.float64) / 255 >= 0.5
    return pred, gt


def model(gt_dir, pred_dir, spacing, limit=None):
    keys = sorted(os.path.splitext(f)[0] for f in os.listdir(gt_dir) if f.endswith(".png"))
    preds = {os.path.splitext(f)[0]: f for f in os.listdir(pred_dir)}
    keys = [k for k in keys if k in preds][:limit]
    images = {}
    for k in keys:
        pred, gt = read(os.path.join(gt_dir, k + ".png"), os.path.join(pred_dir, preds[k]))
        images[k] = image_values(pred, gt, spacing)
    return {"gt": os.path.relpath(gt_dir, REPO), "pred": os.path.relpath(pred_dir, REPO), "spacing": list(spacing), "images": images}


def main():
    cases = make_cases()
    gt, pred = os.path.join(HERE, "gt"), os.path.join(HERE, "pred")
    models = {"edge": model(gt, pred, (1.0, 1.0)), "edge-aniso": model(gt, pred, (0.7, 1.3))}
    isbi = os.path.join(SHARED, "isbi2012", "train")
    if os.path.isdir(isbi):
        models["isbi"] = model(os.path.join(isbi, "label"), os.path.join(isbi, "image"), (1.0, 1.0))
    sod = os.path.join(SHARED, "sod300")
    if os.path.isdir(sod):
        models["sod300-DSS"] = model(os.path.join(sod, "gt"), os.path.join(sod, "pred", "DSS"), (1.0, 1.0))
    out = {
        "generator": {"script": "Fixtures/metrics/distance/generate.py", "monai": version("monai"), "medpy": version("medpy"),
                      "torch": version("torch"), "numpy": version("numpy"), "scipy": version("scipy"),
                      "scikit-image": version("scikit-image"), "opencv-python-headless": version("opencv-python-headless"),
                      "MetricsReloaded": "cb38dfc0a5ed4fa3bdc559e4960b6e2b93c3b967",
                      "boundary-iou-api": "37d25586a677b043ed585f10e5c42d4e80176ea9",
                      "davis2017-evaluation": "ac7c43fca936f9722837b7fbd337d284ba37004b",
                      "surface-distance": "1f805cea446805e559badc80dd27f34175e4173d"},
        "options": {"percentile": PERCENTILE, "nsd_tolerance": TAU, "biou_width": BIOU_WIDTH, "threshold": 0.5},
        "cases": cases,
        "models": models,
    }
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
