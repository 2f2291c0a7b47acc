import Dispatch
import Foundation
import SegCore
import SegModel

/// `segbench predict --weights FILE [--size 512] [--runs 3] [--threads 2] [--profile] [--winograd-min PIXELS] [--streamed-min CHANNELS] [--winograd-cache-mb MB] [--no-arena]`:
/// seconds per image, GFLOP/s (2 × convolution multiply-adds) and peak RSS for
/// one model on a synthetic image, after one warm-up run.
func predictBenchmark() throws {
    let weights = argument("--weights", default: "/dev/shm/segkit-predict-bench/unet.safetensors")
    let size = Int(argument("--size", default: "512"))!
    let runs = Int(argument("--runs", default: "3"))!
    let threads = Int(argument("--threads", default: String(ProcessInfo.processInfo.activeProcessorCount)))!
    let profile = CommandLine.arguments.contains("--profile")
    MemoryTuning.returnLargeAllocations()  // as segpredict does
    let model = try LoadedModel(path: weights)
    let winogradMin = Int(argument("--winograd-min", default: String(Compute.defaultWinogradMinPixels)))!
    let streamedMin = Int(argument("--streamed-min", default: String(Compute.defaultStreamedWinogradMinChannels)))!
    let cacheLimit = Int(argument("--winograd-cache-mb", default: String(Compute.defaultWinogradCacheLimit >> 20)))! << 20
    let compute = try Compute(workers: threads, winogradMinPixels: winogradMin, streamedWinogradMinChannels: streamedMin,
                              winogradCacheLimit: cacheLimit, plansActivations: !CommandLine.arguments.contains("--no-arena"))
    let c = model.network.inputChannels
    let input = FeatureMap(channels: c, height: size, width: size,
                           values: (0..<(c * size * size)).map { i in Float((i * 7919) % 256) / 255 })
    print("model: \(model.network)")
    func peakMB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
    print(String(format: "peak RSS after loading: %.0f MB", peakMB()))
    print("OpenBLAS \(BLAS.core), \(threads) threads, input \(c)×\(size)×\(size)")
    _ = try compute.pass { try model.network.forward(input, compute) }
    let macs = compute.multiplyAdds
    compute.profile = profile
    var times: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try compute.pass { try model.network.forward(input, compute) }
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    let best = times.min()!, gflop = 2 * Double(macs) / 1e9
    print(String(format: "GFLOP per image: %.1f", gflop))
    print("seconds per image: " + times.map { String(format: "%.3f", $0) }.joined(separator: " ")
          + String(format: "  (best %.3f, %.1f GFLOP/s)", best, gflop / best))
    print(String(format: "peak RSS: %.0f MB", peakMB()))
    if profile {
        for (layer, seconds) in compute.layerSeconds.sorted(by: { $0.value > $1.value }) {
            print(String(format: "  %7.1f ms  ", seconds * 1000 / Double(runs)) + layer)
        }
        let timed = compute.layerSeconds.values.reduce(0, +) * 1000 / Double(runs)
        print(String(format: "  %7.1f ms  all timed layers (of %.1f ms per image on average)", timed, times.reduce(0, +) * 1000 / Double(runs)))
    }
}
