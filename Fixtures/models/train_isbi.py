#!/usr/bin/env python3
"""Trains a small U-Net on the ISBI 2012 training set and writes
  Fixtures/models/isbi-unet.safetensors   F16 weights + safetensors metadata for segpredict
  Fixtures/models/isbi-reference/N.png    uint8 clip(rint(255 * p)) for test image N (0..29)
  Fixtures/models/isbi-reference/probe.safetensors   float32 "N" = p[::8, ::8] (64 x 64)
where p = sigmoid(model(x)) at full 512 x 512, x = pixels / 255, computed from the STORED
F16 weights converted back to float32, eval mode.

Data (referenced, never copied): ../shared/datasets/isbi2012/{train/image,train/label,test/image}/N.png
relative to the repo root. Label 255 = cell interior, 0 = membrane.

Model: UNet(1, 1, bilinear=True, base=16) from reference_models.py.

Run from the repo root (deterministic for a given seed and thread count):
    /work/venv-segkit/bin/python Fixtures/models/train_isbi.py
    /work/venv-segkit/bin/python Fixtures/models/train_isbi.py --reference-only   # predictions from the stored weights
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
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from reference_models import UNet  # noqa: E402

DATA = os.path.normpath(os.path.join(REPO, "..", "shared", "datasets", "isbi2012"))
METADATA = {
    "arch": "unet",
    "scale": "0.00392156862745098",
    "in_channels": "1",
    "activation": "sigmoid",
    "threshold": "0.5",
    "trained_on": "ISBI 2012 train, Fixtures/models/train_isbi.py",
}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def make_model():
    return UNet(n_channels=1, n_classes=1, bilinear=True, base=16)


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


def read_gray(path):
    a = np.asarray(Image.open(path))
    assert a.ndim == 2 and a.dtype == np.uint8, (path, a.shape, a.dtype)
    return a


def load_split(split, with_labels):
    folder = os.path.join(DATA, split, "image")
    names = sorted((n for n in os.listdir(folder) if n.endswith(".png")), key=lambda s: int(s[:-4]))
    images = np.stack([read_gray(os.path.join(folder, n)) for n in names])
    labels = np.stack([read_gray(os.path.join(DATA, split, "label", n)) for n in names]) if with_labels else None
    return names, images, labels


def batch(images, labels, rng, n, side):
    """n random side x side crops with random horizontal/vertical flips and 90-degree rotations."""
    h, w = images.shape[1:]
    xs, ys = [], []
    for _ in range(n):
        i = int(rng.integers(len(images)))
        y0 = int(rng.integers(0, h - side + 1))
        x0 = int(rng.integers(0, w - side + 1))
        im = images[i, y0:y0 + side, x0:x0 + side]
        lb = labels[i, y0:y0 + side, x0:x0 + side]
        k = int(rng.integers(4))
        im, lb = np.rot90(im, k), np.rot90(lb, k)
        if rng.random() < 0.5:
            im, lb = im[:, ::-1], lb[:, ::-1]
        if rng.random() < 0.5:
            im, lb = im[::-1], lb[::-1]
        xs.append(im)
        ys.append(lb)
    x = torch.from_numpy(np.stack(xs).astype(np.float32) / 255.0)[:, None]
    y = torch.from_numpy((np.stack(ys) == 255).astype(np.float32))[:, None]
    return x, y


def predict(model, img):
    """p = sigmoid(model(pixels / 255)) at full size, float32 numpy."""
    with torch.no_grad():
        x = torch.from_numpy(img.astype(np.float32) / 255.0)[None, None]
        return torch.sigmoid(model(x))[0, 0].numpy()


def scores(model, images, labels):
    tp = fp = fn = correct = total = 0
    for img, lb in zip(images, labels):
        pred = predict(model, img) > 0.5
        gt = lb == 255
        tp += int((pred & gt).sum())
        fp += int((pred & ~gt).sum())
        fn += int((~pred & gt).sum())
        correct += int((pred == gt).sum())
        total += gt.size
    return correct / total, tp / (tp + fp + fn), fp, fn


def write_reference(weights, out_dir):
    model = load_f32(weights)
    names, images, _ = load_split("test", with_labels=False)
    os.makedirs(out_dir, exist_ok=True)
    probes = {}
    for name, img in zip(names, images):
        p = predict(model, img)
        Image.fromarray(np.clip(np.rint(p * 255.0), 0, 255).astype(np.uint8)).save(os.path.join(out_dir, name), optimize=True)
        probes[name[:-4]] = torch.from_numpy(np.ascontiguousarray(p[::8, ::8], dtype=np.float32))
    save_file(probes, os.path.join(out_dir, "probe.safetensors"),
              metadata={"what": "p[::8, ::8] of sigmoid(model(test/image/N.png / 255)), float32, one tensor per image N",
                        "weights": "Fixtures/models/isbi-unet.safetensors (F16 read back as float32, eval mode)"})
    canonical_header(os.path.join(out_dir, "probe.safetensors"))
    total = sum(os.path.getsize(os.path.join(out_dir, f)) for f in os.listdir(out_dir))
    log(f"wrote {len(names)} reference PNGs + probe.safetensors to {out_dir} ({total} bytes total)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=500, help="optimiser steps (default 500)")
    ap.add_argument("--seed", type=int, default=2012, help="seed for init and crops (default 2012)")
    ap.add_argument("--batch", type=int, default=4, help="crops per step (default 4)")
    ap.add_argument("--crop", type=int, default=256, help="crop side (default 256)")
    ap.add_argument("--lr", type=float, default=2e-3, help="Adam learning rate, cosine-decayed (default 2e-3)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(HERE, "isbi-unet.safetensors"))
    ap.add_argument("--reference-dir", default=os.path.join(HERE, "isbi-reference"))
    ap.add_argument("--reference-only", action="store_true", help="skip training; rewrite the reference predictions from --out")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    rng = np.random.default_rng(args.seed)

    if not args.reference_only:
        _, images, labels = load_split("train", with_labels=True)
        log(f"{len(images)} training pairs from {DATA}, foreground {np.mean(labels == 255):.3f}")
        model = make_model()
        log(f"parameters: {sum(p.numel() for p in model.parameters())}")
        opt = torch.optim.Adam(model.parameters(), lr=args.lr)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.steps)
        model.train()
        t0 = time.time()
        running = 0.0
        for step in range(1, args.steps + 1):
            x, y = batch(images, labels, rng, args.batch, args.crop)
            loss = F.binary_cross_entropy_with_logits(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            running += loss.item()
            if step % 50 == 0 or step == args.steps:
                log(f"step {step}/{args.steps} loss {running / (50 if step % 50 == 0 else step % 50):.4f} {time.time() - t0:.0f}s")
                running = 0.0
        log(f"training {time.time() - t0:.0f}s")
        save_f16(model, args.out)
        log(f"wrote {args.out} ({os.path.getsize(args.out)} bytes)")
        acc, iou, fp, fn = scores(load_f32(args.out), images, labels)
        log(f"stored F16 weights on the 30 training pairs (full 512x512): pixel accuracy {acc:.4f}, "
            f"foreground IoU {iou:.4f} (false fg {fp}, missed fg {fn})")

    write_reference(args.out, args.reference_dir)


if __name__ == "__main__":
    main()
