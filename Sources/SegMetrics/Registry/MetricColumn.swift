/// One reported number: a scalar metric, one class of a per-class metric
/// (`IoU_1`), or one threshold of a per-threshold metric (`F1@0.5`). What
/// gates, `--compare`, `--worst-by` and CSV columns name.
public struct MetricColumn: Sendable, Hashable {
    /// The metric.
    public let metric: Metric
    /// The class of a per-class metric; nil for the others.
    public let classIndex: Int?
    /// The IoU threshold of a per-threshold metric, as given; nil for the others.
    public let threshold: String?

    /// A scalar metric's column, class `classIndex` of a per-class one, or
    /// threshold `threshold` of a per-threshold one.
    public init(_ metric: Metric, classIndex: Int? = nil, threshold: String? = nil) {
        self.metric = metric
        self.classIndex = classIndex
        self.threshold = threshold
    }

    /// `KEY`, `KEY_CLASS` for one class, `KEY@τ` for one threshold.
    public var key: String {
        if let t = threshold { return "\(metric.key)@\(t)" }
        return classIndex.map { "\(metric.key)_\($0)" } ?? metric.key
    }

    /// The column's number in `values` (NaN when the family did not produce it).
    public func value(in values: MetricValues) -> Double {
        guard let c = classIndex else { return values.scalars[key] ?? .nan }
        guard let list = values.lists[metric.key], list.indices.contains(c) else { return .nan }
        return list[c]
    }
}
