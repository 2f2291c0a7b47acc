#!/usr/bin/env python3
"""Reference values for SegKit's connectomics scores (issue 16): the ISBI 2012 EM challenge's V_rand
and V_info (Fiji's foreground-restricted Rand and information-theoretic scores, with and without
border thinning, maximal over thresholds) and its pixel error, plus scikit-image's
adapted_rand_error and variation_of_information on the same inputs.

Fiji (Java) is not run: fiji_port.py beside this script is a NumPy/Numba port of the Java, read at
fiji/Trainable_Segmentation 41c7083 (metrics/RandError.java, VariationOfInformation.java,
PixelError.java, utils/WatershedTransform2D.java), fiji/VIB-lib 04a351d (util/FindConnectedRegions.java)
and imagej/ImageJ 5b0b8f7 (ij/process/ByteProcessor.java, TypeConverter.java); its docstring and
comments cite files and lines. No checkout is needed to run this script.

Run from the repo root in the reference environment (requirements-reference.txt: numpy, scipy,
scikit-image 0.25.2, numba 0.68.1 (already there for stardist), pypng):

    bash scripts/reference-env && .venv-reference/bin/python Fixtures/metrics/connectomics/generate.py

About 1.5 minutes on 2 cores (numba compiles the port's loops first, ~10 s; the ISBI stack is most
of the rest; a pure-Python re-run of the port on the hand-made cases takes ~15 s).

1. Writes the hand-made cases Fixtures/metrics/connectomics/{gt,pred}/NAME.png (multi-slice cases:
   NAME_z0.png, NAME_z1.png, ...): 8-bit greyscale PNGs written by pypng from numpy arrays
   (default_rng with fixed seeds, integer arithmetic only: byte-identical on re-runs). GT: 0 =
   membrane/background, 255 = cell interior. Proposals: probability of cell interior, v/255, soft
   (0..255) or binary (0/255). Described in the JSON under `cases`.
2. Reads every pair back (pypng) and gives the port what Fiji sees once a user has saved the
   proposal as a 32-bit float image of v/255 and kept the 8-bit GT: proposal = float32(v) /
   float32(255), GT = float32(v) (raw 0/255). Per stack (the slices of a case; ISBI's 30 slices in
   order 0..29) and per slice (each slice alone, a one-slice stack), at Fiji's 11 thresholds:
   V_rand after thinning (getMaximalVRandAfterThinning(0, 1, 0.1, true), the challenge's setting),
   V_rand without thinning (getForegroundRestrictedRandIndexMaximalFScore), V_info after thinning
   (getMaximalVInfoAfterThinning), V_info without thinning (getForegroundRestrictedMaximalFScore),
   pixel error (1 - getPixelErrorMaximalFScore); per threshold the F-score and, where Fiji has
   them, precision, recall, tp/fp/fn/tn (V_info: precision, recall and the entropies per slice).
3. scikit-image 0.25.2 per slice at threshold 0.5, as its users would call it: true = 4-connected
   components of GT > 128 (scipy.ndimage.label), test = skimage.measure.label(v/255 > 0.5,
   connectivity=1); adapted_rand_error(true, test, ignore_labels=(0,)) -> error, precision, recall
   exactly as returned (scikit-image#6485: its precision is Fiji's recall and vice versa);
   variation_of_information(true, test, ignore_labels=(0,)) -> split = H(test|true), merge =
   H(true|test), in bits (log2).
4. ISBI 2012 train, read in place from ../shared/datasets/isbi2012/train (skipped when missing):
   label/N.png as GT, image/N.png as the probability map, N = 0..29.
5. Verification (written under `verification`; the script stops if a check fails):
   - the compiled port against its own pure-Python execution (a subprocess with
     NUMBA_DISABLE_JIT=1) on every hand-made case: every value bit-identical;
   - an independent computation from the definitions (scipy.ndimage.label components,
     scipy.sparse contingency tables, exact integer pair counts with fractions.Fraction, mutual
     information summed with math.fsum, numpy pixel counts) against the port, per slice and per
     stack, every threshold, with and without thinning (for thinning on the port's thinned labels):
     agreement within 1e-12;
   - the thinned labels' properties (basins = 4-connected cell components numbered in column-major
     order, each label one 4-connected region, no two 4-adjacent pixels with different labels);
   - the table of ../shared/notes/reference-conventions-2.md section 2 (skimage 1 - ARE vs Fiji
     N^2 V_rand without thinning on ISBI slices 0-2 at t = 0.5 and slice 0 at t = 0.3).
   Writes Fixtures/metrics/connectomics/expected.json (sorted keys, NaN as null, floats in
   shortest round-trip form).

numpy's AVX-512 kernels are switched off as in Fixtures/metrics/generate.py (NPY_DISABLE_CPU_FEATURES,
set below before numpy loads), a precaution.
"""
import json
import math
import os
import subprocess
import sys
import time
import warnings
from fractions import Fraction
from importlib.metadata import version

os.environ["NPY_DISABLE_CPU_FEATURES"] = ("AVX512F AVX512CD AVX512_KNL AVX512_KNM AVX512_SKX AVX512_CLX "
                                          "AVX512_CNL AVX512_ICL AVX512_SPR")

import numpy as np  # noqa: E402
import png  # noqa: E402
from scipy import ndimage, sparse  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
SHARED = os.path.join(REPO, "..", "shared", "datasets")
sys.path.insert(0, HERE)
import fiji_port as fp  # noqa: E402

THRESHOLDS = fp.java_thresholds(0.0, 1.0, 0.1)
SKIMAGE_THRESHOLD = 0.5
TOLERANCE = 1e-12
NOTES_TABLE = [  # ../shared/notes/reference-conventions-2.md section 2.1: (slice, t, skimage 1 - ARE, Fiji N^2 V_rand)
    (0, 0.5, 0.3046, 0.6658), (1, 0.5, 0.1757, 0.5162), (2, 0.5, 0.2949, 0.6741), (0, 0.3, 0.0568, 0.0567)]


# --- PNG I/O ---------------------------------------------------------------------------------------

def write_png8(path, array):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    assert array.dtype == np.uint8
    with open(path, "wb") as f:
        png.Writer(width=array.shape[1], height=array.shape[0], greyscale=True, bitdepth=8).write(
            f, [list(map(int, r)) for r in array])


def read_png8(path):
    w, h, rows, info = png.Reader(filename=path).read()
    if not info["greyscale"] or info["alpha"] or info["planes"] != 1 or info["bitdepth"] != 8:
        raise ValueError(f"{path}: not 8-bit single-channel grey")
    return np.vstack([np.asarray(r, np.uint8) for r in rows]).reshape(h, w)


def as_fiji_proposal(v):
    """What a user hands Fiji: the 8-bit probability saved as 32-bit float v/255."""
    return v.astype(np.float32) / np.float32(255)


def as_fiji_gt(v):
    """8-bit GT opened as is: convertToFloat gives the raw 0..255 values."""
    return v.astype(np.float32)


# --- hand-made cases -------------------------------------------------------------------------------

def grid_gt(h, w, xs, ys, width):
    """255 everywhere but membranes (0): vertical bands starting at columns xs, horizontal bands at
    rows ys, `width` pixels wide. Cells touch the image edges."""
    gt = np.full((h, w), 255, np.uint8)
    for x in xs:
        gt[:, x:x + width] = 0
    for y in ys:
        gt[y:y + width, :] = 0
    return gt


def voronoi_labels(h, w, seeds):
    """Nearest seed (integer squared distances, ties to the first seed)."""
    yy, xx = np.mgrid[:h, :w]
    d = (yy[..., None] - seeds[:, 0]) ** 2 + (xx[..., None] - seeds[:, 1]) ** 2
    return np.argmin(d, axis=-1)


def voronoi_gt(h, w, seeds):
    """Cells of a Voronoi partition, a pixel is membrane (0) when its right or lower neighbour
    belongs to another cell: 1-pixel membranes that separate the cells 4-connectedly."""
    lab = voronoi_labels(h, w, seeds)
    mem = np.zeros((h, w), bool)
    mem[:, :-1] |= lab[:, :-1] != lab[:, 1:]
    mem[:-1, :] |= lab[:-1, :] != lab[1:, :]
    return np.where(mem, 0, 255).astype(np.uint8)


def box_blur_int(a, r):
    """Integer mean over a (2r+1)^2 window with edge replication (exact integer arithmetic)."""
    p = np.pad(a.astype(np.int64), r, mode="edge")
    s = np.zeros(a.shape, np.int64)
    for dy in range(2 * r + 1):
        for dx in range(2 * r + 1):
            s += p[dy:dy + a.shape[0], dx:dx + a.shape[1]]
    return (s // (2 * r + 1) ** 2).astype(np.int64)


def soft_from_gt(gt, rng, cell=(170, 256), membrane=(0, 50)):
    """A soft proposal: cell pixels uniform in [cell), membrane pixels uniform in [membrane)."""
    hi = rng.integers(cell[0], cell[1], gt.shape)
    lo = rng.integers(membrane[0], membrane[1], gt.shape)
    return np.where(gt > 128, hi, lo).astype(np.uint8)


def dilate_zero(mask_zero, k):
    """Grow a boolean region by k pixels (4-connected steps)."""
    out = mask_zero.copy()
    cross = ndimage.generate_binary_structure(2, 1)
    for _ in range(k):
        out = ndimage.binary_dilation(out, cross)
    return out


def make_cases():
    """name -> (description, kind, [(gt, pred), ...] slices)."""
    cases = {}

    gt = grid_gt(36, 52, [17, 35], [17], 2)
    cases["perfect_soft"] = ("2x3 grid of cells (2-pixel membranes, cells touching every image edge); soft proposal: "
                             "cells 170..255, membranes 0..49: perfect between thresholds 0.2 and 0.6",
                             "soft", [(gt, soft_from_gt(gt, np.random.default_rng(1601)))])

    gt = grid_gt(30, 44, [14, 29], [14], 1)
    cases["perfect_binary"] = (
        "2x3 grid, 1-pixel membranes; binary proposal equal to the GT",
        "binary", [(gt, gt.copy())])

    gt = grid_gt(36, 52, [17, 35], [17], 2)
    pred = gt.copy()
    pred[:17, 17:19] = 255
    cases["merge"] = ("2x3 grid; binary proposal missing the upper part of the first vertical membrane: the two "
                      "upper-left cells merged", "binary", [(gt, pred)])

    gt = grid_gt(36, 52, [17, 35], [17], 2)
    pred = gt.copy()
    pred[19:, 26] = 0
    cases["split"] = ("2x3 grid; binary proposal with an extra 1-pixel vertical membrane through the lower-middle "
                      "cell: one cell split in two", "binary", [(gt, pred)])

    gt = grid_gt(40, 56, [27], [19], 2)
    pred = gt.copy()
    pred[5:9, 6:11] = 0          # hole inside the upper-left cell
    pred[28:30, 40:42] = 0       # small hole inside the lower-right cell
    pred[10, 34:40] = 0          # a line inside the upper-right cell
    pred[24:27, 10:13] = 0       # hole in the lower-left cell
    pred[30:33, 25:27] = 0       # a bump of the vertical membrane into both lower cells
    pred[30:33, 29:31] = 0
    cases["holes_in_cells"] = (
        "2x2 grid; binary proposal = GT plus predicted membrane inside cells (holes, a line, bumps on a "
        "membrane): without thinning those pixels are label 0 (singletons in Fiji, one segment in scikit-"
        "image); thinning floods them from the surrounding cell",
        "binary", [(gt, pred)])

    gt = grid_gt(24, 40, [19], [11], 1)
    cases["all_background"] = (
        "2x2 grid; proposal all 0: without thinning every GT pixel is a singleton; after thinning the whole "
        "image is one region (label 1)",
        "binary", [(gt, np.zeros_like(gt))])
    cases["all_foreground"] = (
        "2x2 grid; proposal all 255: one proposal segment (a full merge), thinning changes nothing",
        "binary", [(gt, np.full_like(gt, 255))])

    rng = np.random.default_rng(1602)
    seeds = np.stack([rng.integers(0, 45, 9), rng.integers(0, 61, 9)], axis=1)
    gt = voronoi_gt(45, 61, seeds)
    thick = dilate_zero(gt == 0, 2)
    pred = np.where(thick, 30, 225).astype(np.uint8)
    pred[np.where(dilate_zero(gt == 0, 1))] = np.minimum(pred[np.where(dilate_zero(gt == 0, 1))], 10)
    cases["thick_membranes"] = ("Voronoi cells (9 seeds, 1-pixel membranes, diagonal boundaries, cells on every edge); "
                                "proposal membranes dilated to about 5 pixels (values 10 and 30, cells 225): the "
                                "thinning watershed places the dams, its order and tie rules matter",
                                "soft", [(gt, pred)])

    rng = np.random.default_rng(1603)
    seeds = np.stack([rng.integers(0, 48, 11), rng.integers(0, 64, 11)], axis=1)
    gt = voronoi_gt(48, 64, seeds)
    lab = voronoi_labels(48, 64, seeds)
    base = np.where(gt > 128, 215, 25).astype(np.int64)
    base = box_blur_int(base, 1)
    noise = rng.integers(-35, 36, gt.shape)
    soft = base + noise
    # one membrane made faint (between the cells of seeds 0 and 1), one cell with a dark organelle
    faint = (gt == 0) & dilate_zero(lab == 0, 1) & dilate_zero(lab == 1, 1)
    soft[faint] = 120 + rng.integers(0, 30, int(faint.sum()))
    cy, cx = seeds[2]
    yy, xx = np.mgrid[:48, :64]
    soft[((yy - cy) ** 2 + (xx - cx) ** 2 <= 5) & (lab == 2)] = 60
    pred = np.clip(soft, 0, 255).astype(np.uint8)
    cases["soft_gradient"] = (
        "Voronoi cells (11 seeds); soft proposal: blurred cell/membrane contrast with noise, one faint "
        "membrane (120..149) and a dark organelle (60) inside a cell: the best threshold is inside the sweep",
        "soft", [(gt, pred)])

    gt = grid_gt(30, 44, [14, 29], [], 1)
    pred = np.full(gt.shape, 255, np.uint8)
    pred[:, 14] = 51      # float32(51/255) = 0.2000000030 > 0.2: still cell at t = 0.2
    pred[:, 29] = 102     # float32(102/255) = 0.4000000060 > 0.4: still cell at t = 0.4
    pred[:, 0] = 153
    pred[:, 43] = 204
    cases["tie_values"] = (
        "three cells in a row; proposal membranes of value 51 and 102 exactly (v/255 = 0.2, 0.4), cells 255, "
        "first column 153 and last column 204: as float32 51/255 is above the threshold 0.2 and 102/255 above"
        " 0.4, so those membranes are missed at t = 0.2 and 0.4",
        "soft", [(gt, pred)])

    gt = np.zeros((28, 36), np.uint8)
    gt[3:25, 4:31] = 255
    rng = np.random.default_rng(1604)
    pred = soft_from_gt(gt, rng)
    pred[3:25, 17] = 40
    pred[14, 4:17] = 90
    cases["single_cell_gt"] = (
        "GT is one cell; soft proposal splits it in three: H(GT) = 0 in exact arithmetic, so V_info's F is ~0"
        " (Fiji's precision/recall there are rounding noise); V_rand is not 0",
        "soft", [(gt, pred)])

    gt = np.zeros((20, 32), np.uint8)
    rng = np.random.default_rng(1605)
    pred = rng.integers(0, 256, gt.shape).astype(np.uint8)
    cases["empty_gt"] = (
        "GT all 0 (no cell); random soft proposal: n = 0, Fiji's V_rand statistics are NaN and its F 0, "
        "V_info 0; pixel error 1; scikit-image divides 0 by 0",
        "soft", [(gt, pred)])

    gt = np.zeros((15, 21), np.uint8)
    gt[1, 1] = gt[1, 3] = gt[3, 1] = 255          # three 1-pixel cells
    gt[5:7, 5] = 255                              # a 2-pixel cell
    gt[9:14, 2:19] = 255
    gt[9:14, 10] = 0
    pred = gt.copy()
    pred[1, 2] = 255                              # joins two 1-pixel cells
    pred[11, 3:8] = 0                             # cuts the lower-left cell
    pred[12, 14] = 0                              # a single proposal-background pixel
    cases["tiny_cells"] = (
        "1- and 2-pixel cells and two larger ones; binary proposal merging two 1-pixel cells, cutting one "
        "cell and leaving one isolated background pixel inside another",
        "binary", [(gt, pred)])

    gt = voronoi_gt(33, 47, np.array([[0, 0], [5, 40], [30, 3], [31, 44], [16, 22], [2, 22], [31, 22]]))
    pred = np.where(gt > 128, 240, 20).astype(np.uint8)
    pred[:3, :] = 15                              # a predicted membrane band along the top edge
    pred[:, :2] = 15                              # and along the left edge
    pred[-1, 20:] = 15                            # a 1-pixel band along part of the bottom edge
    cases["edge_touching"] = (
        "Voronoi cells with seeds in the corners and on the edges (every cell touches the border); proposal "
        "with membrane bands along the top, left and bottom image edges inside GT cells",
        "soft", [(gt, pred)])

    rng = np.random.default_rng(1606)
    base = grid_gt(32, 48, [15, 31], [15], 2)
    s0 = soft_from_gt(base, rng)
    p1 = soft_from_gt(base, rng)
    p1[:15, 15:17] = 230                          # merge
    p2 = soft_from_gt(base, rng)
    p2[17:, 24] = 20                              # split
    p2[4:8, 4:8] = 100                            # a soft hole
    cases["stack3"] = (
        "three slices of a 2x3 grid: a soft perfect proposal, a merge, a split with a soft hole: Fiji "
        "averages per-slice F for V_rand after thinning and V_info, but pools tp/fp/fn for V_rand without "
        "thinning and for the pixel error",
        "soft", [(base, s0), (base, p1), (base, p2)])

    rng = np.random.default_rng(1607)
    base = grid_gt(24, 36, [17], [11], 1)
    q0 = soft_from_gt(base, rng)
    q0[:11, 17] = 200
    q1 = rng.integers(0, 256, base.shape).astype(np.uint8)
    cases["stack_empty_slice"] = (
        "two slices: a 2x2 grid with a merge, then an empty GT (all 0) with a random proposal. The empty "
        "slice's V_rand statistics are NaN: the pooled (non-thinning) V_rand of the stack is 0 at every "
        "threshold and the thinning stack's pooled precision/recall NaN, while its F (the per-slice mean) "
        "counts the empty slice as 0",
        "soft", [(base, q0), (np.zeros_like(base), q1)])
    return cases


def write_cases(cases):
    """Writes the PNGs; returns name -> slice file stems (relative to gt/ and pred/)."""
    stems = {}
    for name, (_, _, slices) in cases.items():
        names = [name] if len(slices) == 1 else [f"{name}_z{k}" for k in range(len(slices))]
        for stem, (gt, pred) in zip(names, slices):
            assert gt.shape == pred.shape and gt.shape[0] != gt.shape[1]
            assert set(np.unique(gt)) <= {0, 255}
            write_png8(os.path.join(HERE, "gt", stem + ".png"), gt)
            write_png8(os.path.join(HERE, "pred", stem + ".png"), pred)
        stems[name] = names
    return stems


# --- scikit-image ------------------------------------------------------------------------------------

def skimage_values(gt_u8, pred_u8):
    from skimage.measure import label as sk_label
    from skimage.metrics import adapted_rand_error, variation_of_information
    true = ndimage.label(gt_u8 > 128)[0]
    test = sk_label(pred_u8 / 255.0 > SKIMAGE_THRESHOLD, connectivity=1)
    out = {"threshold": SKIMAGE_THRESHOLD, "n_true": int(true.max()), "n_test": int(test.max()),
           "test_background_pixels": int((test == 0).sum())}
    notes = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        are, prec, rec = adapted_rand_error(true, test, ignore_labels=(0,))
        split, merge = variation_of_information(true, test, ignore_labels=(0,))
    for w in caught:
        notes.append(f"{w.category.__name__}: {w.message}")
    out["adapted_rand_error"] = {"error": float(are), "precision": float(prec), "recall": float(rec)}
    out["variation_of_information"] = {"split": float(split), "merge": float(merge)}
    if notes:
        out["notes"] = sorted(set(notes))
    return out


# --- the independent computation ----------------------------------------------------------------------

def independent_slice(gt_f32, prob_f32, t, thinned):
    """From the definitions, written apart from the port: components by scipy.ndimage.label
    (4-connected), contingency by scipy.sparse, pair counts as exact integers, mutual information by
    math.fsum. Proposal label 0 (below threshold / dam) pixels inside the GT foreground are
    singletons. Binarisation rule shared with the port: float32 value (as double) > t."""
    A = ndimage.label(gt_f32.astype(np.float64) > t)[0]
    B = thinned if thinned is not None else ndimage.label(prob_f32.astype(np.float64) > t)[0]
    fg = A > 0
    n = int(fg.sum())
    a_lab = A[fg].astype(np.int64)
    b_lab = B[fg].astype(np.int64)
    out = {"n": n}
    if n == 0:
        # Fiji divides by n = 0: its statistics are NaN and its F-scores 0
        out.update(S_AB=None, S_A=None, S_B=None, rand=(math.nan, math.nan, 0.0), vinfo=(0.0, 0.0, 1.0),
                   vinfo_degenerate=False, vinfo_tol=(TOLERANCE, TOLERANCE))
        return out
    table = sparse.coo_array((np.ones(n, np.int64), (a_lab, b_lab)),
                             shape=(int(a_lab.max()) + 1, int(b_lab.max()) + 1)).tocsc()
    table.sum_duplicates()
    col0 = table[:, [0]].toarray().ravel()                 # proposal-0 pixels per GT cell
    inner = table[:, 1:].tocoo()                           # proposal segments j >= 1
    nij = [int(v) for v in inner.data if v]
    a_sizes = [int(v) for v in np.bincount(a_lab) if v]
    b_sizes = [int(v) for v in np.asarray(inner.sum(axis=0)).ravel() if v]
    c0 = int(col0.sum())
    S_AB = sum(v * v for v in nij) + c0
    S_A = sum(v * v for v in a_sizes)
    S_B = sum(v * v for v in b_sizes) + c0
    P = Fraction(S_AB, S_B)
    R = Fraction(S_AB, S_A)
    F = 2 * P * R / (P + R)
    out.update(S_AB=S_AB, S_A=S_A, S_B=S_B, rand=(float(P), float(R), float(F)))
    # information: I = sum p_ij log(p_ij / (p_i q_j)) with singletons (p = q = 1/n)
    a_of = np.bincount(a_lab)
    inner_rows = inner.row
    terms = [(v / n) * math.log(v * n / (a_of[i] * bs))
             for v, i, bs in zip(inner.data, inner_rows, np.asarray(inner.sum(axis=0)).ravel()[inner.col]) if v]
    terms += [(int(col0[i]) / n) * math.log(n / a_of[i]) for i in range(len(col0)) if col0[i]]
    I = math.fsum(terms)
    HA = -math.fsum((s / n) * math.log(s / n) for s in a_sizes)
    HB = -math.fsum([(s / n) * math.log(s / n) for s in b_sizes] + [-(c0 / n) * math.log(n)])
    blocks_a = len(a_sizes)
    blocks_b = len(b_sizes) + c0
    if blocks_b == 1:              # Fiji: hb == 0 -> precision 1, recall 0 (checked last, so it wins)
        prec, rec = 1.0, 0.0
    elif blocks_a == 1:            # Fiji: ha == 0 -> precision 0, recall 1
        prec, rec = 0.0, 1.0
    else:
        prec, rec = I / HA, I / HB
    f = 2 * prec * rec / (prec + rec) if prec + rec != 0 else math.nan
    out["vinfo"] = (f, prec, rec)
    # Fiji's precision/recall are (H(X) - H(X|Y)) / H(X) from sequential double sums of magnitude
    # about H(A) + H(B) + H(A,B): when H(X) is small they carry that cancellation error
    scale = HA + HB + (HA + HB - I)
    eps = np.finfo(float).eps
    out["vinfo_tol"] = (max(TOLERANCE, 16 * eps * scale / HA) if HA > 0 else TOLERANCE,
                        max(TOLERANCE, 16 * eps * scale / HB) if HB > 0 else TOLERANCE)
    # One block on either side: Fiji's H is a float sum that is 0 only if sum_j n_ij/n rounds to
    # exactly 1, so its precision/recall are rounding noise there (F is ~0 either way): compare F only.
    out["vinfo_degenerate"] = blocks_a == 1 or blocks_b == 1
    return out


def independent_pixel(gt_f32, prob_f32, t):
    g = gt_f32 > 0
    p = prob_f32.astype(np.float64) > t
    return {"tp": int((g & p).sum()), "fp": int((~g & p).sum()), "fn": int((g & ~p).sum()), "tn": int((~g & ~p).sum())}


def pr_fraction(tp, fp, fn):
    P = Fraction(1) if fp == 0 else Fraction(tp, tp + fp)
    R = Fraction(1) if fn == 0 else Fraction(tp, tp + fn)
    F = 2 * P * R / (P + R) if P + R > 0 else Fraction(0)
    return float(P), float(R), float(F)


class Diff:
    def __init__(self):
        self.max = {}
        self.count = 0
        self.degenerate = 0
        self.conditioned = 0
        self.conditioned_max = 0.0
        self.conditioned_ratio = 0.0
        self.conditioned_over = 0

    def add(self, key, port, ref, tol=TOLERANCE):
        self.count += 1
        if (isinstance(port, float) and math.isnan(port)) or (isinstance(ref, float) and math.isnan(ref)):
            if not (math.isnan(port) and math.isnan(ref)):
                raise SystemExit(f"verification failed: {key}: port {port!r}, independent {ref!r}")
            d = 0.0
        else:
            d = abs(port - ref)
        if d > tol:
            raise SystemExit(f"verification failed: {key}: port {port!r}, independent {ref!r} (|d| = {d:g})")
        if tol > TOLERANCE:
            self.conditioned += 1
            self.conditioned_max = max(self.conditioned_max, d)
            self.conditioned_ratio = max(self.conditioned_ratio, d / tol)
            if d > TOLERANCE:
                self.conditioned_over += 1
        else:
            self.max[key.split(":")[0]] = max(self.max.get(key.split(":")[0], 0.0), d)


def check_watershed(cell, thinned, stats):
    """Properties of the port's thinned labels (not a second watershed)."""
    stats["maps"] += 1
    if not cell.any():
        assert (thinned == 1).all(), "no cell pixel: the whole image should be label 1"
        return
    basins = ndimage.label(cell.T)[0].T                      # column-major numbering
    assert (thinned[cell] == basins[cell]).all(), "basins are not the column-major cell components"
    from skimage.measure import label as sk_label
    regions = sk_label(thinned, background=0, connectivity=1)
    assert regions.max() == basins.max(), "a label's region is not one 4-connected piece"
    for a, b in ((thinned[:, :-1], thinned[:, 1:]), (thinned[:-1, :], thinned[1:, :])):
        assert not ((a > 0) & (b > 0) & (a != b)).any(), "two 4-adjacent pixels with different labels"
    stats["dam_pixels"] += int(((thinned == 0) & ~cell).sum())
    stats["border_pixels"] += int((~cell).sum())


def independent_values(gt, prob, t, thinned):
    """Every independent per-slice quantity at threshold t (thinned = the port's thinned labels)."""
    out = {}
    for key, thin in (("vrand", None), ("vrand_thinning", thinned)):
        ref = independent_slice(gt, prob, t, thin)
        out[key] = ref
    out["pixel"] = independent_pixel(gt, prob, t)
    return out


def compare(name, per_slice_port, refs, stack_port, diff):
    """The port's per-slice and stack values against the independent ones (stack rules applied to
    the exact per-slice quantities: pooled integer counts, or the mean of per-slice F)."""
    n_slices = len(per_slice_port)
    for k in range(len(THRESHOLDS)):
        pooled = {"vrand": [0, 0, 0, False], "vrand_thinning": [0, 0, 0, False]}
        pix = [0, 0, 0]
        macro = {"vrand_thinning": 0.0, "vinfo_thinning": 0.0, "vinfo": 0.0}
        for s in range(n_slices):
            port = per_slice_port[s][k]
            for key in ("vrand", "vrand_thinning"):
                ref = refs[s][k][key]
                P, R, F = ref["rand"]
                where = f"{key}:{name}/{s}/t{k}"
                diff.add(where + "/precision", port[key]["precision"], P)
                diff.add(where + "/recall", port[key]["recall"], R)
                diff.add(where + "/fscore", port[key]["fscore"], F)
                vkey = key.replace("vrand", "vinfo")
                vf, vp, vr = ref["vinfo"]
                vwhere = f"{vkey}:{name}/{s}/t{k}"
                diff.add(vwhere + "/fscore", port[vkey]["fscore"], vf)
                if ref["vinfo_degenerate"]:
                    diff.degenerate += 1
                else:
                    diff.add(vwhere + "/precision", port[vkey]["precision"], vp, ref["vinfo_tol"][0])
                    diff.add(vwhere + "/recall", port[vkey]["recall"], vr, ref["vinfo_tol"][1])
                if ref["S_AB"] is None:
                    pooled[key][3] = True
                else:
                    pooled[key][0] += ref["S_AB"]
                    pooled[key][1] += ref["S_B"] - ref["S_AB"]
                    pooled[key][2] += ref["S_A"] - ref["S_AB"]
                if key == "vrand_thinning":
                    macro["vrand_thinning"] += F
                macro[vkey] += vf
            c = refs[s][k]["pixel"]
            P, R, F = pr_fraction(c["tp"], c["fp"], c["fn"])
            diff.add(f"pixel:{name}/{s}/t{k}/fscore", port["pixel"]["fscore"], F)
            for key2 in ("tp", "fp", "fn", "tn"):
                if port["pixel"][key2] != c[key2]:
                    raise SystemExit(f"verification failed: pixel {key2} {name}/{s}/t{k}")
            pix[0] += c["tp"]
            pix[1] += c["fp"]
            pix[2] += c["fn"]
        for key in ("vrand", "vrand_thinning"):
            tp, fp_, fn, has_nan = pooled[key]
            P, R, F = (math.nan, math.nan, 0.0) if has_nan else pr_fraction(tp, fp_, fn)
            row = stack_port[key]["per_threshold"][k]
            diff.add(f"stack_{key}:{name}/t{k}/precision", row["precision"], P)
            diff.add(f"stack_{key}:{name}/t{k}/recall", row["recall"], R)
            if key == "vrand":
                diff.add(f"stack_vrand:{name}/t{k}/fscore", row["fscore"], F)
        diff.add(f"stack_vrand_thinning:{name}/t{k}/fscore", stack_port["vrand_thinning"]["per_threshold"][k]["fscore"],
                 macro["vrand_thinning"] / n_slices)
        for key in ("vinfo_thinning", "vinfo"):
            diff.add(f"stack_{key}:{name}/t{k}/fscore", stack_port[key]["per_threshold"][k]["fscore"],
                     macro[key] / n_slices)
        P, R, F = pr_fraction(*pix)
        diff.add(f"stack_pixel:{name}/t{k}/fscore", stack_port["pixel"]["per_threshold"][k]["fscore"], F)


# --- evaluation and JSON shaping -------------------------------------------------------------------------

def columns(rows, keys):
    return {k: [row[k] for row in rows] for k in keys}


def shape_stack(stack, per_slice_single=None):
    """Fiji's stack-level values: per metric the maximum, its threshold and per-threshold columns."""
    out = {}
    for key, stat in stack.items():
        rows = stat["per_threshold"]
        keys = sorted(rows[0].keys())
        if per_slice_single is not None and key.startswith("vinfo"):
            rows = [dict(row, **{k: v for k, v in per_slice_single[i][key].items() if k != "fscore"})
                    for i, row in enumerate(rows)]
            keys = sorted(rows[0].keys())
        entry = {"max_fscore": stat["max_fscore"], "threshold": stat["threshold"],
                 "threshold_index": stat["threshold_index"], "per_threshold": columns(rows, keys)}
        if key == "pixel":
            entry["pixel_error"] = stat["pixel_error"]
        out[key] = entry
    return out


def evaluate(name, gts_u8, preds_u8, slice_names, diff, ws_stats):
    """Fiji's values through the port (label images made once per slice and threshold, shared with
    the independent check), the stack aggregation, the checks, and scikit-image per slice."""
    gts = [as_fiji_gt(g) for g in gts_u8]
    probs = [as_fiji_proposal(p) for p in preds_u8]
    per_slice, refs = [], []
    for gt, prob in zip(gts, probs):
        row, ref_row = [], []
        for t in THRESHOLDS:
            comps = fp.slice_components(gt, prob, t)
            row.append(fp.slice_scores(gt, prob, t, comps))
            check_watershed(fp.binarize(prob, t), comps[2], ws_stats)
            for lab, mask in ((comps[0], fp.binarize(gt, t)), (comps[1], fp.binarize(prob, t))):
                if not (lab == ndimage.label(mask)[0]).all():   # FindConnectedRegions numbers in raster order
                    raise SystemExit(f"verification failed: {name}: components differ from scipy.ndimage.label")
                ws_stats["component_maps"] += 1
            ref_row.append(independent_values(gt, prob, t, comps[2]))
        per_slice.append(row)
        refs.append(ref_row)
    stack = fp.aggregate_stack(per_slice, THRESHOLDS)
    compare(name, per_slice, refs, stack, diff)
    slices = []
    for s, sname in enumerate(slice_names):
        single = fp.aggregate_stack([per_slice[s]], THRESHOLDS)
        slices.append({"name": sname, "fiji": shape_stack(single, per_slice[s]),
                       "skimage": skimage_values(gts_u8[s], preds_u8[s])})
    entry = {"slices": list(slice_names), "fiji": shape_stack(stack), "slice_results": slices}
    return entry, {"stack": stack, "per_slice": per_slice}


def clean(v):
    if isinstance(v, dict):
        return {k: clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [clean(x) for x in v]
    if isinstance(v, (np.floating, float)):
        v = float(v)
        return None if (math.isnan(v) or math.isinf(v)) else v
    if isinstance(v, np.integer):
        return int(v)
    return v


PURE_PYTHON_SNIPPET = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import numpy as np
import fiji_port as fp
import generate as g
req = json.load(sys.stdin)
out = {}
for name, files in req.items():
    gts = [g.as_fiji_gt(g.read_png8(a)) for a, _ in files]
    probs = [g.as_fiji_proposal(g.read_png8(b)) for _, b in files]
    stack, per_slice = fp.evaluate_stack(gts, probs, g.THRESHOLDS)
    out[name] = {"stack": stack, "per_slice": per_slice}
json.dump(out, sys.stdout, sort_keys=True)
"""


def pure_python_check(files_by_case, compiled):
    """Re-runs the port on the hand-made cases with numba switched off and compares every value's
    bits with the compiled run."""
    env = dict(os.environ, NUMBA_DISABLE_JIT="1", PYTHONDONTWRITEBYTECODE="1")
    res = subprocess.run([sys.executable, "-c", PURE_PYTHON_SNIPPET, HERE], input=json.dumps(files_by_case),
                         capture_output=True, text=True, env=env, check=True)
    pure = json.loads(res.stdout)
    mine = json.loads(json.dumps(compiled, sort_keys=True))
    if pure != mine:
        # json turns NaN into NaN tokens on both sides; a plain inequality is a real difference
        def walk(a, b, path):
            if isinstance(a, dict):
                for k in a:
                    walk(a[k], b[k], path + "/" + k)
            elif isinstance(a, list):
                for i, (x, y) in enumerate(zip(a, b)):
                    walk(x, y, f"{path}[{i}]")
            elif a != b and not (isinstance(a, float) and math.isnan(a) and math.isnan(b)):
                raise SystemExit(f"pure-Python port differs at {path}: {a!r} vs {b!r}")
        walk(pure, mine, "")
    n_values = len(json.dumps(mine).split(","))
    return {"cases": sorted(files_by_case), "values_compared": n_values, "bit_identical": True}


def notes_table(isbi):
    from skimage.measure import label as sk_label
    from skimage.metrics import adapted_rand_error
    rows = []
    for s, t, sk_note, fiji_note in NOTES_TABLE:
        gt = read_png8(os.path.join(isbi, "label", f"{s}.png"))
        im = read_png8(os.path.join(isbi, "image", f"{s}.png"))
        true = ndimage.label(gt > 128)[0]
        test = sk_label(im / 255.0 > t, connectivity=1)
        are = adapted_rand_error(true, test, ignore_labels=(0,))[0]
        scores = fp.slice_scores(as_fiji_gt(gt), as_fiji_proposal(im), t)
        sk = 1.0 - float(are)
        fiji = scores["vrand"]["fscore"]
        rows.append({"slice": s, "threshold": t, "skimage_1_minus_are": sk, "fiji_vrand_no_thinning": fiji,
                     "notes_skimage": sk_note, "notes_fiji": fiji_note,
                     "match_4_decimals": round(sk, 4) == sk_note and round(fiji, 4) == fiji_note})
    if not all(r["match_4_decimals"] for r in rows):
        raise SystemExit(f"notes table not reproduced: {rows}")
    return rows


def threshold_table():
    """For 8-bit probability maps read as float32(v)/255: the smallest v counted as cell (> t), the
    v that count only because of float32 rounding (v/255 == t exactly), and those a float64
    v/255.0 > t would not count."""
    rows = []
    for t in THRESHOLDS:
        v = np.arange(256)
        above = (v.astype(np.float32) / np.float32(255)).astype(np.float64) > t
        exact = np.array([Fraction(int(x), 255) > Fraction(t) for x in v])
        as64 = v / 255.0 > t
        rows.append({"threshold": t, "cell_if_v_at_least": int(v[above][0]) if above.any() else None,
                     "v_above_only_as_float32": [int(x) for x in v[above & ~exact]],
                     "v_above_as_float32_not_as_float64": [int(x) for x in v[above & ~as64]]})
    return rows


def main():
    t_start = time.time()
    cases = make_cases()
    stems = write_cases(cases)
    diff = Diff()
    ws_stats = {"maps": 0, "dam_pixels": 0, "border_pixels": 0, "component_maps": 0}
    rel = lambda p: os.path.relpath(p, REPO)  # noqa: E731
    case_info, edge, compiled, files = {}, {}, {}, {}
    for name in sorted(cases):
        desc, kind, _ = cases[name]
        names = stems[name]
        gpaths = [os.path.join(HERE, "gt", s + ".png") for s in names]
        ppaths = [os.path.join(HERE, "pred", s + ".png") for s in names]
        gts = [read_png8(p) for p in gpaths]
        preds = [read_png8(p) for p in ppaths]
        case_info[name] = {"description": desc, "proposal": kind, "size": list(gts[0].shape),
                           "gt": [rel(p) for p in gpaths], "pred": [rel(p) for p in ppaths]}
        edge[name], compiled[name] = evaluate(name, gts, preds, names, diff, ws_stats)
        files[name] = list(zip(gpaths, ppaths))
    t_edge = time.time()
    pure = pure_python_check(files, compiled)
    t_pure = time.time()
    models = {"edge": {"order": sorted(cases), "cases": edge}}
    isbi = os.path.join(SHARED, "isbi2012", "train")
    notes = None
    if os.path.isdir(isbi):
        order = [str(k) for k in range(30)]
        gts = [read_png8(os.path.join(isbi, "label", f"{k}.png")) for k in order]
        ims = [read_png8(os.path.join(isbi, "image", f"{k}.png")) for k in order]
        entry, _ = evaluate("isbi", gts, ims, order, diff, ws_stats)
        entry["gt"] = rel(os.path.join(isbi, "label")) + "/N.png"
        entry["pred"] = (rel(os.path.join(isbi, "image"))
                         + "/N.png (the EM image read as the probability of cell interior)")
        models["isbi"] = entry
        notes = notes_table(isbi)
    t_isbi = time.time()
    out = {
        "generator": {"script": "Fixtures/metrics/connectomics/generate.py",
                      "port": "Fixtures/metrics/connectomics/fiji_port.py",
                      "fiji_trainable_segmentation": fp.FIJI_COMMIT, "fiji_vib_lib": fp.VIB_LIB_COMMIT,
                      "imagej1": fp.IMAGEJ_COMMIT, "numpy": version("numpy"), "scipy": version("scipy"),
                      "numba": version("numba"), "llvmlite": version("llvmlite"),
                      "scikit-image": version("scikit-image"), "pypng": version("pypng")},
        "thresholds": THRESHOLDS,
        "threshold_table": threshold_table(),
        "inputs": {"proposal": "float32(v) / float32(255) of the 8-bit proposal (Fiji given a 32-bit float v/255 "
                               "image)",
                   "gt": "float32(v) of the 8-bit GT, raw 0/255 (Fiji given the 8-bit file)",
                   "skimage": "true = scipy.ndimage.label(gt > 128) (4-connected); test = "
                              "skimage.measure.label(v / 255.0 > 0.5, connectivity=1); ignore_labels=(0,)"},
        "cases": case_info,
        "models": models,
        "verification": {
            "tolerance": TOLERANCE,
            "independent_max_abs_difference": dict(sorted(diff.max.items())),
            "independent_values_compared": diff.count,
            "vinfo_small_entropy": {"comparisons": diff.conditioned, "over_1e-12": diff.conditioned_over,
                                    "max_abs_difference": diff.conditioned_max,
                                    "max_difference_over_bound": diff.conditioned_ratio,
                                    "note": "V_info precision/recall where 16 eps (H(A) + H(B) + H(A,B)) / H(X) "
                                            "exceeds 1e-12 are compared within that bound instead (cancellation in "
                                            "Fiji's (H(X) - H(X|Y)) / H(X) when H(X) is small); not in "
                                            "independent_max_abs_difference"},
            "vinfo_one_block_slices": {"count": diff.degenerate,
                                       "note": "slice/threshold pairs where the GT or the proposal (restricted to "
                                               "the GT foreground, singletons counted) has one block: only V_info's "
                                               "F-score is compared there; Fiji's precision/recall are rounding "
                                               "noise"},
            "pure_python_port": pure,
            "components_equal_scipy_label": {"maps": ws_stats.pop("component_maps"),
                                             "note": "the port's FindConnectedRegions label images (GT > t and "
                                                     "proposal > t) equal scipy.ndimage.label's, numbering included "
                                                     "(raster order of each component's first pixel)"},
            "thinning_properties": dict(ws_stats, checked=["basins = 4-connected components of proposal > t "
                                                           "numbered in column-major order of their first pixel",
                                                           "each label is one 4-connected region",
                                                           "no two 4-adjacent pixels carry different labels",
                                                           "no pixel above t: the whole image is label 1"]),
            "notes_table": notes,
        },
    }
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(clean(out), f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"generate.py: hand-made {t_edge - t_start:.1f} s, pure-Python check {t_pure - t_edge:.1f} s, "
          f"ISBI {t_isbi - t_pure:.1f} s; {diff.count} values checked, max |d| {max(diff.max.values()):.3g}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
