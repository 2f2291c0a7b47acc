import SegCore

extension EvalError: CategorizedError {
    /// A malformed request is usage; a problem with a pair's files is a bad input.
    public var category: FailureCategory { kind == .usage ? .usage : .badInput }
}
