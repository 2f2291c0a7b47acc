#!/usr/bin/env python3
"""Forward pass only, onnxruntime and `segbench predict` taking turns: on a
machine whose speed swings by 2x within minutes (docs/benchmarks.md), the two
engines only compare when they run in the same minutes.

    .venv-reference/bin/python scripts/bench_predict.py --only smp-unet34 --images 2   # once: models
    swift build -c release --product segbench
    .venv-reference/bin/python scripts/bench_interleaved.py smp-unet34 --rounds 8 [--segbench BIN ...]

Each round runs onnxruntime twice in this process (--threads intra-op threads, default 2, ORT_ENABLE_ALL, on
a random input of the model's shape) and then every given segbench binary once
(`predict --runs 2`: its own warm-up, then two timed forward passes on as many threads).
Prints the minimum, lower quartile and median seconds per image of each engine.
Several binaries (say, before and after a change) are compared the same way.
"""
import argparse
import re
import subprocess
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort

from bench_predict import MODELS, REPO, THREADS


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", choices=sorted(MODELS))
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--threads", type=int, default=THREADS, help="threads per engine (default 2)")
    ap.add_argument("--work", default="/dev/shm/segkit-predict-bench", help="bench_predict.py's folder")
    ap.add_argument("--segbench", nargs="+", default=[str(REPO / ".build" / "release" / "segbench")])
    args = ap.parse_args()
    work = Path(args.work)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads, opts.inter_op_num_threads = args.threads, 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(str(work / f"{args.model}.onnx"), opts, providers=["CPUExecutionProvider"])
    shape = session.get_inputs()[0].shape
    x = np.random.default_rng(0).random(shape, dtype=np.float32)
    name = session.get_inputs()[0].name
    session.run(None, {name: x})
    times = {"onnxruntime": []}
    times.update({binary: [] for binary in args.segbench})
    for _ in range(args.rounds):
        for _ in range(2):
            start = time.perf_counter()
            session.run(None, {name: x})
            times["onnxruntime"].append(time.perf_counter() - start)
        for binary in args.segbench:
            out = subprocess.run([binary, "predict", "--weights", str(work / f"{args.model}.safetensors"),
                                  "--size", str(shape[-1]), "--threads", str(args.threads), "--runs", "2"],
                                 capture_output=True, text=True, check=True).stdout
            times[binary] += [float(v) for v in re.search(r"seconds per image: ([0-9. ]+)\(", out).group(1).split()]
    for engine, values in times.items():
        values.sort()
        print(f"{engine:40s} min {values[0]:.3f}  q25 {values[len(values) // 4]:.3f}  median {values[len(values) // 2]:.3f} s")


if __name__ == "__main__":
    main()
