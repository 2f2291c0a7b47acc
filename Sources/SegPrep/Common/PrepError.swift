import Foundation
import SegCore

/// A `segprep` request that is malformed, that the data cannot satisfy, or
/// whose output cannot be written (split, check, augment).
public struct PrepError: CategorizedError, Sendable {
    public let description: String
    /// Malformed (`usage`), unsatisfiable by the data (`badInput`: unpaired
    /// files, too few units…) or not writable (`outputNotWritten`).
    public let category: FailureCategory

    public init(_ description: String, _ category: FailureCategory = .badInput) {
        self.description = description
        self.category = category
    }
}
