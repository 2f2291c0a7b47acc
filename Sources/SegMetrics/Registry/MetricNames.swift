import Foundation

/// A comma-separated list of column names (`--compare mIoU,IoU_1`), checked
/// against a run's metrics later (``QualityGate/validate(names:)``).
public struct MetricNames: Sendable, Equatable {
    /// The names in the order given, spaces trimmed, empty items dropped.
    public let names: [String]

    /// Splits `text` at commas.
    public init(parsing text: String) {
        names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
