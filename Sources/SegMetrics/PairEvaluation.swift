import SegImage

/// Every convention and choice that changes the numbers. Two partial states
/// can be merged only when their configurations are equal.
public struct EvalConfig: Sendable, Equatable, Codable {
    /// Number of classes (2 for binary masks).
    public var classes = 2
    /// Ground-truth value left out of the confusion-matrix metrics.
    public var ignoreIndex: Int? = 255
    /// Probability threshold for binarising soft predictions (`v/max ≥ t`).
    public var threshold = 0.5
    public var gtValues = GTValues.auto
    public var predValues = PredValues.auto
    /// Compute the confusion-matrix family (mmseg conventions).
    public var confusion = true
    public var aggregate = Aggregation.dataset
    /// The confusion family's empty-GT convention (mmseg: `.nan`).
    public var confusionEmptyGT = EmptyGTConvention.nan
    /// β of mmseg's F-score (squared inside).
    public var fscoreBeta = 1.0
    /// The salient-object family (PySODMetrics conventions); computed only
    /// for two classes.
    public var salient = SalientOptions()
    /// Resampling of predictions whose size differs from the ground truth;
    /// nil refuses the pair.
    public var resize: ResizeMode?

    public init() {}

    /// Whether the salient-object family is computed.
    public var salientEnabled: Bool { classes == 2 && salient.any }
}

/// Everything one image contributes.
public struct ImageResult: Sendable {
    public let key: String
    public let gtPath: String
    public let predPath: String
    public let width: Int, height: Int
    public let confusion: ConfusionMatrix
    /// The image's own confusion scores (per-image table, image aggregation).
    public let classScores: ClassScores?
    public let salient: SalientScores?
    /// Ground-truth pixels that were neither 0 nor 255 in a binary mask.
    public let nonBinaryPixels: Int
}

/// Evaluates one prediction against its ground truth.
public enum PairEvaluator {
    /// Decoded inputs of a pair (also what overlays are drawn from).
    public struct Inputs: Sendable {
        public let gt: GTPlane
        public let prediction: Prediction
    }

    /// Reads both files, checks sizes (resampling the prediction when
    /// `config.resize` says so) and converts the prediction to levels.
    public static func load(gtPath: String, predPath: String, config: EvalConfig) throws -> Inputs {
        let gtBytes = try FileBytes.read(gtPath), predBytes = try FileBytes.read(predPath)
        let gtFormat = try ImageReader.detect(gtBytes, path: gtPath), predFormat = try ImageReader.detect(predBytes, path: predPath)
        let gtImage = try ImageReader.decode(gtBytes, path: gtPath)
        var predImage = try ImageReader.decode(predBytes, path: predPath)
        if gtImage.width != predImage.width || gtImage.height != predImage.height {
            guard let mode = config.resize else {
                throw EvalError(.input, "\(predPath): prediction is \(predImage.width)×\(predImage.height) but ground truth \(gtPath) is \(gtImage.width)×\(gtImage.height) (--resize-pred nearest|bilinear to resample)")
            }
            predImage = Resampler.resize(predImage, width: gtImage.width, height: gtImage.height, mode: mode)
        }
        let prediction = Prediction(predImage, format: predFormat, path: predPath, mode: config.predValues, classes: config.classes, threshold: config.threshold)
        return Inputs(gt: GTPlane(gtImage, format: gtFormat), prediction: prediction)
    }

    /// The ground truth's classes under `config` (one pass for the value histogram).
    public static func groundTruth(_ inputs: Inputs, path: String, config: EvalConfig) throws -> GroundTruth {
        try GroundTruth(inputs.gt, valueCounts: inputs.gt.values16 == nil || inputs.gt.gray != nil ? inputs.gt.valueCounts() : nil,
                        path: path, mode: config.gtValues, classes: config.classes, ignoreIndex: config.ignoreIndex)
    }

    /// Scores one loaded pair.
    public static func evaluate(_ inputs: Inputs, key: String, gtPath: String, predPath: String,
                                config: EvalConfig, workspace: WeightedFWorkspace = WeightedFWorkspace()) throws -> ImageResult {
        let pred = inputs.prediction
        let k = config.classes
        if config.salientEnabled && pred.width * pred.height < 2 {
            throw EvalError(.input, "\(gtPath): a \(pred.width)×\(pred.height) image has too few pixels for the salient-object metrics (the E-measure divides by N − 1)")
        }
        var confusion = ConfusionMatrix(classes: k)
        var salient: SalientScores?
        var badLevels: Set<Int> = []
        let gt: GroundTruth
        if k == 2 {
            let histogram: JointHistogram
            let needsPixels = config.salientEnabled && (config.salient.sMeasure || config.salient.weightedF)
            var classes: [UInt8] = []
            if !needsPixels, inputs.gt.values16 == nil, let g = inputs.gt.gray ?? inputs.gt.values8, let l = pred.levels8 {
                // One pass: counts by (stored GT value, prediction level), folded
                // into classes once the convention is known.
                let valueCounts = rawJointCounts(g, l, workspace: workspace)
                do {
                    gt = try GroundTruth(inputs.gt, valueCounts: valueCounts, path: gtPath, mode: config.gtValues, classes: k, ignoreIndex: config.ignoreIndex)
                } catch {
                    // Leave the shared table zeroed for the next image.
                    workspace.joint.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
                    throw error
                }
                histogram = JointHistogram(folding: &workspace.joint, valueCounts: valueCounts, classOfValue: gt.classOfValue,
                                           width: gt.width, height: gt.height)
            } else {
                gt = try groundTruth(inputs, path: gtPath, config: config)
                classes = gt.classes()
                let fg = GroundTruth.foreground(classes, width: gt.width, height: gt.height)
                // PySODMetrics' region split: the rounded centroid, plus one.
                var splitRow = Int((Double(gt.height) / 2).rounded(.toNearestOrEven))
                var splitColumn = Int((Double(gt.width) / 2).rounded(.toNearestOrEven))
                if fg.count > 0 {
                    splitRow = Int((Double(fg.rowSum) / Double(fg.count)).rounded(.toNearestOrEven)) + 1
                    splitColumn = Int((Double(fg.columnSum) / Double(fg.count)).rounded(.toNearestOrEven)) + 1
                }
                if let l = pred.levels8 {
                    histogram = JointHistogram(gt: classes, pred8: l, width: gt.width, height: gt.height, splitRow: splitRow, splitColumn: splitColumn)
                } else {
                    histogram = JointHistogram(gt: classes, pred16: pred.levels16!, width: gt.width, height: gt.height, splitRow: splitRow, splitColumn: splitColumn)
                }
            }
            if config.confusion {
                for g in 0..<2 {
                    let counts = histogram.levelCounts(gtClass: g)
                    for v in counts.indices where counts[v] > 0 {
                        let c = pred.classOfLevel[v]
                        if c < 0 { badLevels.insert(v); continue }
                        confusion.add(gt: g, pred: c, count: UInt64(counts[v]))
                    }
                }
            }
            if config.salientEnabled {
                if histogram.levelCounts(gtClass: 2).contains(where: { $0 > 0 }) {
                    throw EvalError(.input, "\(gtPath): ground truth has ignored pixels (value \(config.ignoreIndex ?? -1)); the salient-object metrics cannot leave pixels out (use --metrics iou)")
                }
                salient = SalientImage.scores(histogram, scale: Double(pred.scale), options: config.salient) { p in
                    let background = p.values, object = p.values.map { abs($0 - 1) }
                    return WeightedFMeasure.score(gt: classes, width: gt.width, height: gt.height,
                                                  beta: config.salient.weightedBeta, workspace: workspace) { e in
                        classes.withUnsafeBufferPointer { g in
                            if let l = pred.levels8 {
                                l.withUnsafeBufferPointer { l in
                                    for i in 0..<e.count { e[i] = g[i] != 0 ? object[Int(l[i])] : background[Int(l[i])] }
                                }
                            } else {
                                pred.levels16!.withUnsafeBufferPointer { l in
                                    for i in 0..<e.count { e[i] = g[i] != 0 ? object[Int(l[i])] : background[Int(l[i])] }
                                }
                            }
                        }
                    }
                }
            }
        } else {
            gt = try groundTruth(inputs, path: gtPath, config: config)
            let classes = gt.classes()
            let ignore = UInt8(k)
            let lut = pred.classOfLevel
            func count<T: FixedWidthInteger>(_ levels: [T]) {
                classes.withUnsafeBufferPointer { g in
                    levels.withUnsafeBufferPointer { l in
                        for i in g.indices where g[i] != ignore {
                            let c = lut[Int(l[i])]
                            if c < 0 { badLevels.insert(Int(l[i])); continue }
                            confusion.add(gt: Int(g[i]), pred: c)
                        }
                    }
                }
            }
            if let l = pred.levels8 { count(l) } else { count(pred.levels16!) }
        }
        if !badLevels.isEmpty {
            let list = badLevels.sorted().prefix(8).map(String.init).joined(separator: ", ")
            throw EvalError(.input, "\(predPath): predicted values \(list) are not classes below \(k) (use --pred-values probability for soft maps)")
        }
        let scores = config.confusion ? ClassScores(confusion, beta: config.fscoreBeta, empty: config.confusionEmptyGT) : nil
        return ImageResult(key: key, gtPath: gtPath, predPath: predPath, width: gt.width, height: gt.height,
                           confusion: confusion, classScores: scores, salient: salient, nonBinaryPixels: gt.nonBinaryPixels)
    }

    /// Pixel counts by (8-bit GT value << 8 | 8-bit prediction level) into
    /// `ws.joint` (two interleaved tables so that runs of equal pixels do not
    /// serialise, summed into the first); returns the per-GT-value totals.
    /// Only the rows of GT values that occur are touched afterwards.
    static func rawJointCounts(_ gt: [UInt8], _ pred: [UInt8], workspace ws: WeightedFWorkspace) -> [Int] {
        if ws.joint.count != 2 * 65536 { ws.joint = [UInt32](repeating: 0, count: 2 * 65536) }
        var valueCounts = [Int](repeating: 0, count: 256)
        var seen = [UInt8](repeating: 0, count: 256)
        gt.withUnsafeBufferPointer { g in
            pred.withUnsafeBufferPointer { p in
                ws.joint.withUnsafeMutableBufferPointer { h in
                    seen.withUnsafeMutableBufferPointer { seen in
                        let n = g.count
                        var i = 0
                        // Eight pixels per step from two 64-bit loads.
                        let gRaw = UnsafeRawPointer(g.baseAddress!), pRaw = UnsafeRawPointer(p.baseAddress!)
                        while i + 8 <= n {
                            var gw = gRaw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                            var pw = pRaw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                            for _ in 0..<4 {
                                let g0 = Int(gw & 0xFF), g1 = Int((gw >> 8) & 0xFF)
                                h[g0 << 8 | Int(pw & 0xFF)] &+= 1
                                h[65536 + (g1 << 8 | Int((pw >> 8) & 0xFF))] &+= 1
                                seen[g0] = 1
                                seen[g1] = 1
                                gw >>= 16
                                pw >>= 16
                            }
                            i += 8
                        }
                        while i + 1 < n {
                            let g0 = Int(g[i]), g1 = Int(g[i + 1])
                            h[g0 << 8 | Int(p[i])] &+= 1
                            h[65536 + (g1 << 8 | Int(p[i + 1]))] &+= 1
                            seen[g0] = 1
                            seen[g1] = 1
                            i += 2
                        }
                        if i < n {
                            h[Int(g[i]) << 8 | Int(p[i])] &+= 1
                            seen[Int(g[i])] = 1
                        }
                        for value in 0..<256 where seen[value] != 0 {
                            var total: UInt32 = 0
                            let row = value << 8
                            for level in 0..<256 {
                                let sum = h[row | level] &+ h[65536 + (row | level)]
                                h[row | level] = sum
                                h[65536 + (row | level)] = 0
                                total &+= sum
                            }
                            valueCounts[value] = Int(total)
                        }
                    }
                }
            }
        }
        return valueCounts
    }
}
