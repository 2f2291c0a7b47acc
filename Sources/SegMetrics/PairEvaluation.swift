import SegImage
import SegFiles

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
    /// How colour ground truth is read (refused unless the user says).
    public var gtColors = GTColors.refuse
    /// Refuse binary ground truth holding values other than 0 and 255 (damaged
    /// masks) instead of binarising it at > 128 as the reference tools do.
    public var strictGT = false

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
    /// The ground truth held only 0 and the ignore index (see ``GroundTruth/onlyBackgroundAndIgnore``).
    public let onlyBackgroundAndIgnore: Bool
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
        // Colour JPEG predictions become gray as OpenCV's IMREAD_GRAYSCALE reads them
        // (libjpeg's Y). Ground truth is decoded as stored, so a red-on-black JPEG mask
        // is colour and refused like a PNG one (a gray JPEG stored as RGB has equal
        // channels, whose gray is that same Y); only --gt-colors gray asks for libjpeg's gray.
        var options = DecodeOptions()
        options.grayJPEG = true
        var gtOptions = DecodeOptions()
        gtOptions.grayJPEG = config.gtColors == .gray
        let gtImage = try ImageReader.decode(gtBytes, path: gtPath, options: gtOptions)
        var predImage = FloatTIFF.isFloat(predBytes)
            ? try FloatPrediction.image(predBytes, path: predPath, classes: config.classes)
            : try ImageReader.decode(predBytes, path: predPath, options: options)
        if gtImage.width != predImage.width || gtImage.height != predImage.height {
            guard let mode = config.resize else {
                throw EvalError(.input, "\(predPath): prediction is \(predImage.width)×\(predImage.height) but ground truth \(gtPath) is \(gtImage.width)×\(gtImage.height) (--resize-pred nearest|bilinear to resample)")
            }
            predImage = Resampler.resize(predImage, width: gtImage.width, height: gtImage.height, mode: mode)
        }
        let prediction = Prediction(predImage, format: predFormat, path: predPath, mode: config.predValues, classes: config.classes, threshold: config.threshold)
        return Inputs(gt: try GTPlane(gtImage, format: gtFormat, path: gtPath, colors: config.gtColors), prediction: prediction)
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
                // One pass: counts by (GT value category, prediction level), folded
                // into classes once the convention is known. A GT the fast
                // categories cannot judge (bad values) takes the exact path for its message.
                let categories = GTCategories(ignoreIndex: config.ignoreIndex)
                let counts = categories.count(gt: g, pred: l)
                if let resolved = try? GroundTruth(inputs.gt, valueCounts: categories.valueCounts(counts), path: gtPath,
                                                   mode: config.gtValues, classes: k, ignoreIndex: config.ignoreIndex) {
                    gt = resolved
                } else {
                    gt = try groundTruth(inputs, path: gtPath, config: config)
                }
                histogram = categories.histogram(counts, classOfValue: gt.classOfValue, width: gt.width, height: gt.height)
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
                    // |p − gt| per pixel, through the per-level tables.
                    func fill<T: FixedWidthInteger>(_ levels: [T], _ e: UnsafeMutableBufferPointer<Double>) {
                        classes.withUnsafeBufferPointer { g in
                            levels.withUnsafeBufferPointer { l in
                                for i in 0..<e.count { e[i] = g[i] != 0 ? object[Int(l[i])] : background[Int(l[i])] }
                            }
                        }
                    }
                    return WeightedFMeasure.score(gt: classes, width: gt.width, height: gt.height,
                                                  beta: config.salient.weightedBeta, workspace: workspace) { e in
                        if let l = pred.levels8 { fill(l, e) } else { fill(pred.levels16!, e) }
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
        if config.strictGT && gt.nonBinaryPixels > 0 {
            throw EvalError(.input, "\(gtPath): \(gt.nonBinaryPixels) ground-truth pixels are neither 0 nor 255 (JPEG damage or resampling); repair the mask (segprep remap --nearest) or drop --strict-gt to binarise at > 128 as the reference tools do")
        }
        let scores = config.confusion ? ClassScores(confusion, beta: config.fscoreBeta, empty: config.confusionEmptyGT) : nil
        return ImageResult(key: key, gtPath: gtPath, predPath: predPath, width: gt.width, height: gt.height,
                           confusion: confusion, classScores: scores, salient: salient, nonBinaryPixels: gt.nonBinaryPixels,
                           onlyBackgroundAndIgnore: gt.onlyBackgroundAndIgnore)
    }
}

/// For two classes, every convention treats the 8-bit GT values in six
/// groups alike: 0, 1, 255, the ignore index, 2…128 and 129…254 (binary
/// masks threshold at > 128; index maps accept only 0, 1 and the ignore
/// index). Counting pixels by (group, prediction level) is therefore enough
/// to resolve the convention and fold into classes, with tables small
/// enough to stay in L1 cache.
struct GTCategories {
    static let count = 6
    /// Group of each GT value.
    let categoryOfValue: [UInt8]
    /// A value standing for each group (what the group maps to is what it maps to).
    let representative: [Int]

    init(ignoreIndex: Int?) {
        let ignore = ignoreIndex.flatMap { (2...254).contains($0) ? $0 : nil }
        var table = [UInt8](repeating: 0, count: 256)
        for v in 0..<256 {
            switch v {
            case 0: table[v] = 0
            case 1: table[v] = 1
            case 255: table[v] = 2
            case ignore: table[v] = 3
            case 2...128: table[v] = 4
            default: table[v] = 5
            }
        }
        categoryOfValue = table
        let low = (2...128).first { $0 != ignore }!, high = (129...254).first { $0 != ignore }!
        representative = [0, 1, 255, ignore ?? low, low, high]
    }

    /// Counts by (group << 8 | level), eight interleaved tables (one per
    /// byte of a 64-bit load) so that runs of equal pixels do not serialise
    /// on one counter.
    func count(gt: [UInt8], pred: [UInt8]) -> [UInt32] {
        // Tables 6 KiB + 64 B apart: a multiple of 4 KiB would make loads of one
        // table wait on stores to another (4K aliasing).
        let size = Self.count * 256 + 16, tables = 8
        var h = [UInt32](repeating: 0, count: tables * size)
        gt.withUnsafeBufferPointer { g in
            pred.withUnsafeBufferPointer { p in
                categoryOfValue.withUnsafeBufferPointer { cat in
                    h.withUnsafeMutableBufferPointer { h in
                        let n = g.count
                        var i = 0
                        let gRaw = UnsafeRawPointer(g.baseAddress!), pRaw = UnsafeRawPointer(p.baseAddress!)
                        let base = h.baseAddress!
                        while i &+ 8 <= n {
                            let gw = gRaw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                            let pw = pRaw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                            @inline(__always) func bump(_ lane: Int) {
                                let shift = UInt64(lane &* 8)
                                let gv = Int(truncatingIfNeeded: (gw &>> shift) & 0xFF)
                                let pv = Int(truncatingIfNeeded: (pw &>> shift) & 0xFF)
                                base[lane &* size &+ (Int(cat[gv]) &<< 8 | pv)] &+= 1
                            }
                            bump(0); bump(1); bump(2); bump(3); bump(4); bump(5); bump(6); bump(7)
                            i &+= 8
                        }
                        while i < n {
                            base[Int(cat[Int(g[i])]) &<< 8 | Int(p[i])] &+= 1
                            i &+= 1
                        }
                        for j in 0..<size {
                            var sum: UInt32 = 0
                            for t in 0..<tables { sum &+= h[t &* size &+ j] }
                            h[j] = sum
                        }
                    }
                }
            }
        }
        return Array(h[0..<(Self.count * 256)])
    }

    /// A GT value histogram with each group's pixels at its representative value.
    func valueCounts(_ counts: [UInt32]) -> [Int] {
        var out = [Int](repeating: 0, count: 256)
        for c in 0..<Self.count {
            var total = 0
            for level in 0..<256 { total += Int(counts[c << 8 | level]) }
            out[representative[c]] += total
        }
        return out
    }

    /// The joint histogram by class (one quadrant: no S-measure split).
    func histogram(_ counts: [UInt32], classOfValue: [UInt8], width: Int, height: Int) -> JointHistogram {
        var rows = [UInt32](repeating: 0, count: JointHistogram.rows * 256)
        for c in 0..<Self.count {
            let base = Int(classOfValue[representative[c]]) * 256
            for level in 0..<256 { rows[base + level] &+= counts[c << 8 | level] }
        }
        return JointHistogram(classRows: rows, width: width, height: height)
    }
}
