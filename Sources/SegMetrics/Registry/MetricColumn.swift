/// One reported number: a scalar metric, or one class of a per-class metric
/// (`IoU_1`). What gates, `--compare`, `--worst-by` and CSV columns name.
public struct MetricColumn: Sendable, Hashable {
    /// The metric.
    public let metric: Metric
    /// The class of a per-class metric; nil for the others.
    public let classIndex: Int?

    /// A scalar metric's column, or class `classIndex` of a per-class one.
    public init(_ metric: Metric, classIndex: Int? = nil) {
        self.metric = metric
        self.classIndex = classIndex
    }

    /// `KEY`, or `KEY_CLASS` for one class.
    public var key: String { classIndex.map { "\(metric.key)_\($0)" } ?? metric.key }

    /// The column's number in `values` (NaN when the family did not produce it).
    public func value(in values: MetricValues) -> Double {
        guard let c = classIndex else { return values.scalars[metric.key] ?? .nan }
        guard let list = values.lists[metric.key], list.indices.contains(c) else { return .nan }
        return list[c]
    }
}
