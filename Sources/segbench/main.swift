// segbench: speed figures for docs/benchmarks.md (run by hand, not in CI).
//
//   swift run -c release segbench remap [--copies 30] [--dir /tmp/segkit-bench] [--rounds 3]
//   swift run -c release segbench eval [--data /dev/shm/segkit-eval-bench] [--rounds 3]
//   swift run -c release segbench decode DIR... [--rounds 3]
//   swift run -c release segbench predict --weights FILE [--size 512] [--runs 3] [--threads 2] [--profile]
//                                         [--winograd-min PIXELS] [--streamed-min CHANNELS] [--winograd-cache-mb MB] [--no-arena]
//   swift run -c release segbench conv [--in 256] [--out 256] [--size 32] [--kernel 3] [--stride 1] [--dilation 1] [--threads 2]
//                                      [--residual] [--rounds 200] [--versus plain|tiled]
//   swift run -c release segbench tiffwrite FILE.tif
//
// Replicates the 30 ISBI 2012 labels (../shared/datasets/isbi2012/train/label)
// into COPIES folders (900 files by default), then times
//   floor: read + decode + encode + atomic write of every file with the exact
//          codec settings remap uses (no mapping work), both cores;
//   remap: the full `segprep remap` job (histogram, checks, LUT, same writes).
// Prints files/s for each and their ratio (goal: remap within 1.15x of the floor).
import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage
import SegPrep

func argument(_ name: String, default value: String) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
    return value
}

let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
let source = argument("--labels", default: repo + "/../shared/datasets/isbi2012/train/label")
let copies = Int(argument("--copies", default: "30"))!
let rounds = Int(argument("--rounds", default: "3"))!
let root = argument("--dir", default: NSTemporaryDirectory() + "segkit-bench")
let fm = FileManager.default

/// Runs one benchmark and exits: 0, or 1 with a one-line message (a missing
/// weights file, say) instead of a crash.
func run(_ body: () throws -> Void) -> Never {
    do {
        try body()
        exit(0)
    } catch {
        StandardError.line("segbench: \(error)")
        exit(1)
    }
}

func time(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

if CommandLine.arguments.dropFirst().first == "codec" {
    run {
        // Per-file codec costs on one core: decode, encode with the label settings, remap logic.
        let files = NaturalOrder.sorted((try? fm.contentsOfDirectory(atPath: source))?.filter { $0.hasSuffix(".png") } ?? [])
        let bytes = try files.map { try FileBytes.read(source + "/" + $0) }
        var images: [Image] = []
        let reps = 10
        let decode = try time { for _ in 0..<reps { images = try bytes.map { try ImageReader.decode($0, path: "x") } } }
        var encoded = 0
        let encode = try time { for _ in 0..<reps { for image in images { encoded += try ImageWriter.encode(image, as: .labelPNG).count } } }
        let remapper = Remapper(mapping: .binary)
        let logic = try time { for _ in 0..<reps { for image in images { _ = try remapper.remap(image, path: "x") } } }
        let n = Double(reps * files.count)
        print(String(format: "per file: decode %.3f ms, encode %.3f ms (%d bytes avg), remap logic %.3f ms",
                     decode / n * 1000, encode / n * 1000, encoded / (reps * files.count), logic / n * 1000))
    }
}

if CommandLine.arguments.dropFirst().first == "elastic" { run(elasticBenchmark) }

if CommandLine.arguments.dropFirst().first == "conv" { run(convBenchmark) }

if CommandLine.arguments.dropFirst().first == "predict" { run(predictBenchmark) }

// segbench tiffwrite FILE: writing FILE's float pages (a segpredict map) uncompressed and with Deflate.
if CommandLine.arguments.dropFirst().first == "tiffwrite" {
    run {
        guard let file = CommandLine.arguments.dropFirst(2).first else {
            StandardError.line("usage: segbench tiffwrite FILE.tif (a segpredict --format tiff32 map)")
            exit(64)
        }
        let pages = try FloatTIFF.read(file)
        let out = NSTemporaryDirectory() + "segbench-tiff.tif"
        for compression in [TIFFCompression.none, .deflate] {
            var best = Double.infinity
            for _ in 0..<20 { best = min(best, try time { try FloatTIFF.write(pages, to: out, compression: compression) }) }
            let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            print(String(format: "float TIFF write, %@: %.2f ms, %d bytes", "\(compression)", best * 1000, size))
        }
    }
}

if CommandLine.arguments.dropFirst().first == "decode" { run(decodeBenchmark) }

if CommandLine.arguments.dropFirst().first == "eval" { run(evalBenchmark) }

if CommandLine.arguments.dropFirst().first == "check" { run(checkBenchmark) }

guard CommandLine.arguments.dropFirst().first == "remap" else {
    StandardError.line("usage: segbench remap|check|codec|elastic|decode|eval|predict|conv|tiffwrite [options] (see the top of Sources/segbench/main.swift)")
    exit(64)
}

// 1. The input set.
let names = NaturalOrder.sorted((try? fm.contentsOfDirectory(atPath: source))?.filter { $0.hasSuffix(".png") } ?? [])
guard !names.isEmpty else { StandardError.line("no labels in \(source)"); exit(1) }
try? fm.removeItem(atPath: root)
for copy in 0..<copies {
    let dir = root + "/in/\(copy)"
    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for name in names { try fm.copyItem(atPath: source + "/" + name, toPath: dir + "/" + name) }
}
let inputs = try InputFiles.collect([root + "/in"])
StandardError.line("segbench: \(inputs.count) files (\(names.count) labels x \(copies)), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(rounds) rounds")


/// The floor: same reads, decodes, PNG settings and atomic writes, no mapping.
func floorRun(_ out: String) throws {
    for copy in 0..<copies { try fm.createDirectory(atPath: out + "/\(copy)", withIntermediateDirectories: true) }
    let workers = ProcessInfo.processInfo.activeProcessorCount
    let next = Counter()
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while let i = next.take(below: inputs.count) {
            let image = try! ImageReader.read(inputs[i].path)
            try! ImageWriter.write(image, to: out + "/" + inputs[i].relativePath, as: .labelPNG, content: .labels)
        }
    }
}

do {
    var options = RemapOptions()
    options.outputDirectory = root + "/plan"
    let planTime = try time { _ = try RemapJob.plan(inputs, options: options) }
    print(String(format: "planning %d outputs: %.1f ms", inputs.count, planTime * 1000))
}
var floorBest = Double.infinity, remapBest = Double.infinity
for round in 0..<rounds {
    let floorOut = root + "/floor\(round)", remapOut = root + "/remap\(round)"
    var options = RemapOptions()
    options.outputDirectory = remapOut
    var summary: RemapSummary?
    // Flush earlier writes before each timed phase, and alternate which phase
    // goes first, so that one phase's write-back does not land in the other's time.
    let phases: [() throws -> Void] = [
        { sync(); floorBest = min(floorBest, try time { try floorRun(floorOut) }) },
        { sync(); remapBest = min(remapBest, try time { summary = try RemapJob.run(inputs, options: options) }) },
    ]
    for phase in round % 2 == 0 ? phases : phases.reversed() { try phase() }
    precondition(summary!.failed.isEmpty && summary!.succeeded == inputs.count)
    try? fm.removeItem(atPath: floorOut)
    try? fm.removeItem(atPath: remapOut)
}
let n = Double(inputs.count)
print(String(format: "floor (read+decode+encode+write): %.3f s, %.0f files/s", floorBest, n / floorBest))
print(String(format: "remap (segprep remap job):        %.3f s, %.0f files/s", remapBest, n / remapBest))
print(String(format: "remap / floor: %.3fx (goal <= 1.15x)", remapBest / floorBest))
print("inputs kept in \(root)/in for scripts/bench_remap_opencv.py")

/// `segbench check`: `segprep check` on COPIES × 30 ISBI pairs (900 by default) against the time
/// to only read and decode the same 1800 files on both cores.
func checkBenchmark() throws {
    let isbi = (source as NSString).deletingLastPathComponent
    let root = argument("--dir", default: NSTemporaryDirectory() + "segkit-bench-check")
    try? fm.removeItem(atPath: root)
    for kind in ["image", "label"] {
        try fm.createDirectory(atPath: root + "/\(kind)s", withIntermediateDirectories: true)
        let names = NaturalOrder.sorted(try fm.contentsOfDirectory(atPath: isbi + "/" + kind).filter { $0.hasSuffix(".png") })
        for copy in 0..<copies {
            for name in names { try fm.copyItem(atPath: isbi + "/\(kind)/" + name, toPath: root + "/\(kind)s/c\(copy)_" + name) }
        }
    }
    let files = try InputFiles.collect([root + "/images", root + "/labels"])
    StandardError.line("segbench check: \(files.count / 2) pairs, \(ProcessInfo.processInfo.activeProcessorCount) cores, \(rounds) rounds")
    var decodeBest = Double.infinity, checkBest = Double.infinity, findings = -1
    for _ in 0..<rounds {
        decodeBest = min(decodeBest, time {
            let next = Counter()
            DispatchQueue.concurrentPerform(iterations: ProcessInfo.processInfo.activeProcessorCount) { _ in
                while let i = next.take(below: files.count) { _ = try! ImageReader.read(files[i].path) }
            }
        })
        checkBest = min(checkBest, try time {
            let (sources, initial) = try Checker.sources([root])
            findings = try Checker.run(sources, initialFindings: initial, options: CheckOptions()).findings.count
        })
    }
    precondition(findings == copies * 30 - 30 || copies == 1, "expected duplicate-content findings for the copies")
    print(String(format: "decode only (read+decode %d files): %.3f s", files.count, decodeBest))
    print(String(format: "check (pairing, decode, sizes, values, hashes, leaks): %.3f s, %d findings", checkBest, findings))
    print(String(format: "check / decode: %.3fx (goal <= 1.2x)", checkBest / decodeBest))
}

/// `segbench elastic`: one 512×512 ISBI image + label deformed on one core
/// (field generation, bilinear image warp, nearest label warp), best of N,
/// then the whole `augment` of 30 pairs × 10 copies on all cores.
func elasticBenchmark() throws {
    let isbi = (source as NSString).deletingLastPathComponent
    let image = try ImageReader.read(isbi + "/image/0.png"), label = try ImageReader.read(isbi + "/label/0.png")
    let alpha = Double(argument("--alpha", default: "300"))!, sigma = Double(argument("--sigma", default: "12"))!
    let spec = ElasticSpec.simard(alpha: alpha, sigma: sigma)
    let reps = 20
    var fieldBest = Double.infinity, imageBest = Double.infinity, labelBest = Double.infinity
    var field = DisplacementField.zero(width: 512, height: 512)
    for rep in 0..<reps {
        var generator = SeededGenerator(seed: UInt64(rep))
        fieldBest = min(fieldBest, time { field = spec.field(width: 512, height: 512, using: &generator) })
        imageBest = min(imageBest, time { _ = image.warped(by: field, interpolation: .bilinear, border: .reflect) })
        labelBest = min(labelBest, time { _ = label.warped(by: field, interpolation: .nearest, border: .reflect) })
    }
    print(String(format: "one core, 512x512, alpha %.0f sigma %.0f: field %.2f ms + image (bilinear) %.2f ms + label (nearest) %.2f ms = %.2f ms",
                 alpha, sigma, fieldBest * 1000, imageBest * 1000, labelBest * 1000, (fieldBest + imageBest + labelBest) * 1000))
    let out = NSTemporaryDirectory() + "segkit-bench-augment"
    try? fm.removeItem(atPath: out)
    var options = AugmentOptions(out: out)
    options.copies = 10
    options.elastic = spec
    options.seed = 1
    let inputs = try AugmentJob.inputs(images: isbi + "/image", labels: isbi + "/label")
    guard CommandLine.arguments.contains("--no-job") == false else { return }
    let whole = try time { _ = try AugmentJob.run(inputs, options: options) }
    print(String(format: "augment 30 pairs x 10 copies, %d cores (decode, warp, encode, write): %.2f s, %.1f copies/s",
                 ProcessInfo.processInfo.activeProcessorCount, whole, 300 / whole))
}
