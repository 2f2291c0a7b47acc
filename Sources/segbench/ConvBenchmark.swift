import CSegBench
import Dispatch
import Foundation
import SegCore
import SegModel

/// `segbench conv [--in 256] [--out 256] [--size 32] [--kernel 3] [--stride 1] [--dilation 1] [--residual] [--threads 2] [--rounds 200] [--versus plain|tiled]`:
/// one layer ("same" padding, `--size` the input side) on the fast path (the
/// streamed Winograd for many-channel 3×3 layers, else the 3×3 tile, or the
/// gathered tile for other kernels and strides) and on im2col or the 1×1
/// matrix product with OpenBLAS (cached Winograd off for both), or with
/// `--versus tiled` on the register-tiled kernel with streamed Winograd off,
/// `--residual` adds a shortcut in the output pass as ResNet blocks do,
/// timed alternately so that both see the same machine, with GFLOP/s
/// (2 × multiply-adds) of the best round of each and their share of the FMA peak.
func convBenchmark() throws {
    let c = Int(argument("--in", default: "256"))!, m = Int(argument("--out", default: "256"))!
    let size = Int(argument("--size", default: "32"))!
    let d = Int(argument("--dilation", default: "1"))!, rounds = Int(argument("--rounds", default: "200"))!
    let k = Int(argument("--kernel", default: "3"))!, stride = Int(argument("--stride", default: "1"))!
    let withResidual = CommandLine.arguments.contains("--residual")
    let threads = Int(argument("--threads", default: "2"))!
    MemoryTuning.returnLargeAllocations()
    let versus = argument("--versus", default: "plain")
    guard versus == "plain" || versus == "tiled" else { throw InputListError("conv --versus takes plain or tiled, not \(versus)") }
    let versusTiled = versus == "tiled"
    let compute = try Compute(workers: threads, winogradMinPixels: .max)
    // The second contender: the same tiled layer with streamed Winograd off, or the plain (untiled) layer.
    let other = try Compute(workers: threads, winogradMinPixels: .max, streamedWinogradMinChannels: .max)
    var generator = SeededGenerator(seed: 7)
    let weight = (0..<(m * c * k * k)).map { _ in Float.random(in: -0.05...0.05, using: &generator) }
    let input = FeatureMap(channels: c, height: size, width: size,
                           values: (0..<(c * size * size)).map { _ in Float.random(in: -1...1, using: &generator) })
    let layers = [true, versusTiled].map {
        Conv2D(weight: weight, outChannels: m, inChannels: c, kernel: k, bias: [Float](repeating: 0.1, count: m), batchNorm: nil,
               dilation: d, stride: stride, padding: nil, relu: true, relu6: false, allowTiling: $0)
    }
    let side = layers[0].outputSide(size)
    let residual = withResidual ? FeatureMap(channels: m, height: side, width: side,
                                             values: (0..<(m * side * side)).map { _ in Float.random(in: -1...1, using: &generator) }) : nil
    var best = [Double.infinity, .infinity]
    for _ in 0..<rounds {
        for (i, layer) in layers.enumerated() {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = layer(input, i == 0 ? compute : other, adding: residual)
            best[i] = min(best[i], Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
    }
    let gflop = 2 * Double(m * c * k * k * side * side) / 1e9
    let peak = fmaPeak(threads: threads)
    print(String(format: "conv%dx%d/%d d%d %dx%d %d->%d%@, %d threads: fast %.3f ms (%.0f GFLOP/s, %.0f %% of peak), "
                 + "%@ %.3f ms (%.0f GFLOP/s, %.0f %%), %.2fx; FMA peak %.0f GFLOP/s",
                 k, k, stride, d, size, size, c, m, withResidual ? " + residual" : "", threads, best[0] * 1000, gflop / best[0], 100 * gflop / best[0] / peak,
                 versusTiled ? "tiled" : "plain",
                 best[1] * 1000, gflop / best[1], 100 * gflop / best[1] / peak, best[1] / best[0], peak))
}

/// The FMA peak of `threads` threads running the probe at once (GFLOP/s, the
/// best of five rounds): what "% of peak" means in docs/benchmarks.md.
func fmaPeak(threads: Int) -> Double {
    var best = 0.0
    for _ in 0..<5 {
        let rates = UnsafeMutableBufferPointer<Double>.allocate(capacity: threads)
        defer { rates.deallocate() }
        let slots = UncheckedBuffer(rates)
        DispatchQueue.concurrentPerform(iterations: threads) { i in slots.buffer[i] = seg_fma_peak(20_000_000) }
        best = max(best, rates.reduce(0, +))
    }
    return best
}

/// A buffer whose disjoint slots concurrent iterations write.
struct UncheckedBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Double>
    init(_ buffer: UnsafeMutableBufferPointer<Double>) { self.buffer = buffer }
}
