"""Shared pieces of train_cells.py and train_isbi.py: command line, seeding, random crops,
the training loop (Adam + cosine schedule, BCE on logits), evaluation, and F16 safetensors
export with a canonical (sorted) header. Each script keeps its data source, augmentation,
model width and defaults.

Every function here consumes the numpy Generator and torch's RNG in exactly the order the
scripts did before this module existed, so outputs are byte-identical for a given seed and
thread count.
"""
import argparse
import json
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from safetensors.torch import load_file, save_file


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def option(*flags, **kwargs):
    """A script-specific command-line option for parse_args: option("--crop", type=int, ...)."""
    return flags, kwargs


def parse_args(doc, *, steps, seed, seed_help, batch, out, after_seed=(), after_batch=(), after_out=()):
    """The options both scripts share, with the script's defaults; its own options are added
    at the given places so --help lists them in a sensible order."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)

    def add(options):
        for flags, kwargs in options:
            ap.add_argument(*flags, **kwargs)

    ap.add_argument("--steps", type=int, default=steps, help=f"optimiser steps (default {steps})")
    ap.add_argument("--seed", type=int, default=seed, help=seed_help)
    add(after_seed)
    ap.add_argument("--batch", type=int, default=batch, help=f"crops per step (default {batch})")
    add(after_batch)
    ap.add_argument("--lr", type=float, default=2e-3, help="Adam learning rate, cosine-decayed (default 2e-3)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=out)
    add(after_out)
    return ap.parse_args()


def deterministic(args):
    """Thread count, torch seed and deterministic kernels; returns the numpy Generator for data and crops."""
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    return np.random.default_rng(args.seed)


def unet_metadata(trained_on):
    """safetensors metadata segpredict reads for a 1-channel sigmoid U-Net on pixels / 255."""
    return {
        "arch": "unet",
        "scale": "0.00392156862745098",
        "in_channels": "1",
        "activation": "sigmoid",
        "threshold": "0.5",
        "trained_on": trained_on,
    }


def read_gray(path):
    a = np.asarray(Image.open(path))
    assert a.ndim == 2 and a.dtype == np.uint8, (path, a.shape, a.dtype)
    return a


# --- training ---------------------------------------------------------------------------------

def random_flips(im, lb, rng):
    """Horizontal, then vertical flip, each with probability 1/2."""
    if rng.random() < 0.5:
        im, lb = im[:, ::-1], lb[:, ::-1]
    if rng.random() < 0.5:
        im, lb = im[::-1], lb[::-1]
    return im, lb


def random_crops(images, labels, rng, n, side, augment):
    """n random side x side crops of (images, labels), each passed through augment(im, lb, rng);
    returns x = pixels / 255 and y = (label == 255) as float32 N x 1 x side x side tensors."""
    h, w = images.shape[1:]
    xs, ys = [], []
    for _ in range(n):
        i = int(rng.integers(len(images)))
        y0 = int(rng.integers(0, h - side + 1))
        x0 = int(rng.integers(0, w - side + 1))
        im, lb = augment(images[i, y0:y0 + side, x0:x0 + side], labels[i, y0:y0 + side, x0:x0 + side], rng)
        xs.append(im)
        ys.append(lb)
    x = torch.from_numpy(np.stack(xs).astype(np.float32) / 255.0)[:, None]
    y = torch.from_numpy((np.stack(ys) == 255).astype(np.float32))[:, None]
    return x, y


def train(model, next_batch, steps, lr):
    """Adam with cosine-annealed lr, BCE on logits, steps calls of next_batch() -> (x, y);
    logs the mean loss every 50 steps. Returns the training time in seconds."""
    log(f"parameters: {sum(p.numel() for p in model.parameters())}")
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    model.train()
    t0 = time.time()
    running = 0.0
    for step in range(1, steps + 1):
        x, y = next_batch()
        loss = F.binary_cross_entropy_with_logits(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        running += loss.item()
        if step % 50 == 0 or step == steps:
            log(f"step {step}/{steps} loss {running / (50 if step % 50 == 0 else step % 50):.4f} {time.time() - t0:.0f}s")
            running = 0.0
    return time.time() - t0


# --- evaluation -------------------------------------------------------------------------------

def predict(model, img):
    """p = sigmoid(model(pixels / 255)) at full size, float32 numpy."""
    with torch.no_grad():
        x = torch.from_numpy(img.astype(np.float32) / 255.0)[None, None]
        return torch.sigmoid(model(x))[0, 0].numpy()


def scores(model, images, labels):
    """Pixel accuracy, foreground (255) IoU, false and missed foreground pixels of p > 0.5."""
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


# --- safetensors ------------------------------------------------------------------------------

def save_f16(model, path, metadata, state=None):
    """The state_dict (or `state`) as F16 safetensors with `metadata`, header canonical."""
    tensors = {}
    for k, v in (state if state is not None else model.state_dict()).items():
        v = v.detach().cpu()
        tensors[k] = (v.half() if v.is_floating_point() else v).contiguous()
    save_file(tensors, path, metadata=metadata)
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


def load_f32(model, path, strict=True):
    """Loads F16 weights from path into model as float32; returns it in eval mode (with `strict`
    False, returns the keys the file lacks instead)."""
    sd = {k: (v.float() if v.is_floating_point() else v) for k, v in load_file(path).items()}
    result = model.load_state_dict(sd, strict=strict)
    model.eval()
    return model if strict else result.missing_keys
