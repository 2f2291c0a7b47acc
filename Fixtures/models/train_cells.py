#!/usr/bin/env python3
"""Trains the demo U-Net on synthetic EM-like cells and writes
Fixtures/models/cells-unet.safetensors (F16 weights, safetensors metadata for segpredict).

Training data: fresh images from Fixtures/generate.py's synthetic_cell, drawn with a
different seed from the 20 committed Fixtures/cells pairs, which are only used for the
evaluation printed at the end (computed from the stored F16 weights).

Model: UNet(n_channels=1, n_classes=1, bilinear=True, base=8) from reference_models.py;
input = pixels / 255; output = one logit per pixel, sigmoid > 0.5 = cell interior (255).

Run from the repo root (deterministic for a given seed and thread count):
    /work/venv-segkit/bin/python Fixtures/models/train_cells.py
"""
import argparse
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from safetensors.torch import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, FIXTURES)
from generate import synthetic_cell  # noqa: E402
from reference_models import UNet  # noqa: E402

METADATA = {
    "arch": "unet",
    "scale": "0.00392156862745098",
    "in_channels": "1",
    "activation": "sigmoid",
    "threshold": "0.5",
    "trained_on": "synthetic cells, Fixtures/models/train_cells.py",
}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def make_model():
    return UNet(n_channels=1, n_classes=1, bilinear=True, base=8)


def save_f16(model, path):
    tensors = {}
    for k, v in model.state_dict().items():
        v = v.detach().cpu()
        tensors[k] = (v.half() if v.is_floating_point() else v).contiguous()
    save_file(tensors, path, metadata=METADATA)
    canonical_header(path)


def canonical_header(path):
    """safetensors writes __metadata__ in hash-map order, so re-runs differ byte-wise; rewrite the
    header (same length) with metadata keys sorted and tensors in data-offset order."""
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", None)
    tensors = sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0])
    out = ({"__metadata__": dict(sorted(meta.items()))} if meta else {}) | dict(tensors)
    text = json.dumps(out, separators=(",", ":")).encode()
    assert len(text) <= n, (path, len(text), n)
    open(path, "wb").write(raw[:8] + text + b" " * (n - len(text)) + raw[8 + n:])


def load_f32(path):
    model = make_model()
    sd = {k: (v.float() if v.is_floating_point() else v) for k, v in load_file(path).items()}
    model.load_state_dict(sd, strict=True)
    return model.eval()


def batch(images, labels, rng, n):
    """n random crops (side 128..256, multiple of 16, same side within a batch), random flips/transposes."""
    side = int(rng.integers(8, 17)) * 16
    xs, ys = [], []
    for _ in range(n):
        i = int(rng.integers(len(images)))
        y0 = int(rng.integers(0, 256 - side + 1))
        x0 = int(rng.integers(0, 256 - side + 1))
        im = images[i, y0:y0 + side, x0:x0 + side]
        lb = labels[i, y0:y0 + side, x0:x0 + side]
        if rng.random() < 0.5:
            im, lb = im[:, ::-1], lb[:, ::-1]
        if rng.random() < 0.5:
            im, lb = im[::-1], lb[::-1]
        if rng.random() < 0.5:
            im, lb = im.T, lb.T
        xs.append(im)
        ys.append(lb)
    x = torch.from_numpy(np.stack(xs).astype(np.float32) / 255.0)[:, None]
    y = torch.from_numpy((np.stack(ys) == 255).astype(np.float32))[:, None]
    return x, y


def evaluate(model, folder):
    """Pixel accuracy and foreground (255) IoU over the committed Fixtures/cells pairs, in numpy."""
    names = sorted(os.listdir(os.path.join(folder, "image")), key=lambda s: int(s.split(".")[0]))
    tp = fp = fn = correct = total = 0
    with torch.no_grad():
        for name in names:
            img = np.asarray(Image.open(os.path.join(folder, "image", name)))
            gt = np.asarray(Image.open(os.path.join(folder, "label", name))) == 255
            p = torch.sigmoid(model(torch.from_numpy(img.astype(np.float32) / 255.0)[None, None]))[0, 0].numpy()
            pred = p > 0.5
            tp += int((pred & gt).sum())
            fp += int((pred & ~gt).sum())
            fn += int((~pred & gt).sum())
            correct += int((pred == gt).sum())
            total += gt.size
    return correct / total, tp / (tp + fp + fn), len(names)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=600, help="optimiser steps (default 600)")
    ap.add_argument("--seed", type=int, default=7, help="seed for data, init and crops (default 7; 2012 is the committed fixtures' seed and is refused)")
    ap.add_argument("--images", type=int, default=300, help="synthetic training images (default 300)")
    ap.add_argument("--batch", type=int, default=8, help="crops per step (default 8)")
    ap.add_argument("--lr", type=float, default=2e-3, help="Adam learning rate, cosine-decayed (default 2e-3)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(HERE, "cells-unet.safetensors"))
    args = ap.parse_args()
    if args.seed == 2012:
        sys.exit("seed 2012 would regenerate the committed evaluation images; pick another")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    rng = np.random.default_rng(args.seed)

    t0 = time.time()
    pairs = [synthetic_cell(rng) for _ in range(args.images)]
    images = np.stack([p[0] for p in pairs])
    labels = np.stack([p[1] for p in pairs])
    log(f"{args.images} training images in {time.time() - t0:.1f}s, foreground {np.mean(labels == 255):.3f}")

    model = make_model()
    log(f"parameters: {sum(p.numel() for p in model.parameters())}")
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.steps)
    model.train()
    t0 = time.time()
    running = 0.0
    for step in range(1, args.steps + 1):
        x, y = batch(images, labels, rng, args.batch)
        logits = model(x)
        loss = F.binary_cross_entropy_with_logits(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        running += loss.item()
        if step % 50 == 0 or step == args.steps:
            log(f"step {step}/{args.steps} loss {running / (50 if step % 50 == 0 else step % 50):.4f} {time.time() - t0:.0f}s")
            running = 0.0
    train_seconds = time.time() - t0

    save_f16(model, args.out)
    acc, iou, n = evaluate(load_f32(args.out), os.path.join(FIXTURES, "cells"))
    log(f"training {train_seconds:.0f}s; wrote {args.out} ({os.path.getsize(args.out)} bytes)")
    log(f"stored F16 weights on the {n} Fixtures/cells pairs: pixel accuracy {acc:.4f}, foreground IoU {iou:.4f}")


if __name__ == "__main__":
    main()
