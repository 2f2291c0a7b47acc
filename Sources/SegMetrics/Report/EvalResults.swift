import Foundation
import SegCore

/// Final metrics of one prediction set, derived from an ``EvalState``.
public struct EvalResults: Sendable {
    /// Scalar metrics in output order (NaN when undefined).
    public let scalars: [(name: String, value: Double)]
    /// Per-class lists (IoU, Acc, Dice, Precision, Recall, Fscore).
    public let perClass: [(name: String, values: [Double])]
    /// Mean curves by threshold 0…255 (empty when not computed).
    public let precision: [Double], recall: [Double], fCurve: [Double], eCurve: [Double]
    /// The threshold (0…255) where the F curve peaks.
    public let maxFThreshold: Int?
    /// The prediction set's name.
    public let name: String
    /// Number of pairs evaluated.
    public let images: Int
    /// The state the results come from.
    public let state: EvalState

    /// The results of a state: the registry's columns for its configuration,
    /// valued by each family (``MetricRegistry/values(_:)``).
    public init(_ state: EvalState) {
        self.state = state
        name = state.name
        images = state.images
        let report = MetricRegistry.reportMetrics(config: state.config)
        let values = MetricRegistry.values(state)
        scalars = report.scalars.flatMap { MetricRegistry.columns(of: $0, config: state.config) }.map { ($0.key, $0.value(in: values)) }
        perClass = report.lists.map { ($0.key, values.lists[$0.key] ?? []) }
        precision = values.curves.precision
        recall = values.curves.recall
        fCurve = values.curves.f
        eCurve = values.curves.e
        maxFThreshold = values.curves.maxFThreshold
    }

    /// A metric by name: a scalar (`mIoU`, `MAE`), or one class of a
    /// per-class list as `NAME_CLASS` (`IoU_1`, `Dice_0`), the spelling of the
    /// per-image CSV columns.
    public func value(_ name: String) -> Double? {
        if let v = scalars.first(where: { $0.name == name })?.value { return v }
        guard let underscore = name.lastIndex(of: "_"), let c = Int(name[name.index(after: underscore)...]),
              let list = perClass.first(where: { $0.name == name[..<underscore] })?.values, list.indices.contains(c) else { return nil }
        return list[c]
    }

    /// For two classes, the foreground class's IoU and Dice (`IoU_1`,
    /// `Dice_1`): what binary-segmentation papers report as "IoU" and "Dice".
    /// Shown in the table and the JSON beside the class means
    /// (``MetricRegistry/foregroundColumns(config:)``).
    public var foreground: [(name: String, value: Double)] {
        MetricRegistry.foregroundColumns(config: state.config).compactMap { column in value(column.key).map { (column.key, $0) } }
    }

    /// Every metric name this configuration reports, scalars and `NAME_CLASS`
    /// keys, known before any image is read (for validating gates and
    /// `--worst-by` up front).
    public static func metricNames(config: EvalConfig) -> [String] {
        MetricRegistry.reportedColumns(config: config).map(\.key)
    }

    /// The metrics `--baseline` compares when `--compare` is not given: the
    /// headline numbers papers and CI gates use (``Metric/headline``: mIoU,
    /// mDice, and for two classes the foreground IoU_1 and Dice_1; MAE, maxF,
    /// Sm, meanEm, wF), not the adaptive or auxiliary ones whose last digits
    /// move with any change.
    public static func defaultComparison(config: EvalConfig) -> [String] {
        MetricRegistry.defaultComparison(config: config)
    }

    /// Whether this configuration produces curves (`--curves`, `--plot`).
    public static func hasCurves(config: EvalConfig) -> Bool {
        MetricRegistry.hasCurves(config: config)
    }

    /// Which convention each family used, for the output.
    public var conventions: [String: Any] {
        let c = state.config
        var out: [String: Any] = [:]
        for family in MetricRegistry.families where family.isEnabled(c) { out[family.id] = family.conventionEntry(state) }
        if let r = c.resize { out["resize_pred"] = r.rawValue }
        switch c.gtColors {
        case .refuse: break
        case .gray: out["gt_colors"] = "gray (OpenCV), then > 128"
        case .table(let t): out["gt_colors"] = "colour table (\(t.count) colours)"
        }
        return out
    }

    /// The JSON object: metric keys, per-class lists, `images`, `conventions`.
    public func jsonObject() -> [String: Any] {
        func json(_ v: Double) -> Any { v.isNaN ? NSNull() : v.isInfinite ? (v > 0 ? "inf" : "-inf") : v }
        var out: [String: Any] = ["pred": name, "images": images, "conventions": conventions]
        for (name, value) in scalars { out[name] = json(value) }
        for (name, values) in perClass { out[name] = values.map(json) }
        for (name, value) in foreground { out[name] = json(value) }
        if let t = maxFThreshold { out["maxF_threshold"] = t }
        if MetricFamily.confusion.isEnabled(state.config) {
            let k = state.config.classes
            out["confusion_matrix"] = (0..<k).map { g in (0..<k).map { Int(state.confusion.counts[g * k + $0]) } }
        }
        if !state.isComplete { out["shards"] = state.shards.map(\.description) }
        if state.nonBinaryImages > 0 { out["non_binary_gt_images"] = state.nonBinaryImages }
        if state.onlyIgnoreImages > 0 { out["only_ignore_gt_images"] = state.onlyIgnoreImages }
        return out
    }
}
