#!/usr/bin/env python3
"""Reference values for SegKit's instance-segmentation metrics (issue 16):
stardist's matching (TP/FP/FN, precision, recall, accuracy, F1, mean matched
and mean true score, panoptic quality at IoU thresholds 0.5, 0.75, 0.9, per
image and over a dataset) and HoVer-Net's AJI, AJI+ and PQ.

Run from the repo root in the reference environment (requirements-reference.txt:
stardist 0.9.2 with csbdeep, numba and scikit-image; numpy, scipy, pypng; the
opencv-python-headless and matplotlib that HoVer-Net's module imports), with a
checkout of HoVer-Net, which is not on PyPI, at the pinned commit:

    git clone https://github.com/vqdang/hover_net SRC/hover_net
    git -C SRC/hover_net checkout 67e2ce5e3f1a64a2ece77ad1c24233653a9e0901
    bash scripts/reference-env && .venv-reference/bin/python Fixtures/metrics/instance/generate.py SRC

Only SRC/hover_net/metrics/stats_utils.py is used (imported as compute_stats.py
imports it; its git blob is checked, d6fd0e0). SRC defaults to ../refsrc
beside the checkout. About 2 minutes on 2 cores, most of it HoVer-Net's
per-instance masks on ISBI.

1. Writes hand-made label maps Fixtures/metrics/instance/{gt,pred}/NAME.png:
   16-bit greyscale PNGs written by pypng, 0 = background, any other value an
   object id (numpy only, default_rng with fixed seeds: byte-identical on
   re-runs). The cases are described in the JSON under `cases`.
2. Reads each pair back (pypng, uint16) and computes, per image:
   - stardist: stardist.matching.matching(gt, pred, thresh=[0.5, 0.75, 0.9],
     criterion="iou"), every field of the returned tuples. Its IoUs are
     float32 (`_safe_divide` writes into a float32 array: the float64 quotient
     rounded to float32; thresholds compare float32 >= thr), so
     mean_true_score, mean_matched_score and panoptic_quality are float32
     values; the counts are exact and precision, recall, accuracy and f1 are
     float64 ratios of the counts (its int 0 when tp = 0 is written as 0.0).
     For the hand-made cases but `many`, also report_matches=True at each
     threshold (matched_pairs in original ids: every assigned pair, even below
     the threshold; matched_tps indexes the pairs that count).
   - HoVer-Net (metrics/stats_utils.py at the commit above), on
     remap_label(x, by_size=False) of each side as its compute_stats.py does:
     get_fast_aji, get_fast_aji_plus, and get_fast_pq(match_iou=0.5) -> dq,
     sq, pq, and tp/fp/fn = the lengths of its paired/unpaired lists (and, but
     for `many`, the lists in original ids). All float64. Where a function
     raises or returns NaN/inf the value is null and `notes` holds the reason.
   - scikit-image: skimage.metrics.adapted_rand_error(gt, pred,
     ignore_labels=(0,)) -> error, precision, recall (as returned: swapped
     relative to Fiji, scikit-image#6485) and variation_of_information(gt,
     pred, ignore_labels=(0,)) -> split, merge, on the maps as read (float64).
   - Over a dataset: stardist.matching.matching_dataset(gts, preds,
     thresh=[0.5, 0.75, 0.9], by_image=False and by_image=True,
     show_progress=False), every field; the images in name order (`order`).
3. Datasets: the hand-made cases (model `edge`) and ISBI 2012 train (model
   `isbi`, read in place from ../shared/datasets/isbi2012/train, skipped when
   missing): per slice N (single-channel 8-bit PNGs), GT =
   scipy.ndimage.label(label > 128) and a stand-in prediction =
   scipy.ndimage.label(binary_erosion(image > 127, iterations=2,
   border_value=0)), both with the default 4-connected cross structure.
   Writes Fixtures/metrics/instance/expected.json (sorted keys, floats in
   shortest round-trip form).

numpy's AVX-512 kernels are switched off as in Fixtures/metrics/generate.py
(NPY_DISABLE_CPU_FEATURES, set below before numpy loads), a precaution: on an
AVX-512 machine the output was byte-identical without it too.
"""
import hashlib
import json
import math
import os
import sys
import warnings
from importlib.metadata import version

os.environ["NPY_DISABLE_CPU_FEATURES"] = ("AVX512F AVX512CD AVX512_KNL AVX512_KNM AVX512_SKX AVX512_CLX "
                                          "AVX512_CNL AVX512_ICL AVX512_SPR")
os.environ.setdefault("MPLBACKEND", "Agg")  # HoVer-Net's module imports matplotlib.pyplot

import numpy as np  # noqa: E402
import png  # noqa: E402
from scipy import ndimage  # noqa: E402
from stardist.matching import matching, matching_dataset  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
SHARED = os.path.join(REPO, "..", "shared", "datasets")
SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "..", "refsrc")
HOVER_NET = "67e2ce5e3f1a64a2ece77ad1c24233653a9e0901"
STATS_UTILS_BLOB = "d6fd0e051d936975ec0d00832d4badfba81edb63"  # git blob of metrics/stats_utils.py there

THRESHOLDS = [0.5, 0.75, 0.9]
MATCH_IOU = 0.5
CROSS = ndimage.generate_binary_structure(2, 1)


def load_hovernet():
    path = os.path.join(SRC, "hover_net", "metrics", "stats_utils.py")
    if not os.path.isfile(path):
        sys.exit(f"generate.py: {path} not found; clone hover_net at {HOVER_NET} into SRC/hover_net (see the docstring)")
    data = open(path, "rb").read()
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    if blob != STATS_UTILS_BLOB:
        sys.exit(f"generate.py: {path} is not hover_net {HOVER_NET[:7]}'s (git blob {blob}, expected {STATS_UTILS_BLOB})")
    sys.path.insert(0, os.path.join(SRC, "hover_net"))
    from metrics import stats_utils  # as hover_net's compute_stats.py imports it
    return stats_utils


HN = load_hovernet()


# --- hand-made label maps -------------------------------------------------------------------------

def write_png16(path, array):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    assert array.dtype == np.uint16
    with open(path, "wb") as f:
        png.Writer(width=array.shape[1], height=array.shape[0], greyscale=True, bitdepth=16).write(
            f, [list(map(int, r)) for r in array])


def read_png(path):
    w, h, rows, info = png.Reader(filename=path).read()
    if not info["greyscale"] or info["alpha"] or info["planes"] != 1:
        raise ValueError(f"{path}: not single-channel grey")
    return np.vstack([np.asarray(r) for r in rows]).reshape(h, w), info["bitdepth"]


def ellipse(shape, cy, cx, ry, rx):
    yy, xx = np.mgrid[:shape[0], :shape[1]]
    return ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 <= 1.0


def voronoi(shape, box, seeds, ids):
    """Labels box (y0, y1, x0, x1) by the nearest seed (integer squared distances, ties to the first)."""
    out = np.zeros(shape, np.uint16)
    y0, y1, x0, x1 = box
    yy, xx = np.mgrid[y0:y1, x0:x1]
    d = (yy[..., None] - seeds[:, 0]) ** 2 + (xx[..., None] - seeds[:, 1]) ** 2
    out[y0:y1, x0:x1] = np.asarray(ids, np.uint16)[np.argmin(d, axis=-1)]
    return out


def case_touching():
    rng = np.random.default_rng(101)
    shape = (48, 72)
    seeds = np.stack([rng.integers(10, 38, 7), rng.integers(12, 60, 7)], axis=1)
    gt = voronoi(shape, (8, 40, 10, 62), seeds, [1, 2, 3, 4, 5, 6, 7])
    moved = seeds + np.array([1, 2]) + rng.integers(-2, 3, seeds.shape)
    pred = voronoi(shape, (9, 41, 12, 64), moved, [3, 5, 1, 7, 2, 6, 4])
    return gt, pred, ("7 GT objects tiling a 32x52 block (nearest-seed partition: neighbours touch, no background "
                      "between them); prediction = the block shifted by (1, 2) px with the seeds jittered by up to "
                      "2 px, ids permuted")


def case_split():
    shape = (50, 80)
    gt = np.zeros(shape, np.uint16)
    a = ellipse(shape, 22, 25, 13, 17)
    gt[a] = 1
    gt[ellipse(shape, 38, 62, 7, 7)] = 2
    gt[5:15, 52:72] = 3
    pred = np.zeros(shape, np.uint16)
    cols = np.arange(shape[1])[None, :]
    pred[a & (cols < 29)] = 5   # the larger piece (about 63 % of A)
    pred[a & (cols > 29)] = 2   # the smaller piece; column 29 is a one-pixel cut
    pred[ellipse(shape, 38, 62, 8, 8)] = 9
    pred[6:15, 52:71] = 1
    return gt, pred, ("GT ellipse A (id 1) predicted as two pieces (ids 5 and 2, split by a one-pixel cut; the "
                      "larger matches A at 0.5 only), plus a disk predicted grown and a rectangle predicted shrunk")


def case_merged():
    shape = (44, 70)
    gt = np.zeros(shape, np.uint16)
    a = ellipse(shape, 20, 20, 10, 13)
    b = ellipse(shape, 20, 43, 7, 9)
    gt[a] = 1
    gt[b] = 2
    gt[30:38, 52:63] = 3
    pred = np.zeros(shape, np.uint16)
    pred[ndimage.binary_dilation(a | b, CROSS)] = 4
    pred[30:38, 53:64] = 1
    return gt, pred, ("two touching GT ellipses (ids 1 and 2, about 2:1 in area) predicted as one object (id 4: "
                      "their union grown by one pixel), plus a rectangle predicted shifted by 1 px")


def case_gt_empty():
    shape = (30, 45)
    pred = np.zeros(shape, np.uint16)
    pred[3:9, 4:12] = 1
    pred[14:22, 20:26] = 2
    pred[20:27, 33:42] = 3
    return np.zeros(shape, np.uint16), pred, "GT all 0, prediction with 3 objects"


def case_pred_empty():
    gt = np.zeros((30, 45), np.uint16)
    gt[3:9, 4:12] = 1
    gt[14:22, 20:26] = 2
    gt[20:27, 33:42] = 3
    return gt, np.zeros(gt.shape, np.uint16), "prediction all 0, GT with 3 objects"


def case_both_empty():
    z = np.zeros((20, 36), np.uint16)
    return z, z.copy(), "GT and prediction all 0"


def case_sparse_ids():
    shape = (40, 64)
    gt = np.zeros(shape, np.uint16)
    o = [np.zeros(shape, bool) for _ in range(4)]
    o[0][4:14, 4:16] = True
    o[1] = ellipse(shape, 10, 40, 6, 9)
    o[2][22:34, 6:18] = True
    o[3] = ellipse(shape, 28, 44, 7, 12)
    for m, i in zip(o, [7, 300, 4000, 65000]):
        gt[m] = i
    pred = np.zeros(shape, np.uint16)
    pred[5:15, 5:17] = 4000                                   # object 7, shifted by (1, 1)
    pred[ndimage.binary_erosion(o[1], CROSS)] = 65535          # object 300, eroded
    pred[o[2]] = 7                                            # object 4000, exact
    pred[ndimage.binary_dilation(o[3], CROSS) & (pred == 0)] = 1  # object 65000, grown
    pred[34:38, 58:62] = 300                                  # spurious
    return gt, pred, ("non-consecutive ids: GT 7, 300, 4000, 65000; prediction 4000 (GT 7 shifted), 65535 (GT 300 "
                      "eroded), 7 (GT 4000 exact), 1 (GT 65000 grown), 300 (spurious): equal ids never mean a match")


def case_many():
    rng = np.random.default_rng(8)
    shape = (300, 500)
    ch, cw = 6, 8
    objects = []
    for r in range(shape[0] // ch):
        for c in range(shape[1] // cw):
            if rng.random() < 0.03:
                continue
            h, w = int(rng.integers(2, 7)), int(rng.integers(2, 9))
            y, x = r * ch + int(rng.integers(0, ch - h + 1)), c * cw + int(rng.integers(0, cw - w + 1))
            m = np.ones((h, w), bool)
            if h >= 3 and w >= 3 and rng.random() < 0.5:
                m[0, 0] = m[0, -1] = m[-1, 0] = m[-1, -1] = False
            ys, xs = np.nonzero(m)
            objects.append((ys + y, xs + x, r))
    gt = np.zeros(shape, np.uint16)
    gt_ids = rng.permutation(len(objects)) + 1
    for (ys, xs, _), i in zip(objects, gt_ids):
        gt[ys, xs] = i

    def local(ys, xs, pad=2):
        y0, x0 = ys.min() - pad, xs.min() - pad
        m = np.zeros((ys.max() - y0 + pad + 1, xs.max() - x0 + pad + 1), bool)
        m[ys - y0, xs - x0] = True
        return m, y0, x0

    pieces = []
    k = 0
    while k < len(objects):
        ys, xs, row = objects[k]
        u = rng.random()
        if u < 0.05:        # dropped
            k += 1
            continue
        if u < 0.09 and k + 1 < len(objects) and objects[k + 1][2] == row:   # merged with the next in the row
            ys2, xs2, _ = objects[k + 1]
            lo, hi = sorted((max(ys.min(), ys2.min()), min(ys.max(), ys2.max())))   # rows both span (or between)
            by, bx = np.mgrid[lo:hi + 1, xs.max() + 1:xs2.min()]
            ys = np.concatenate([ys, ys2, by.ravel()])
            xs = np.concatenate([xs, xs2, bx.ravel()])
            k += 2
        elif u < 0.30:      # shifted
            dy, dx = rng.integers(-1, 2, 2)
            ys, xs = ys + dy, xs + dx
            k += 1
        elif u < 0.50:      # eroded (kept when nothing would remain)
            m, y0, x0 = local(ys, xs)
            e = ndimage.binary_erosion(m, CROSS)
            if e.any():
                ey, ex = np.nonzero(e)
                ys, xs = ey + y0, ex + x0
            k += 1
        elif u < 0.70:      # grown
            m, y0, x0 = local(ys, xs)
            gy, gx = np.nonzero(ndimage.binary_dilation(m, CROSS))
            ys, xs = gy + y0, gx + x0
            k += 1
        else:               # unchanged
            k += 1
        keep = (ys >= 0) & (ys < shape[0]) & (xs >= 0) & (xs < shape[1])
        pieces.append((ys[keep], xs[keep]))
    for _ in range(150):    # spurious objects, on background only
        h, w = int(rng.integers(2, 4)), int(rng.integers(2, 4))
        y, x = int(rng.integers(0, shape[0] - h)), int(rng.integers(0, shape[1] - w))
        pieces.append((np.repeat(np.arange(y, y + h), w), np.tile(np.arange(x, x + w), h)))
    pred = np.zeros(shape, np.uint16)
    pred_ids = rng.choice(65535, size=len(pieces), replace=False) + 1
    n_spurious = 150
    for j, ((ys, xs), i) in enumerate(zip(pieces, pred_ids)):
        if j >= len(pieces) - n_spurious and pred[ys, xs].any():
            continue
        pred[ys, xs] = i    # later pieces overwrite earlier ones
    return gt, pred, (f"{len(objects)} small GT objects (one per 6x8 cell, 3 % of cells empty, neighbours may touch; "
                      "ids a random permutation of 1...N); prediction: per object 5 % dropped, 4 % merged with the "
                      "next object in the row, 21 % shifted by up to 1 px, 20 % eroded, 20 % grown (later objects "
                      "overwrite earlier ones), the rest unchanged, plus up to 150 spurious 2-3 px blobs on "
                      "background; prediction ids random in 1...65535")


def case_ties():
    shape = (36, 44)
    gt = np.zeros(shape, np.uint16)
    pred = np.zeros(shape, np.uint16)
    # (a) GT A, two predictions of exactly half of it each: IoU 0.5 and 0.5
    gt[3:5, 3:13] = 1
    pred[3:5, 3:8] = 1
    pred[3:5, 8:13] = 2
    # (b) one prediction covering two touching equal GTs: IoU 0.5 and 0.5
    gt[8:10, 3:8] = 2
    gt[8:10, 8:13] = 3
    pred[8:10, 3:13] = 3
    # (c) AJI's argmax tie: D (id 5) overlaps P3 (id 7) and P4 (id 5) with IoU 10/26 each; G1 (id 4)
    #     picks P5 (id 4), G2 (id 6) picks P4, so D's choice decides whether P3 is left unpaired
    gt[14:16, 3:13] = 4      # G1, 20 px
    gt[14:16, 13:23] = 5     # D, 20 px
    gt[14:16, 23:27] = 6     # G2, 8 px
    pred[14:16, 3:10] = 4    # P5: 14 px of G1 (IoU 0.7)
    pred[14:16, 10:18] = 7   # P3: 6 px of G1 + 10 px of D
    pred[14:16, 18:26] = 5   # P4: 10 px of D + 6 px of G2
    # (d) GT E (30 px) against P6 (12 px inside) and P7 (14 px inside + 5 outside): IoU 12/30 = 14/35 = 0.4
    gt[20:25, 3:9] = 7
    pred[20:22, 3:9] = 6
    pred[22:24, 3:9] = 8
    pred[24, 3:5] = 8
    pred[25, 3:8] = 8
    # (e) one prediction R (10 px) over GT F (10 px) and GT G (20 px): IoU 4/16 = 6/24 = 0.25
    gt[30:32, 3:8] = 8       # F
    gt[30:34, 8:13] = 9      # G
    pred[30:32, 6:11] = 9    # R: 4 px of F, 6 px of G

    def iou(g, p):
        a, b = gt == g, pred == p
        return (a & b).sum() / (a | b).sum()
    assert iou(1, 1) == iou(1, 2) == 0.5 and iou(2, 3) == iou(3, 3) == 0.5
    assert iou(5, 7) == iou(5, 5) == 10 / 26 and iou(4, 4) == 0.7 and iou(6, 5) == 1 / 3
    assert iou(7, 6) == iou(7, 8) == 0.4 and iou(8, 9) == iou(9, 9) == 0.25
    return gt, pred, ("exact IoU ties: (a) GT 1 covered half by pred 1 and half by pred 2 (IoU 0.5 each); (b) pred 3 "
                      "= GT 2 + GT 3 (IoU 0.5 each); (c) GT 5 overlapped by pred 7 and pred 5 with IoU 10/26 each, "
                      "pred 5 also the best of GT 6 and GT 4 matched to pred 4, so AJI's pick for GT 5 decides "
                      "whether pred 7 is unpaired; (d) GT 7 vs pred 6 (12/30) and pred 8 (14/35), IoU 0.4 each but "
                      "different unions (HoVer-Net's 1e-6 in the denominator breaks this tie); (e) pred 9 over GT 8 "
                      "(4/16) and GT 9 (6/24), IoU 0.25 each")


def case_low_iou():
    shape = (130, 230)
    gt = np.zeros(shape, np.uint16)
    pred = np.zeros(shape, np.uint16)
    pairs = []
    k = 0
    for r, t in enumerate(THRESHOLDS):
        for c in range(4):
            y0, x0 = 5 + 40 * r, 3 + 56 * c
            k += 1
            if c < 3:   # prediction = the first N pixels (row-major) of a 20x50 GT rectangle: IoU N/1000
                n = round(1000 * t) - 1 + c
                gt[y0:y0 + 20, x0:x0 + 50] = k
                block = np.zeros(1000, np.uint16)
                block[:n] = 13 - k
                pred[y0:y0 + 20, x0:x0 + 50] = block.reshape(20, 50)
                pairs.append(f"{n}/1000")
            else:       # 10 rows, width w, shifted by d columns: IoU (w - d)/(w + d) = t exactly
                w, d = {0.5: (30, 10), 0.75: (28, 4), 0.9: (38, 2)}[t]
                gt[y0:y0 + 10, x0:x0 + w] = k
                pred[y0:y0 + 10, x0 + d:x0 + d + w] = 13 - k
                pairs.append(f"{w - d}/{w + d}")
    return gt, pred, ("12 GT/prediction pairs (GT ids 1...12 row-major, prediction id 13 - GT id) with IoU "
                      + ", ".join(pairs) + ": just below, at and just above 0.5, 0.75 and 0.9 (prediction inside "
                      "the GT) and exactly at each by a shifted rectangle")


CASES = {"touching": case_touching, "split": case_split, "merged": case_merged, "gt-empty": case_gt_empty,
         "pred-empty": case_pred_empty, "both-empty": case_both_empty, "sparse-ids": case_sparse_ids,
         "many": case_many, "ties": case_ties, "low-iou": case_low_iou}
NO_MATCH_LISTS = {"many"}   # too long to be useful in the JSON


def make_cases():
    cases = {}
    for name, make in CASES.items():
        gt, pred, what = make()
        assert gt.shape == pred.shape and gt.shape[0] != gt.shape[1]
        cases[name] = what
        write_png16(os.path.join(HERE, "gt", name + ".png"), gt)
        write_png16(os.path.join(HERE, "pred", name + ".png"), pred)
    return cases


# --- reference values ---------------------------------------------------------------------------

COUNTS = {"tp", "fp", "fn", "n_true", "n_pred"}


def clean(key, v, notes, where):
    if isinstance(v, str) or v is None:
        return v
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if key in COUNTS:
        assert float(v) == int(v)
        return int(v)
    v = float(v)
    if math.isnan(v) or math.isinf(v):
        notes[where] = f"returned {v}"
        return None
    return v


def stardist_image(gt, pred, notes, report):
    out = {}
    res = matching(gt, pred, thresh=THRESHOLDS, criterion="iou", report_matches=report)
    matches = {}
    for t, m in zip(THRESHOLDS, res):
        d = m._asdict()
        if report:
            matches[str(t)] = {"matched_pairs": [list(p) for p in d.pop("matched_pairs")],
                               "matched_scores": [float(s) for s in d.pop("matched_scores")],
                               "matched_tps": list(d.pop("matched_tps"))}
        out[str(t)] = {k: clean(k, v, notes, f"stardist.{t}.{k}") for k, v in d.items()}
    return out, matches


def hovernet_image(gt, pred, notes, report):
    true = HN.remap_label(gt, by_size=False)
    pr = HN.remap_label(pred, by_size=False)
    true_ids = np.unique(gt)[1:] if gt.any() else np.zeros(0, int)
    pred_ids = np.unique(pred)[1:] if pred.any() else np.zeros(0, int)
    out = {}

    def call(name, fn, *args, **kw):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                r = fn(*args, **kw)
            except Exception as e:  # noqa: BLE001 - recorded, not hidden
                notes[f"hovernet.{name}"] = f"raises {type(e).__name__}: {e}"
                return None
        if caught:
            notes[f"hovernet.{name}.warnings"] = "; ".join(sorted({f"{w.category.__name__}: {w.message}" for w in caught}))
        return r

    for name, fn in (("aji", HN.get_fast_aji), ("aji_plus", HN.get_fast_aji_plus)):
        out[name] = clean(name, call(name, fn, true, pr), notes, f"hovernet.{name}")
    r = call("pq", HN.get_fast_pq, true, pr, match_iou=MATCH_IOU)
    pairs = None
    if r is None:
        out.update(dq=None, sq=None, pq=None, tp=None, fp=None, fn=None)
    else:
        (dq, sq, pq), (paired_true, paired_pred, unpaired_true, unpaired_pred) = r
        for k, v in (("dq", dq), ("sq", sq), ("pq", pq)):
            out[k] = clean(k, v, notes, f"hovernet.{k}")
        out.update(tp=len(paired_true), fp=len(unpaired_pred), fn=len(unpaired_true))
        back_t = lambda ids: [int(true_ids[int(i) - 1]) for i in ids]  # noqa: E731
        back_p = lambda ids: [int(pred_ids[int(i) - 1]) for i in ids]  # noqa: E731
        pairs = {"paired_true": back_t(paired_true), "paired_pred": back_p(paired_pred),
                 "unpaired_true": back_t(unpaired_true), "unpaired_pred": back_p(unpaired_pred)}
    return out, (pairs if report else None)


def skimage_image(gt, pred, notes):
    """scikit-image's adapted_rand_error and variation_of_information on the label maps as they
    are (ids need not be consecutive), GT label 0 ignored; values exactly as returned (its
    precision and recall are swapped relative to Fiji's, scikit-image#6485)."""
    from skimage.metrics import adapted_rand_error, variation_of_information
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        are, prec, rec = adapted_rand_error(gt, pred, ignore_labels=(0,))
        split, merge = variation_of_information(gt, pred, ignore_labels=(0,))
    if caught:
        notes["skimage.warnings"] = "; ".join(sorted({f"{w.category.__name__}: {w.message}" for w in caught}))
    return {"adapted_rand_error": {k: clean(k, v, notes, f"skimage.{k}") for k, v in
                                   (("error", are), ("precision", prec), ("recall", rec))},
            "variation_of_information": {k: clean(k, v, notes, f"skimage.{k}") for k, v in (("split", split), ("merge", merge))}}


def image_values(gt, pred, report):
    notes = {}
    sd, sd_matches = stardist_image(gt, pred, notes, report)
    hn, hn_pairs = hovernet_image(gt, pred, notes, report)
    out = {"n_true": sd["0.5"]["n_true"], "n_pred": sd["0.5"]["n_pred"], "stardist": sd, "hovernet": hn,
           "skimage": skimage_image(gt, pred, notes)}
    if report:
        out["matches"] = {"stardist": sd_matches, "hovernet_pq": hn_pairs}
    if notes:
        out["notes"] = notes
    return out


def dataset_values(gts, preds):
    out = {}
    for by_image in (False, True):
        res = matching_dataset(gts, preds, thresh=THRESHOLDS, criterion="iou", by_image=by_image, show_progress=False)
        notes = {}
        out["by_image_" + str(by_image).lower()] = {
            str(t): {k: clean(k, v, notes, f"{t}.{k}") for k, v in m._asdict().items()} for t, m in zip(THRESHOLDS, res)}
        assert not notes, notes
    return out


def model(names, load, gt_desc, pred_desc, report=True):
    images, gts, preds = {}, [], []
    for name in names:
        gt, pred = load(name)
        gts.append(gt)
        preds.append(pred)
        images[name] = image_values(gt, pred, report and name not in NO_MATCH_LISTS)
    return {"gt": gt_desc, "pred": pred_desc, "order": list(names), "images": images,
            "dataset": dataset_values(gts, preds)}


def load_case(name):
    gt, depth_g = read_png(os.path.join(HERE, "gt", name + ".png"))
    pred, depth_p = read_png(os.path.join(HERE, "pred", name + ".png"))
    assert depth_g == depth_p == 16
    return gt.astype(np.uint16), pred.astype(np.uint16)


def isbi_loader(root):
    def load(name):
        label, d1 = read_png(os.path.join(root, "label", name + ".png"))
        image, d2 = read_png(os.path.join(root, "image", name + ".png"))
        assert d1 == d2 == 8 and label.shape == image.shape
        gt, _ = ndimage.label(label > 128)
        pred, _ = ndimage.label(ndimage.binary_erosion(image > 127, structure=CROSS, iterations=2, border_value=0))
        return gt, pred
    return load


def main():
    cases = make_cases()
    rel = lambda p: os.path.relpath(p, REPO)  # noqa: E731
    models = {"edge": model(sorted(cases), load_case, rel(os.path.join(HERE, "gt")), rel(os.path.join(HERE, "pred")))}
    isbi = os.path.join(SHARED, "isbi2012", "train")
    if os.path.isdir(isbi):
        names = sorted(os.path.splitext(f)[0] for f in os.listdir(os.path.join(isbi, "label")) if f.endswith(".png"))
        models["isbi"] = model(names, isbi_loader(isbi),
                               rel(os.path.join(isbi, "label")) + "/N.png: scipy.ndimage.label(label > 128)",
                               rel(os.path.join(isbi, "image")) + "/N.png: scipy.ndimage.label(scipy.ndimage.binary_erosion("
                               "image > 127, iterations=2, border_value=0))",
                               report=False)
    out = {
        "generator": {"script": "Fixtures/metrics/instance/generate.py", "stardist": version("stardist"),
                      "csbdeep": version("csbdeep"), "numba": version("numba"), "numpy": version("numpy"),
                      "scipy": version("scipy"), "scikit-image": version("scikit-image"), "pypng": version("pypng"),
                      "hover_net": HOVER_NET, "hover_net_stats_utils_blob": STATS_UTILS_BLOB},
        "options": {"thresholds": THRESHOLDS, "criterion": "iou", "hovernet_match_iou": MATCH_IOU,
                    "hovernet_remap_by_size": False, "structure": "4-connected cross (scipy default)"},
        "float32": {"stardist": ["mean_true_score", "mean_matched_score", "panoptic_quality", "matched_scores"],
                    "note": "stardist's IoUs are float32 (the float64 quotient rounded to float32) and so are the sums "
                            "and means made from them, in matching and in matching_dataset; compare these to 1e-6. "
                            "Every other value is exact or float64."},
        "cases": cases,
        "models": models,
    }
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
