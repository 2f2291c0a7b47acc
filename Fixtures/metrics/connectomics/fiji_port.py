"""NumPy/Numba port of the ISBI 2012 EM challenge's scores as Fiji computes them.

Ported by reading the Java (no Java is run, none is vendored here) at:

- fiji/Trainable_Segmentation 41c7083382816b8d40deffbb06c9c3eace0b1e55 (2024-09-27),
  src/main/java/trainableSegmentation/
    metrics/RandError.java               V_rand (foreground-restricted Rand, "N^2" normalisation)
    metrics/VariationOfInformation.java  V_info (foreground-restricted information-theoretic score)
    metrics/PixelError.java              pixel error (1 - maximal F-score of pixel similarity)
    metrics/ClassificationStatistics.java, InformationStatistics.java, Metrics.java
    utils/WatershedTransform2D.java, Neighborhood2DC4.java, PixelRecord.java, Cursor2D.java
    utils/Utils.java                     connectedComponents() -> VIB-lib FindConnectedRegions
- fiji/VIB-lib 04a351db5566244fb1d61d3bd14bbc478304e44d, src/main/java/util/FindConnectedRegions.java
- imagej/ImageJ (ImageJ 1) 5b0b8f776a2b3764372fa5e9e26c23f811d11bc2, ij/process/ByteProcessor.java
  (display range min=0, max=255 from the field initialisers, L20), TypeConverter.java
  (convertByteToFloat L211-225: raw 0..255 values; convertFloatToShort L168-189), FloatProcessor.java
  (getPixelValue L395-400 returns the float pixel).

The challenge's entry points (the BeanShell script on imagej.net "Segmentation evaluation after
border thinning" and the leaderboard) are

    new RandError(gt, proposal).getMaximalVRandAfterThinning(0.0, 1.0, 0.1, true)
    new VariationOfInformation(gt, proposal).getMaximalVInfoAfterThinning(0.0, 1.0, 0.1)
    new PixelError(gt, proposal).getPixelErrorMaximalFScore(0.0, 1.0, 0.1)     (pixel error = 1 - it)

(maximum threshold 0.0 instead of 1.0 for binary proposals) and the non-thinning variants

    RandError.getForegroundRestrictedRandIndexMaximalFScore(0.0, 1.0, 0.1)
    VariationOfInformation.getForegroundRestrictedMaximalFScore(0.0, 1.0, 0.1)

Inputs here are what the Java sees after `ImageProcessor.convertToFloat()`: float32 arrays, one per
slice, indexed [y, x]. An 8-bit file is seen raw (0..255, TypeConverter.convertByteToFloat), so a
probability map must reach Fiji as 32-bit floats in [0, 1] (users write float32(v) / 255); 8-bit
0/255 ground truth is fine raw, since it is only compared with thresholds below 1.

The pixel loops are literal transliterations (same loop order, same double-precision operations in
the same order, so the same rounding) compiled with numba (no fastmath: no reassociation, no FMA);
`generate.py` checks them bit for bit against their pure-Python execution (NUMBA_DISABLE_JIT=1). Divisions
that can be 0/0 or x/0 in Java go through `_jdiv` (IEEE results, as Java gives) and logarithms
through `_jlog` (Math.log: log(0) = -Infinity).
"""
import math

import numpy as np
from numba import njit

FIJI_COMMIT = "41c7083382816b8d40deffbb06c9c3eace0b1e55"
VIB_LIB_COMMIT = "04a351db5566244fb1d61d3bd14bbc478304e44d"
IMAGEJ_COMMIT = "5b0b8f776a2b3764372fa5e9e26c23f811d11bc2"

# WatershedTransform2D.java L71-78
MASK = -2
WSHED = 0
INIT = -1
INQUEUE = -3


# --- Java arithmetic helpers -------------------------------------------------------------------------

@njit(cache=False)
def _jdiv(a, b):
    """a / b with Java (IEEE 754) semantics: x/0 = +-Infinity, 0/0 = NaN, NaN propagates."""
    if b == 0.0:
        if a == 0.0 or a != a:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


@njit(cache=False)
def _jlog(x):
    """Math.log: log(0) = -Infinity, log(negative or NaN) = NaN."""
    if x > 0.0:
        return math.log(x)
    if x == 0.0:
        return -math.inf
    return math.nan


# --- thresholds and binarisation ---------------------------------------------------------------------

def java_thresholds(min_threshold=0.0, max_threshold=1.0, step_threshold=0.1):
    """The thresholds Fiji's sweeps visit: `for (double th = min; th <= max; th += step)`
    (RandError.java L628, VariationOfInformation.java L830, L783, PixelError.java L256), accumulated
    in double: 0.0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6, 0.7, 0.7999999999999999,
    0.8999999999999999, 0.9999999999999999 for (0, 1, 0.1): 11 values, 1.0 itself is not reached.
    The sweeps reject min < 0, min > max or max > 1 (they log an error and return null)."""
    if min_threshold < 0 or min_threshold > max_threshold or max_threshold > 1:
        raise ValueError("Fiji: unvalid threshold values")
    out = []
    th = float(min_threshold)
    while th <= max_threshold:
        out.append(th)
        th += step_threshold
    return out


def binarize(image_f32, threshold):
    """`ip.getPixelValue(x, y) > binaryThreshold`: the float pixel promoted to double, strict `>`
    (e.g. RandError.java L1036-1041). float32(51/255) = 0.20000000298 > 0.2, so v = 51 counts as
    above t = 0.2 (and v = 102 above 0.4) although v/255 equals t in exact arithmetic."""
    assert image_f32.dtype == np.float32
    return image_f32.astype(np.float64) > threshold


# --- connected components: VIB-lib util/FindConnectedRegions.run ------------------------------------

@njit(cache=False)
def _find_connected_regions(mask):
    """FindConnectedRegions.run(imp, diagonal=false, imagePerRegion=false, imageAllRegions=true,
    showResults=false, mustHaveSameValue=false, startFromPointROI=false, autoSubtract=false,
    valuesOver=0, minimumPointsInRegion=1, stopAfter=-1, noUI=true) on a one-slice 8-bit image whose
    pixels are 255 where mask, else 0 (Utils.java L85-113, FindConnectedRegions.java L204-747).

    Start points are searched in raster order (y outer, x inner) from just after the previous start
    (L389-418); each region is grown with a LIFO stack over the 4 neighbours (L486-597); regions are
    numbered 1, 2, ... in the order found (L620, L641), i.e. by the raster position of their first
    pixel. The state reset after each region loops over the whole image in Java (L715-717); here it
    loops over the region's own pixels, which changes nothing but speed."""
    height, width = mask.shape
    data = np.zeros(height * width, np.int32)
    for y in range(height):
        for x in range(width):
            if mask[y, x]:
                data[y * width + x] = 255
    n = height * width
    state = np.zeros(n, np.int8)          # 0, IN_QUEUE = 1, ADDED_TO_CURRENT_REGION = 2, IN_PREVIOUS_REGION = 3
    labels = np.zeros((height, width), np.int32)
    queue = np.empty(n + 1, np.int64)
    region_pixels = np.empty(n, np.int64)
    region_number = 0
    ignore_x = 0
    ignore_y = 0
    while True:
        # L389-418: next start point
        initial = -1
        y = ignore_y
        while y < height and initial < 0:
            start_x = ignore_x if y == ignore_y else 0
            for x in range(start_x, width):
                idx = y * width + x
                if state[idx] == 3:
                    continue
                if data[idx] > 0:
                    initial = idx
                    break
            y += 1
        if initial < 0:
            break
        ignore_x = initial % width + 1      # L461-463
        ignore_y = initial // width
        points_in_queue = 0
        state[initial] = 1
        queue[points_in_queue] = initial
        points_in_queue += 1
        n_region = 0
        while points_in_queue > 0:          # L486-597
            points_in_queue -= 1
            nxt = queue[points_in_queue]
            py = nxt // width
            px = nxt % width
            state[nxt] = 2
            data[nxt] = 0
            region_pixels[n_region] = nxt
            n_region += 1
            y_min = max(0, py - 1)
            y_max = min(py + 1, height - 1)
            x_min = max(0, px - 1)
            x_max = min(px + 1, width - 1)
            for yy in range(y_min, y_max + 1):
                for xx in range(x_min, x_max + 1):
                    x_off = 1 if (xx == px - 1 or xx == px + 1) else 0
                    y_off = 1 if (yy == py - 1 or yy == py + 1) else 0
                    if x_off + y_off == 0:
                        continue
                    if x_off + y_off > 1:   # no diagonals (4-adjacency)
                        continue
                    nidx = yy * width + xx
                    if data[nidx] <= 0:
                        continue
                    if state[nidx] == 0:
                        state[nidx] = 1
                        queue[points_in_queue] = nidx
                        points_in_queue += 1
        region_number += 1
        for k in range(n_region):
            p = region_pixels[k]
            labels[p // width, p % width] = region_number
            state[p] = 3
    return labels, region_number


def connected_components(mask):
    """Utils.connectedComponents(imp, 4).allRegions as label numbers (0 = not in any region).
    allRegions is 16-bit: Java stores (short) regionNumber and the metrics read it back as
    `& 0xffff`, so up to 65535 regions survive (above that labels wrap; refused here)."""
    labels, count = _find_connected_regions(np.ascontiguousarray(mask, dtype=np.bool_))
    if count > 65535:
        raise ValueError("more than 65535 regions: Fiji's 16-bit label image would wrap")
    return labels


# --- border thinning: utils/WatershedTransform2D (connectivity 4) ----------------------------------

@njit(cache=False)
def _watershed(order_x, order_y, order_val, height, width, h_min, h_max):
    """WatershedTransform2D.apply(hMin, hMax), L165-381, on pixels listed in sorted order
    (order_* = the PixelRecord list after Collections.sort). tab[y, x] here is tabLabels[x][y].
    Neighbours in Neighborhood2DC4 order: (x-1, y), (x, y-1), (x+1, y), (x, y+1)."""
    dx = (-1, 0, 1, 0)
    dy = (0, -1, 0, 1)
    tab = np.full((height, width), INIT, np.int32)
    size = order_val.shape[0]
    current_label = 0
    flag = False
    fifo_x = np.empty(2 * size + 1, np.int32)
    fifo_y = np.empty(2 * size + 1, np.int32)
    head = 0
    tail = 0
    h = h_min                                    # L210
    current_index = 0
    while h < h_min:                             # L214-218 (never runs: h starts at hMin)
        h = order_val[current_index]
        current_index += 1
    height_index1 = current_index
    height_index2 = current_index
    while current_index < size and h <= h_max:  # L225
        h = order_val[current_index]
        # L229-264: mask the pixels at level h, queue those next to a basin or a dam
        for pixel_index in range(height_index1, size):
            if order_val[pixel_index] != h:
                height_index1 = pixel_index
                break
            i = order_x[pixel_index]
            j = order_y[pixel_index]
            tab[j, i] = MASK
            for k in range(4):
                u = i + dx[k]
                v = j + dy[k]
                if u >= 0 and u < width and v >= 0 and v < height and tab[v, u] >= WSHED:
                    fifo_x[tail] = i
                    fifo_y[tail] = j
                    tail += 1
                    tab[j, i] = INQUEUE
                    break
        # L266-311: extend the basins
        while head < tail:
            i = fifo_x[head]
            j = fifo_y[head]
            head += 1
            for k in range(4):
                u = i + dx[k]
                v = j + dy[k]
                if u >= 0 and u < width and v >= 0 and v < height:
                    if tab[v, u] > 0:
                        if tab[j, i] == INQUEUE or (tab[j, i] == WSHED and flag):
                            tab[j, i] = tab[v, u]
                        elif tab[j, i] > 0 and tab[j, i] != tab[v, u]:
                            tab[j, i] = WSHED
                            flag = False
                    elif tab[v, u] == WSHED:
                        if tab[j, i] == INQUEUE:
                            tab[j, i] = WSHED
                            flag = True
                    elif tab[v, u] == MASK:
                        tab[v, u] = INQUEUE
                        fifo_x[tail] = u
                        fifo_y[tail] = v
                        tail += 1
        # L315-357: new minima at level h
        pixel_index = height_index2
        while pixel_index < size:
            if order_val[pixel_index] != h:
                height_index2 = pixel_index
                break
            i = order_x[pixel_index]
            j = order_y[pixel_index]
            if tab[j, i] == MASK:
                current_label += 1
                fifo_x[tail] = i
                fifo_y[tail] = j
                tail += 1
                tab[j, i] = current_label
                while head < tail:
                    i2 = fifo_x[head]
                    j2 = fifo_y[head]
                    head += 1
                    for k in range(4):
                        u = i2 + dx[k]
                        v = j2 + dy[k]
                        if u >= 0 and u < width and v >= 0 and v < height and tab[v, u] == MASK:
                            fifo_x[tail] = u
                            fifo_y[tail] = v
                            tail += 1
                            tab[v, u] = current_label
            pixel_index += 1
            current_index += 1
    # L370-378: INIT -> 0; dams (WSHED) are 0 already
    out = np.zeros((height, width), np.int32)
    for y in range(height):
        for x in range(width):
            out[y, x] = 0 if tab[y, x] == INIT else tab[y, x]
    return out, current_label


def thin_proposal(cell_mask):
    """The proposal after border thinning (RandError.java L1027-1051, VariationOfInformation.java
    L1294-1314): binaryProposal = 0 where the proposal is > t (cell), 255 elsewhere (border); then
    new WatershedTransform2D(binaryProposal, 4).apply().convertToShortProcessor(false).

    apply() floods from getMin() to getMax() of the ByteProcessor, which are its display range,
    0 and 255 for a new ByteProcessor (ImageJ ByteProcessor.java L20), so every pixel is listed.
    extractPixelValues (L394-416) lists pixels x-major (x outer, y inner); Collections.sort is
    stable and PixelRecord.compareTo breaks ties by creation order, so the sorted list is: cell
    pixels column by column, then border pixels column by column.

    Result: cell components (4-connected) are the basins, numbered 1, 2, ... in column-major order
    of their first pixel; border pixels are flooded from them (FIFO, Vincent-Soille with its `flag`);
    the dams are 0. If there is no cell pixel, the border pixels are one new minimum: label 1 over
    the whole image. convertToShortProcessor(false) rounds and clamps to 0..65535 (labels are
    integers; more than 65535 basins is refused here)."""
    cell_mask = np.asarray(cell_mask, dtype=np.bool_)
    height, width = cell_mask.shape
    values = np.where(cell_mask, 0.0, 255.0)
    flat_xmajor = values.T.ravel()                     # index k -> x = k // height, y = k % height
    order = np.argsort(flat_xmajor, kind="stable")     # Collections.sort: stable
    labels, count = _watershed((order // height).astype(np.int32), (order % height).astype(np.int32),
                               flat_xmajor[order], height, width, 0.0, 255.0)
    if labels.min() < 0:
        raise AssertionError("watershed left a pixel in the queue")
    if count > 65535:
        raise ValueError("more than 65535 basins: convertToShortProcessor would clamp")
    return labels


# --- the scores on one slice ---------------------------------------------------------------------------

@njit(cache=False)
def _overlap(cluster1, cluster2):
    """Shared prologue (RandError.java L1838-1861, VariationOfInformation.java L1336-1357): n = number
    of pixels with cluster1 != 0; pij[i][j] = count of (i, j) over all pixels, then /= n."""
    n = 0.0
    n_a = 0
    n_b = 0
    rows, cols = cluster1.shape
    for y in range(rows):
        for x in range(cols):
            if cluster1[y, x] != 0:
                n += 1.0
            if cluster1[y, x] > n_a:
                n_a = cluster1[y, x]
            if cluster2[y, x] > n_b:
                n_b = cluster2[y, x]
    pij = np.zeros((n_a + 1, n_b + 1), np.float64)
    for y in range(rows):
        for x in range(cols):
            pij[cluster1[y, x], cluster2[y, x]] += 1.0
    for i in range(n_a + 1):
        for j in range(n_b + 1):
            pij[i, j] = _jdiv(pij[i, j], n)
    return pij, n


@njit(cache=False)
def _rand_n2(cluster1, cluster2):
    """RandError.getForegroundRestrictedRandIndexStatsN2(ShortProcessor, ShortProcessor), L1831-1927.
    Returns (tp, tn, fp, fn)."""
    pij, n = _overlap(cluster1, cluster2)
    la = pij.shape[0]
    lb = pij.shape[1]
    ai = np.zeros(la)
    for i in range(1, la):                 # L1866-1872
        for j in range(0, lb):
            ai[i] += pij[i, j]
    bj = np.zeros(lb)
    for j in range(1, lb):                 # L1876-1878
        for i in range(1, la):
            bj[j] += pij[i, j]
    aux = 0.0
    for i in range(1, la):                 # L1882-1886
        aux += pij[i, 0]
    sum_a2 = 0.0
    for i in range(la):                    # L1891-1892
        sum_a2 += ai[i] * ai[i]
    sum_b2 = 0.0
    for j in range(lb):                    # L1897-1899
        sum_b2 += bj[j] * bj[j]
    sum_b2 += _jdiv(aux, n)
    sum_ab2 = 0.0
    for i in range(1, la):                 # L1904-1907
        for j in range(1, lb):
            sum_ab2 += pij[i, j] * pij[i, j]
    sum_ab2 += _jdiv(aux, n)
    n2 = n * n                             # L1914-1922
    tp = n2 * sum_ab2
    fp = n2 * sum_b2 - tp
    fn = n2 * sum_a2 - tp
    tn = n2 - tp - fp - fn
    return tp, tn, fp, fn


@njit(cache=False)
def _classification_statistics(tp, tn, fp, fn):
    """ClassificationStatistics(tp, tn, fp, fn, ...) constructor, L81-113: precision = 1 when
    fp == 0, recall = 1 when fn == 0, fScore = 2PR/(P+R) only when P+R > 0 (else 0; NaN > 0 is false,
    so NaN precision/recall give fScore 0)."""
    if fp == 0.0:
        precision = 1.0
    else:
        precision = _jdiv(tp, tp + fp)
    if fn == 0.0:
        recall = 1.0
    else:
        recall = _jdiv(tp, tp + fn)
    fscore = 0.0
    if precision + recall > 0.0:
        fscore = 2.0 * precision * recall / (precision + recall)
    return precision, recall, fscore


@njit(cache=False)
def _vinfo(cluster1, cluster2):
    """VariationOfInformation.foregroundRestrictedFscore(ShortProcessor, ShortProcessor), L1329-1442.
    Returns (fscore, prec, rec, ha, hb, hab, hba) with prec/rec after the ha == 0 / hb == 0 rules."""
    pij, n = _overlap(cluster1, cluster2)
    la = pij.shape[0]
    lb = pij.shape[1]
    ai = np.zeros(la)
    for i in range(1, la):                 # L1362-1366
        for j in range(0, lb):
            ai[i] += pij[i, j]
    bj = np.zeros(lb)
    for j in range(1, lb):                 # L1372-1376
        for i in range(1, la):
            bj[j] += pij[i, j]
    aux = 0.0
    for i in range(1, la):                 # L1381-1385
        aux += pij[i, 0]
    sum_a = 0.0
    for i in range(la):                    # L1388-1392
        if ai[i] != 0.0:
            sum_a += ai[i] * _jlog(ai[i])
    sum_b = 0.0
    for j in range(lb):                    # L1395-1398
        if bj[j] != 0.0:
            sum_b += bj[j] * _jlog(bj[j])
    sum_b -= aux * _jlog(n)
    sum_ab = 0.0
    for i in range(1, la):                 # L1401-1408
        for j in range(1, lb):
            if pij[i, j] != 0.0:
                sum_ab += pij[i, j] * _jlog(pij[i, j])
    sum_ab -= aux * _jlog(n)
    ha = -sum_a                            # L1411-1417
    hb = -sum_b
    hab = sum_b - sum_ab
    hba = sum_a - sum_ab
    prec = _jdiv(ha - hab, ha)             # L1422-1438
    rec = _jdiv(hb - hba, hb)
    if ha == 0.0:
        prec = 0.0
        rec = 1.0
    if hb == 0.0:
        prec = 1.0
        rec = 0.0
    fscore = _jdiv(2.0 * prec * rec, prec + rec)   # L1441 (NaN when prec + rec == 0)
    return fscore, prec, rec, ha, hb, hab, hba


@njit(cache=False)
def _pixel_counts(label, proposal, threshold):
    """PixelError.precisionRecallStats(label, proposal, t), L511-552: pix1 = label > 0 (not > t),
    pix2 = proposal > t; counts in double, row-major over the float arrays."""
    tp = 0.0
    tn = 0.0
    fp = 0.0
    fn = 0.0
    rows, cols = label.shape
    for y in range(rows):
        for x in range(cols):
            pix1 = 1 if label[y, x] > 0 else 0
            pix2 = 1 if np.float64(proposal[y, x]) > threshold else 0
            if pix2 == 1:
                if pix1 == 1:
                    tp += 1.0
                else:
                    fp += 1.0
            else:
                if pix1 == 1:
                    fn += 1.0
                else:
                    tn += 1.0
    return tp, tn, fp, fn


def slice_components(gt_f32, prob_f32, threshold):
    """The three label images one slice needs at one threshold: GT components (label > t,
    4-connected), proposal components (proposal > t, 4-connected; 0 = not above t) and the thinned
    proposal (watershed of the inverted binary proposal; 0 = dam)."""
    gt_lab = connected_components(binarize(gt_f32, threshold))
    cell = binarize(prob_f32, threshold)
    return gt_lab, connected_components(cell), thin_proposal(cell)


def slice_scores(gt_f32, prob_f32, threshold, components=None):
    """Every per-slice quantity at one threshold, as the Java computes it for that slice."""
    gt_lab, pr_cc, pr_thin = components if components is not None else slice_components(gt_f32, prob_f32, threshold)
    out = {}
    for key, pr in (("vrand_thinning", pr_thin), ("vrand", pr_cc)):
        tp, tn, fp, fn = _rand_n2(gt_lab, pr)
        p, r, f = _classification_statistics(tp, tn, fp, fn)
        out[key] = {"tp": tp, "tn": tn, "fp": fp, "fn": fn, "precision": p, "recall": r, "fscore": f}
    for key, pr in (("vinfo_thinning", pr_thin), ("vinfo", pr_cc)):
        f, p, r, ha, hb, hab, hba = _vinfo(gt_lab, pr)
        out[key] = {"fscore": f, "precision": p, "recall": r, "h_gt": ha, "h_proposal": hb,
                    "h_gt_given_proposal": hab, "h_proposal_given_gt": hba}
    tp, tn, fp, fn = _pixel_counts(gt_f32, prob_f32, threshold)
    p, r, f = _classification_statistics(tp, tn, fp, fn)
    out["pixel"] = {"tp": tp, "tn": tn, "fp": fp, "fn": fn, "precision": p, "recall": r, "fscore": f}
    return out


# --- stacks: per-threshold aggregation over slices and the maximum over thresholds --------------------

def _best(fscores, thresholds):
    """The sweeps' `if (fScore > bestFscore)` from bestFscore = 0, bestTh = minThreshold
    (RandError.java L625-645, VariationOfInformation.java L825-847, PixelError.java L253-267), and
    getMaximal*'s `if (f > max)` from 0 (RandError L2146-2153, VariationOfInformation L721-728,
    PixelError L637-644): the first threshold reaching the maximum; NaN never wins; all <= 0 gives
    (0, minThreshold)."""
    best_f, best_i = 0.0, 0
    for i, f in enumerate(fscores):
        if f > best_f:
            best_f, best_i = f, i
    return best_f, best_i, thresholds[best_i]


def aggregate_stack(per_slice, thresholds):
    """per_slice[s][k] = slice_scores(slice s, thresholds[k]). Returns Fiji's stack-level values.

    - vrand_thinning (getForegroundRestrictedRandAfterThinningStats(th, perSliceAverage=true),
      L364-422): tp, tn, fp, fn summed over slices in order; precision/recall of the sums
      (ClassificationStatistics); fscore = sum of per-slice fScores / number of slices.
    - vrand (getForegroundRestrictedRandIndexStats(th), L301-350): tp, tn, fp, fn summed, and
      precision, recall, fscore of the sums (no per-slice average).
    - vinfo_thinning / vinfo (getForegroundRestrictedScoreAfterThinning(th) L959-1000,
      getForegroundRestrictedFscore(th) L913-949): sum of per-slice F / number of slices (no
      precision/recall at stack level in Fiji).
    - pixel (PixelError.getPrecisionRecallStats(th), L286-331): counts summed, P/R/F of the sums."""
    n_slices = len(per_slice)
    result = {}
    for key, macro in (("vrand_thinning", True), ("vrand", False), ("pixel", False)):
        rows = []
        for k in range(len(thresholds)):
            tp = tn = fp = fn = fsum = 0.0
            for s in range(n_slices):
                cs = per_slice[s][k][key]
                tp += cs["tp"]
                tn += cs["tn"]
                fp += cs["fp"]
                fn += cs["fn"]
                fsum += cs["fscore"]
            p, r, f = _classification_statistics(tp, tn, fp, fn)
            row = {"tp": tp, "tn": tn, "fp": fp, "fn": fn, "precision": p, "recall": r, "fscore": f}
            if macro:
                row["fscore_of_sums"] = f
                row["fscore"] = fsum / n_slices
            rows.append(row)
        best_f, best_i, best_t = _best([row["fscore"] for row in rows], thresholds)
        result[key] = {"per_threshold": rows, "max_fscore": best_f, "threshold_index": best_i, "threshold": best_t}
    for key in ("vinfo_thinning", "vinfo"):
        rows = []
        for k in range(len(thresholds)):
            fsum = 0.0
            for s in range(n_slices):
                fsum += per_slice[s][k][key]["fscore"]
            rows.append({"fscore": fsum / n_slices})
        best_f, best_i, best_t = _best([row["fscore"] for row in rows], thresholds)
        result[key] = {"per_threshold": rows, "max_fscore": best_f, "threshold_index": best_i, "threshold": best_t}
    result["pixel"]["pixel_error"] = 1.0 - result["pixel"]["max_fscore"]
    return result


def evaluate_stack(gts_f32, probs_f32, thresholds=None):
    """Fiji's scores for a stack (lists of same-size float32 slices). Returns (stack, per_slice)."""
    thresholds = java_thresholds() if thresholds is None else thresholds
    per_slice = [[slice_scores(g, p, t) for t in thresholds] for g, p in zip(gts_f32, probs_f32)]
    return aggregate_stack(per_slice, thresholds), per_slice

