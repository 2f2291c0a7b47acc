import SegCore

/// A problem with one input pair, named by file, or a malformed request.
public struct EvalError: CategorizedError, Sendable, Equatable {
    /// A malformed request (`usage`) or a problem with a pair's files (`input`).
    public enum Kind: String, Sendable { case usage, input }
    public let kind: Kind
    /// What went wrong; its settings are spelled when it is printed.
    public let problem: Message
    public init(_ kind: Kind, _ problem: Message) {
        self.kind = kind
        self.problem = problem
    }
    public init(_ kind: Kind, _ description: String) { self.init(kind, Message(description)) }
    public var description: String { problem.description }

    /// `usage` is usage; `input` is a bad input.
    public var category: FailureCategory { kind == .usage ? .usage : .badInput }
}
