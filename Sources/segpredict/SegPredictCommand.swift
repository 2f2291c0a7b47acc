import ArgumentParser
import Foundation
import SegFiles
import SegCLI
import SegCore
import SegImage
import SegModel

@main
struct SegPredict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segpredict",
        abstract: "Run U-Net, U²-Net, UNet 3+ or segmentation_models.pytorch weights exported from PyTorch (safetensors) over images on the CPU.",
        discussion: """
            Writes one map per input under --out, mirroring the inputs' relative paths, so that
            `segeval --pred OUT --gt LABELS` pairs them. Preprocessing comes from the weights file's
            metadata (scale, mean, std, resize, in_channels, activation, threshold); flags override it.
            Exit codes: 0 success, 1 bad input or weights, 2 an output could not be written, 64 usage.
            """,
        version: BuildInfo.versionLine)

    /// Parses, runs, and reports failures as every SegKit tool does.
    static func main() { CommandLineTool.main(Self.self) }

    @Option(name: .long, help: "Weights: a safetensors file of a PyTorch state_dict, or a segmentation_models.pytorch save_pretrained folder (model.safetensors + config.json).")
    var weights: String

    @Option(name: .long, parsing: .singleValue, help: "Image folder, image file, manifest, or - for a list on stdin (repeatable).")
    var input: [String]

    @Option(name: .long, help: "Output folder.")
    var out: String

    @Option(name: .long, help: "auto (recognised from the tensor names) or the architecture by name (smp-…: segmentation_models.pytorch).")
    var arch: ArchitectureChoice = .auto

    @Option(name: .long, help: "Multiply pixel values by this (e.g. 0.00392156862745098 or 1/255).",
            transform: optionValue(Preprocessing.parseScale, expected: "a positive number"))
    var scale: Float?

    @Option(name: .long, help: "Per-channel mean subtracted after scaling: a,b,c.",
            transform: optionValue({ Preprocessing.parseList($0, positive: false) }, expected: "comma-separated numbers"))
    var mean: [Float]?

    @Option(name: .long, help: "Per-channel standard deviation: a,b,c.",
            transform: optionValue({ Preprocessing.parseList($0, positive: true) }, expected: "comma-separated positive numbers"))
    var std: [Float]?

    @Option(name: .long, help: "Resize images to NxN for the network; outputs are resized back bilinearly.")
    var resize: Int?

    @Option(name: .long, help: "Output activation: sigmoid, softmax or none (default: sigmoid for one output, softmax for several).")
    var activation: Activation?

    @Option(name: .long, help: "png (8-bit probability × 255) or tiff32 (float, one page per class).")
    var format: PredictJob.FileFormat = .png

    @Flag(name: .long, help: "Write class masks instead of probabilities (threshold for one output, argmax for several).")
    var mask = false

    @Option(name: .long, help: "Foreground probability threshold for binary masks (default 0.5 or the file's).",
            transform: optionValue(Preprocessing.parseThreshold, expected: "a number between 0 and 1"))
    var threshold: Float?

    @Option(name: .long, help: "Pixel value of each class in masks: 0,255 (default for two classes) or 0,1.",
            transform: optionValue(SegPredict.parseMaskValues, expected: "comma-separated integers 0…255"))
    var maskValues: [Int]?

    @Option(name: .long, help: "Sliding-window inference with NxN windows (Gaussian-weighted blending).")
    var tile: Int?

    @Option(name: .long, help: "Window overlap fraction for --tile.")
    var overlap: Double = 0.25

    @Option(name: .long, help: "Test-time augmentation: flip (average of identity, h-flip, v-flip, both).")
    var tta: TestTimeAugmentation?

    @Flag(name: .long, help: "Convert grey images to RGB (or RGB to grey) when the model reads the other.")
    var convert = false

    @Option(name: .long, help: "Images processed at once (threads are shared among them).")
    var batch: Int = 1

    @Option(name: .long, help: "Threads (default: number of cores), as --jobs in every SegKit tool.")
    var jobs: Int?

    /// The old spelling of --jobs.
    @Option(name: .customLong("threads"), help: ArgumentHelp(visibility: .hidden))
    var threadsAlias: Int?

    var threads: Int? { jobs ?? threadsAlias }

    @Flag(name: .long, help: "Replace outputs that exist already (without it, a run into a folder that holds them refuses before writing anything).")
    var force = false

    @Flag(name: .long, help: "Report failing images and continue with the rest.")
    var keepGoing = false

    @OptionGroup var sharding: ShardOptions

    @Flag(name: .long, help: "No summary line on stderr.")
    var quiet = false

    func validate() throws {
        if let resize, resize < 1 || resize > 16384 { throw ValidationError("--resize must be between 1 and 16384") }
        if let tile, tile < 16 { throw ValidationError("--tile must be at least 16") }
        if !(0..<1).contains(overlap) { throw ValidationError("--overlap must be at least 0 and below 1") }
        if batch < 1 { throw ValidationError("--batch must be at least 1") }
        if jobs != nil && threadsAlias != nil { throw ValidationError("--threads is the old name of --jobs; give one") }
        if let threads, threads < 1 { throw ValidationError("--jobs must be at least 1") }
        if maskValues != nil && !mask { throw ValidationError("--mask-values needs --mask") }
    }

    /// `0,255`: two or more values 0…255, or nil.
    static func parseMaskValues(_ text: String) -> [Int]? {
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count >= 2, values.allSatisfy({ $0 != nil && (0...255).contains($0!) }) else { return nil }
        return values.map { $0! }
    }

    /// Preprocessing given on the command line (nil fields defer to the file).
    var flags: Preprocessing {
        Preprocessing(scale: scale, mean: mean, std: std, resize: resize, activation: activation, threshold: threshold)
    }

    func run() throws {
        AtomicFile.installInterruptCleanup()
        MemoryTuning.returnLargeAllocations()  // activations are pooled by SegModel
        // Outputs are planned over all inputs, so every shard finds the same collisions.
        let items = sharding.value.select(try PredictJob.plan(inputs: input, out: out, format: mask ? .png : format))
        let model = try LoadedModel(path: weights, architecture: arch.architecture)
        let settings = try ResolvedPreprocessing(try model.preprocessing().overridden(by: flags),
                                                 network: model.network, source: weights)
        let compute = try Compute(workers: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let predictor = Predictor(model: model, settings: settings, tile: tile, overlap: overlap, flipTTA: tta == .flip,
                                  convertChannels: convert, compute: compute)
        var job = PredictJob(predictor: predictor)
        job.format = format
        job.mask = mask
        job.maskValues = maskValues
        job.batch = batch
        job.keepGoing = keepGoing
        job.overwrite = force
        try job.validate()
        if !quiet {
            StandardError.line("segpredict: \(model.network) from \(weights); \(Self.describe(settings)); OpenBLAS \(BLAS.core), \(compute.workers) thread\(compute.workers == 1 ? "" : "s")")
        }
        let progress = ProgressBar(total: items.count, label: "predict", rateUnit: "images")
        // Each path is written (unbuffered) as soon as its map is on disk.
        let summary = try job.run(items, log: { StandardError.error("\($0)") }, progress: progress,
                                  wrote: { StandardOutput.write($0.output + "\n") })
        if !quiet {
            let rate = summary.seconds > 0 ? Double(summary.written.count) / summary.seconds : 0
            StandardError.line("segpredict: \(summary.written.count) of \(items.count) images in \(String(format: "%.2f", summary.seconds)) s "
                               + "(\(String(format: "%.2f", rate)) images/s)" + (summary.failures.isEmpty ? "" : ", \(summary.failures.count) failed"))
        }
        if !summary.failures.isEmpty {
            throw (summary.failures.contains(where: PredictJob.isWriteFailure) ? ExitStatus.outputNotWritten : .badInput).exit
        }
    }

    /// One line naming the preprocessing in effect.
    static func describe(_ s: ResolvedPreprocessing) -> String {
        func list(_ v: [Float]) -> String { v.map { String(format: "%g", $0) }.joined(separator: ",") }
        var parts = ["\(s.channels) channel\(s.channels == 1 ? "" : "s")", "scale \(String(format: "%g", s.scale))"]
        if s.mean.contains(where: { $0 != 0 }) || s.std.contains(where: { $0 != 1 }) { parts.append("mean \(list(s.mean)) std \(list(s.std))") }
        if let r = s.resize { parts.append("resize \(r)") }
        parts.append("activation \(s.activation.rawValue)")
        return parts.joined(separator: ", ")
    }
}
