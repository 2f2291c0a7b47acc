#!/usr/bin/env python3
"""Full-size agreement of `segpredict` with segmentation_models.pytorch 0.6.0 on every architecture x
encoder pair SegKit runs (issue 17), end to end through files.

    .venv-reference/bin/python scripts/smp_agreement.py                 # all 20 pairs
    .venv-reference/bin/python scripts/smp_agreement.py --only FPN --size 192x256

For each of Unet, UnetPlusPlus, FPN, DeepLabV3Plus (output stride 16, smp's default) and Linknet on resnet18,
resnet34, resnet50 and mobilenet_v2 at smp's default settings (encoder depth 5, default decoder
widths), 3 -> 2 classes with smp's softmax:

1. builds the model with deterministic random weights and random BatchNorm statistics (the head
   rescaled so the logits on the image have std 2: unsaturated probabilities), saves it with smp's
   own `save_pretrained` (config.json + model.safetensors) to WORK/<arch>-<encoder>;
2. writes one fixed RGB image (smooth noise and blobs), WORK/image.png, and computes PyTorch's
   probabilities on it with smp's ImageNet preprocessing (x/255, mean/std);
3. runs `segpredict --weights WORK/<arch>-<encoder> --format tiff32` and `--mask --mask-values 0,1`
   on that image, reading everything else from config.json;
4. reports max |p - p_torch| over both class maps and the number of mask pixels that differ from
   PyTorch's argmax where the two classes' probabilities are more than 1e-4 apart (near-ties
   excluded), and fails (exit 1) on a difference above 1e-4 or any such mask pixel.

Needs the reference environment (requirements-reference.txt) and a built segpredict
(`swift build -c release --product segpredict`). The torchvision import shim is the one
Fixtures/models/smp/generate.py documents.
"""
import argparse
import json
import shutil
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
from PIL import Image

sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
import segmentation_models_pytorch as smp  # noqa: E402
import tifffile  # noqa: E402
import torch  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
ARCHITECTURES = ["Unet", "UnetPlusPlus", "FPN", "DeepLabV3Plus", "Linknet"]
ENCODERS = ["resnet18", "resnet34", "resnet50", "mobilenet_v2"]
MEAN, STD = np.float32([0.485, 0.456, 0.406]), np.float32([0.229, 0.224, 0.225])


def image(height, width, seed=5):
    """A fixed RGB test image: smooth noise plus bright blobs, 8-bit."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    planes = []
    for _ in range(3):
        grid = rng.random((6, 8)).astype(np.float32)
        plane = np.asarray(Image.fromarray(grid, mode="F").resize((width, height), Image.BICUBIC))
        for _ in range(12):
            cy, cx, r = rng.random() * height, rng.random() * width, 4 + 12 * rng.random()
            plane = plane + 0.5 * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r))
        plane = (plane - plane.min()) / (plane.max() - plane.min())
        planes.append(plane)
    return np.round(np.stack(planes, -1) * 255).astype(np.uint8)


def build(arch, encoder, x, seed):
    torch.manual_seed(seed)
    model = getattr(smp, arch)(encoder_name=encoder, encoder_weights=None, in_channels=3, classes=2, activation="softmax")
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.Conv2d):
                torch.nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
            elif isinstance(m, (torch.nn.BatchNorm2d, torch.nn.GroupNorm)):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0.0, 0.3)
                if isinstance(m, torch.nn.BatchNorm2d):
                    m.running_mean.normal_(0.0, 0.5)
                    m.running_var.uniform_(0.5, 2.0)
    model.eval()
    head = model.segmentation_head[0]
    seen = []
    hook = head.register_forward_hook(lambda m, i, o: seen.append(o))
    with torch.inference_mode():
        model(x)
    hook.remove()
    with torch.no_grad():
        head.weight.mul_(2.0 / float(seen[0].std()))
        head.bias.zero_()
    return model


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", help="one architecture (smp class name)")
    ap.add_argument("--size", default="224x320", help="HEIGHTxWIDTH of the test image (default 224x320)")
    ap.add_argument("--work", default="/dev/shm/segkit-smp-agreement")
    ap.add_argument("--segpredict", default=str(REPO / ".build" / "release" / "segpredict"))
    args = ap.parse_args()
    height, width = map(int, args.size.lower().split("x"))
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    pixels = image(height, width)
    Image.fromarray(pixels, "RGB").save(work / "image.png")
    x = torch.from_numpy(((pixels.astype(np.float32) / 255 - MEAN) / STD).transpose(2, 0, 1)[None].copy())
    torch.set_num_threads(2)
    rows, failed = [], False
    for a, arch in enumerate(ARCHITECTURES):
        if args.only and arch != args.only:
            continue
        for e, encoder in enumerate(ENCODERS):
            model = build(arch, encoder, x, seed=100 * a + e)
            folder = work / f"{arch}-{encoder}"
            model.save_pretrained(str(folder))
            with torch.inference_mode():
                want = model(x)[0].numpy()
            out = work / f"out-{arch}-{encoder}"
            for fmt, extra in (("tiff32", []), ("png", ["--mask", "--mask-values", "0,1"])):
                cmd = [args.segpredict, "--weights", str(folder), "--input", str(work / "image.png"), "--out", str(out / fmt),
                       "--format", fmt, "--quiet"] + extra
                run = subprocess.run(cmd, capture_output=True, text=True)
                if run.returncode != 0:
                    sys.exit(f"{arch}-{encoder}: segpredict failed: {run.stderr.strip()}")
            got = np.asarray(tifffile.imread(str(out / "tiff32" / "image.tif")), dtype=np.float32).reshape(want.shape)
            mask = np.asarray(Image.open(out / "png" / "image.png"))
            decided = np.abs(want[1] - want[0]) > 1e-4
            wrong = int(np.sum((mask != np.argmax(want, 0)) & decided))
            worst = float(np.max(np.abs(got - want)))
            ok = worst <= 1e-4 and wrong == 0
            failed |= not ok
            row = dict(model=f"{arch}({encoder})", max_abs_dp=worst, mask_pixels_differing=wrong, near_ties=int(np.sum(~decided)), ok=ok)
            rows.append(row)
            print(json.dumps(row), flush=True)
    print(f"{sum(r['ok'] for r in rows)}/{len(rows)} pairs agree within 1e-4 at {height}x{width}", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
