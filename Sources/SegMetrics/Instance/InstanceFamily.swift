import Foundation

/// The matching family's metrics, declared once; ``MetricFamily/instance`` lists them.
public enum InstanceMetrics {
    static func perThreshold(_ key: String, lowerIsBetter: Bool = false, isCount: Bool = false, _ summary: String) -> Metric {
        Metric(key: key, group: "match", direction: lowerIsBetter ? .lowerIsBetter : .higherIsBetter, shape: .perThreshold, isCount: isCount, summary: summary)
    }

    public static let precision = perThreshold("precision", "matched objects over predicted objects, TP / (TP + FP), at IoU ≥ τ (stardist)")
    public static let recall = perThreshold("recall", "matched objects over ground-truth objects, TP / (TP + FN)")
    public static let f1 = perThreshold("F1", "2 TP / (2 TP + FP + FN)")
    public static let accuracy = perThreshold("accuracy", "TP / (TP + FP + FN): stardist's `accuracy`, cellpose's \"average precision\"")
    public static let pq = perThreshold("PQ", "panoptic quality ΣIoU(matched) / (TP + FP/2 + FN/2) = SQ · RQ (stardist's rule, IoU ≥ τ; under HoVer-Net's convention IoU > τ)")
    public static let sq = perThreshold("SQ", "segmentation quality: mean IoU of the matched pairs")
    public static let rq = perThreshold("RQ", "recognition quality: F1 of the matching")
    public static let tp = perThreshold("TP", isCount: true, "matched pairs (summed over images)")
    public static let fp = perThreshold("FP", lowerIsBetter: true, isCount: true, "predicted objects without a match")
    public static let fn = perThreshold("FN", lowerIsBetter: true, isCount: true, "ground-truth objects without a match")
    public static let aji = Metric(key: "AJI", group: "match", summary: "aggregated Jaccard index (MoNuSeg, HoVer-Net `get_fast_aji`): each GT object with its best-IoU prediction; mean over images")
    public static let ajiPlus = Metric(key: "AJI+", group: "match", summary: "AJI with a one-to-one pairing (HoVer-Net `get_fast_aji_plus`); mean over images")

    /// Every metric, in report order.
    public static let all = [precision, recall, f1, accuracy, pq, sq, rq, tp, fp, fn, aji, ajiPlus]
}

extension MetricFamily {
    static let instanceID = "match"

    /// Instance matching: objects of the ground truth against objects of the
    /// prediction, stardist's matching at each IoU threshold and HoVer-Net's AJI.
    public static let instance = MetricFamily(
        id: instanceID, title: "instance", reference: "stardist 0.9 / HoVer-Net", reportRank: 4,
        groups: [.kernelGroup("match", summary: "instance matching at each IoU threshold τ: precision, recall, F1, accuracy, PQ, SQ, RQ, TP, FP, FN per τ; AJI, AJI+")],
        metrics: InstanceMetrics.all, perImage: InstanceMetrics.all, worstByDefaults: [], leavesPixelsOut: false,
        kernel: FamilyKernel(instanceImage), conventions: instanceConventions(_:),
        readsGTClasses: readsGTAsMask(_:labels16:),
        dataset: instanceValues(_:), image: { $0.families[MetricFamily.instanceID]?.values ?? MetricValues() })

    /// The objects of both sides of one image, read as `options` say (the
    /// instance family's and scikit-image's Rand/VI convention read them alike).
    /// Label ids asked of a colour ground truth are an input error.
    static func objects(_ pixels: PixelPair, _ options: InstanceOptions) throws -> (gt: InstanceLabels, prediction: InstanceLabels) {
        let w = pixels.width, h = pixels.height, k = pixels.classes
        if options.gtInstances == .labels, let plane = pixels.gtPlane, plane.values8 == nil && plane.values16 == nil {
            throw EvalError(.input, "\(pixels.gtPath): a colour ground truth holds no object ids; read its objects as components (\(setting: .gtInstances) components)")
        }
        let gt = objects(ids8: pixels.gtPlane?.values8, ids16: pixels.gtPlane?.values16,
                         foreground: { pixels.gt.map { $0 != 0 && Int($0) < k ? 1 : 0 } },
                         reading: options.gtInstances, width: w, height: h, connectivity: options.connectivity)
        let prediction = objects(ids8: pixels.prediction.levels8, ids16: pixels.prediction.levels16,
                                 foreground: { pixels.predictedClasses().map { $0 != 0 ? 1 : 0 } },
                                 reading: options.predInstances, width: w, height: h, connectivity: options.connectivity)
        return (gt, prediction)
    }

    /// The objects of one side.
    private static func objects(ids8: [UInt8]?, ids16: [UInt16]?, foreground: () -> [UInt8], reading: InstanceReading,
                                width: Int, height: Int, connectivity: Connectivity) -> InstanceLabels {
        let labels = reading == .labels || (reading == .auto && ids16 != nil)
        if labels, let v = ids16 { return InstanceLabels(ids: v, width: width, height: height) }
        if labels, let v = ids8 { return InstanceLabels(ids: v, width: width, height: height) }
        return ConnectedComponents.label(foreground(), width: width, height: height, connectivity: connectivity)
    }

    /// Whether the instance family reads this ground truth as a mask (its
    /// components) rather than as a label map.
    static func readsGTAsMask(_ config: EvalConfig, labels16: Bool) -> Bool {
        let reading = (config.instance ?? InstanceOptions()).gtInstances
        return reading == .components || reading == .auto && !labels16
    }

    /// One matching's values by key (without the `@τ`): stardist's ratios, SQ its mean matched IoU, RQ its F1.
    private static func scores(_ m: InstanceMatching) -> [String: Double] {
        ["precision": m.precision, "recall": m.recall, "F1": m.f1, "accuracy": m.accuracy,
         "PQ": m.panopticQuality, "SQ": m.meanMatchedIoU, "RQ": m.f1,
         "TP": Double(m.truePositives), "FP": Double(m.falsePositives), "FN": Double(m.falseNegatives)]
    }

    /// Sums per threshold: TP, FP, FN, GT objects, predicted objects, matched IoU sum.
    private static func countsName(_ tau: String) -> String { "counts@" + tau }

    /// One image: both sides' objects, the overlap table, the scores.
    private static func instanceImage(_ pixels: PixelPair, _ config: EvalConfig) throws -> FamilyImageResult {
        let o = config.instance ?? InstanceOptions()
        let (gt, prediction) = try objects(pixels, o)
        let overlap = InstanceOverlap(gt: gt, prediction: prediction)
        var result = FamilyImageResult()
        for (text, tau) in zip(o.iouThresholds, o.thresholds) {
            let m = InstanceMatching(overlap, tau: tau)
            var values = scores(m)
            if o.pqConvention == .hovernet {
                let q = HoVerNetQuality(overlap, tau: tau)
                values["PQ"] = q.panopticQuality
                values["SQ"] = q.segmentationQuality
                values["RQ"] = q.detectionQuality
            }
            let skipped = emptyRule(o, overlap) == .skip
            for (key, var value) in values {
                value = resolveEmpty(o, overlap, key: key, value)
                result.values.scalars[key + "@" + text] = value
                result.sums[key + "@" + text] = [value.isNaN ? nil : value]
            }
            // An image left out (`skip`) adds nothing to the dataset's counts.
            result.sums[countsName(text)] = skipped ? [0, 0, 0, 0, 0, 0, 0]
                : [m.truePositives, m.falsePositives, m.falseNegatives, m.gtCount, m.predictionCount].map { Double($0) } + [m.matchedIoUSum, 1]
        }
        for (key, value) in [("AJI", AggregatedJaccardIndex.aji(overlap)), ("AJI+", AggregatedJaccardIndex.ajiPlus(overlap))] {
            let resolved = resolveEmpty(o, overlap, key: key, value)
            result.values.scalars[key] = resolved
            result.sums[key] = [resolved.isNaN ? nil : resolved]
        }
        return result
    }

    /// The `--empty-gt` rule that applies to an image: the one given, when the image has no GT objects.
    private static func emptyRule(_ o: InstanceOptions, _ overlap: InstanceOverlap) -> EmptyGTConvention? {
        overlap.gtCount == 0 ? o.emptyGT : nil
    }

    /// A value under the image's `--empty-gt` rule: ratios and AJI resolved
    /// (0/0 when both maps are empty), counts undefined only when the image is skipped.
    private static func resolveEmpty(_ o: InstanceOptions, _ overlap: InstanceOverlap, key: String, _ value: Double) -> Double {
        guard let rule = emptyRule(o, overlap) else { return value }
        if ["TP", "FP", "FN"].contains(key) { return rule == .skip ? .nan : value }
        return rule.resolve(predictionEmpty: overlap.predictionCount == 0, formula: value) ?? .nan
    }

    /// Dataset values: stardist's sums over images (`matching_dataset(by_image=False)`),
    /// or per-image means under `--aggregate image` (and for HoVer-Net's PQ, SQ, RQ).
    private static func instanceValues(_ state: EvalState) -> MetricValues {
        let o = state.config.instance ?? InstanceOptions()
        var out = MetricValues()
        func mean(_ name: String) -> Double { state.sums(instanceID, name)?.means.first ?? .nan }
        for text in o.iouThresholds {
            if state.config.aggregate == .image {
                for m in InstanceMetrics.all where m.shape == .perThreshold { out.scalars[m.key + "@" + text] = mean(m.key + "@" + text) }
                continue
            }
            let sums = state.sums(instanceID, countsName(text))?.sums.map(\.value) ?? Array(repeating: 0, count: 7)
            var m = InstanceMatching()
            (m.truePositives, m.falsePositives, m.falseNegatives, m.gtCount, m.predictionCount) = (Int(sums[0]), Int(sums[1]), Int(sums[2]), Int(sums[3]), Int(sums[4]))
            m.matchedIoUSum = sums[5]
            // No image counted (every one skipped under the empty-GT rule): nothing to score.
            let counted = sums[6] > 0
            let values = scores(m)
            for (key, value) in values { out.scalars[key + "@" + text] = counted ? value : .nan }
            if o.pqConvention == .hovernet { for key in ["PQ", "SQ", "RQ"] { out.scalars[key + "@" + text] = mean(key + "@" + text) } }
        }
        out.scalars["AJI"] = mean("AJI")
        out.scalars["AJI+"] = mean("AJI+")
        return out
    }

    private static func instanceConventions(_ state: EvalState) -> FamilyConventions {
        let o = state.config.instance ?? InstanceOptions()
        let aggregate = state.config.aggregate == .image ? "mean over images" : "counts summed over images (stardist by_image=False)"
        let pq = o.pqConvention == .hovernet ? "HoVer-Net (IoU > τ, per-image mean)" : "stardist (IoU ≥ τ)"
        let summary = "IoU thresholds \(o.iouThresholds.joined(separator: ", ")), GT objects \(o.gtInstances.rawValue), predicted objects \(o.predInstances.rawValue), "
            + "\(o.connectivity.rawValue)-connected components, PQ \(pq), \(aggregate); AJI, AJI+ HoVer-Net, mean over images"
            + (o.emptyGT.map { "; images without GT objects: \($0.rawValue)" } ?? "")
        return FamilyConventions(summary: summary, json: [
            "iou_thresholds": o.thresholds,
            "gt_instances": o.gtInstances.rawValue,
            "pred_instances": o.predInstances.rawValue,
            "connectivity": o.connectivity.rawValue,
            "pq_convention": o.pqConvention.rawValue,
            "empty_gt": o.emptyGT?.rawValue ?? "stardist",
            "aggregate": state.config.aggregate == .image ? "image" : "dataset",
            "matching": "stardist 0.9 matching: optimal one-to-one assignment, IoU ≥ τ, IoU sum as tie-breaker",
        ])
    }
}
