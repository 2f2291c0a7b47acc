import Foundation

/// The ISBI 2012 challenge's scores, declared once; ``MetricFamily/connectomics`` lists them.
public enum ConnectomicsMetrics {
    public static let vRand = Metric(key: "VRand", group: "rand", summary: "ISBI 2012 V_rand (Fiji): foreground-restricted Rand F-score after border thinning, maximal over thresholds 0…1 step 0.1")
    public static let vRandPrecision = Metric(key: "VRand_precision", group: "rand", summary: "V_rand's split part (Rand precision, ΣAB²/ΣB²) at the best threshold")
    public static let vRandRecall = Metric(key: "VRand_recall", group: "rand", summary: "V_rand's merge part (Rand recall, ΣAB²/ΣA²) at the best threshold")
    public static let vRandThreshold = Metric(key: "VRand_threshold", group: "rand", summary: "the threshold where V_rand is maximal")
    public static let pixelError = Metric(key: "PixelError", group: "rand", direction: .lowerIsBetter, summary: "ISBI 2012 pixel error: 1 − maximal F-score of pixel similarity over the same thresholds")
    public static let vInfo = Metric(key: "VInfo", group: "vi", summary: "ISBI 2012 V_info (Fiji): foreground-restricted information-theoretic F-score after border thinning, maximal over thresholds")
    public static let vInfoPrecision = Metric(key: "VInfo_precision", group: "vi", summary: "V_info's split part I(A;B)/H(A) at the best threshold")
    public static let vInfoRecall = Metric(key: "VInfo_recall", group: "vi", summary: "V_info's merge part I(A;B)/H(B) at the best threshold")
    public static let vInfoThreshold = Metric(key: "VInfo_threshold", group: "vi", summary: "the threshold where V_info is maximal")
    public static let are = Metric(key: "ARE", group: "rand", direction: .lowerIsBetter, summary: "scikit-image convention: `adapted_rand_error` on the GT's and the prediction's objects (unlabelled prediction pixels one segment, GT 0 ignored); mean over images")
    public static let arePrecision = Metric(key: "ARE_precision", group: "rand", summary: "scikit-image convention: the adapted Rand precision in Fiji's orientation (scikit-image returns it as recall, scikit-image#6485)")
    public static let areRecall = Metric(key: "ARE_recall", group: "rand", summary: "scikit-image convention: the adapted Rand recall in Fiji's orientation (scikit-image's precision)")
    public static let viSplit = Metric(key: "VI_split", group: "vi", direction: .lowerIsBetter, summary: "scikit-image convention: `variation_of_information` false splits H(prediction | GT), bits; mean over images")
    public static let viMerge = Metric(key: "VI_merge", group: "vi", direction: .lowerIsBetter, summary: "scikit-image convention: false merges H(GT | prediction), bits; mean over images")

    /// The challenge's metrics (Fiji's convention), in report order.
    public static let fiji = [vRand, vRandPrecision, vRandRecall, vRandThreshold, pixelError, vInfo, vInfoPrecision, vInfoRecall, vInfoThreshold]
    /// scikit-image's metrics, in report order.
    public static let skimage = [are, arePrecision, areRecall, viSplit, viMerge]
    /// Every metric, in report order.
    public static let all = fiji + skimage

    /// Whose convention a metric follows.
    static func convention(of metric: Metric) -> RandConvention { skimage.contains(metric) ? .skimage : .fiji }
}

/// The connectomics family's settings. Part of ``EvalConfig``.
public struct ConnectomicsOptions: Sendable, Equatable, Codable {
    /// Border thinning of the proposal (the challenge's setting; Fiji's convention only).
    public var thinning = true
    /// Whose scores: Fiji's (the challenge's, the default), scikit-image's, or both.
    public var conventions: [RandConvention] = [.fiji]
    /// Thinning on, Fiji's convention.
    public init() {}
}

extension MetricFamily {
    static let connectomicsID = "connectomics"

    /// The ISBI 2012 challenge's V_rand, V_info and pixel error, as Fiji's scripts compute them.
    public static let connectomics = MetricFamily(
        id: connectomicsID, title: "connectomics", reference: "ISBI 2012 (Fiji Trainable_Segmentation)", reportRank: 5,
        groups: [.kernelGroup("rand", summary: "ISBI 2012 V_rand (and its parts, threshold) and pixel error"),
                 .kernelGroup("vi", summary: "ISBI 2012 V_info (and its parts, threshold)")],
        metrics: ConnectomicsMetrics.all, perImage: ConnectomicsMetrics.all, worstByDefaults: [], leavesPixelsOut: false,
        kernel: FamilyKernel(connectomicsImage), conventions: connectomicsConventions(_:),
        isAvailable: { $0 == 2 },
        includes: { metric, config in (config.connectomics ?? ConnectomicsOptions()).conventions.contains(ConnectomicsMetrics.convention(of: metric)) },
        readsGTClasses: { config, labels16 in
            (config.connectomics ?? ConnectomicsOptions()).conventions.contains(.fiji) || readsGTAsMask(config, labels16: labels16)
        },
        dataset: connectomicsValues(_:), image: { $0.families[MetricFamily.connectomicsID]?.values ?? MetricValues() })

    /// One image in each convention asked for.
    private static func connectomicsImage(_ pixels: PixelPair, _ config: EvalConfig) throws -> FamilyImageResult {
        let options = config.connectomics ?? ConnectomicsOptions()
        var result = options.conventions.contains(.fiji) ? challengeImage(pixels, thinning: options.thinning) : FamilyImageResult()
        if options.conventions.contains(.skimage) {
            let (gt, prediction) = try objects(pixels, config.instance ?? InstanceOptions())
            let overlap = InstanceOverlap(gt: gt, prediction: prediction)
            let rand = RandScores.adaptedRand(overlap)
            let vi = RandScores.variationOfInformation(overlap)
            let values = ["ARE": 1 - rand.fScore, "ARE_precision": rand.precision, "ARE_recall": rand.recall, "VI_split": vi.split, "VI_merge": vi.merge]
            for (key, value) in values {
                result.values.scalars[key] = value
                result.sums[key] = [value.isNaN ? nil : value]
            }
        }
        return result
    }

    /// One image as one slice of the challenge: every threshold (once for a
    /// binary proposal, whose cells are the same at every threshold).
    private static func challengeImage(_ pixels: PixelPair, thinning: Bool) -> FamilyImageResult {
        let w = pixels.width, h = pixels.height
        let gtMask = pixels.gt.map { UInt8($0 == 1 ? 1 : 0) }
        let cells = ConnectedComponents.label(gtMask, width: w, height: h, connectivity: .four)
        let p = pixels.prediction, scale = p.scale
        let levelCount = scale + 1
        var present = [Bool](repeating: false, count: levelCount)
        if let l = p.levels8 { for v in l { present[Int(v)] = true } } else { for v in p.levels16! { present[Int(v)] = true } }
        let binary = present.indices.allSatisfy { !present[$0] || $0 == 0 || $0 == scale }
        let thresholds = ChallengeThresholds.values
        var randF = [Double](), randCounts = [Double](), infoF = [Double](), infoP = [Double](), infoR = [Double](), pixelCounts = [Double]()
        var undefined = 0.0
        for (k, t) in thresholds.enumerated() {
            if binary && k > 0 {
                // The same cells at every threshold: repeat the first.
                randF.append(randF[0]); infoF.append(infoF[0]); infoP.append(infoP[0]); infoR.append(infoR[0])
                randCounts += randCounts[0..<3]; pixelCounts += pixelCounts[0..<3]
                continue
            }
            let (mask, labels) = p.levels8.map { ChallengeScores.segments(levels: $0, scale: scale, threshold: t, thinning: thinning, width: w, height: h) }
                ?? ChallengeScores.segments(levels: p.levels16!, scale: scale, threshold: t, thinning: thinning, width: w, height: h)
            let overlap = InstanceOverlap(gt: cells, prediction: labels)
            let counts = ChallengeScores.randCounts(overlap)
            if counts.tp.isNaN { undefined = 1 }
            randF.append(counts.score.fScore)
            randCounts += counts.tp.isNaN ? [0, 0, 0] : counts.flat
            let information = ChallengeScores.information(overlap)
            infoF.append(information.fScore); infoP.append(information.precision); infoR.append(information.recall)
            let pixel = ChallengeScores.pixelCounts(gt: gtMask, cells: mask)
            pixelCounts += pixel.flat
        }
        var result = FamilyImageResult()
        let slice = { (k: Int) in ChallengeScores.Counts(randCounts, at: k) }
        let rand = best(randF)
        let randScore = undefined > 0 ? nil : slice(rand).score
        let info = best(infoF)
        let pixelScores = thresholds.indices.map { k in ChallengeScores.Counts(pixelCounts, at: k).score.fScore }
        let pixelF = pixelScores[best(pixelScores)]
        result.values.scalars = [
            "VRand": randF[rand], "VRand_precision": randScore?.precision ?? .nan, "VRand_recall": randScore?.recall ?? .nan,
            "VRand_threshold": thresholds[rand], "PixelError": 1 - pixelF,
            "VInfo": infoF[info], "VInfo_precision": infoP[info], "VInfo_recall": infoR[info], "VInfo_threshold": thresholds[info],
        ]
        func defined(_ values: [Double]) -> [Double?] { values.map { $0.isNaN ? nil : $0 } }
        result.sums["rand.f"] = defined(randF)
        result.sums["rand.counts"] = randCounts
        result.sums["rand.undefined"] = [undefined]
        result.sums["vi.f"] = defined(infoF)
        result.sums["vi.p"] = defined(infoP)
        result.sums["vi.r"] = defined(infoR)
        result.sums["pixel.counts"] = pixelCounts
        return result
    }

    /// Fiji's maximum over thresholds: strictly above the best so far,
    /// starting from 0 (the first threshold when nothing beats 0; NaN never wins).
    static func best(_ scores: [Double]) -> Int {
        var index = 0, value = 0.0
        for (k, s) in scores.enumerated() where s > value { (index, value) = (k, s) }
        return index
    }

    /// The stack of all images as Fiji scores it: V_rand after thinning the
    /// mean of per-slice F (without thinning, F of the summed pair counts),
    /// V_info the mean of per-slice F, the pixel error from summed counts.
    private static func connectomicsValues(_ state: EvalState) -> MetricValues {
        let options = state.config.connectomics ?? ConnectomicsOptions()
        var out = options.conventions.contains(.fiji) ? challengeValues(state, thinning: options.thinning) : MetricValues()
        if options.conventions.contains(.skimage) {
            for m in ConnectomicsMetrics.skimage { out.scalars[m.key] = state.sums(connectomicsID, m.key)?.means.first ?? .nan }
        }
        return out
    }

    /// The challenge's values of the stack.
    private static func challengeValues(_ state: EvalState, thinning: Bool) -> MetricValues {
        let thresholds = ChallengeThresholds.values, count = thresholds.count
        func means(_ name: String) -> [Double] { state.sums(connectomicsID, name)?.means ?? Array(repeating: .nan, count: count) }
        func totals(_ name: String) -> [Double] { state.sums(connectomicsID, name)?.sums.map(\.value) ?? Array(repeating: 0, count: 3 * count) }
        let undefined = (state.sums(connectomicsID, "rand.undefined")?.sums.first?.value ?? 0) > 0
        let summed = totals("rand.counts")
        let counts = (0..<count).map { k in ChallengeScores.Counts(summed, at: k) }
        // One slice without GT foreground makes Fiji's summed statistics NaN, so F 0, at every threshold.
        let randF = thinning ? means("rand.f") : counts.map { undefined ? 0 : $0.score.fScore }
        let rand = best(randF)
        let infoF = means("vi.f"), info = best(infoF)
        let pixels = totals("pixel.counts")
        let pixelF = (0..<count).map { k in ChallengeScores.Counts(pixels, at: k).score.fScore }
        var out = MetricValues()
        out.scalars = [
            "VRand": randF[rand], "VRand_precision": undefined ? .nan : counts[rand].score.precision,
            "VRand_recall": undefined ? .nan : counts[rand].score.recall, "VRand_threshold": thresholds[rand],
            "PixelError": 1 - pixelF[best(pixelF)],
            "VInfo": infoF[info], "VInfo_precision": means("vi.p")[info], "VInfo_recall": means("vi.r")[info], "VInfo_threshold": thresholds[info],
        ]
        return out
    }

    private static func connectomicsConventions(_ state: EvalState) -> FamilyConventions {
        let options = state.config.connectomics ?? ConnectomicsOptions()
        let instance = state.config.instance ?? InstanceOptions()
        let thinning = options.thinning
        var parts: [String] = []
        var json: [String: Any] = ["rand_convention": options.conventions.map(\.rawValue)]
        if options.conventions.contains(.fiji) {
            parts.append("Fiji: GT cells = 4-connected components of the foreground, proposal = probability > t (float32) at t = 0, 0.1, …, 1 (once for binary proposals), "
                + (thinning ? "border-thinned by a 4-connected watershed, " : "4-connected components (no thinning), ")
                + "restricted to the GT foreground, unlabelled pixels as singletons; images are slices: "
                + (thinning ? "V_rand" : "V_info") + " the mean of per-slice F, " + (thinning ? "V_info likewise" : "V_rand from the summed pair counts")
                + ", the pixel error from summed counts; the maximum over thresholds")
            json["thinning"] = thinning
            json["thresholds"] = ChallengeThresholds.values
            json["gt_cells"] = "4-connected components of the GT foreground"
            json["dataset"] = thinning ? "V_rand, V_info: mean of per-image F per threshold, then the maximum; pixel error: summed counts"
                : "V_rand, pixel error: summed counts per threshold; V_info: mean of per-image F; then the maximum"
        }
        if options.conventions.contains(.skimage) {
            parts.append("scikit-image: adapted_rand_error and variation_of_information (bits) with GT 0 ignored and unlabelled predicted pixels one segment, "
                + "GT objects \(instance.gtInstances.rawValue), predicted objects \(instance.predInstances.rawValue), \(instance.connectivity.rawValue)-connected components, "
                + "ARE precision and recall in Fiji's orientation (scikit-image#6485), mean over images")
            json["skimage"] = ["gt_instances": instance.gtInstances.rawValue, "pred_instances": instance.predInstances.rawValue,
                               "connectivity": instance.connectivity.rawValue, "orientation": "ARE_precision = scikit-image's recall, ARE_recall = its precision",
                               "dataset": "mean over images with defined values"] as [String: Any]
        }
        let references = options.conventions.map { $0 == .fiji ? "ISBI 2012 (Fiji Trainable_Segmentation)" : "scikit-image 0.25" }
        return FamilyConventions(summary: parts.joined(separator: "; "), json: json, reference: references.joined(separator: " and "))
    }
}
