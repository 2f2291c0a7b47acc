import ArgumentParser
import SegCore

/// The exit codes of every SegKit tool, one per ``FailureCategory``
/// (docs/README.md lists them).
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// Everything worked (and every gate passed).
    case success = 0
    /// One or more inputs were bad.
    case badInput = 1
    /// An output could not be written.
    case outputNotWritten = 2
    /// A quality gate failed.
    case gateFailed = 3
    /// The command line is wrong (EX_USAGE).
    case usage = 64

    /// The status of a failure category.
    public init(_ category: FailureCategory) {
        switch category {
        case .badInput: self = .badInput
        case .outputNotWritten: self = .outputNotWritten
        case .gateFailed: self = .gateFailed
        case .usage: self = .usage
        }
    }

    /// The status for any error: the category it declares (``FailureCategory/of(_:)``).
    public init(for error: Error) { self.init(FailureCategory.of(error)) }

    /// The ArgumentParser exit that ends the process with this status.
    public var exit: ExitCode { ExitCode(rawValue) }
}
