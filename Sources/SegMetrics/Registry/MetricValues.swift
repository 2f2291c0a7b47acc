/// The numbers a family computes for one image or one dataset, by metric key.
public struct MetricValues: Sendable {
    /// Scalar metrics and class means (NaN when undefined).
    public var scalars: [String: Double] = [:]
    /// Per-class metrics, one entry per class (NaN when undefined).
    public var lists: [String: [Double]] = [:]
    /// Dataset curves by threshold (empty unless a group with curves ran).
    public var curves = ThresholdCurves()

    /// No values.
    public init() {}

    /// Adds another family's values (keys are unique across families).
    public mutating func merge(_ other: MetricValues) {
        scalars.merge(other.scalars) { a, _ in a }
        lists.merge(other.lists) { a, _ in a }
        if !other.curves.isEmpty { curves = other.curves }
    }
}
