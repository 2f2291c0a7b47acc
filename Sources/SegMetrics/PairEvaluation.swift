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
    /// Decoded and converted inputs of a pair (also what overlays are drawn from).
    public struct Inputs: Sendable {
        public let gt: GroundTruth
        public let prediction: Prediction
    }

    /// Reads both files, checks sizes (resampling the prediction when
    /// `config.resize` says so) and converts them to classes and levels.
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
        let gt = try GroundTruth(gtImage, format: gtFormat, path: gtPath, mode: config.gtValues, classes: config.classes, ignoreIndex: config.ignoreIndex)
        let prediction = Prediction(predImage, format: predFormat, path: predPath, mode: config.predValues, classes: config.classes, threshold: config.threshold)
        return Inputs(gt: gt, prediction: prediction)
    }

    /// Scores one loaded pair.
    public static func evaluate(_ inputs: Inputs, key: String, gtPath: String, predPath: String,
                                config: EvalConfig, workspace: WeightedFWorkspace = WeightedFWorkspace()) throws -> ImageResult {
        let gt = inputs.gt, pred = inputs.prediction
        let k = config.classes
        var confusion = ConfusionMatrix(classes: k)
        var salient: SalientScores?
        var badLevels: Set<Int> = []
        if k == 2 {
            let fgStats = gt.foreground
            // PySODMetrics' region split: the rounded centroid, plus one.
            var splitRow = Int((Double(gt.height) / 2).rounded(.toNearestOrEven))
            var splitColumn = Int((Double(gt.width) / 2).rounded(.toNearestOrEven))
            if fgStats.count > 0 {
                splitRow = Int((Double(fgStats.rowSum) / Double(fgStats.count)).rounded(.toNearestOrEven)) + 1
                splitColumn = Int((Double(fgStats.columnSum) / Double(fgStats.count)).rounded(.toNearestOrEven)) + 1
            }
            let histogram: JointHistogram
            if let l = pred.levels8 {
                histogram = JointHistogram(gt: gt.classes, pred8: l, width: gt.width, height: gt.height, splitRow: splitRow, splitColumn: splitColumn)
            } else {
                histogram = JointHistogram(gt: gt.classes, pred16: pred.levels16!, width: gt.width, height: gt.height, splitRow: splitRow, splitColumn: splitColumn)
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
                    let classes = gt.classes
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
            let ignore = UInt8(k)
            let lut = pred.classOfLevel
            gt.classes.withUnsafeBufferPointer { g in
                for i in g.indices where g[i] != ignore {
                    let level = pred.levels8.map { Int($0[i]) } ?? Int(pred.levels16![i])
                    let c = lut[level]
                    if c < 0 { badLevels.insert(level); continue }
                    confusion.add(gt: Int(g[i]), pred: c)
                }
            }
        }
        if !badLevels.isEmpty {
            let list = badLevels.sorted().prefix(8).map(String.init).joined(separator: ", ")
            throw EvalError(.input, "\(predPath): predicted values \(list) are not classes below \(k) (use --pred-values probability for soft maps)")
        }
        let scores = config.confusion ? ClassScores(confusion, beta: config.fscoreBeta, empty: config.confusionEmptyGT) : nil
        return ImageResult(key: key, gtPath: gtPath, predPath: predPath, width: gt.width, height: gt.height,
                           confusion: confusion, classScores: scores, salient: salient, nonBinaryPixels: gt.nonBinaryPixels)
    }
}
