/// What kind of failure an error is, declared by every library error so that
/// one mapping (SegCLI's `ExitStatus`) gives each kind the same exit code in
/// every tool: a file that already exists is "output not written" whether
/// segprep, segeval or segpredict meets it.
public enum FailureCategory: String, Sendable, Equatable, CaseIterable {
    /// An input is bad: missing, unreadable, corrupt, unexpected values,
    /// unpaired files, a dataset that cannot satisfy the request (exit 1).
    case badInput
    /// An output could not be written: it exists already, the disk is full,
    /// the folder cannot be created, the format cannot hold the data (exit 2).
    case outputNotWritten
    /// The work ran, but a quality gate (--fail-under, --baseline…) failed (exit 3).
    case gateFailed
    /// The request itself is malformed or contradictory (exit 64).
    case usage

    /// The category of any error: the one it declares, else `badInput`.
    public static func of(_ error: Error) -> FailureCategory {
        (error as? CategorizedError)?.category ?? .badInput
    }
}
