import Foundation
import SegCore

/// A malformed `--map`, `--colors` or similar specification.
public struct MappingSyntaxError: CategorizedError, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
    /// `usage`: a malformed specification.
    public var category: FailureCategory { .usage }
}
