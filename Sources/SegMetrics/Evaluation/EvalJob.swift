import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage

/// One `segeval` run: pairs each prediction folder with the ground truth,
/// evaluates the pairs on all cores in bounded batches (memory does not
/// grow with the number of images), and streams the per-image outputs.
public struct EvalJob: Sendable {
    /// Ground-truth files or folders (ignored when `manifest` is set).
    public var gt: [String] = []
    /// A manifest (`image<TAB>label` lines) naming the ground truth; the
    /// predictions are matched to the image stems.
    public var manifest: String?
    /// Field-of-view masks (`--roi`), paired with the ground truth by key
    /// (`roiSuffix` removed from their stems); pixels where the mask is 0 are
    /// left out as if ignored. Empty: every pixel counts.
    public var roi: [String] = []
    /// Removed from the end of field-of-view mask stems (`--roi-suffix _mask`).
    public var roiSuffix: String?
    /// Prediction folders or files; several compare models.
    public var predictions: [String] = []
    /// How prediction and ground-truth names pair: `imageSuffix` is the
    /// prediction side's (`--pred-suffix`), `labelSuffix` the ground truth's.
    public var pairing = PairingRule()
    /// Evaluate the pairs present when files are missing on either side.
    public var allowMissing = false
    public var shard = Shard(index: 0, count: 1)
    public var workers = 1
    public var config = EvalConfig()
    /// Per-image CSV path.
    public var perImage: String?
    /// Folder for TP/FP/FN overlay PNGs.
    public var overlays: String?
    /// Keep the `worst` images by `worstBy`.
    public var worst = 0
    public var worstBy = "mIoU"
    /// Keep every image's result in the outcome (for tests and small sets:
    /// memory then grows with the number of images).
    public var keepImageResults = false

    public init() {}

    /// What a run produced besides the states.
    public struct Outcome: Sendable {
        public var states: [EvalState] = []
        /// The worst images per prediction set: (key, metric value).
        public var worst: [[(key: String, value: Double)]] = []
        /// Every image's result per prediction set, when `keepImageResults`.
        public var imageResults: [[ImageResult]] = []
        /// Problems that did not stop the run (missing files with --allow-missing…).
        public var warnings: [Message] = []
    }

    /// The model names shown in outputs: folder names, or the paths as
    /// given when two folders share a name.
    public var names: [String] {
        let short = predictions.map { p -> String in
            let trimmed = p.hasSuffix("/") && p.count > 1 ? String(p.dropLast()) : p
            return trimmed.split(separator: "/").last.map(String.init) ?? trimmed
        }
        return Set(short).count == short.count ? short : predictions
    }

    /// Runs the evaluation. `progress` makes the progress reporter of each
    /// prediction set (its name and pair count); the caller decides whether
    /// and where progress is shown, as for every other job.
    public func run(progress makeProgress: (_ name: String, _ pairs: Int) -> ProgressBar? = { _, _ in nil }) throws -> Outcome {
        guard !predictions.isEmpty else { throw EvalError(.usage, "no \(setting: .pred) given") }
        if !roi.isEmpty, let family = MetricRegistry.families.first(where: { $0.isEnabled(config) && !$0.leavesPixelsOut }) {
            throw EvalError(.usage, "\(family.title) metrics cannot leave pixels out, so they refuse a field of view (\(setting: .roi)); choose groups of the confusion and ROC/PR families with \(setting: .metrics), e.g. iou,auc")
        }
        var outcome = Outcome()
        let names = self.names
        var perImageWriter: AtomicFile.Writer?
        if let perImage {
            try createParentFolder(of: perImage)
            perImageWriter = try AtomicFile.Writer(path: perImage)
        }
        var header = true
        // One scratch workspace per worker, reused across images and batches.
        let workspaces = (0..<max(workers, 1)).map { _ in WeightedFWorkspace() }
        for (index, predArg) in predictions.enumerated() {
            let pairs = try pairList(prediction: predArg, warnings: &outcome.warnings)
            let digestInput = pairs.map(\.key).joined(separator: "\n")
            var state = EvalState(config: config, name: names[index], shard: shard, pairCount: pairs.count,
                                  pairDigest: SHA256.hex(Array(digestInput.utf8)))
            let mine = shard.select(pairs)
            var worstList: [(key: String, value: Double)] = []
            var kept: [ImageResult] = []
            let progress = makeProgress(names[index], mine.count)
            defer { progress?.finish() }
            let overlayDir = overlays.map { predictions.count > 1 ? $0 + "/" + names[index] : $0 }
            let batch = 256
            var start = 0
            // Each worker adds its images to its own partial state (merged at the
            // end: integer counts and order-independent sums make the order moot).
            final class Partial: @unchecked Sendable { var state: EvalState; init(_ s: EvalState) { state = s } }
            let partials = workspaces.map { _ in Partial(state) }
            let needResults = perImageWriter != nil || worst > 0 || keepImageResults
            while start < mine.count {
                let slice = Array(mine[start..<min(start + batch, mine.count)])
                let slots = ResultSlots<Result<ImageResult?, Error>>(count: slice.count)
                let counter = Counter()
                let config = self.config
                DispatchQueue.concurrentPerform(iterations: min(workers, slice.count)) { worker in
                    let workspace = workspaces[worker], partial = partials[worker]
                    while let i = counter.take(below: slice.count) {
                        let pair = slice[i]
                        slots.set(i, Result(catching: {
                            let inputs = try PairEvaluator.load(gtPath: pair.gt, predPath: pair.pred, roiPath: pair.roi, config: config)
                            let result = try PairEvaluator.evaluate(inputs, key: pair.key, gtPath: pair.gt, predPath: pair.pred,
                                                                   config: config, workspace: workspace)
                            if let overlayDir {
                                let path = overlayDir + "/" + pair.key + ".png"
                                // Object overlays when objects are scored (or only label ids are read).
                                if MetricFamily.instance.isEnabled(config) || !MetricRegistry.readsGTClasses(config, labels16: inputs.gt.values16 != nil) {
                                    let pixels = try PairEvaluator.pixelPair(inputs, gtPath: pair.gt, predPath: pair.pred, config: config)
                                    try InstanceOverlay.write(pixels, options: config.instance ?? InstanceOptions(), to: path)
                                } else {
                                    let gt = try PairEvaluator.groundTruth(inputs, path: pair.gt, config: config)
                                    try Overlay.write(gt, inputs.prediction, to: path, classes: config.classes)
                                }
                            }
                            partial.state.add(result)
                            return needResults ? result : nil
                        }))
                        progress?.advance()
                    }
                }
                for slot in slots.values {
                    guard let result = try slot!.get() else { continue }
                    if keepImageResults { kept.append(result) }
                    guard perImageWriter != nil || worst > 0 else { continue }
                    let row = PerImageRow(result, config: config)
                    if let writer = perImageWriter {
                        if header {
                            try writer.append(PerImageRow.header(config: config, models: predictions.count > 1).joined(separator: ",") + "\n")
                            header = false
                        }
                        try writer.append(row.csv(model: predictions.count > 1 ? names[index] : nil) + "\n")
                    }
                    if worst > 0, let v = row.value(worstBy), !v.isNaN {
                        worstList.append((result.key, v))
                        let lower = MetricRegistry.isLowerBetter(worstBy)
                        worstList.sort { lower ? $0.value > $1.value : $0.value < $1.value }
                        if worstList.count > worst { worstList.removeLast() }
                    }
                }
                start += batch
            }
            for partial in partials { state.absorb(partial.state) }
            if state.nonBinaryImages > 0 {
                outcome.warnings.append("\(names[index]): \(state.nonBinaryImages) ground-truth masks hold values other than 0 and 255 (binarised at > 128, as the reference tools do; \(setting: .strictGt) refuses them, \(setting: .step("check")) lists them)")
            }
            if state.onlyIgnoreImages > 0 {
                let advice: Message = config.classes == 2 ? "read them with \(setting: .gtValues) binary"
                    : "score them as binary masks with \(setting: .numClasses) 2 \(setting: .gtValues) binary"
                outcome.warnings.append("\(names[index]): \(state.onlyIgnoreImages) ground-truth files hold only 0 and the ignore index \(config.ignoreIndex ?? 0), so their foreground is ignored; if they are 0/255 masks, \(advice)")
            }
            for family in MetricRegistry.families where family.isEnabled(config) {
                outcome.warnings += family.warnings(state).map { "\(names[index]): \($0)" }
            }
            outcome.states.append(state)
            outcome.worst.append(worstList)
            outcome.imageResults.append(kept)
        }
        if let writer = perImageWriter {
            if header { try writer.append(PerImageRow.header(config: config, models: predictions.count > 1).joined(separator: ",") + "\n") }
            try writer.commit()
        }
        return outcome
    }

    /// One ground-truth/prediction pair.
    public struct Pair: Sendable {
        public let key: String
        public let gt: String
        public let pred: String
        /// Its field-of-view mask, when the job has some.
        public var roi: String?

        /// A pair by its key and paths, with its field of view when there is one.
        public init(key: String, gt: String, pred: String, roi: String? = nil) {
            self.key = key
            self.gt = gt
            self.pred = pred
            self.roi = roi
        }
    }

    /// The pairs of one prediction folder, in natural key order; missing and
    /// extra files are errors unless `allowMissing`.
    public func pairList(prediction: String, warnings: inout [Message]) throws -> [Pair] {
        let predFiles: [InputFile]
        do { predFiles = try InputFiles.collect([prediction]) } catch { throw EvalError(.input, "\(error)") }
        var pairs: [Pair] = []
        var missing: [String] = [], extra: [String] = []
        var unmatched = ""
        if let manifest {
            let entries: [ManifestEntry]
            do { entries = try Manifest.read(manifest) } catch { throw EvalError(.input, "\(error)") }
            // Manifest.read resolves the entries against the manifest's folder.
            // Predictions are named after the images' stems (minus --pred-suffix, through
            // --key on both sides): two files with one key (on either side) would silently
            // stand for each other, so they are an error.
            let imageRule = PairingRule(keyPattern: pairing.keyPattern)
            var byStem: [String: InputFile] = [:]
            for f in predFiles {
                guard let stem = pairing.key(f.relativePath.split(separator: "/").last.map(String.init) ?? f.relativePath, label: false) else { continue }
                if let other = byStem[stem] { throw EvalError(.input, "'\(stem)' names several predictions: \(other.path), \(f.path)") }
                byStem[stem] = f
            }
            var entryOfStem: [String: String] = [:]
            for entry in entries {
                guard let label = entry.label else { throw EvalError(.input, "\(manifest): '\(entry.image)' has no label column") }
                let imageName = entry.image.split(separator: "/").last.map(String.init) ?? entry.image
                guard let stem = imageRule.key(imageName, label: false) else {
                    throw EvalError(.input, "\(manifest): \(setting: .key) '\(pairing.keyPattern ?? "")' finds no key in '\(entry.image)'")
                }
                if let other = entryOfStem[stem] {
                    throw EvalError(.input, "\(manifest): '\(other)' and '\(entry.image)' share the stem '\(stem)', so one prediction would score both")
                }
                entryOfStem[stem] = entry.image
                guard let pred = byStem[stem] else { missing.append(entry.image); continue }
                pairs.append(Pair(key: stem, gt: label, pred: pred.path))
            }
            // The manifest chooses the subset: other predictions in the folder are not extra.
        } else {
            let gtFiles: [InputFile]
            do { gtFiles = try InputFiles.collect(gt) } catch { throw EvalError(.input, "\(error)") }
            let pairing = Pairing(images: predFiles, labels: gtFiles, rule: self.pairing)
            if let a = pairing.ambiguous.first {
                throw EvalError(.input, "'\(a.key)' names several files: \(a.paths.joined(separator: ", "))")
            }
            pairs = pairing.pairs.map { Pair(key: $0.key, gt: $0.label!.path, pred: $0.image.path) }
            missing = pairing.unpairedLabels.map(\.path)
            extra = pairing.unpairedImages.map(\.path)
            unmatched = pairing.unmatchedSummary.replacingOccurrences(of: "image keys", with: "prediction keys")
                .replacingOccurrences(of: "label keys", with: "ground-truth keys")
        }
        if !missing.isEmpty || !extra.isEmpty {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("\(missing.count) ground-truth files have no prediction in \(prediction) (first: \(missing[0]))") }
            if !extra.isEmpty { parts.append("\(extra.count) predictions have no ground truth (first: \(extra[0]))") }
            let message = parts.joined(separator: "; ") + (unmatched.isEmpty ? "" : "; " + unmatched)
            if !allowMissing { throw EvalError(.input, "\(message) (\(setting: .allowMissing) evaluates the pairs that exist)") }
            warnings.append(Message(message))
        }
        if pairs.isEmpty { throw EvalError(.input, "no ground-truth/prediction pairs found for \(prediction)") }
        if !roi.isEmpty { pairs = try withFieldsOfView(pairs) }
        return pairs.sorted { NaturalOrder.less($0.key, $1.key) }
    }

    /// Gives every pair the field-of-view mask with its key; a pair without
    /// one, or a key naming two masks, is an error.
    private func withFieldsOfView(_ pairs: [Pair]) throws -> [Pair] {
        let files: [InputFile]
        do { files = try InputFiles.collect(roi) } catch { throw EvalError(.input, "\(error)") }
        let rule = PairingRule(labelSuffix: roiSuffix, keyPattern: pairing.keyPattern)
        var byKey: [String: String] = [:]
        for file in files {
            guard let key = rule.key(file.relativePath, label: true) else { continue }
            if let other = byKey[key] { throw EvalError(.input, "'\(key)' names several field-of-view masks: \(other), \(file.path)") }
            byKey[key] = file.path
        }
        return try pairs.map { pair in
            guard let mask = byKey[pair.key] else {
                throw EvalError(.input, "\(pair.gt): no field-of-view mask with the key '\(pair.key)' in \(roi.joined(separator: ", "))")
            }
            var withMask = pair
            withMask.roi = mask
            return withMask
        }
    }
}
