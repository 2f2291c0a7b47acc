import Foundation
import SegCore

/// A `segprep` request that is malformed, that the data cannot satisfy, or
/// whose output cannot be written (split, check, augment).
public struct PrepError: CategorizedError, Sendable {
    /// What went wrong; its settings are spelled when it is printed.
    public let problem: Message
    /// Malformed (`usage`), unsatisfiable by the data (`badInput`: unpaired
    /// files, too few units…) or not writable (`outputNotWritten`).
    public let category: FailureCategory

    public init(_ problem: Message, _ category: FailureCategory = .badInput) {
        self.problem = problem
        self.category = category
    }

    public init(_ description: String, _ category: FailureCategory = .badInput) {
        self.init(Message(description), category)
    }

    public var description: String { problem.description }
}
