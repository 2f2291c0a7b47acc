#!/usr/bin/env python3
"""Generate SegKit's small model-agreement fixtures under Fixtures/models/agreement/.

Run from the repository root in the reference environment (requirements-reference.txt: torch 2.13.0+cpu,
safetensors, numpy, Pillow, monai):

    bash scripts/reference-env && .venv-reference/bin/python Fixtures/models/generate.py

Deterministic: fixed seeds, one thread, deterministic algorithms, and oneDNN capped at AVX2
(ONEDNN_MAX_CPU_ISA, set below before torch loads; its AVX-512 convolutions round differently in the last
place): re-running rewrites identical bytes with the pinned versions on any x86-64 CPU with AVX2.
"""

import json
import os
import sys

os.environ["ONEDNN_MAX_CPU_ISA"] = "AVX2"  # before torch is imported; see the docstring

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from PIL import Image  # noqa: E402
from safetensors import safe_open  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import reference_models as R  # noqa: E402

OUT = os.path.join(HERE, "agreement")

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

# U^2-Net slim widths: (mid, out) per stage; deliberately uneven so channel bookkeeping errors show up
# (stage5d input = 20 + 16, stage4d input = 16 + 16, ...).
U2NET_SLIM_CFG = {
    "enc": [(2, 4), (3, 8), (4, 12), (5, 16), (6, 16), (6, 20)],
    "dec": [(6, 16), (5, 12), (4, 8), (3, 6), (2, 6)],
}

FLOAT_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------

def build(make, seed):
    """Build a model from ``seed`` with He-normal conv weights (std sqrt(2 / fan_in), fan_in = in*kh*kw for Conv2d
    and in for the stride-2 2x2 ConvTranspose2d), conv biases ~ N(0, 0.1), so that activations keep an O(1) scale
    through the depth (PyTorch's default init shrinks them and the outputs would be nearly constant); then randomise
    every BatchNorm: running_mean ~ N(0, 0.5), running_var ~ U(0.5, 2), weight ~ U(0.5, 1.5), bias ~ N(0, 0.3)."""
    torch.manual_seed(seed)
    model = make()
    g = torch.Generator().manual_seed(seed + 1000)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                fan_in = m.in_channels * m.kernel_size[0] * m.kernel_size[1] // m.groups
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * (2.0 / fan_in) ** 0.5)
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
            elif isinstance(m, nn.ConvTranspose2d):
                fan_in = m.in_channels * (m.kernel_size[0] * m.kernel_size[1]) // (m.stride[0] * m.stride[1])
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * (2.0 / fan_in) ** 0.5)
                m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
            elif isinstance(m, nn.BatchNorm2d):
                n = m.num_features
                m.running_mean.copy_(torch.randn(n, generator=g) * 0.5)
                m.running_var.copy_(torch.rand(n, generator=g) * 1.5 + 0.5)
                m.weight.copy_(torch.rand(n, generator=g) + 0.5)
                m.bias.copy_(torch.randn(n, generator=g) * 0.3)
    return model.eval()


def calibrate(model, x, names, target_std=1.5):
    """Rescale the output convs ``names`` (in order) so that, on input ``x``, each output channel has mean 0 and
    standard deviation ``target_std`` before the sigmoid: w' = a*w, b' = a*(b - mean), a = target_std / std.
    Without this the sigmoid outputs of the slim random U^2-Net saturate to exactly 0/1 (residual sums grow large)
    and would not test anything."""
    for name in names:
        conv = getattr(model, name)
        seen = {}
        h = conv.register_forward_hook(lambda m, i, o: seen.__setitem__("o", o.detach().clone()))
        run(model, x)
        h.remove()
        o = seen["o"].transpose(0, 1).reshape(conv.out_channels, -1)
        mean, std = o.mean(1), o.std(1)
        a = target_std / std
        with torch.no_grad():
            conv.weight.mul_(a.view(-1, 1, 1, 1))
            conv.bias.copy_((conv.bias - mean) * a)
    return model


def round_to(model, dtype_name):
    """Round every float parameter/buffer to the storage dtype and back to float32 (in place); returns the
    state_dict to store (floats in the storage dtype, num_batches_tracked int64)."""
    dt = FLOAT_DTYPES[dtype_name]
    stored = {}
    with torch.no_grad():
        for k, t in model.state_dict().items():
            if t.is_floating_point():
                s = t.to(dt).contiguous()
                t.copy_(s.to(torch.float32))
                stored[k] = s
            else:
                stored[k] = t.clone().contiguous()
    return stored


def save(name, tensors, metadata=None):
    path = os.path.join(OUT, name)
    save_file({k: v.contiguous() for k, v in tensors.items()}, path, metadata=metadata)
    _sort_metadata(path)
    return path


def _sort_metadata(path):
    """safetensors writes __metadata__ from a hash map, in a random order per process; rewrite the header with the
    metadata keys sorted (same JSON length, same padding) so that files are byte-identical across runs."""
    with open(path, "r+b") as f:
        n = int.from_bytes(f.read(8), "little")
        raw = f.read(n)
        header = json.loads(raw.decode("utf-8"), object_pairs_hook=lambda kv: dict(kv))
        if "__metadata__" not in header:
            return
        header["__metadata__"] = dict(sorted(header["__metadata__"].items()))
        text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        assert len(text) == len(raw.rstrip(b" ")), path
        f.seek(8)
        f.write(text + b" " * (n - len(text)))


def save_model(case, model, dtype_name, metadata):
    stored = round_to(model, dtype_name)
    meta = dict(metadata)
    return save(f"{case}.safetensors", stored, meta)


def run(model, x):
    with torch.no_grad():
        return model(x)


def seeded_input(shape, seed, kind="uniform"):
    g = torch.Generator().manual_seed(seed)
    if kind == "uniform":
        return torch.rand(shape, generator=g)
    return torch.randn(shape, generator=g)


def io_unet(case, model, x):
    y = run(model, x)
    save(f"{case}-io.safetensors", {"input": x, "output": y.float()})
    return y


def io_u2net(case, model, x):
    ds = run(model, x)
    t = {"input": x, "output": ds[0].clone()}
    for i, d in enumerate(ds):
        t[f"d{i}"] = d
    save(f"{case}-io.safetensors", t)
    return ds


# ------------------------------------------------------------------------------------------------
# cases
# ------------------------------------------------------------------------------------------------

def main():
    os.makedirs(OUT, exist_ok=True)
    notes = {}

    # --- milesial UNet, bilinear, F32, odd size -------------------------------------------------
    unet_bi = build(lambda: R.UNet(1, 1, bilinear=True, base=4), seed=101)
    save_model("unet-bilinear", unet_bi, "F32", {"arch": "unet"})
    x = seeded_input((1, 1, 37, 45), 201)
    io_unet("unet-bilinear", unet_bi, x)

    # --- milesial UNet, ConvTranspose2d, F16 ----------------------------------------------------
    unet_tr = build(lambda: R.UNet(3, 3, bilinear=False, base=4), seed=102)
    save_model("unet-transposed", unet_tr, "F16", {"arch": "unet"})
    io_unet("unet-transposed", unet_tr, seeded_input((1, 3, 36, 44), 202))

    # --- old milesial UNet (2019 layout), bilinear, BF16 ------------------------------------------
    u19 = build(lambda: R.UNet2019(3, 2, bilinear=True, base=4), seed=103)
    save_model("unet2019", u19, "BF16", {"arch": "unet2019"})
    io_unet("unet2019", u19, seeded_input((1, 3, 33, 40), 203))

    # --- old milesial UNet, ConvTranspose2d(in//2, in//2), F32 ----------------------------------
    u19t = build(lambda: R.UNet2019(1, 2, bilinear=False, base=4), seed=104)
    save_model("unet2019-transposed", u19t, "F32", {"arch": "unet2019"})
    io_unet("unet2019-transposed", u19t, seeded_input((1, 1, 35, 42), 204, "normal"))

    # --- U^2-Net slim, F32, non power-of-two size ---------------------------------------------------
    u2 = build(lambda: R.U2NET(3, 1, U2NET_SLIM_CFG), seed=105)
    x = seeded_input((1, 3, 50, 38), 205)
    calibrate(u2, x, ["side1", "side2", "side3", "side4", "side5", "side6", "outconv"])
    save_model("u2net", u2, "F32", {"arch": "u2net"})
    io_u2net("u2net", u2, x)

    # --- UNet 3+, filters [4, 8, 16, 32, 64], F32 --------------------------------------------------
    u3 = build(lambda: R.UNet_3Plus(3, 1, filters=[4, 8, 16, 32, 64]), seed=106)
    x = seeded_input((1, 3, 48, 32), 206)
    calibrate(u3, x, ["outconv1"])
    save_model("unet3plus", u3, "F32", {"arch": "unet3plus"})
    io_unet("unet3plus", u3, x)

    # --- UNet 3+ on a size that is not a multiple of 16: pad bottom/right with zeros, crop -------
    x = seeded_input((1, 3, 37, 45), 207)
    H, W = x.shape[2:]
    Hp, Wp = -(-H // 16) * 16, -(-W // 16) * 16
    y = run(u3, F.pad(x, [0, Wp - W, 0, Hp - H]))[:, :, :H, :W]
    save("unet3plus-pad-io.safetensors", {"input": x, "output": y.contiguous()})

    # --- MONAI sliding window on unet-bilinear ------------------------------------------------------
    import monai
    from monai.inferers import sliding_window_inference

    def sw(x):
        with torch.no_grad():
            return sliding_window_inference(x, roi_size=(32, 32), sw_batch_size=1, predictor=unet_bi, overlap=0.25,
                                            mode="gaussian", sigma_scale=0.125, padding_mode="constant", cval=0)

    x = seeded_input((1, 1, 70, 90), 208)
    y = torch.as_tensor(sw(x)).float()
    save("tile-io.safetensors", {"input": x, "output": y}, {"roi": "32,32", "overlap": "0.25", "mode": "gaussian",
                                                          "sigma_scale": "0.125", "monai": monai.__version__})
    x = seeded_input((1, 1, 24, 90), 209)
    y = torch.as_tensor(sw(x)).float()
    save("tile-small-io.safetensors", {"input": x, "output": y}, {"roi": "32,32", "overlap": "0.25",
                                                                "mode": "gaussian", "sigma_scale": "0.125",
                                                                "monai": monai.__version__})
    notes["monai"] = monai.__version__

    # --- TTA (flips) on unet-bilinear -------------------------------------------------------------
    x = seeded_input((1, 1, 37, 45), 210)
    with torch.no_grad():
        outs = [
            unet_bi(x),
            unet_bi(x.flip(3)).flip(3),
            unet_bi(x.flip(2)).flip(2),
            unet_bi(x.flip(2, 3)).flip(2, 3),
        ]
        y = (outs[0] + outs[1] + outs[2] + outs[3]) / 4
    save("tta-io.safetensors", {"input": x, "output": y})

    # --- pipeline: PNG -> normalise -> resize 64 -> slim U^2-Net -> d0 -> resize back -------------
    scale = "0.00392156862745098"
    mean = (0.485, 0.456, 0.406)
    std = (0.229, 0.224, 0.225)
    meta = {"arch": "u2net", "scale": scale, "mean": ",".join(map(str, mean)), "std": ",".join(map(str, std)),
            "resize": "64", "in_channels": "3"}
    save_model("pipeline-u2net", u2, "F32", meta)  # same weights as u2net.safetensors

    Hh, Ww = 37, 45
    rng = np.random.default_rng(20240611)
    yy, xx = np.mgrid[0:Hh, 0:Ww].astype(np.float64)
    r = 128 + 100 * np.sin(xx / 7.0) * np.cos(yy / 9.0)
    gch = 60 + 150 * np.exp(-((xx - 25) ** 2 + (yy - 15) ** 2) / 120.0)
    b = 40 + 4.0 * xx + 1.5 * yy
    img = np.stack([r, gch, b], axis=-1) + rng.normal(0, 12, size=(Hh, Ww, 3))
    img = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    png = os.path.join(OUT, "pipeline-input.png")
    Image.fromarray(img, mode="RGB").save(png, format="PNG", optimize=False)

    pix = np.asarray(Image.open(png).convert("RGB"))
    assert (pix == img).all()
    t = torch.from_numpy(pix.copy()).permute(2, 0, 1)[None].to(torch.float32)  # 1,3,H,W
    t = t * float(scale)
    t = (t - torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1)) / torch.tensor(std, dtype=torch.float32).view(1, 3, 1, 1)
    resized = F.interpolate(t, size=(64, 64), mode="bilinear", align_corners=False)
    d0 = run(u2, resized)[0]
    prob = F.interpolate(d0, size=(Hh, Ww), mode="bilinear", align_corners=False)[0, 0].contiguous()
    prob8 = torch.from_numpy(np.clip(np.rint(prob.numpy() * 255.0), 0, 255).astype(np.uint8))
    save("pipeline-expected.safetensors", {"prob": prob, "prob8": prob8, "normalized": t.contiguous(),
                                           "resized": resized.contiguous(), "d0": d0.contiguous()})

    verify()
    return notes


def verify():
    rows = []
    for name in sorted(os.listdir(OUT)):
        path = os.path.join(OUT, name)
        size = os.path.getsize(path)
        if name.endswith(".safetensors"):
            with safe_open(path, framework="pt") as f:
                meta = f.metadata()
                keys = list(f.keys())
                desc = []
                for k in keys:
                    t = f.get_tensor(k)
                    if t.is_floating_point():
                        assert torch.isfinite(t.float()).all(), (name, k)
                    if k in ("output", "prob", "d0") and name.endswith(("-io.safetensors", "expected.safetensors")):
                        desc.append(f"{k}{list(t.shape)} [{t.min().item():.4g}, {t.max().item():.4g}] "
                                    f"sd {t.float().std().item():.4g}")
                dtypes = sorted({str(f.get_tensor(k).dtype).replace('torch.', '') for k in keys})
            rows.append(f"{name:40s} {size:8d} B  {len(keys):4d} tensors {dtypes} {json.dumps(meta) if meta else ''} "
                        + "; ".join(desc))
        else:
            rows.append(f"{name:40s} {size:8d} B")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
