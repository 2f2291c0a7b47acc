#!/usr/bin/env python3
"""Trains a small U-Net on the ISBI 2012 training set and writes
  Fixtures/models/isbi-unet.safetensors   F16 weights + safetensors metadata for segpredict
  Fixtures/models/isbi-reference/N.png    uint8 clip(rint(255 * p)) for test image N (0..29)
  Fixtures/models/isbi-reference/probe.safetensors   float32 "N" = p[::8, ::8] (64 x 64)
where p = sigmoid(model(x)) at full 512 x 512, x = pixels / 255, computed from the STORED
F16 weights converted back to float32, eval mode.

With --arch smp-unet (issue 17) it trains segmentation_models.pytorch 0.6.0's
smp.Unet("resnet18", encoder_depth=3, decoder_channels=(64, 32, 16), in_channels=1, classes=1,
activation="sigmoid") instead, as users train it, and writes smp's save_pretrained folder
  Fixtures/models/isbi-smp-unet/config.json        smp's own
  Fixtures/models/isbi-smp-unet/model.safetensors  F16 weights (ResNet stages beyond depth 3 left out)
and the same reference files under Fixtures/models/isbi-smp-reference/.

Data (referenced, never copied): ../shared/datasets/isbi2012/{train/image,train/label,test/image}/N.png
relative to the repo root. Label 255 = cell interior, 0 = membrane.

Model: UNet(1, 1, bilinear=True, base=16) from reference_models.py.

Run from the repo root in the reference environment (deterministic for a given seed and thread count):
    bash scripts/reference-env
    .venv-reference/bin/python Fixtures/models/train_isbi.py
    .venv-reference/bin/python Fixtures/models/train_isbi.py --reference-only   # predictions from the stored weights
oneDNN is capped at AVX2 (ONEDNN_MAX_CPU_ISA, set below before torch loads): its AVX-512 convolutions round
differently in the last place, and the committed predictions are the AVX2 ones, which --reference-only then
reproduces byte for byte on any x86-64 CPU with AVX2.
"""
import os
import sys
import time

os.environ["ONEDNN_MAX_CPU_ISA"] = "AVX2"  # before torch is imported; see the docstring

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import training  # noqa: E402
from reference_models import UNet  # noqa: E402
from training import log, predict  # noqa: E402

DATA = os.path.normpath(os.path.join(REPO, "..", "shared", "datasets", "isbi2012"))
METADATA = training.unet_metadata("ISBI 2012 train, Fixtures/models/train_isbi.py")


ARCH = "unet"  # set by --arch before anything is built
SMP_KWARGS = dict(encoder_name="resnet18", encoder_weights=None, encoder_depth=3, decoder_channels=(64, 32, 16),
                  in_channels=1, classes=1, activation="sigmoid")


def smp_module():
    """segmentation_models_pytorch, with torchvision's operator registrations skipped (Fixtures/models/smp/generate.py)."""
    import types
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    import segmentation_models_pytorch as smp
    return smp


class Logits(torch.nn.Module):
    """The smp model without its activation (training and `predict` apply the sigmoid themselves)."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        model.segmentation_head[-1] = torch.nn.Identity()

    def forward(self, x):
        return self.model(x)


def make_model():
    if ARCH == "smp-unet":
        return Logits(smp_module().Unet(**SMP_KWARGS))
    return UNet(n_channels=1, n_classes=1, bilinear=True, base=16)


def smp_state(model):
    """smp's state_dict without the encoder stages the model never runs at depth 3."""
    return {k: v for k, v in model.model.state_dict().items() if not k.startswith(("encoder.layer3.", "encoder.layer4."))}


def save_model(model, out):
    if ARCH != "smp-unet":
        training.save_f16(model, out, METADATA)
        return
    import shutil
    import tempfile
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        model.model.save_pretrained(tmp)
        shutil.copy(os.path.join(tmp, "config.json"), os.path.join(out, "config.json"))
    training.save_f16(model, os.path.join(out, "model.safetensors"),
                      {"trained_on": "ISBI 2012 train, Fixtures/models/train_isbi.py --arch smp-unet"}, state=smp_state(model))


def load_model(out):
    if ARCH != "smp-unet":
        return training.load_f32(make_model(), out)
    model = make_model()
    missing = training.load_f32(model.model, os.path.join(out, "model.safetensors"), strict=False)
    assert all(k.startswith(("encoder.layer3.", "encoder.layer4.")) for k in missing), missing
    return model.eval()


def load_split(split, with_labels):
    folder = os.path.join(DATA, split, "image")
    names = sorted((n for n in os.listdir(folder) if n.endswith(".png")), key=lambda s: int(s[:-4]))
    images = np.stack([training.read_gray(os.path.join(folder, n)) for n in names])
    labels = np.stack([training.read_gray(os.path.join(DATA, split, "label", n)) for n in names]) if with_labels else None
    return names, images, labels


def augment(im, lb, rng):
    """A random 90-degree rotation, then random flips."""
    k = int(rng.integers(4))
    return training.random_flips(np.rot90(im, k), np.rot90(lb, k), rng)


def batch(images, labels, rng, n, side):
    """n random side x side crops with random horizontal/vertical flips and 90-degree rotations."""
    return training.random_crops(images, labels, rng, n, side, augment)


def write_reference(weights, out_dir):
    model = load_model(weights)
    names, images, _ = load_split("test", with_labels=False)
    os.makedirs(out_dir, exist_ok=True)
    probes = {}
    for name, img in zip(names, images):
        p = predict(model, img)
        Image.fromarray(np.clip(np.rint(p * 255.0), 0, 255).astype(np.uint8)).save(os.path.join(out_dir, name), optimize=True)
        probes[name[:-4]] = torch.from_numpy(np.ascontiguousarray(p[::8, ::8], dtype=np.float32))
    save_file(probes, os.path.join(out_dir, "probe.safetensors"),
              metadata={"what": "p[::8, ::8] of sigmoid(model(test/image/N.png / 255)), float32, one tensor per image N",
                        "weights": os.path.relpath(weights, REPO) + " (F16 read back as float32, eval mode)"})
    training.canonical_header(os.path.join(out_dir, "probe.safetensors"))
    total = sum(os.path.getsize(os.path.join(out_dir, f)) for f in os.listdir(out_dir))
    log(f"wrote {len(names)} reference PNGs + probe.safetensors to {out_dir} ({total} bytes total)")


def main():
    global ARCH
    option = training.option
    args = training.parse_args(
        __doc__, steps=500, seed=2012, batch=4, out=None,
        seed_help="seed for init and crops (default 2012)",
        after_seed=[option("--arch", choices=["unet", "smp-unet"], default="unet",
                           help="milesial U-Net (default) or smp's Unet on ResNet-18")],
        after_batch=[option("--crop", type=int, default=256, help="crop side (default 256)")],
        after_out=[option("--reference-dir", default=None),
                   option("--reference-only", action="store_true", help="skip training; rewrite the reference predictions from --out")])
    ARCH = args.arch
    smp = ARCH == "smp-unet"
    args.out = args.out or os.path.join(HERE, "isbi-smp-unet" if smp else "isbi-unet.safetensors")
    args.reference_dir = args.reference_dir or os.path.join(HERE, "isbi-smp-reference" if smp else "isbi-reference")
    rng = training.deterministic(args)

    if not args.reference_only:
        _, images, labels = load_split("train", with_labels=True)
        log(f"{len(images)} training pairs from {DATA}, foreground {np.mean(labels == 255):.3f}")
        model = make_model()
        seconds = training.train(model, lambda: batch(images, labels, rng, args.batch, args.crop), args.steps, args.lr)
        log(f"training {seconds:.0f}s")
        save_model(model, args.out)
        log(f"wrote {args.out}")
        acc, iou, fp, fn = training.scores(load_model(args.out), images, labels)
        log(f"stored F16 weights on the 30 training pairs (full 512x512): pixel accuracy {acc:.4f}, "
            f"foreground IoU {iou:.4f} (false fg {fp}, missed fg {fn})")

    write_reference(args.out, args.reference_dir)


if __name__ == "__main__":
    main()
