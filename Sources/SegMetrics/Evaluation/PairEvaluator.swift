import SegImage
import SegFiles

/// Evaluates one prediction against its ground truth.
public enum PairEvaluator {
    /// Decoded inputs of a pair (also what overlays are drawn from).
    public struct Inputs: Sendable {
        public let gt: GTPlane
        public let prediction: Prediction
        /// The field of view, 1 inside and 0 outside (nil: every pixel).
        public var fieldOfView: [UInt8]?
    }

    /// Reads both files, checks sizes (resampling the prediction when
    /// `config.resize` says so) and converts the prediction to levels.
    public static func load(gtPath: String, predPath: String, roiPath: String? = nil, config: EvalConfig) throws -> Inputs {
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
                throw EvalError(.input, "\(predPath): prediction is \(predImage.width)x\(predImage.height) but ground truth \(gtPath) is \(gtImage.width)x\(gtImage.height) (\(setting: .resizePred) nearest|bilinear to resample)")
            }
            predImage = Resampler.resize(predImage, width: gtImage.width, height: gtImage.height, mode: mode)
        }
        let prediction = Prediction(predImage, format: predFormat, path: predPath, mode: config.predValues, classes: config.classes, threshold: config.threshold)
        let plane = try GTPlane(gtImage, format: gtFormat, path: gtPath, colors: config.gtColors,
                                grayOf16Bit: MetricRegistry.readsGTClasses(config, labels16: true))
        var inputs = Inputs(gt: plane, prediction: prediction)
        if let roiPath { inputs.fieldOfView = try fieldOfView(roiPath, width: gtImage.width, height: gtImage.height, gtPath: gtPath) }
        return inputs
    }

    /// A field-of-view mask read as OpenCV reads it in gray (palette GIFs by
    /// their colours): 0 is outside, the one other level inside. A mask with
    /// more levels (JPEG damage, a colour mask) or two non-zero ones is
    /// refused rather than read as "everything inside".
    static func fieldOfView(_ path: String, width: Int, height: Int, gtPath: String) throws -> [UInt8] {
        let bytes = try FileBytes.read(path)
        let format = try ImageReader.detect(bytes, path: path)
        var options = DecodeOptions()
        options.grayJPEG = true
        let image = try ImageReader.decode(bytes, path: path, options: options)
        guard image.width == width, image.height == height else {
            throw EvalError(.input, "\(path): field of view is \(image.width)x\(image.height) but ground truth \(gtPath) is \(width)x\(height)")
        }
        let levels = ReferenceGray.levels(image, format: format)
        var present = [Bool](repeating: false, count: 256)
        for v in levels { present[Int(v)] = true }
        let used = present.indices.filter { present[$0] }
        guard used.filter({ $0 != 0 }).count <= 1 else {
            let shown = used.prefix(6).map(String.init).joined(separator: ", ") + (used.count > 6 ? ", …" : "")
            throw EvalError(.input, "\(path): a field-of-view mask holds \(used.count) gray levels (\(shown)); expected 0 outside and one level inside (JPEG damage or a colour mask? repair it with \(setting: .step("remap")) \(setting: .threshold))")
        }
        return levels.map { $0 != 0 ? 1 : 0 }
    }

    /// The ground truth's classes under `config` (one pass for the value histogram).
    public static func groundTruth(_ inputs: Inputs, path: String, config: EvalConfig) throws -> GroundTruth {
        try GroundTruth(inputs.gt, valueCounts: inputs.gt.values16 == nil || inputs.gt.gray != nil ? inputs.gt.valueCounts() : nil,
                        path: path, mode: config.gtValues, classes: config.classes, ignoreIndex: config.ignoreIndex)
    }

    /// One loaded pair as the family kernels see it: with the ground truth's
    /// classes when a family reads them, else (label ids only) without.
    public static func pixelPair(_ inputs: Inputs, gtPath: String, predPath: String, config: EvalConfig) throws -> PixelPair {
        if MetricRegistry.readsGTClasses(config, labels16: inputs.gt.values16 != nil) {
            return PixelPair(try groundTruth(inputs, path: gtPath, config: config), prediction: inputs.prediction,
                             classCount: config.classes, gtPath: gtPath, predPath: predPath)
        }
        var pixels = PixelPair(width: inputs.prediction.width, height: inputs.prediction.height, classes: config.classes,
                               gt: [], prediction: inputs.prediction, gtPlane: inputs.gt)
        (pixels.gtPath, pixels.predPath) = (gtPath, predPath)
        return pixels
    }

    /// The joint histogram of GT classes (0, 1, 2 = ignored) and prediction
    /// levels, with PySODMetrics' region split (the rounded centroid of the
    /// foreground, plus one; the image centre without foreground).
    private static func jointHistogram(_ classes: [UInt8], _ pred: Prediction, width: Int, height: Int) -> JointHistogram {
        let fg = GroundTruth.foreground(classes, width: width, height: height)
        var splitRow = Int((Double(height) / 2).rounded(.toNearestOrEven))
        var splitColumn = Int((Double(width) / 2).rounded(.toNearestOrEven))
        if fg.count > 0 {
            splitRow = Int((Double(fg.rowSum) / Double(fg.count)).rounded(.toNearestOrEven)) + 1
            splitColumn = Int((Double(fg.columnSum) / Double(fg.count)).rounded(.toNearestOrEven)) + 1
        }
        if let l = pred.levels8 {
            return JointHistogram(gt: classes, pred8: l, width: width, height: height, splitRow: splitRow, splitColumn: splitColumn)
        }
        return JointHistogram(gt: classes, pred16: pred.levels16!, width: width, height: height, splitRow: splitRow, splitColumn: splitColumn)
    }

    /// Scores one loaded pair.
    public static func evaluate(_ inputs: Inputs, key: String, gtPath: String, predPath: String,
                                config: EvalConfig, workspace: WeightedFWorkspace = WeightedFWorkspace()) throws -> ImageResult {
        let pred = inputs.prediction
        let k = config.classes
        if config.salientEnabled && pred.width * pred.height < 2 {
            throw EvalError(.input, "\(gtPath): a \(pred.width)x\(pred.height) image has too few pixels for the salient-object metrics (the E-measure divides by N − 1)")
        }
        var confusion = ConfusionMatrix(classes: k)
        let kernels = MetricRegistry.families.filter { $0.kernel != nil && $0.isEnabled(config) }
        if !MetricRegistry.readsGTClasses(config, labels16: inputs.gt.values16 != nil) {
            // Only label ids are read (16-bit label maps): no classes, no histogram.
            var result = ImageResult(key: key, gtPath: gtPath, predPath: predPath, width: pred.width, height: pred.height,
                                     confusion: confusion, classScores: nil, salient: nil, nonBinaryPixels: 0, onlyBackgroundAndIgnore: false)
            let pixels = try pixelPair(inputs, gtPath: gtPath, predPath: predPath, config: config)
            for family in kernels { result.families[family.id] = try family.kernel!.run(pixels, config) }
            return result
        }
        var salient: SalientScores?
        var badLevels: Set<Int> = []
        let gt: GroundTruth
        // The ground truth's class per pixel, when a path needed it (kernel families reuse it).
        var gtClasses: [UInt8] = []
        if k == 2 {
            // The joint histogram serves the confusion and salient-object families only.
            let histogram: JointHistogram?
            let needsHistogram = config.confusion || config.salientEnabled
            let needsPixels = config.salientEnabled && (config.salient.sMeasure || config.salient.weightedF) || inputs.fieldOfView != nil
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
                if let fov = inputs.fieldOfView { for i in classes.indices where fov[i] == 0 { classes[i] = 2 } }
                gtClasses = classes
                histogram = needsHistogram ? Self.jointHistogram(classes, pred, width: gt.width, height: gt.height) : nil
            }
            if config.confusion, let histogram {
                for g in 0..<2 {
                    let counts = histogram.levelCounts(gtClass: g)
                    for v in counts.indices where counts[v] > 0 {
                        let c = pred.classOfLevel[v]
                        if c < 0 { badLevels.insert(v); continue }
                        confusion.add(gt: g, pred: c, count: UInt64(counts[v]))
                    }
                }
            }
            if config.salientEnabled, let histogram {
                if histogram.levelCounts(gtClass: 2).contains(where: { $0 > 0 }) {
                    throw EvalError(.input, "\(gtPath): ground truth has ignored pixels (value \(config.ignoreIndex ?? -1)); the salient-object metrics cannot leave pixels out (use \(setting: .metrics) iou)")
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
            var classes = gt.classes()
            if let fov = inputs.fieldOfView { for i in classes.indices where fov[i] == 0 { classes[i] = UInt8(k) } }
            gtClasses = classes
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
            throw EvalError(.input, "\(predPath): predicted values \(list) are not classes below \(k) (use \(setting: .predValues) probability for soft maps)")
        }
        // Only families that binarise the ground truth care whether it is a clean 0/255 mask.
        let readsMask = MetricRegistry.readsGTClasses(config, labels16: gt.plane.values16 != nil)
        let nonBinaryPixels = readsMask ? gt.nonBinaryPixels : 0
        if config.strictGT && nonBinaryPixels > 0 {
            throw EvalError(.input, "\(gtPath): \(gt.nonBinaryPixels) ground-truth pixels are neither 0 nor 255 (JPEG damage or resampling); repair the mask (\(setting: .step("remap")) \(setting: .nearest)) or drop \(setting: .strictGt) to binarise at > 128 as the reference tools do")
        }
        let scores = config.confusion ? ClassScores(confusion, beta: config.fscoreBeta, empty: config.confusionEmptyGT) : nil
        var result = ImageResult(key: key, gtPath: gtPath, predPath: predPath, width: gt.width, height: gt.height,
                                 confusion: confusion, classScores: scores, salient: salient, nonBinaryPixels: nonBinaryPixels,
                                 onlyBackgroundAndIgnore: gt.onlyBackgroundAndIgnore)
        if !kernels.isEmpty {
            let pixels = PixelPair(gt, classes: gtClasses.isEmpty ? nil : gtClasses, prediction: pred, classCount: k, gtPath: gtPath, predPath: predPath)
            for family in kernels { result.families[family.id] = try family.kernel!.run(pixels, config) }
        }
        return result
    }
}
