#!/usr/bin/env python3
"""CPU inference benchmark: `segpredict` against onnxruntime and PyTorch on the
same weights and the same images.

    bash scripts/reference-env                                              # once: the pinned Python env
    .venv-reference/bin/python scripts/bench_predict.py                     # everything, 8 images
    .venv-reference/bin/python scripts/bench_predict.py --images 2 --engines ort,torch --only unet
    .venv-reference/bin/python scripts/bench_predict.py --json out/bench-predict.json

Models (random but deterministic weights, eval mode, written once to --work,
default /dev/shm/segkit-predict-bench; --fresh rewrites them):

  * unet    milesial U-Net, UNet(1, 1, bilinear=True, base=64), input 1x1x512x512, x/255, sigmoid;
  * u2netp  U2NETP(3, 1), input 1x3x320x320, x/255 then ImageNet mean/std, built-in sigmoid (output d0);
  * smp-unet34  segmentation_models.pytorch 0.6.0 smp.Unet("resnet34", in_channels=1, classes=1), input
    1x1x512x512, x/255, sigmoid (issue 17; smp needs torchvision, whose PyPI wheel's compiled ops do
    not load with torch+cpu: its `_meta_registrations` import is skipped, as in Fixtures/models/smp);
  * smp-dlv3p50  smp.DeepLabV3Plus("resnet50", encoder_output_stride=16, in_channels=1, classes=1), input
    1x1x512x512, x/255, sigmoid (layer4 dilated by 2, separable ASPP at rates 12/24/36).

Conv weights are He-normal, BatchNorm layers get random statistics and affine
parameters (so folding BatchNorm is actually exercised), and the last 1x1 conv
is rescaled so that the logits on a calibration image have mean 0 and std 2
(unsaturated probabilities, so that the agreement check means something). Each model is saved as
safetensors (state_dict, with the preprocessing metadata segpredict reads) and
as ONNX (opset 17, static shape, legacy TorchScript exporter). --images N PNG
inputs per model are written to WORK/unet-images and WORK/u2netp-images.

Engines (--engines ort,torch,segkit), each in its own process so that peak RSS
is per engine (measured with /usr/bin/time -f %M; for the Python engines it
includes the interpreter and library imports):

  * ort     onnxruntime CPUExecutionProvider, intra_op 2 / inter_op 1 threads, ORT_ENABLE_ALL;
  * torch   PyTorch eager, torch.set_num_threads(2), torch.inference_mode;
    both: inputs decoded and preprocessed before timing, one warm-up run, then
    N timed runs; s/image is the mean of the N runs (compute only).
  * segkit  `segpredict --weights M --input DIR --out DIR --format tiff32 --jobs 2 --force`, timed
    as a whole command (decode + compute + TIFF encode) once on N images and once on
    one image; s/image = (t_N - t_1) / (N - 1), and t_1 minus that is reported as
    start-up + load. Skipped with a message when the binary is missing (build it
    with `swift build -c release --product segpredict`).

GFLOP/image counts 2 FLOPs per multiply-add of every Conv2d / ConvTranspose2d at
the benchmark's input size (forward hooks; BatchNorm, ReLU, pooling, resizing
and biases are not counted). GFLOP/s = GFLOP/image / (s/image).

Agreement: max |p - p_ort| over all pixels of all images, where p are
probabilities (after sigmoid) - torch's in-memory outputs and segpredict's
32-bit float TIFFs, both against onnxruntime's.

Runs in the reference environment (requirements-reference.txt: torch 2.13.0+cpu,
onnx, onnxruntime 1.32.0, safetensors, numpy, Pillow, tifffile). Timings are only
meaningful on an otherwise idle machine: the load average at start is recorded in
the report.
"""
import argparse
import hashlib
import inspect
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
THREADS = 2
SEED = 20240611

# Per-model configuration. `meta` is the safetensors __metadata__ segpredict reads;
# `mean`/`std` repeat it for the Python engines' preprocessing.
MODELS = {
    "unet": dict(channels=1, size=512, output="logits",
                 mean=None, std=None,
                 meta={"arch": "unet", "scale": repr(1 / 255), "in_channels": "1", "activation": "sigmoid"}),
    "u2netp": dict(channels=3, size=320, output="probabilities",
                   mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225],
                   meta={"arch": "u2netp", "scale": repr(1 / 255), "mean": "0.485,0.456,0.406",
                         "std": "0.229,0.224,0.225", "in_channels": "3"}),
    "smp-unet34": dict(channels=1, size=512, output="logits", mean=None, std=None,
                       meta={"arch": "smp-unet", "scale": repr(1 / 255), "in_channels": "1", "activation": "sigmoid"}),
    "smp-dlv3p50": dict(channels=1, size=512, output="logits", mean=None, std=None,
                        meta={"arch": "smp-deeplabv3plus", "encoder_output_stride": "16", "scale": repr(1 / 255),
                              "in_channels": "1", "activation": "sigmoid"}),
}
SEED_OFFSET = {"unet": 0, "u2netp": 1, "smp-unet34": 2, "smp-dlv3p50": 3}


def smp_module():
    """segmentation_models_pytorch, with torchvision's operator registrations skipped (see the docstring)."""
    import types
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    import segmentation_models_pytorch as smp
    return smp


# ---------------------------------------------------------------------------------------------
# Models, FLOP count, images (parent process)
# ---------------------------------------------------------------------------------------------

def build_model(name, randomise=True):
    """The reference module tree in eval mode; with `randomise`, deterministic random weights and BatchNorm
    statistics, the final convolution calibrated so that the logits are centred with std 2 (otherwise
    U2NETP's output is ~97% saturated at 0 or 1 and the agreement check would see almost nothing)."""
    import torch
    import torch.nn as nn
    sys.path.insert(0, str(REPO / "Fixtures" / "models"))
    import reference_models as rm

    if name == "smp-unet34":
        model = smp_module().Unet("resnet34", encoder_weights=None, in_channels=1, classes=1)
    elif name == "smp-dlv3p50":
        model = smp_module().DeepLabV3Plus("resnet50", encoder_weights=None, encoder_output_stride=16, in_channels=1, classes=1)
    else:
        model = rm.UNet(1, 1, bilinear=True, base=64) if name == "unet" else rm.U2NETP(3, 1)
    if not randomise:
        return model.eval()
    torch.manual_seed(SEED + SEED_OFFSET[name])
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                # He-normal (fan_in, ReLU gain) keeps the activation scale roughly constant with depth.
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
                if m.bias is not None:
                    m.bias.normal_(0.0, 0.1)
            elif isinstance(m, nn.BatchNorm2d):
                m.running_mean.normal_(0.0, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0.0, 0.3)
    model.eval()

    # Calibration: logits of the last 1x1 convolution (U-Net outc.conv, U2NETP outconv, whose output is d0
    # before its sigmoid) on one synthetic, preprocessed 256x256 image -> rescale to mean 0, std 2.
    cfg = MODELS[name]
    final = {"unet": lambda: model.outc.conv, "u2netp": lambda: model.outconv, "smp-unet34": lambda: model.segmentation_head[0],
             "smp-dlv3p50": lambda: model.segmentation_head[0]}[name]()
    rng = np.random.default_rng(SEED + 7)
    x = np.stack([synthetic_plane(rng, 256) for _ in range(cfg["channels"])]).astype(np.float32)
    if cfg["mean"] is not None:
        x = (x - np.float32(cfg["mean"])[:, None, None]) / np.float32(cfg["std"])[:, None, None]
    seen = []
    handle = final.register_forward_hook(lambda m, i, o: seen.append(o))
    with torch.inference_mode():
        model(torch.from_numpy(x[None]))
    handle.remove()
    mean, std = float(seen[0].mean()), float(seen[0].std())
    with torch.no_grad():
        final.weight.mul_(2.0 / std)
        final.bias.sub_(mean).mul_(2.0 / std)
    return model


def conv_flops(model, channels, size):
    """2 x multiply-adds of every Conv2d / ConvTranspose2d for one 1 x channels x size x size input.

    Conv2d:          MACs = N * C_out * H_out * W_out * (C_in / groups) * kH * kW  (from the output shape);
    ConvTranspose2d: MACs = N * C_in * H_in * W_in * (C_out / groups) * kH * kW    (every input pixel is
                     scattered into a kH x kW window of C_out / groups channels; exact, unlike the
                     output-based estimate, when stride does not divide the kernel)."""
    import torch
    import torch.nn as nn
    total = [0]

    def hook(m, inputs, output):
        kh, kw = m.kernel_size
        if isinstance(m, nn.ConvTranspose2d):
            x = inputs[0]
            total[0] += x.numel() * (m.out_channels // m.groups) * kh * kw
        else:
            total[0] += output.numel() * (m.in_channels // m.groups) * kh * kw

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
    with torch.inference_mode():
        model(torch.zeros(1, channels, size, size))
    for h in handles:
        h.remove()
    return 2 * total[0]


def export_model(name, work):
    """Writes WORK/<name>.safetensors and WORK/<name>.onnx; returns the GFLOP per image."""
    import torch
    from safetensors.torch import save_file
    cfg = MODELS[name]
    model = build_model(name)
    st_path, onnx_path = work / f"{name}.safetensors", work / f"{name}.onnx"
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(st_path), metadata=cfg["meta"])
    example = torch.zeros(1, cfg["channels"], cfg["size"], cfg["size"])
    n_out = 7 if name == "u2netp" else 1
    # No onnxscript in the reference environment, hence the legacy (TorchScript) exporter (and its deprecation warning).
    warnings.filterwarnings("ignore", message="You are using the legacy TorchScript")
    warnings.filterwarnings("ignore", message="Constant folding")
    torch.onnx.export(model, (example,), str(onnx_path), opset_version=17, dynamo=False,
                      input_names=["input"], output_names=[f"d{i}" for i in range(n_out)],
                      do_constant_folding=True)
    return conv_flops(model, cfg["channels"], cfg["size"]) / 1e9


def smooth_noise(rng, size, cells):
    """Value noise: a cells x cells random grid resized bicubically to size x size, in [0, 1]."""
    grid = rng.random((cells, cells)).astype(np.float32)
    img = Image.fromarray(grid, mode="F").resize((size, size), Image.BICUBIC)
    a = np.asarray(img)
    return (a - a.min()) / max(float(a.max() - a.min()), 1e-6)


def synthetic_plane(rng, size):
    """Something image-like in [0, 1]: two octaves of smooth noise, 12-30 Gaussian blobs (cells), grain."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    plane = 0.35 * smooth_noise(rng, size, 6) + 0.15 * smooth_noise(rng, size, 24)
    for _ in range(int(rng.integers(12, 31))):
        cy, cx = rng.random(2) * size
        r = size * (0.02 + 0.06 * rng.random())
        plane += (0.3 + 0.4 * rng.random()) * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r))
    plane += rng.normal(0.0, 0.02, plane.shape)
    return np.clip(plane / max(float(plane.max()), 1e-6), 0.0, 1.0)


def write_images(name, work, count):
    """WORK/<name>-images/img_000.png ... (8-bit grey or RGB) and WORK/<name>-images-1 with the first one."""
    cfg = MODELS[name]
    folder, single = work / f"{name}-images", work / f"{name}-images-1"
    for d in (folder, single):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    rng = np.random.default_rng(SEED + 100 * (1 + SEED_OFFSET[name]))
    for i in range(count):
        planes = [synthetic_plane(rng, cfg["size"]) for _ in range(cfg["channels"])]
        pixels = np.round(np.stack(planes, axis=-1) * 255).astype(np.uint8)
        img = Image.fromarray(pixels[..., 0], "L") if cfg["channels"] == 1 else Image.fromarray(pixels, "RGB")
        img.save(folder / f"img_{i:03d}.png")
    shutil.copy(folder / "img_000.png", single / "img_000.png")
    return sorted(folder.glob("*.png"))


# ---------------------------------------------------------------------------------------------
# Child processes: one engine on one model
# ---------------------------------------------------------------------------------------------

def load_inputs(name, work, count):
    """Preprocessed float32 NCHW arrays, exactly as the metadata tells segpredict to do it."""
    cfg = MODELS[name]
    paths = sorted((work / f"{name}-images").glob("*.png"))[:count]
    inputs = []
    for p in paths:
        a = np.asarray(Image.open(p), dtype=np.float32) * np.float32(1 / 255)
        a = a[None] if a.ndim == 2 else a.transpose(2, 0, 1)
        if cfg["mean"] is not None:
            a = (a - np.asarray(cfg["mean"], np.float32)[:, None, None]) / np.asarray(cfg["std"], np.float32)[:, None, None]
        inputs.append(np.ascontiguousarray(a[None], dtype=np.float32))
    return [p.stem for p in paths], inputs


def to_probabilities(name, out):
    """(H, W) float32 probabilities from the first network output (sigmoid for the U-Net's logits)."""
    out = np.asarray(out, dtype=np.float32)[0, 0]
    return 1 / (1 + np.exp(-out)) if MODELS[name]["output"] == "logits" else out


def child(engine, name, work, count):
    """Loads, warms up, times `count` runs; saves probabilities to WORK/<engine>-out-<name>/*.npy;
    prints one JSON line."""
    stems, inputs = load_inputs(name, work, count)
    t0 = time.perf_counter()
    if engine == "ort":
        import onnxruntime as ort
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = THREADS
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(str(work / f"{name}.onnx"), opts, providers=["CPUExecutionProvider"])
        first = session.get_outputs()[0].name
        run = lambda x: session.run([first], {"input": x})[0]
        version = ort.__version__
    else:
        import torch
        from safetensors.torch import load_file
        torch.set_num_threads(THREADS)
        torch.set_num_interop_threads(1)
        model = build_model(name, randomise=False)  # module tree only; the weights come from the file
        model.load_state_dict(load_file(str(work / f"{name}.safetensors")))
        model.eval()

        def run(x):
            with torch.inference_mode():
                y = model(torch.from_numpy(x))
            return (y[0] if isinstance(y, tuple) else y).numpy()
        version = torch.__version__
    load_s = time.perf_counter() - t0

    run(inputs[0])  # warm-up: allocations, kernel selection, first-touch
    times, outputs = [], []
    for x in inputs:
        t = time.perf_counter()
        y = run(x)
        times.append(time.perf_counter() - t)
        outputs.append(y)

    out_dir = work / f"{engine}-out-{name}"
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    for stem, y in zip(stems, outputs):
        np.save(out_dir / f"{stem}.npy", to_probabilities(name, y))
    print(json.dumps({"load_s": load_s, "times": times, "version": version}))


# ---------------------------------------------------------------------------------------------
# Parent: runs and measures the children
# ---------------------------------------------------------------------------------------------

TIME = "/usr/bin/time"  # GNU time


def run_measured(cmd, env=None):
    """Runs cmd; returns (wall seconds, peak RSS MB of that process, stdout).

    Peak RSS comes from GNU time (`-f %M`, KiB) when it exists. Linux carries a process's RSS high-water
    mark across exec, and Python spawns children with vfork (sharing this process's memory until exec),
    so a child's own ru_maxrss - and os.wait4's - would start at this script's peak (torch, the exported
    models) instead of its own; /usr/bin/time forks from its own tiny image and is not affected. Without
    it, RUSAGE_CHILDREN is used, which is inflated that way and is the maximum over all children so far:
    an upper bound only (the table says so). The wall time includes /usr/bin/time's own ~1 ms."""
    measure = os.path.exists(TIME)
    rss_file = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench_predict_rss.{os.getpid()}"
    full = [TIME, "-f", "%M", "-o", str(rss_file)] + [str(c) for c in cmd] if measure else cmd
    t = time.perf_counter()
    proc = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out, err = proc.communicate()
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{err.decode(errors='replace')}")
    if measure:
        rss = int(rss_file.read_text().split()[-1]) / 1024
        rss_file.unlink()
    else:
        import resource
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # max over all children so far
    return wall, rss, out.decode()


def child_env():
    env = dict(os.environ)
    # Keep OpenMP/MKL pools (torch, ORT's dependencies) at the benchmark's thread count.
    env.update(OMP_NUM_THREADS=str(THREADS), MKL_NUM_THREADS=str(THREADS), OPENBLAS_NUM_THREADS=str(THREADS))
    return env


def bench_python(engine, name, work, count):
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", engine, name,
           "--work", str(work), "--images", str(count)]
    _, rss, out = run_measured(cmd, child_env())
    r = json.loads(out.strip().splitlines()[-1])
    return dict(s_per_image=float(np.mean(r["times"])), s_min=min(r["times"]), load_s=r["load_s"],
                peak_rss_mb=rss, version=r["version"], runs=r["times"])


def bench_segkit(binary, name, work, count):
    def once(folder, out):
        shutil.rmtree(out, ignore_errors=True)
        cmd = [str(binary), "--weights", str(work / f"{name}.safetensors"), "--input", str(folder),
               "--out", str(out), "--format", "tiff32", "--jobs", str(THREADS), "--force"]
        wall, rss, _ = run_measured(cmd)
        return wall, rss, cmd

    t1, rss1, _ = once(work / f"{name}-images-1", work / f"out-{name}-1")
    tn, rssn, cmd = once(work / f"{name}-images", work / f"out-{name}")
    per = (tn - t1) / (count - 1) if count > 1 else t1
    return dict(s_per_image=per, t_1=t1, t_n=tn, load_s=t1 - per, peak_rss_mb=max(rss1, rssn),
                command=" ".join(cmd))


def read_tiff(path):
    try:
        import tifffile
        a = tifffile.imread(str(path))
    except ImportError:
        a = np.asarray(Image.open(path))
    return np.asarray(a, dtype=np.float32).squeeze()


def max_difference(reference_dir, other, stems):
    """max |a - ref| over all stems; `other(stem)` returns the array or None when missing."""
    worst, missing = 0.0, []
    for stem in stems:
        ref = np.load(reference_dir / f"{stem}.npy")
        a = other(stem)
        if a is None:
            missing.append(stem)
            continue
        if a.shape != ref.shape:
            sys.exit(f"{stem}: output shape {a.shape} differs from onnxruntime's {ref.shape}")
        worst = max(worst, float(np.max(np.abs(a.astype(np.float64) - ref))))
    return worst, missing


def segkit_output(out_dir):
    """stem -> array for segpredict's TIFF outputs (searched recursively, matched by file stem)."""
    files = {p.stem: p for p in out_dir.rglob("*") if p.suffix.lower() in (".tif", ".tiff")}
    return lambda stem: read_tiff(files[stem]) if stem in files else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--images", type=int, default=8, help="timed images per model (default 8)")
    ap.add_argument("--only", choices=sorted(MODELS), help="one model only")
    ap.add_argument("--engines", default="ort,torch,segkit", help="comma-separated subset of ort,torch,segkit")
    ap.add_argument("--work", default="/dev/shm/segkit-predict-bench", help="folder for models, images, outputs")
    ap.add_argument("--segpredict", default=str(REPO / ".build" / "release" / "segpredict"), help="binary to time")
    ap.add_argument("--json", help="also write the results to this file")
    ap.add_argument("--fresh", action="store_true", help="rebuild the models even if WORK has them")
    ap.add_argument("--child", nargs=2, metavar=("ENGINE", "MODEL"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    work = Path(args.work)

    if args.child:
        child(args.child[0], args.child[1], work, args.images)
        return

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(engines) - {"ort", "torch", "segkit"}
    if unknown or not engines or args.images < 1:
        ap.error(f"bad --engines {sorted(unknown)} or --images")
    names = [args.only] if args.only else list(MODELS)
    binary = Path(args.segpredict)
    if "segkit" in engines and not (binary.is_file() and os.access(binary, os.X_OK)):
        print(f"segkit: skipped, no executable at {binary} (swift build -c release --product segpredict)", file=sys.stderr)
        engines.remove("segkit")

    work.mkdir(parents=True, exist_ok=True)
    report = dict(host=platform.node(), cpu=platform.processor() or platform.machine(), cores=os.cpu_count(),
                  load_average_at_start=os.getloadavg(), threads=THREADS, images=args.images, models={}, results=[],
                  rss_method="/usr/bin/time -f %M" if os.path.exists(TIME) else "RUSAGE_CHILDREN (upper bound)")

    # Models, cached in WORK: they are deterministic, so they are rebuilt only when missing, when --fresh,
    # or when the code that makes them changed (hash of its source in WORK/models.json).
    recipe = hashlib.sha256("".join(inspect.getsource(f) for f in (
        build_model, export_model, conv_flops, synthetic_plane, smooth_noise)).encode()
        + repr((SEED, MODELS)).encode()).hexdigest()[:16]
    stamp_path = work / "models.json"
    stamp = json.loads(stamp_path.read_text()) if stamp_path.exists() else {}
    if stamp.get("recipe") != recipe:
        stamp = {"recipe": recipe, "gflop": {}}
    for name in names:
        cfg = MODELS[name]
        files = [work / f"{name}.safetensors", work / f"{name}.onnx"]
        if args.fresh or name not in stamp["gflop"] or not all(f.exists() for f in files):
            print(f"{name}: building and exporting ...", file=sys.stderr)
            stamp["gflop"][name] = export_model(name, work)
            stamp_path.write_text(json.dumps(stamp))
        write_images(name, work, args.images)
        report["models"][name] = dict(input=f"1x{cfg['channels']}x{cfg['size']}x{cfg['size']}",
                                      gflop_per_image=stamp["gflop"][name], metadata=cfg["meta"])

    # Timings, one process per engine and model.
    for name in names:
        for engine in engines:
            print(f"{name}: {engine} ...", file=sys.stderr)
            r = bench_segkit(binary, name, work, args.images) if engine == "segkit" else \
                bench_python(engine, name, work, args.images)
            r.update(engine=engine, model=name, size=MODELS[name]["size"],
                     images_per_s=1 / r["s_per_image"] if r["s_per_image"] > 0 else float("inf"),
                     gflop_per_s=stamp["gflop"][name] / r["s_per_image"] if r["s_per_image"] > 0 else float("inf"))
            report["results"].append(r)

    # Agreement with onnxruntime (its probabilities are the reference).
    report["agreement"] = []
    for name in names:
        if "ort" not in engines:
            continue
        ref_dir = work / f"ort-out-{name}"
        stems = [p.stem for p in sorted((work / f"{name}-images").glob("*.png"))]
        pairs = []
        if "torch" in engines:
            pairs.append(("torch", lambda s, d=work / f"torch-out-{name}": np.load(d / f"{s}.npy")))
        if "segkit" in engines:
            pairs.append(("segkit", segkit_output(work / f"out-{name}")))
        for engine, other in pairs:
            worst, missing = max_difference(ref_dir, other, stems)
            report["agreement"].append(dict(model=name, engine=engine, reference="ort",
                                            max_abs_diff=worst, missing=missing))

    # Table.
    print(f"# {report['cpu']}, {report['cores']} cores, {THREADS} threads per engine, {args.images} images, "
          f"load average at start {report['load_average_at_start'][0]:.2f}")
    for name in names:
        m = report["models"][name]
        print(f"# {name}: input {m['input']}, {m['gflop_per_image']:.2f} GFLOP/image (2 x conv multiply-adds)")
    head = f"{'engine':<7} {'model':<7} {'size':>7} {'s/image':>9} {'images/s':>9} {'GFLOP/s':>8} {'peak RSS MB':>12} {'load s':>7}"
    print(head)
    print("-" * len(head))
    for r in report["results"]:
        size = f"{r['size']}x{r['size']}"
        print(f"{r['engine']:<7} {r['model']:<7} {size:>7} {r['s_per_image']:9.4f} {r['images_per_s']:9.2f} "
              f"{r['gflop_per_s']:8.1f} {r['peak_rss_mb']:12.0f} {r['load_s']:7.2f}")
    print("# ort/torch: compute only on preprocessed tensors (mean of N runs after one warm-up);"
          " segkit: whole command, (t_N - t_1)/(N - 1), load = start-up + load + one image's I/O overhead")
    if not os.path.exists(TIME):
        print(f"# peak RSS: no {TIME}, figures are upper bounds (RUSAGE_CHILDREN, inherited high-water marks)")
    for a in report["agreement"]:
        note = f" (missing outputs: {len(a['missing'])}, e.g. {a['missing'][0]})" if a["missing"] else ""
        print(f"agreement {a['model']:<7} {a['engine']:<7} vs ort: max |dp| = {a['max_abs_diff']:.3g}{note}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
