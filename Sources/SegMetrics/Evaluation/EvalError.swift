import SegCore

/// A problem with one input pair, named by file, or a malformed request.
public struct EvalError: CategorizedError, Sendable, Equatable {
    /// A malformed request (`usage`) or a problem with a pair's files (`input`).
    public enum Kind: String, Sendable { case usage, input }
    public let kind: Kind
    public let description: String
    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    /// `usage` is usage; `input` is a bad input.
    public var category: FailureCategory { kind == .usage ? .usage : .badInput }
}
