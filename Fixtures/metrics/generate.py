#!/usr/bin/env python3
"""Reference fixtures and expected values for `segeval`.

Run from the repo root in the reference environment (requirements-reference.txt:
numpy, opencv-python-headless, pysodmetrics 1.6.2, pypng, scipy):

    bash scripts/reference-env && .venv-reference/bin/python Fixtures/metrics/generate.py

numpy's AVX-512 kernels are switched off (NPY_DISABLE_CPU_FEATURES, set below
before numpy loads): on an AVX-512 CPU np.exp in PySODMetrics' weighted F
rounds differently in the last place (ISBI image 2's wF), and the committed
JSON holds the AVX2 results, which every x86-64 machine then reproduces.

1. Writes the hand-made edge cases Fixtures/metrics/edge/{gt,pred}/NAME.png
   (pypng, so bit depth and colour type are exactly what is asked for; pixel
   values come from numpy only, default_rng with fixed seeds, so re-running
   gives byte-identical files).
2. Reads every pair exactly as PySODMetrics users do (cv2.imread GRAYSCALE;
   16-bit predictions through IMREAD_UNCHANGED, v / 65535, min-max, normalize=False)
   and computes MAE, Fmeasure (beta^2 = 0.3), Smeasure, Emeasure and
   WeightedFmeasure with PySODMetrics 1.6.2, plus the mean-PR F curve, plus
   mmsegmentation IoUMetric's confusion-matrix family recomputed in numpy.
3. Does the same on ../shared/datasets/sod300 and ../shared/datasets/isbi2012
   (read in place, never copied) and writes
       Fixtures/metrics/edge/expected.json
       Fixtures/metrics/sod300-expected.json
       Fixtures/metrics/isbi-expected.json
   Pass --edge-only to skip the real datasets.

See Fixtures/metrics/README.md for the meaning of every case and field.
"""
import argparse
import json
import math
import os
import re
import shutil
import sys
import time
import warnings
from importlib.metadata import version

# Before numpy is first imported (cv2 and py_sod_metrics import it too); see the docstring.
os.environ["NPY_DISABLE_CPU_FEATURES"] = ("AVX512F AVX512CD AVX512_KNL AVX512_KNM AVX512_SKX AVX512_CLX "
                                          "AVX512_CNL AVX512_ICL AVX512_SPR")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import png  # noqa: E402  (pypng)
import py_sod_metrics  # noqa: E402
import scipy  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
EDGE = os.path.join(HERE, "edge")
BETA2 = 0.3  # PySODMetrics' Fmeasure(beta=0.3): the argument is beta squared

warnings.filterwarnings("ignore", message="This class will be removed in the future")


# ----------------------------------------------------------------------------
# Writing (pypng, exact bit depth / colour type)
# ----------------------------------------------------------------------------

def write_gray(path, a, bitdepth=8):
    a = np.asarray(a)
    h, w = a.shape
    if bitdepth == 8:
        assert a.dtype == np.uint8
    elif bitdepth == 16:
        assert a.dtype == np.uint16
    elif bitdepth == 1:
        assert set(np.unique(a)) <= {0, 1}
    with open(path, "wb") as f:
        png.Writer(w, h, greyscale=True, bitdepth=bitdepth).write(f, a.astype(int).tolist())


def write_rgb(path, a):
    assert a.dtype == np.uint8 and a.ndim == 3 and a.shape[2] == 3
    h, w, _ = a.shape
    with open(path, "wb") as f:
        png.Writer(w, h, greyscale=False, bitdepth=8).write(f, a.reshape(h, w * 3).astype(int).tolist())


# ----------------------------------------------------------------------------
# Pure-numpy image helpers (no OpenCV, so the fixtures do not depend on its version)
# ----------------------------------------------------------------------------

def blur(a, sigma):
    """Separable Gaussian, radius ceil(3 sigma), reflect padding, float64."""
    a = np.asarray(a, np.float64)
    r = int(math.ceil(3 * sigma))
    t = np.arange(-r, r + 1, dtype=np.float64)
    k = np.exp(-t * t / (2 * sigma * sigma))
    k /= k.sum()
    p = np.pad(a, ((r, r), (0, 0)), mode="reflect")
    a = sum(k[i] * p[i:i + a.shape[0], :] for i in range(2 * r + 1))
    p = np.pad(a, ((0, 0), (r, r)), mode="reflect")
    return sum(k[i] * p[:, i:i + a.shape[1]] for i in range(2 * r + 1))


def to_u8(x):
    return np.clip(np.rint(np.asarray(x) * 255), 0, 255).astype(np.uint8)


def mask_u8(m):
    return np.where(m, 255, 0).astype(np.uint8)


def centroid_ok(m):
    """True unless PySODMetrics' S-measure region split would leave an empty
    quadrant (centroid rounding, half to even, to the last row or column)."""
    m = np.asarray(m, bool)
    h, w = m.shape
    if not m.any() or m.all():
        return True  # S-measure does not split these
    cy, cx = np.argwhere(m).mean(axis=0).round()
    return int(cy) + 1 < h and int(cx) + 1 < w


def soft_pred(gt, rng, sigma=1.5, noise=0.08, fp_blobs=1, fn_cut=True, lo=0.0, hi=1.0):
    """A plausible saliency map: blurred GT, a few false-positive blobs, part of
    the object weakened, Gaussian noise; scaled into [lo, hi]."""
    h, w = gt.shape
    x = blur(gt.astype(np.float64), sigma)
    yy, xx = np.mgrid[0:h, 0:w]
    for _ in range(fp_blobs):
        cy, cx = rng.uniform(0, h), rng.uniform(0, w)
        r = rng.uniform(2, 5)
        x += 0.6 * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r))
    if fn_cut:
        x *= np.where(xx > w * rng.uniform(0.55, 0.8), rng.uniform(0.4, 0.7), 1.0)
    x += rng.normal(0, noise, size=(h, w))
    x = np.clip(x, 0, 1)
    return lo + (hi - lo) * x


def smooth_blobs(h, w, seed, sigma, frac):
    """Random smooth blobs covering about `frac` of the image; the seed is
    advanced until the centroid is safe for the S-measure split."""
    while True:
        rng = np.random.default_rng(seed)
        f = blur(rng.normal(size=(h, w)), sigma)
        m = f > np.quantile(f, 1 - frac)
        if centroid_ok(m):
            return m, seed
        seed += 1000


# ----------------------------------------------------------------------------
# Luma as cv2.imread(IMREAD_GRAYSCALE) computes it for 8-bit RGB PNGs
# (libpng png_set_rgb_to_gray(0.299, 0.587): (9797 R + 19234 G + 3737 B) >> 15,
# truncating; checked against OpenCV over all 2^24 colours). cv2.cvtColor and
# the textbook round(0.299 R + 0.587 G + 0.114 B) both differ from it.
# ----------------------------------------------------------------------------

def libpng_luma(rgb):
    r, g, b = (rgb[..., i].astype(np.int64) for i in range(3))
    return (9797 * r + 19234 * g + 3737 * b) >> 15


def textbook_luma(rgb):
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    return np.floor(0.299 * r + 0.587 * g + 0.114 * b + 0.5).astype(np.int64)


def colours_where(libpng_value, textbook_value, count, seed):
    """`count` saturated colours whose libpng luma and textbook luma are the given values."""
    v = np.arange(0, 256, 3, dtype=np.int64)  # a 86^3 sub-grid of the colour cube is plenty
    c = np.stack(np.meshgrid(v, v, v, indexing="ij"), -1).reshape(-1, 3)
    ok = (libpng_luma(c) == libpng_value) & (textbook_luma(c) == textbook_value)
    ok &= (c.max(-1) - c.min(-1)) >= 120  # genuinely coloured
    cand = c[ok]
    rng = np.random.default_rng(seed)
    return cand[rng.choice(len(cand), size=count, replace=False)].astype(np.uint8)


# ----------------------------------------------------------------------------
# The edge cases
# ----------------------------------------------------------------------------

CASES = {}  # name -> one-line description (also used by README.md)


def case(name, desc, gt, pred, gt_bits=8, pred_bits=8):
    """gt/pred: uint8 (H, W) gray, uint8 (H, W, 3) RGB, 0/1 array for 1-bit, uint16 for 16-bit."""
    assert name not in CASES
    CASES[name] = desc
    for sub, a, bits in (("gt", gt, gt_bits), ("pred", pred, pred_bits)):
        path = os.path.join(EDGE, sub, name + ".png")
        if a.ndim == 3:
            write_rgb(path, a)
        else:
            write_gray(path, a, bits)
    h, w = gt.shape[:2]
    assert centroid_ok(libpng_luma(gt) > 128 if gt.ndim == 3 else gt > (0 if gt_bits == 1 else 128)), name
    assert 16 <= max(h, w) <= 64 and 12 <= min(h, w) <= 48 and h != w, (name, h, w)


def make_edge_fixtures():
    shutil.rmtree(EDGE, ignore_errors=True)
    os.makedirs(os.path.join(EDGE, "gt"))
    os.makedirs(os.path.join(EDGE, "pred"))

    # --- empty / full GT -----------------------------------------------------
    h, w = 30, 40
    rng = np.random.default_rng(101)
    blob = np.zeros((h, w), bool)
    blob[8:20, 12:27] = True
    case("empty_gt_soft", "GT all 0; soft prediction (S = 1 - mean, wF = 0, F = 0, E uses the all-background branch)",
         np.zeros((h, w), np.uint8), to_u8(soft_pred(blob, rng, sigma=2.5)))

    h, w = 18, 24
    case("empty_gt_zero_pred", "GT all 0 and prediction all 0 (constant 0 is not min-max normalised; F = 0, S = 1, "
         "E curve is (H*W)/(H*W-1+eps) except at threshold >= 0, where it is 0; adaptive E is 0)",
         np.zeros((h, w), np.uint8), np.zeros((h, w), np.uint8))

    h, w = 20, 32
    rng = np.random.default_rng(102)
    yy, xx = np.mgrid[0:h, 0:w]
    p = 0.55 + 0.35 * np.sin(xx / 4.0) * np.cos(yy / 3.0) + rng.normal(0, 0.05, (h, w))
    case("full_gt_soft", "GT all 255; soft prediction, mean > 0.5 so the adaptive threshold is capped at 1 "
         "(S = mean(pred), E uses the all-foreground branch)",
         np.full((h, w), 255, np.uint8), to_u8(np.clip(p, 0, 1)))

    # --- constant predictions ------------------------------------------------
    h, w = 28, 36
    yy, xx = np.mgrid[0:h, 0:w]
    g = ((yy - 12.3) / 7.5) ** 2 + ((xx - 15.2) / 10.0) ** 2 < 1
    case("const100_pred", "prediction all 100 (stays 100/255, not min-max normalised; F-curve bin is trunc(100/255*255)); "
         "elliptic GT blob", mask_u8(g), np.full((h, w), 100, np.uint8))

    h, w = 22, 28
    yy, xx = np.mgrid[0:h, 0:w]
    g = (np.abs(yy - 9) + np.abs(xx - 12)) <= 6
    case("const255_pred", "prediction all 255 (stays 1.0); diamond GT blob", mask_u8(g), np.full((h, w), 255, np.uint8))

    # --- one-pixel object ----------------------------------------------------
    h, w = 22, 30
    g = np.zeros((h, w), bool)
    g[7, 11] = True
    rng = np.random.default_rng(103)
    yy, xx = np.mgrid[0:h, 0:w]
    p = 0.9 * np.exp(-((yy - 7.4) ** 2 + (xx - 11.6) ** 2) / 4.0) + 0.3 * np.exp(-((yy - 16) ** 2 + (xx - 24) ** 2) / 6.0)
    p += rng.uniform(0, 0.06, (h, w))
    case("one_pixel_gt", "GT is one pixel at row 7, column 11 (not on the last row/column, so the S-measure split is "
         "well defined); soft prediction", mask_u8(g), to_u8(np.clip(p, 0, 1)))

    # --- 1-bit GT ------------------------------------------------------------
    g, _ = smooth_blobs(32, 44, 104, 4.0, 0.3)
    rng = np.random.default_rng(105)
    case("gt_1bit_soft", "GT stored as a 1-bit grayscale PNG (0/1 in the file; OpenCV expands to 0/255); soft prediction",
         g.astype(np.uint8), to_u8(soft_pred(g, rng)), gt_bits=1)

    # --- 16-bit prediction ---------------------------------------------------
    g, _ = smooth_blobs(36, 48, 106, 5.0, 0.35)
    rng = np.random.default_rng(107)
    p = soft_pred(g, rng, sigma=2.0, lo=0.01, hi=0.99)
    p16 = np.clip(np.rint(p * 65535), 0, 65535).astype(np.uint16)
    # values right at the 0.5 class threshold (v/65535 >= 0.5 <=> v >= 32768) and near 8-bit bin edges
    p16[0, :6] = [32766, 32767, 32768, 32769, 257, 258]
    p16[-1, -4:] = [771, 772, 65279, 65280]
    case("pred_16bit_soft", "prediction is a 16-bit grayscale PNG (read with IMREAD_UNCHANGED, v/65535 then min-max, "
         "normalize=False; values 257..65280 with probes at 32766..32769 for the class threshold); 8-bit GT",
         mask_u8(g), p16, pred_bits=16)

    # --- binary prediction ---------------------------------------------------
    g, _ = smooth_blobs(24, 40, 108, 3.5, 0.35)
    pb = blur(g.astype(np.float64), 1.2) > 0.35  # slightly dilated
    pb[2:5, 30:36] = True  # a false positive
    case("binary_pred", "prediction only 0/255 (F and E curves are flat between the two levels)", mask_u8(g), mask_u8(pb))

    # --- narrow prediction range ---------------------------------------------
    g, _ = smooth_blobs(26, 34, 109, 3.5, 0.4)
    rng = np.random.default_rng(110)
    p = soft_pred(g, rng, sigma=1.5, noise=0.1)
    pn = (40 + np.rint(p * 50)).astype(np.uint8)
    pn[0, 0], pn[-1, -1] = 40, 90
    case("narrow_range_pred", "prediction only uses 40..90, so min-max normalisation (and its float rounding before the "
         "x255 truncation) matters", mask_u8(g), pn)

    # --- JPEG-damaged GT -----------------------------------------------------
    g, _ = smooth_blobs(28, 38, 111, 4.0, 0.35)
    rng = np.random.default_rng(112)
    gd = mask_u8(g)
    bgv, fgv = np.array([1, 2, 127, 128]), np.array([129, 253, 254])
    dmg = rng.random(g.shape) < 0.35
    gd[dmg & ~g] = rng.choice(bgv, size=int((dmg & ~g).sum()))
    gd[dmg & g] = rng.choice(fgv, size=int((dmg & g).sum()))
    gd[1, 1:8] = [1, 2, 127, 128, 129, 253, 254]  # every damage value at least once, 129 as a lone fg pixel
    case("jpeg_damaged_gt", "GT with JPEG-like values 1, 2, 127, 128 (-> background) and 129, 253, 254 (-> foreground, "
         "gt > 128) mixed into 0/255; soft prediction", gd, to_u8(soft_pred(g, np.random.default_rng(113))))

    # --- RGB -----------------------------------------------------------------
    h, w = 34, 46
    g, _ = smooth_blobs(h, w, 114, 4.5, 0.35)
    rng = np.random.default_rng(115)
    fg_cols = np.array([[255, 80, 200], [250, 200, 20], [60, 255, 120], [200, 140, 255]], np.uint8)
    bg_cols = np.array([[30, 120, 250], [200, 20, 60], [10, 90, 40], [120, 40, 200]], np.uint8)
    rgb_gt = np.where(g[..., None], fg_cols[rng.integers(0, 4, (h, w))], bg_cols[rng.integers(0, 4, (h, w))])
    # colours on the gt > 128 edge where OpenCV's libpng luma and the textbook luma disagree
    tricky_bg = colours_where(128, 129, 6, 116)  # OpenCV: 128 -> background (textbook would say foreground)
    tricky_fg = colours_where(129, 130, 6, 117)
    rgb_gt[h - 6, 3:9] = tricky_bg
    rgb_gt[4, w - 10:w - 4] = tricky_fg
    # prediction: coloured soft map; luma follows the soft map, hue varies
    p = soft_pred(g, np.random.default_rng(118), sigma=2.0)
    yy, xx = np.mgrid[0:h, 0:w]
    hue = (xx + 2 * yy) / (w + 2 * h) * 2 * np.pi
    base = p[..., None] * 255
    tint = 70 * np.stack([np.cos(hue), np.cos(hue - 2.1), np.cos(hue + 2.1)], -1)
    rgb_pred = np.clip(np.rint(base + tint), 0, 255).astype(np.uint8)
    # class-threshold probes (luma 127 vs 128: v/255 >= 0.5 <=> v >= 128) where the textbook luma differs
    rgb_pred[0, 10:14] = colours_where(127, 128, 4, 119)
    rgb_pred[0, 14:18] = colours_where(128, 129, 4, 120)
    case("rgb_pred_and_gt", "both files are 8-bit RGB with real colour; OpenCV converts with libpng's integer luma "
         "(9797R + 19234G + 3737B) >> 15, which differs from cvtColor and from round(0.299R + 0.587G + 0.114B); "
         "includes colours on the 128/129 GT edge and the 127/128 class edge", rgb_gt, rgb_pred)

    # --- centroid exactly on .5 (np.round is half-to-even) ---------------------
    h, w = 24, 34
    g = np.zeros((h, w), bool)
    g[4:10, 8:14] = True  # centroid (6.5, 10.5): np.round -> (6, 10); round-half-away would give (7, 11)
    rng = np.random.default_rng(121)
    case("centroid_half_even", "rectangle GT whose centroid is exactly (6.5, 10.5): PySODMetrics rounds half to even "
         "(6, 10), so the S-measure split is at row 7 / column 11 in 0-based slicing", mask_u8(g),
         to_u8(soft_pred(g, rng, sigma=1.0, fp_blobs=2)))

    # --- realistic cases -----------------------------------------------------
    g, _ = smooth_blobs(48, 64, 201, 5.0, 0.3)
    case("blobs_smooth_a", "random smooth blobs; blurred, noisy prediction with a false positive and a weakened part",
         mask_u8(g), to_u8(soft_pred(g, np.random.default_rng(202), sigma=2.0, fp_blobs=2)))

    g, _ = smooth_blobs(40, 56, 203, 3.0, 0.45)
    case("blobs_smooth_b", "many small smooth blobs (45 % foreground); noisy prediction",
         mask_u8(g), to_u8(soft_pred(g, np.random.default_rng(204), sigma=1.2, noise=0.15)))

    h, w = 44, 60
    g = np.zeros((h, w), bool)
    g[5:20, 6:23] = True
    g[5:20, 28:45] = True  # 5-column gap: the middle column is equidistant from both
    g[24:38, 10:40] = True  # 4-row gap below
    g[26:34, 48:55] = True
    case("rects_ties", "axis-aligned rectangles with odd and even gaps: many background pixels equidistant from two "
         "foreground pixels (distance-transform tie-breaking in wF)",
         mask_u8(g), to_u8(soft_pred(g, np.random.default_rng(205), sigma=1.5, noise=0.12)))

    h, w = 36, 52
    yy, xx = np.mgrid[0:h, 0:w]
    g = (np.abs(xx - yy - 8) <= 1) | (xx + yy == 50) | (np.abs(xx - 2 * yy - 3) <= 0)
    g &= (yy > 1) & (yy < h - 2) & (xx > 1) & (xx < w - 2)
    case("diagonal_lines", "thin diagonal lines (slopes 1, -1, 1/2): staircase neighbours are equidistant from two "
         "line pixels", mask_u8(g), to_u8(soft_pred(g, np.random.default_rng(206), sigma=1.0, noise=0.1)))

    h, w = 40, 48
    yy, xx = np.mgrid[0:h, 0:w]
    g = (((yy // 4) + (xx // 4)) % 2 == 0) & (yy >= 4) & (yy < 32) & (xx >= 4) & (xx < 40)
    g |= ((yy - 34) ** 2 + (xx - 10) ** 2) <= 5
    case("checker_blobs", "4x4 checkerboard of squares touching at corners plus a small disc: dense ties",
         mask_u8(g), to_u8(soft_pred(g, np.random.default_rng(207), sigma=1.3, noise=0.12)))

    h, w = 38, 50
    yy, xx = np.mgrid[0:h, 0:w]
    d2 = (yy - 17) ** 2 + (xx - 16) ** 2
    g = (d2 <= 121) & (d2 >= 36)  # ring with a hole (centre equidistant from the whole inner edge)
    g |= ((xx >= 33) & (xx < 37) & (yy >= 6) & (yy < 32)) | ((xx >= 33) & (xx < 46) & (yy >= 28) & (yy < 32))
    case("ring_lshape", "annulus with a hole and an L shape (concave corner): ties inside the hole and at the corner",
         mask_u8(g), to_u8(soft_pred(g, np.random.default_rng(208), sigma=1.5, noise=0.1)))


# ----------------------------------------------------------------------------
# Reading exactly as the reference tools do
# ----------------------------------------------------------------------------

def read_pair(gt_path, pred_path):
    """Returns (pred_for_pysod, gt_for_pysod, normalize, pred_class, gt_class)."""
    gt = cv2.imread(gt_path, cv2.IMREAD_GRAYSCALE)
    raw = cv2.imread(pred_path, cv2.IMREAD_UNCHANGED)
    if raw is None or gt is None:
        raise SystemExit(f"cannot read {gt_path} / {pred_path}")
    if raw.dtype == np.uint16 and raw.ndim == 2:
        p = raw / 65535
        if p.max() != p.min():
            p = (p - p.min()) / (p.max() - p.min())
        return p, gt > 128, False, raw / 65535 >= 0.5, gt > 128
    pred = cv2.imread(pred_path, cv2.IMREAD_GRAYSCALE)
    # the benchmark script decodes once with IMREAD_ANYDEPTH; it must agree
    assert np.array_equal(pred, cv2.imread(pred_path, cv2.IMREAD_ANYDEPTH)), pred_path
    return pred, gt, True, pred / 255 >= 0.5, gt > 128


# ----------------------------------------------------------------------------
# Evaluation
# ----------------------------------------------------------------------------

def confusion(pc, gc):
    """mmseg intersect_and_union for 2 classes (no pixel equals ignore_index 255)."""
    out = []
    for c in (0, 1):
        p, g = pc == c, gc == c
        i = int(np.count_nonzero(p & g))
        ap, al = int(np.count_nonzero(p)), int(np.count_nonzero(g))
        out.append((i, ap + al - i, ap, al))
    return np.array(out, np.int64)  # rows: class; cols: intersect, union, pred, label


def div(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b == 0, np.nan, a / np.where(b == 0, 1, b))


def nanmean(a, axis=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(a, axis=axis)


def confusion_metrics(tot):
    I, U, P, L = (tot[:, k] for k in range(4))
    iou, acc, dice = div(I, U), div(I, L), div(2 * I, P + L)
    prec, rec = div(I, P), div(I, L)
    beta = 1
    with np.errstate(divide="ignore", invalid="ignore"):
        f = (1 + beta ** 2) * (prec * rec) / ((beta ** 2 * prec) + rec)  # 0/0 -> NaN, as torch gives
    return {
        "aAcc": float(I.sum() / L.sum()),
        "IoU": iou, "Acc": acc, "Dice": dice, "Precision": prec, "Recall": rec, "Fscore": f,
        "mIoU": nanmean(iou), "mAcc": nanmean(acc), "mDice": nanmean(dice),
        "mPrecision": nanmean(prec), "mRecall": nanmean(rec), "mFscore": nanmean(f),
        "area_intersect": I, "area_union": U, "area_pred": P, "area_label": L,
    }


def evaluate(pairs, per_image_curves, log):
    """pairs: list of (stem, gt_path, pred_path), already sorted."""
    mae = py_sod_metrics.MAE()
    fm = py_sod_metrics.Fmeasure(beta=BETA2)
    sm = py_sod_metrics.Smeasure()
    em = py_sod_metrics.Emeasure()
    wfm = py_sod_metrics.WeightedFmeasure()
    images, per_image_conf = {}, []
    tot = np.zeros((2, 4), np.int64)
    for stem, gp, pp in pairs:
        pred, gt, normalize, pc, gc = read_pair(gp, pp)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.filterwarnings("ignore", message="This class will be removed in the future")
            for m in (mae, fm, sm, em, wfm):
                m.step(pred=pred, gt=gt, normalize=normalize)
        for wmsg in caught:
            log.append(f"{stem}: {wmsg.category.__name__}: {wmsg.message}")
        # float(): PySODMetrics appends a Python int 0 for some special cases (adpF, wF)
        rec = {
            "MAE": float(mae.maes[-1]), "adpF": float(fm.adaptive_fms[-1]), "Sm": float(sm.sms[-1]),
            "adpEm": float(em.adaptive_ems[-1]), "wF": float(wfm.weighted_fms[-1]),
        }
        if per_image_curves:
            rec.update(F_curve=fm.changeable_fms[-1], P_curve=fm.precisions[-1], R_curve=fm.recalls[-1],
                       Em_curve=em.changeable_ems[-1])
        images[stem] = rec
        c = confusion(pc, gc)
        tot += c
        per_image_conf.append(c)

    fres, eres = fm.get_results(), em.get_results()
    fcurve, emcurve = fres["fm"]["curve"], eres["em"]["curve"]
    P, R = fres["pr"]["p"], fres["pr"]["r"]
    num = (1 + BETA2) * P * R
    f_meanpr = num / np.where(num == 0, 1, BETA2 * P + R)
    conf = confusion_metrics(tot)

    pic = np.array(per_image_conf)  # N, class, (I, U, P, L)
    iou_img = div(pic[:, :, 0], pic[:, :, 1])
    dice_img = div(2 * pic[:, :, 0], pic[:, :, 2] + pic[:, :, 3])
    dataset = {
        "MAE": mae.get_results()["mae"], "adpF": fres["fm"]["adp"], "maxF": fcurve.max(), "meanF": fcurve.mean(),
        "Sm": sm.get_results()["sm"], "adpEm": eres["em"]["adp"], "meanEm": emcurve.mean(), "maxEm": emcurve.max(),
        "wF": wfm.get_results()["wfm"],
        "maxF_meanPR": f_meanpr.max(), "meanF_meanPR": f_meanpr.mean(),
        "F_curve": fcurve, "P_curve": P, "R_curve": R, "Em_curve": emcurve, "F_meanPR_curve": f_meanpr,
        "confusion": conf,
        "confusion_image": {
            "mIoU": nanmean(iou_img), "IoU": nanmean(iou_img, axis=0),
            "mDice": nanmean(dice_img), "Dice": nanmean(dice_img, axis=0),
        },
    }
    return dataset, images


# ----------------------------------------------------------------------------
# JSON
# ----------------------------------------------------------------------------

def plain(x):
    """numpy -> plain Python; NaN -> None; floats stay full precision (repr)."""
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return [plain(v) for v in x.tolist()]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        return None if math.isnan(x) else x
    if isinstance(x, str) or x is None:
        return x
    raise TypeError(type(x))


def dump(path, obj):
    text = json.dumps(plain(obj), indent=1, sort_keys=True, allow_nan=False)
    # put lists of numbers on one line each (keeps the file readable and diffable)
    text = re.sub(r"\[\s*([-0-9.eE+null,\s]*?)\s*\]",
                  lambda m: "[" + ", ".join(s.strip() for s in m.group(1).split(",")) + "]", text)
    assert json.loads(text) == json.loads(json.dumps(plain(obj), allow_nan=False))
    with open(path, "w") as f:
        f.write(text + "\n")


def header():
    return {
        "generator": {
            "pysodmetrics": version("pysodmetrics"), "numpy": np.__version__, "opencv": cv2.__version__,
            "scipy": scipy.__version__, "script": "Fixtures/metrics/generate.py",
        },
        "curve_order": "index i is threshold 255-i",
        "models": {},
    }


def rel(p):
    return os.path.relpath(p, REPO)


def png_pairs(gt_dir, pred_dir, gt_names=None):
    names = sorted(f for f in os.listdir(gt_dir) if f.lower().endswith(".png"))
    pairs = []
    for n in names:
        pp = os.path.join(pred_dir, n)
        if not os.path.exists(pp):
            raise SystemExit(f"missing prediction {pp}")
        pairs.append((os.path.splitext(n)[0], os.path.join(gt_dir, n), pp))
    return pairs


def run_model(doc, name, gt_dir, pred_dir, per_image_curves, log, expect_nan_free):
    t = time.perf_counter()
    pairs = png_pairs(gt_dir, pred_dir)
    dataset, images = evaluate(pairs, per_image_curves, log)
    doc["models"][name] = {"gt": rel(gt_dir), "pred": rel(pred_dir), "dataset": dataset, "images": images}
    nan_images = sorted(s for s, r in images.items() if any(
        isinstance(v, float) and math.isnan(v) for v in r.values()))
    if expect_nan_free:
        assert not nan_images, nan_images
    print(f"  {name}: {len(pairs)} pairs in {time.perf_counter() - t:.1f} s; maxF {dataset['maxF']:.4f} "
          f"Sm {dataset['Sm']:.4f} MAE {dataset['MAE']:.4f} mIoU {dataset['confusion']['mIoU']:.4f}"
          + (f"; NaN in {nan_images}" if nan_images else ""))
    return nan_images


def corner_probe():
    """What PySODMetrics returns for a one-pixel object in the bottom-right corner (not a fixture)."""
    h, w = 22, 30
    gt = np.zeros((h, w), np.uint8)
    gt[-1, -1] = 255
    yy, xx = np.mgrid[0:h, 0:w]
    pred = to_u8(0.9 * np.exp(-((yy - h + 1) ** 2 + (xx - w + 1) ** 2) / 4.0) + 0.05)
    out = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", message="This class will be removed in the future")
        for cls, key, get in ((py_sod_metrics.Smeasure, "Sm", lambda m: m.sms[-1]),
                              (py_sod_metrics.MAE, "MAE", lambda m: m.maes[-1]),
                              (py_sod_metrics.Emeasure, "adpEm", lambda m: m.adaptive_ems[-1]),
                              (py_sod_metrics.WeightedFmeasure, "wF", lambda m: m.weighted_fms[-1]),
                              (py_sod_metrics.Fmeasure, "adpF", lambda m: m.adaptive_fms[-1])):
            m = cls()
            m.step(pred=pred, gt=gt)
            out[key] = float(get(m))
    out["warnings"] = sorted({f"{c.category.__name__}: {c.message}" for c in caught})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edge-only", action="store_true", help="skip sod300 and ISBI")
    args = ap.parse_args()
    t0 = time.perf_counter()
    log = []

    make_edge_fixtures()
    doc = header()
    print("edge fixtures:")
    run_model(doc, "edge", os.path.join(EDGE, "gt"), os.path.join(EDGE, "pred"), True, log, expect_nan_free=True)
    doc["cases"] = dict(CASES)  # extra key: one line per fixture saying what it tests
    dump(os.path.join(EDGE, "expected.json"), doc)

    probe = corner_probe()
    print(f"  probe, one-pixel GT at the bottom-right corner (not a fixture): {probe}")

    if not args.edge_only:
        data = os.path.join(os.path.dirname(REPO), "shared", "datasets")
        sod = os.path.join(data, "sod300")
        doc = header()
        print("sod300:")
        for model in ("Amulet", "DSS", "PiCANet"):
            run_model(doc, model, os.path.join(sod, "gt"), os.path.join(sod, "pred", model), False, log, False)
        dump(os.path.join(HERE, "sod300-expected.json"), doc)

        isbi = os.path.join(data, "isbi2012", "train")
        doc = header()
        print("isbi2012:")
        run_model(doc, "image", os.path.join(isbi, "label"), os.path.join(isbi, "image"), False, log, False)
        dump(os.path.join(HERE, "isbi-expected.json"), doc)

    if log:
        print("warnings raised inside PySODMetrics:")
        for line in sorted(set(log)):
            print("  " + line)
    print(f"done in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    sys.exit(main())
