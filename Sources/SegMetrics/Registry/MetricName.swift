/// One column name (`--worst-by IoU_1`), checked against a run's per-image
/// columns later (``MetricRegistry/perImageColumns(config:)``).
public struct MetricName: Sendable, Equatable {
    /// The name as given.
    public let name: String

    /// The name `text`.
    public init(parsing text: String) { name = text }
}
