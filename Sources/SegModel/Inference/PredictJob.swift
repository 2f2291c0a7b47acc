import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage

/// One `segpredict` run: which images go in, where maps come out, and how.
public struct PredictJob: Sendable {
    /// File type of probability maps.
    public enum FileFormat: String, Sendable, CaseIterable {
        /// 8-bit grey PNG, probability × 255 rounded.
        case png
        /// 32-bit float TIFF, one page per output channel.
        case tiff32
        var fileExtension: String { self == .png ? "png" : "tif" }
    }

    /// One input image and the file its prediction goes to.
    public struct Item: Sendable, Equatable {
        public let input: String
        public let output: String
    }

    /// What a run did.
    public struct Summary: Sendable {
        public var written: [Item] = []
        /// Per-file failures (only more than one with `keepGoing`).
        public var failures: [Error] = []
        public var seconds: Double = 0
    }

    public var predictor: Predictor
    public var format: FileFormat = .png
    /// Write class-index masks instead of probabilities.
    public var mask = false
    /// Pixel value written for each class (binary: background, foreground).
    public var maskValues: [Int]?
    /// Images in flight at once; the threads are shared out among them.
    public var batch = 1
    /// Continue after a file fails.
    public var keepGoing = false

    public init(predictor: Predictor) { self.predictor = predictor }

    var network: any SegmentationNetwork { predictor.network }

    /// Classes a mask distinguishes: 2 for one sigmoid output, else the outputs.
    public var classCount: Int { network.outputChannels == 1 ? 2 : network.outputChannels }

    /// The mask value of each class, defaulting to 0/255 for two classes and to
    /// the class index otherwise.
    public var resolvedMaskValues: [Int] { maskValues ?? (classCount == 2 ? [0, 255] : Array(0..<classCount)) }

    /// Replace outputs that exist already (otherwise ``run`` refuses before writing anything).
    public var overwrite = false

    /// Checks that the requested output can be written for this network.
    public func validate() throws {
        if mask {
            guard format == .png else { throw ModelError("\(setting: .mask) writes PNG class masks; \(setting: .format) tiff32 is for probabilities", category: .usage) }
            guard resolvedMaskValues.count == classCount else {
                throw ModelError("\(setting: .maskValues) lists \(resolvedMaskValues.count) values, the model distinguishes \(classCount) classes", category: .usage)
            }
            guard resolvedMaskValues.allSatisfy({ (0...255).contains($0) }) else { throw ModelError("\(setting: .maskValues) must lie in 0…255", category: .usage) }
        } else if format == .png && network.outputChannels > 2 {
            throw ModelError("the model has \(network.outputChannels) output classes: use \(setting: .mask) (argmax) or \(setting: .format) tiff32 (one page per class)", category: .usage)
        }
    }

    // MARK: Planning

    /// Expands `inputs` (folders searched recursively, image files, manifests
    /// whose first column is the image, `-` for a list on stdin) into items
    /// whose outputs mirror the inputs' relative paths under `out`. Two inputs
    /// mapping to one output, or an output that is an input, are errors.
    public static func plan(inputs: [String], out: String, format: FileFormat,
                            readStdin: () -> String? = { InputFiles.readStandardInput() },
                            notice: (String) -> Void = StandardError.warning) throws -> [Item] {
        var files: [InputFile] = []
        for argument in inputs {
            var isDir: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: argument, isDirectory: &isDir)
            if argument != "-" && exists && !isDir.boolValue && !InputFiles.imageExtensions.contains(InputFiles.fileExtension(argument)) {
                let entries: [ManifestEntry]
                do { entries = try Manifest.read(argument) } catch { throw ModelError(path: argument, "\(error)") }
                files += entries.map { InputFile(path: $0.image, relativePath: ($0.image as NSString).lastPathComponent) }
            } else {
                do { files += try InputFiles.collect([argument], readStdin: readStdin, notice: notice) } catch { throw ModelError("\(error)") }
            }
        }
        // The same path reached twice (a folder and a file in it) is one item, as in every tool.
        files = InputFiles.unique(files, notice: notice)
        guard !files.isEmpty else { throw ModelError("no input images found in \(inputs.joined(separator: ", "))") }
        var seen: [String: String] = [:]
        let inputSet = Set(files.map { InputFiles.canonical($0.path) })
        return try files.map { file in
            let relative = (file.relativePath as NSString).deletingPathExtension + "." + format.fileExtension
            let output = (out as NSString).appendingPathComponent(relative)
            if let other = seen[output] {
                throw ModelError("\(other) and \(file.path) would both be written to \(output)")
            }
            seen[output] = file.path
            if inputSet.contains(InputFiles.canonical(output)) {
                throw ModelError(path: output, "is an input image; choose another \(setting: .out) folder")
            }
            return Item(input: file.path, output: output)
        }
    }

    // MARK: Running

    /// Predicts every item. `log` receives one line per failed file; `progress`
    /// advances once per finished image; `wrote` receives each written item
    /// as soon as it and every item before it are done (input order, so a
    /// pipe reading the paths sees them while the run goes on). Throws the
    /// first failure unless `keepGoing` (write failures always stop the run).
    public func run(_ items: [Item], log: @escaping @Sendable (String) -> Void = { _ in },
                    progress: ProgressBar? = nil, wrote: @escaping @Sendable (Item) -> Void = { _ in }) throws -> Summary {
        try validate()
        if !overwrite { try ExistingOutputs.refuse(items.map(\.output)) }
        let start = Date()
        let lanes = max(1, min(batch, items.count))
        let threads = predictor.compute.workers
        let predictors = try (0..<lanes).map { lane -> Predictor in
            if lanes == 1 { return predictor }
            let share = max(1, threads / lanes + (lane < threads % lanes ? 1 : 0))
            return predictor.with(compute: try Compute(workers: share, winogradMinPixels: predictor.compute.winogradMinPixels,
                                                         streamedWinogradMinChannels: predictor.compute.streamedWinogradMinChannels,
                                                         winogradCacheLimit: predictor.compute.winogradCacheLimit, plansActivations: false))
        }
        let slots = ResultSlots<Result<Void, Error>>(count: items.count)
        let counter = Counter()
        let stopped = ResultSlots<Bool>(count: 1)  // set when the run must stop
        let announcer = InOrderAnnouncer(count: items.count) { i, ok in if ok { wrote(items[i]) } }
        // Records item i's outcome; a failure stops the run unless `keepGoing`
        // (write failures always do).
        let finish: @Sendable (Int, Result<Void, Error>) -> Void = { i, result in
            slots.set(i, result)
            announcer.finished(i, ok: (try? result.get()) != nil)
            progress?.advance()
            if case .failure(let error) = result {
                log("\(error)")
                if !keepGoing || Self.isWriteFailure(error) { stopped.set(0, true) }
            }
        }
        // Each lane writes its previous image on a queue of its own while it
        // reads and predicts the next one (at most one write waiting), so the
        // encoder runs in the moments the convolutions leave a core idle.
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            let writer = DispatchQueue(label: "segpredict.write.\(lane)")
            let writes = DispatchGroup(), oneWaiting = DispatchSemaphore(value: 1)
            while stopped.values[0] == nil, let i = counter.take(below: items.count) {
                let prob: FeatureMap
                do { prob = try self.probabilities(items[i], with: predictors[lane]) } catch {
                    finish(i, .failure(error))
                    continue
                }
                oneWaiting.wait()
                writer.async(group: writes) {
                    defer { oneWaiting.signal() }
                    // An image predicted after the run had to stop is left unwritten, as one never started.
                    guard stopped.values[0] == nil else { return }
                    finish(i, Result { try self.write(prob, for: items[i]) })
                }
            }
            writes.wait()
        }
        progress?.finish()
        var summary = Summary()
        for (item, result) in zip(items, slots.values) {
            switch result {
            case .success?: summary.written.append(item)
            case .failure(let error)?: summary.failures.append(error)
            case nil: break
            }
        }
        summary.seconds = Date().timeIntervalSince(start)
        return summary
    }

    /// Whether `error` is about writing (disk full, permissions): never skipped.
    public static func isWriteFailure(_ error: Error) -> Bool {
        FailureCategory.of(error) == .outputNotWritten
    }

    /// Reads and predicts one image: its probability map.
    func probabilities(_ item: Item, with predictor: Predictor) throws -> FeatureMap {
        let image = try ImageReader.read(item.input)
        do { return try predictor.probabilities(image, path: item.input) } catch let error as ModelError { throw error.at(item.input) }
    }

    /// Writes one image's probability map as the job's output format says.
    func write(_ prob: FeatureMap, for item: Item) throws {
        try createParentFolder(of: item.output)
        if mask {
            try ImageWriter.write(Image.gray8(width: prob.width, height: prob.height, pixels: maskPixels(prob)), to: item.output, as: .labelPNG)
        } else if format == .tiff32 {
            let pages = (0..<prob.channels).map { c in
                FloatTIFF.Page(width: prob.width, height: prob.height, values: Array(UnsafeBufferPointer(start: prob.channel(c), count: prob.plane)))
            }
            // Uncompressed: Deflate would save about 13 % of a probability map's
            // bytes for some 30 ms per 512² page, a tenth of a prediction's time.
            try FloatTIFF.write(pages, to: item.output, compression: .none)
        } else {
            // Two softmax classes: the foreground (class 1) probability.
            let channel = prob.channels == 2 ? 1 : 0
            let src = prob.channel(channel)
            let pixels = (0..<prob.plane).map { i -> UInt8 in
                let v = src[i] * 255
                return v.isNaN ? 0 : UInt8(max(0, min(255, v.rounded())))
            }
            try ImageWriter.write(Image.gray8(width: prob.width, height: prob.height, pixels: pixels), to: item.output, as: .png(level: 6, filtered: true))
        }
    }

    /// Class masks: threshold for one output channel, argmax (first maximum) otherwise.
    func maskPixels(_ prob: FeatureMap) -> [UInt8] {
        let values = resolvedMaskValues.map { UInt8($0) }
        let plane = prob.plane
        if prob.channels == 1 {
            let t = predictor.settings.threshold, src = prob.channel(0)
            return (0..<plane).map { src[$0] >= t ? values[1] : values[0] }
        }
        return (0..<plane).map { i in
            var best = 0
            for c in 1..<prob.channels where prob.data[c * plane + i] > prob.data[best * plane + i] { best = c }
            return values[best]
        }
    }
}
