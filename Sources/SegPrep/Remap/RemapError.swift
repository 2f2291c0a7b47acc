import Foundation
import SegCore
import SegImage

/// Why one label image could not be remapped.
public struct RemapError: CategorizedError, Sendable {
    public enum Kind: String, Sendable {
        /// Values the mapping does not cover (the most common silent bug: JPEG'd or resized masks).
        case unexpectedValues
        /// An RGB mask with real colours but no colour table.
        case colorMask
        /// The image cannot be read as the mapping needs (e.g. 16-bit with --colors).
        case unsuitable
    }

    public let kind: Kind
    public let path: String
    /// What is wrong with the file; its settings are spelled when it is printed.
    public let message: Message
    /// For `.unexpectedValues`: the offending values and their pixel counts.
    public let unexpected: Histogram

    public init(_ kind: Kind, path: String, _ message: Message, unexpected: Histogram = Histogram()) {
        self.kind = kind
        self.path = path
        self.message = message
        self.unexpected = unexpected
    }

    public init(_ kind: Kind, path: String, _ message: String, unexpected: Histogram = Histogram()) {
        self.init(kind, path: path, Message(message), unexpected: unexpected)
    }

    public var description: String { "\(path): \(message)" }
    /// Always a bad input: the label file is not what the mapping expects.
    public var category: FailureCategory { .badInput }
}
