import Foundation
import SegCore

/// The surface-distance and boundary metrics, declared once;
/// ``MetricFamily/distance`` lists them.
public enum DistanceMetrics {
    /// Hausdorff distance.
    public static let hd = Metric(key: "HD", group: "hd", direction: .lowerIsBetter,
                                  summary: "Hausdorff distance: the largest surface-to-surface distance, both directions (spacing units)")
    /// Percentile Hausdorff distance.
    public static let hd95 = Metric(key: "HD95", group: "hd", direction: .lowerIsBetter,
                                    summary: "percentile Hausdorff distance (the 95th unless asked otherwise): the larger directed percentile (MONAI, Metrics Reloaded) or the percentile of both directions pooled (MedPy)")
    /// Average symmetric surface distance.
    public static let assd = Metric(key: "ASSD", group: "assd", direction: .lowerIsBetter,
                                    summary: "average symmetric surface distance: the mean of both directions' distances pooled")
    /// Mean of the two directed average surface distances.
    public static let masd = Metric(key: "MASD", group: "assd", direction: .lowerIsBetter,
                                    summary: "mean average surface distance: the mean of the two directed means")
    /// Directed average surface distance, prediction → GT.
    public static let asd = Metric(key: "ASD", group: "assd", direction: .lowerIsBetter,
                                   summary: "average surface distance from the prediction's surface to the GT's")
    /// Normalised surface distance (surface Dice).
    public static let nsd = Metric(key: "NSD", group: "nsd",
                                   summary: "normalised surface distance: the share of both surfaces within the tolerance τ of the other")
    /// Boundary IoU.
    public static let biou = Metric(key: "BIoU", group: "biou",
                                    summary: "boundary IoU: IoU of the two masks' boundary bands (Metrics Reloaded's or Cheng et al.'s)")
    /// Boundary F-measure.
    public static let bf = Metric(key: "BF", group: "bf",
                                  summary: "boundary F-measure of the DAVIS 2017 benchmark (tolerance 0.008 of the image diagonal)")
    /// Every scalar metric, in report order: per image and dataset, the mean over foreground classes.
    public static let all = [hd, hd95, assd, masd, asd, nsd, biou, bf]
    /// Each scalar's values per class (`HD95_per_class`: class 0 undefined), for more than two classes.
    public static let perClass = all.map { m in
        Metric(key: m.key + "_per_class", group: m.group, direction: m.direction, shape: .perClass, multiClassOnly: true,
               summary: "`\(m.key)` of each class, one-vs-rest (more than two classes; class 0 undefined)")
    }
}

extension MetricFamily {
    static let distanceID = "distance"

    /// The distance family: per foreground class one-vs-rest, its own kernel,
    /// dataset values the mean over images of the defined per-image values.
    public static let distance = MetricFamily(
        id: distanceID, title: "distance", reference: DistanceConvention.monai.reference, reportRank: 3,
        groups: [
            .kernelGroup("hd", summary: "Hausdorff distance HD and percentile HD95"),
            .kernelGroup("assd", summary: "surface distances ASSD, MASD, ASD"),
            .kernelGroup("nsd", summary: "normalised surface distance NSD"),
            .kernelGroup("biou", summary: "boundary IoU BIoU"),
            .kernelGroup("bf", summary: "boundary F-measure BF (DAVIS)"),
        ],
        aliases: ["distance": ["hd", "assd", "nsd", "biou", "bf"]],
        metrics: DistanceMetrics.all + DistanceMetrics.perClass, perImage: DistanceMetrics.all, worstByDefaults: [], leavesPixelsOut: false,
        kernel: FamilyKernel(distanceImage), conventions: distanceConventions(_:), warnings: distanceWarnings(_:),
        dataset: distanceValues(_:), image: { $0.families[MetricFamily.distanceID]?.values ?? MetricValues() })

    /// One image: every foreground class against the rest.
    private static func distanceImage(_ pixels: PixelPair, _ config: EvalConfig) -> FamilyImageResult {
        let options = config.distance ?? DistanceOptions()
        var parts: DistanceScores.Parts = []
        if [DistanceMetrics.hd, DistanceMetrics.hd95, DistanceMetrics.assd, DistanceMetrics.nsd].contains(where: { MetricFamily.distance.computes($0, config: config) }) { parts.insert(.distances) }
        if MetricFamily.distance.computes(DistanceMetrics.biou, config: config) { parts.insert(.boundaryIoU) }
        if MetricFamily.distance.computes(DistanceMetrics.bf, config: config) { parts.insert(.boundaryF) }
        var predicted: [UInt8]?
        let k = pixels.classes
        var perClass: [DistanceScores?] = Array(repeating: nil, count: k)
        for c in 1..<k {
            let gt = ClassMask(labels: pixels.gt, member: UInt8(c), width: pixels.width, height: pixels.height)
            let prediction: ClassMask
            if let levels = pixels.prediction.levels8, let range = pixels.levelRange(ofClass: c) {
                prediction = ClassMask(values: levels, inside: range, width: pixels.width, height: pixels.height)
            } else {
                let classes = predicted ?? pixels.predictedClasses()
                predicted = classes
                prediction = ClassMask(labels: classes, member: UInt8(c), width: pixels.width, height: pixels.height)
            }
            perClass[c] = DistanceScores(prediction: prediction, gt: gt, options: options, parts: parts)
        }
        var result = FamilyImageResult()
        for (metric, list) in zip(DistanceMetrics.all, DistanceMetrics.perClass) {
            let values = perClass.map { $0?.value(metric.key) }
            result.values.scalars[metric.key] = meanOverClasses(values.map { $0 ?? .nan }, from: 1)
            result.values.lists[list.key] = values.map { $0 ?? .nan }
            result.sums[metric.key] = values.map { v in v.flatMap { $0.isFinite ? $0 : nil } }
            result.sums[metric.key + ".inf"] = values.map { v in v.flatMap { $0 == .infinity ? 1 : nil } }
        }
        for emptiness in [DistanceScores.Emptiness.gt, .prediction, .both] {
            result.sums["empty." + emptiness.rawValue] = perClass.map { $0?.emptiness == emptiness ? 1 : nil }
        }
        return result
    }

    /// The mean of the defined entries from class `from` on: +inf when one is
    /// infinite, NaN when none is defined.
    private static func meanOverClasses(_ values: [Double], from first: Int) -> Double {
        let defined = values.dropFirst(first).filter { !$0.isNaN }
        if defined.contains(.infinity) { return .infinity }
        return defined.isEmpty ? .nan : defined.reduce(0, +) / Double(defined.count)
    }

    /// Per class: the mean over images of the finite values, +inf when an
    /// image's was infinite; then the mean over foreground classes.
    private static func distanceValues(_ state: EvalState) -> MetricValues {
        var out = MetricValues()
        let k = state.config.classes
        for (metric, list) in zip(DistanceMetrics.all, DistanceMetrics.perClass) {
            let means = state.sums(distanceID, metric.key)?.means ?? Array(repeating: .nan, count: k)
            let infinite = state.sums(distanceID, metric.key + ".inf")?.sums.map(\.count) ?? Array(repeating: 0, count: k)
            let perClass = (0..<k).map { infinite[$0] > 0 ? .infinity : means[$0] }
            out.scalars[metric.key] = meanOverClasses(perClass, from: 1)
            out.lists[list.key] = perClass
        }
        return out
    }

    /// Images per foreground class whose GT, prediction or both were empty.
    private static func emptyCounts(_ state: EvalState) -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        for emptiness in [DistanceScores.Emptiness.gt, .prediction, .both] {
            let counts = state.sums(distanceID, "empty." + emptiness.rawValue)?.sums.map(\.count) ?? Array(repeating: 0, count: state.config.classes)
            out[emptiness.rawValue] = Array(counts.dropFirst())
        }
        return out
    }

    /// How empty masks were scored under the convention and `--empty-distance`.
    private static func emptyRule(_ o: DistanceOptions) -> String {
        let library: String
        switch o.convention {
        case .monai: library = "one empty: HD, ASSD, MASD, ASD inf, HD95 undefined, NSD 0; both empty: undefined"
        case .medpy: library = "MedPy raises on an empty mask: undefined"
        case .metricsreloaded: library = "one empty: distances undefined, NSD as computed; both empty: distances 0, NSD 1"
        case .deepmind: library = "one empty: HD, HD95 inf, the empty side's mean undefined, NSD 0; both empty: HD, HD95 inf, means and NSD undefined"
        }
        guard o.emptyDistance.rule != .library else { return library }
        let override = o.emptyDistance.rule == .max ? "the image diagonal" : o.emptyDistance.rule == .nan ? "undefined" : "\(o.emptyDistance.penalty)"
        return library + "; overridden: a distance with one empty mask is \(override)"
    }

    private static func distanceConventions(_ state: EvalState) -> FamilyConventions {
        let o = state.config.distance ?? DistanceOptions()
        let counts = emptyCounts(state)
        let percentile = o.percentile == o.percentile.rounded() ? String(Int(o.percentile)) : "\(o.percentile)"
        let deepmind = o.convention == .deepmind
        let surface = deepmind ? "surface elements on the half-pixel grid weighted by contour length" : "erosion-XOR surfaces (the image edge is surface)"
        let rule = o.convention == .medpy ? "of both directions pooled"
            : deepmind ? "the larger directed length-weighted percentile" : "the larger directed percentile"
        let summary = "\(surface), spacing \(o.spacing), "
            + "HD\(percentile) \(rule), \(deepmind ? "ASSD = MASD (mean of the directed means), " : "")"
            + "NSD τ = \(o.nsdTolerance), BIoU \(o.boundaryIoU == .cheng ? "Cheng et al." : "Metrics Reloaded (width \(o.boundaryIoUWidth))"), BF DAVIS 2017; "
            + "empty GT \(counts["gt"]!.reduce(0, +)), empty prediction \(counts["prediction"]!.reduce(0, +)), both \(counts["both"]!.reduce(0, +)) (\(emptyRule(o)))"
        return FamilyConventions(summary: summary, json: [
            "convention": o.convention.rawValue,
            "hd_percentile": o.percentile,
            "hd_percentile_rule": o.convention == .medpy ? "pooled" : deepmind ? "max of directed, length-weighted nearest rank" : "max of directed",
            "assd": deepmind ? "mean of the two directed length-weighted means" : "pooled mean of both directions",
            "nsd_tolerance": o.nsdTolerance,
            "spacing": [o.spacing.row, o.spacing.column],
            "surface": deepmind ? "2x2-block surface elements, contour-length weights" : "mask XOR erosion (cross), image edge is surface",
            "biou": o.boundaryIoU == .cheng ? "cheng (dilation ratio 0.02)" : "metricsreloaded (width \(o.boundaryIoUWidth))",
            "bf": "DAVIS 2017 f_measure (bound_th 0.008)",
            "empty_distance": o.emptyDistance.description,
            "empty_rule": emptyRule(o),
            "empty_images": counts,
            "per_class": "foreground classes one-vs-rest; dataset value = mean over images of the defined values, then over classes",
        ], reference: o.convention.reference)
    }

    /// One line per metric whose mean left images out (undefined values).
    private static func distanceWarnings(_ state: EvalState) -> [Message] {
        let images = state.images
        var lines: [Message] = []
        for metric in DistanceMetrics.all where MetricFamily.distance.computes(metric, config: state.config) {
            let counted = state.sums(distanceID, metric.key)?.sums.dropFirst().map(\.count) ?? []
            let infinite = state.sums(distanceID, metric.key + ".inf")?.sums.dropFirst().map(\.count) ?? []
            for (i, n) in counted.enumerated() {
                let dropped = images - n - (infinite.indices.contains(i) ? infinite[i] : 0)
                guard dropped > 0 else { continue }
                let which = state.config.classes > 2 ? " of class \(i + 1)" : ""
                lines.append("\(metric.key)\(which) is undefined for \(dropped) of \(images) images (empty masks), left out of its mean; \(setting: .emptyDistance) max scores them")
            }
        }
        return lines
    }
}
