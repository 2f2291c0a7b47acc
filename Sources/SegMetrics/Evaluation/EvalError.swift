import SegCore
import SegImage

/// A problem with one input pair, named by file.
public struct EvalError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable { case usage, input, output, gate }
    public let kind: Kind
    public let description: String
    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
