import Dispatch
import Foundation
import SegCore
import SegImage
import SegMetrics

/// `segbench eval [--data DIR] [--rounds N]`: on the pairs in DIR/gt and
/// DIR/pred (made by scripts/make-eval-bench-data: 900 ISBI labels against
/// blurred images), best of N rounds on all cores:
///   decode: read + decode both files of every pair;
///   MAE + F: the evaluation job with --metrics mae,f;
///   full: every salient-object metric (MAE, F, S, E, weighted F) and the confusion family.
func evalBenchmark() throws {
    let data = argument("--data", default: "/dev/shm/segkit-eval-bench")
    let gt = try InputFiles.collect([data + "/gt"]), pred = try InputFiles.collect([data + "/pred"])
    guard gt.count == pred.count, !gt.isEmpty else {
        throw InputListError("\(data): expected gt/ and pred/ with the same number of files (run scripts/make-eval-bench-data \(data))")
    }
    let files = gt + pred
    // As segeval does; the decode-only floor runs under the same setting.
    MemoryTuning.reuseLargeAllocations()
    let cores = ProcessInfo.processInfo.activeProcessorCount
    StandardError.line("segbench eval: \(gt.count) pairs, \(cores) cores, \(rounds) rounds")
    func job(_ metrics: (inout EvalConfig) -> Void) -> EvalJob {
        var job = EvalJob()
        job.gt = [data + "/gt"]
        job.predictions = [data + "/pred"]
        job.workers = cores
        metrics(&job.config)
        return job
    }
    let maeF = job { c in
        c.confusion = false
        c.salient.sMeasure = false; c.salient.eMeasure = false; c.salient.weightedF = false
    }
    let full = job { _ in }
    var decodeBest = Double.infinity, maeFBest = Double.infinity, fullBest = Double.infinity
    for _ in 0..<rounds {
        decodeBest = min(decodeBest, try time { try decodeAll(files.map(\.path), cores: cores) })
        maeFBest = min(maeFBest, try time { _ = try maeF.run() })
        fullBest = min(fullBest, try time { _ = try full.run() })
    }
    // The metric work alone, one core, on pairs already decoded.
    let sample = try (0..<min(60, gt.count)).map { try PairEvaluator.load(gtPath: gt[$0].path, predPath: pred[$0].path, config: maeF.config) }
    let workspace = WeightedFWorkspace()
    var kernelBest = Double.infinity
    for _ in 0..<rounds {
        kernelBest = min(kernelBest, try time {
            for inputs in sample { _ = try PairEvaluator.evaluate(inputs, key: "k", gtPath: "g", predPath: "p", config: maeF.config, workspace: workspace) }
        })
    }
    print(String(format: "MAE + F metric work per decoded pair (one core): %.1f µs", kernelBest / Double(sample.count) * 1e6))
    print(String(format: "decode only (read+decode %d files): %.3f s", files.count, decodeBest))
    print(String(format: "MAE + F family: %.3f s (%.3fx decode; goal <= 1.3x)", maeFBest, maeFBest / decodeBest))
    print(String(format: "full set (MAE, F, S, E, wF + confusion): %.3f s (%.1f pairs/s)", fullBest, Double(gt.count) / fullBest))
}

/// Reads and decodes every file, `cores` at a time: the floor every
/// evaluation pays.
func decodeAll(_ paths: [String], cores: Int) throws {
    let next = Counter(), failure = ResultSlots<Error>(count: 1)
    DispatchQueue.concurrentPerform(iterations: cores) { _ in
        while let i = next.take(below: paths.count) {
            do { _ = try ImageReader.read(paths[i]) } catch { failure.set(0, error) }
        }
    }
    if let error = failure.values[0] { throw error }
}

/// `segbench decode DIR... [--rounds N]`: the best of N rounds of reading and
/// decoding every image under the folders on all cores, in seconds, the
/// decode floor scripts/bench_distance.py compares the distance family with.
func decodeBenchmark() throws {
    let folders = CommandLine.arguments.dropFirst(2).prefix { !$0.hasPrefix("--") }
    let paths = try InputFiles.collect(Array(folders)).map(\.path)
    guard !paths.isEmpty else { throw InputListError("segbench decode: no images under \(folders.joined(separator: " "))") }
    MemoryTuning.reuseLargeAllocations()
    let cores = ProcessInfo.processInfo.activeProcessorCount
    var best = Double.infinity
    for _ in 0..<rounds { best = min(best, try time { try decodeAll(paths, cores: cores) }) }
    print(String(format: "decode only (read+decode %d files, %d cores): %.3f s", paths.count, cores, best))
}
