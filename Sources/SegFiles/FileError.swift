import SegCore

/// Why a file could not be read or written, naming the file: the errors of
/// ``AtomicFile``, ``FileBytes`` and ``createFolder(_:)``.
public struct FileError: CategorizedError, Sendable, Equatable {
    /// The kind of failure, for callers that react differently to each.
    public enum Kind: String, Sendable, Equatable {
        /// The file does not exist, is unreadable, or is a directory.
        case unreadable
        /// The file is larger than the caller's limit.
        case tooLarge
        /// The output exists and overwriting was not allowed.
        case exists
        /// Writing failed (disk full, permission, a folder that cannot be created…).
        case writeFailed
    }

    public let kind: Kind
    public let path: String
    public let message: String

    public init(_ kind: Kind, path: String, _ message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    /// `path: message`.
    public var description: String { "\(path): \(message)" }

    /// Reading failures are bad inputs; the others leave an output unwritten.
    public var category: FailureCategory {
        switch kind {
        case .unreadable, .tooLarge: return .badInput
        case .exists, .writeFailed: return .outputNotWritten
        }
    }
}
