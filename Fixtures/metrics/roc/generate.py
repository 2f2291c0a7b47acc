#!/usr/bin/env python3
"""Reference values for segeval's ROC/PR family (`--metrics auc`): AUC and AP
computed by scikit-learn's roc_auc_score and average_precision_score; and the
confusion family's binary Se, Sp (counted) and MCC (scikit-learn's
matthews_corrcoef) of the maps thresholded at v/max >= 0.5.

Run from the repo root in the reference environment (requirements-reference.txt:
scikit-learn 1.9.1, numpy, opencv-python-headless, pypng):

    bash scripts/reference-env && .venv-reference/bin/python Fixtures/metrics/roc/generate.py

1. Writes hand-made pairs Fixtures/metrics/roc/{gt,pred}/NAME.png with pypng
   (values from numpy's default_rng with fixed seeds: byte-identical on re-runs).
2. Reads every pair as segeval's binary reading does: GT by cv2.imread
   GRAYSCALE, foreground = value > 128; the score is the prediction's stored
   level (8-bit through GRAYSCALE, 16-bit through IMREAD_UNCHANGED; a dataset
   mixing depths compares v8/255 with v16/65535, i.e. v8 * 257 on the 16-bit
   scale, as segeval pools them).
3. Writes Fixtures/metrics/roc/expected.json: per model, the pooled values
   (every pixel of every image in one roc_auc_score / average_precision_score
   call: segeval's default), the per-image means (--aggregate image) and each
   image's own values. roc_auc_score raises when the pixels hold one class
   only: null, and left out of the per-image mean. average_precision_score
   returns 0 (with a warning) when there is no positive pixel: kept.
   Models: the hand-made cases, the bundled cells fixtures, ISBI 2012
   (train/image as a stand-in score against train/label) and the three SOD-300
   models, the real datasets read in place from ../shared/datasets.
"""
import json
import os
import warnings
from importlib.metadata import version

import cv2
import numpy as np
import png
from sklearn.metrics import average_precision_score, matthews_corrcoef, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
SHARED = os.path.join(REPO, "..", "shared", "datasets")
warnings.filterwarnings("ignore", message="No positive class found in y_true")


def write_png(path, array, bitdepth=8):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    rows = [list(map(int, r)) for r in array]
    with open(path, "wb") as f:
        png.Writer(width=array.shape[1], height=array.shape[0], greyscale=True, bitdepth=bitdepth).write(f, rows)


def make_cases():
    """Hand-made pairs: ties, all-positive and all-negative GT, 16-bit scores, a perfect and an inverted score."""
    rng = np.random.default_rng(20261206)
    cases = {}
    h, w = 12, 20
    gt = np.zeros((h, w), np.uint8)
    gt[3:9, 5:14] = 255
    cases["ties"] = (gt, (rng.integers(0, 4, (h, w)) * 60 + (gt > 128) * 30).astype(np.uint8), 8,
                     "four score levels shared by both classes (tied thresholds)")
    cases["perfect"] = (gt, np.where(gt > 128, 200, 50).astype(np.uint8), 8, "every positive above every negative: AUC = AP = 1")
    cases["inverted"] = (gt, np.where(gt > 128, 10, 240).astype(np.uint8), 8, "every positive below every negative: AUC = 0")
    cases["all-positive"] = (np.full((h, w), 255, np.uint8), rng.integers(0, 256, (h, w)).astype(np.uint8), 8,
                             "no negative pixel: AUC undefined, AP = 1")
    cases["all-negative"] = (np.zeros((h, w), np.uint8), rng.integers(0, 256, (h, w)).astype(np.uint8), 8,
                             "no positive pixel: AUC undefined, AP = 0 (scikit-learn's convention)")
    noise = rng.normal(0, 9000, (h, w))
    cases["sixteen-bit"] = (gt, np.clip(np.where(gt > 128, 40000, 25000) + noise, 0, 65535).astype(np.uint16), 16,
                            "16-bit scores, overlapping classes")
    cases["noisy"] = (gt, np.clip(np.where(gt > 128, 150, 100) + rng.normal(0, 40, (h, w)), 0, 255).astype(np.uint8), 8,
                      "8-bit scores, overlapping classes (pooled with the 16-bit case on one scale)")
    for name, (g, p, depth, _) in cases.items():
        write_png(os.path.join(HERE, "gt", name + ".png"), g)
        write_png(os.path.join(HERE, "pred", name + ".png"), p, depth)
    return {name: c[3] for name, c in cases.items()}


def read_pair(gt_path, pred_path):
    gt = cv2.imread(gt_path, cv2.IMREAD_GRAYSCALE) > 128
    pred = cv2.imread(pred_path, cv2.IMREAD_UNCHANGED)
    if pred.ndim == 3:
        pred = cv2.imread(pred_path, cv2.IMREAD_GRAYSCALE)
    return gt.ravel(), pred.ravel()


def areas(truth, score):
    auc = float(roc_auc_score(truth, score)) if 0 < truth.sum() < truth.size else None
    return auc, float(average_precision_score(truth, score))


def binary_scores(truth, predicted):
    """Se, Sp (None when their denominator is 0) and scikit-learn's MCC of thresholded pixels."""
    tp = int(np.sum(truth & predicted)); fn = int(np.sum(truth & ~predicted))
    tn = int(np.sum(~truth & ~predicted)); fp = int(np.sum(~truth & predicted))
    return {"Se": tp / (tp + fn) if tp + fn else None, "Sp": tn / (tn + fp) if tn + fp else None,
            "MCC": float(matthews_corrcoef(truth, predicted))}


def model(pairs):
    """pairs: (key, gt path, pred path) -> pooled, per-image means, per-image values."""
    truths, scores, thresholded, per_image = [], [], [], {}
    read = [(key, *read_pair(g, p)) for key, g, p in pairs]
    sixteen = any(s.dtype == np.uint16 for _, _, s in read)
    for key, truth, score in read:
        auc, ap = areas(truth, score)
        predicted = score.astype(np.float64) / (65535 if score.dtype == np.uint16 else 255) >= 0.5
        per_image[key] = {"AUC": auc, "AP": ap, **binary_scores(truth, predicted)}
        truths.append(truth)
        scores.append(score.astype(np.int64) * (257 if sixteen and score.dtype == np.uint8 else 1))
        thresholded.append(predicted)
    auc, ap = areas(np.concatenate(truths), np.concatenate(scores))

    def mean(key):
        defined = [v[key] for v in per_image.values() if v[key] is not None]
        return float(np.mean(defined)) if defined else None
    return {
        "pooled": {"AUC": auc, "AP": ap, **binary_scores(np.concatenate(truths), np.concatenate(thresholded))},
        "image_mean": {key: mean(key) for key in ["AUC", "AP", "Se", "Sp", "MCC"]},
        "images": per_image,
    }


def folder_pairs(gt_dir, pred_dir):
    keys = sorted(os.path.splitext(f)[0] for f in os.listdir(gt_dir) if f.endswith(".png"))
    preds = {os.path.splitext(f)[0]: f for f in os.listdir(pred_dir)}
    return [(k, os.path.join(gt_dir, k + ".png"), os.path.join(pred_dir, preds[k])) for k in keys if k in preds]


def main():
    cases = make_cases()
    models = {"roc-cases": model(folder_pairs(os.path.join(HERE, "gt"), os.path.join(HERE, "pred"))),
              "cells": model(folder_pairs(os.path.join(REPO, "Fixtures/cells/label"), os.path.join(REPO, "Fixtures/cells/image")))}
    isbi = os.path.join(SHARED, "isbi2012", "train")
    if os.path.isdir(isbi):
        models["isbi"] = model(folder_pairs(os.path.join(isbi, "label"), os.path.join(isbi, "image")))
    sod = os.path.join(SHARED, "sod300")
    if os.path.isdir(sod):
        for m in ["Amulet", "DSS", "PiCANet"]:
            models["sod300-" + m] = model(folder_pairs(os.path.join(sod, "gt"), os.path.join(sod, "pred", m)))
    out = {
        "generator": {"script": "Fixtures/metrics/roc/generate.py", "scikit-learn": version("scikit-learn"),
                      "numpy": version("numpy"), "opencv-python-headless": version("opencv-python-headless"),
                      "pypng": version("pypng")},
        "cases": cases,
        "models": models,
    }
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
