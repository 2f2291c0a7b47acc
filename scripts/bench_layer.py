#!/usr/bin/env python3
"""One convolution layer: onnxruntime's node against `segbench conv`, in the same minutes.

    swift build -c release --product segbench
    .venv-reference/bin/python scripts/bench_layer.py 512,512,32,3,1,2 256,256,32,3,1,1 2048,512,32,1,1,1

Each shape is IN,OUT,SIZE,KERNEL,STRIDE,DILATION ("same" padding, followed by a ReLU, as in the
networks). For each, a one-node ONNX graph (Conv + Relu, random weights) runs in onnxruntime with 2
intra-op threads, 30 passes, three times, each time followed by `segbench conv` on the same shape
(its fast path against the plain one, alternately), so both engines see the same phase of a machine
whose speed swings (docs/benchmarks.md). Prints onnxruntime's best time next to segbench's line.
"""
import argparse
import subprocess
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

REPO = Path(__file__).resolve().parent.parent


def session(c, m, size, k, stride, dil, threads):
    pad = dil * (k - 1) // 2
    rng = np.random.default_rng(7)
    w = numpy_helper.from_array(((rng.random((m, c, k, k)) - 0.5) * 0.1).astype(np.float32), "w")
    b = numpy_helper.from_array(np.zeros(m, np.float32), "b")
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["y"], kernel_shape=[k, k], strides=[stride, stride],
                              dilations=[dil, dil], pads=[pad] * 4),
             helper.make_node("Relu", ["y"], ["z"])]
    side = (size + 2 * pad - dil * (k - 1) - 1) // stride + 1
    graph = helper.make_graph(nodes, "layer", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, size, size])],
                              [helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, m, side, side])], [w, b])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    opts = ort.SessionOptions()
    opts.intra_op_num_threads, opts.inter_op_num_threads = threads, 1
    s = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    return s, rng.random((1, c, size, size), dtype=np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("shapes", nargs="+", help="IN,OUT,SIZE,KERNEL,STRIDE,DILATION")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--segbench", default=str(REPO / ".build" / "release" / "segbench"))
    ap.add_argument("--versus", default="plain", choices=["plain", "tiled"], help="segbench conv's second contender")
    args = ap.parse_args()
    for shape in args.shapes:
        c, m, size, k, stride, dil = map(int, shape.split(","))
        s, x = session(c, m, size, k, stride, dil, args.threads)
        best, line = float("inf"), ""
        for _ in range(3):
            for _ in range(30):
                t = time.perf_counter()
                s.run(None, {"x": x})
                best = min(best, time.perf_counter() - t)
            line = subprocess.run([args.segbench, "conv", "--in", str(c), "--out", str(m), "--size", str(size), "--kernel", str(k),
                                   "--stride", str(stride), "--dilation", str(dil), "--threads", str(args.threads),
                                   "--rounds", "30", "--versus", args.versus],
                                  capture_output=True, text=True, check=True).stdout.strip()
        print(f"onnxruntime {best * 1e3:.3f} ms | {line}", flush=True)


if __name__ == "__main__":
    main()
