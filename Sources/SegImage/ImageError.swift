/// Why reading or writing an image failed. Every error names the file and
/// says what is wrong in one human sentence (``description``).
public struct ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, for callers that react differently to each.
    public enum Kind: String, Sendable, Equatable {
        /// The file does not exist, is unreadable, or is a directory.
        case unreadable
        /// The file is empty.
        case empty
        /// The content is not an image in any format we read.
        case notAnImage
        /// A known format, but the data ends early.
        case truncated
        /// A known format, but the data is damaged.
        case corrupt
        /// A valid file in a variant we do not handle (CMYK JPEG, float TIFF…).
        case unsupported
        /// The header claims more pixels than the configured limit.
        case tooLarge
        /// The request itself is impossible (e.g. a label map as JPEG, page out of range).
        case refused
        /// Writing the output failed (disk full, permission…).
        case writeFailed
        /// Memory ran out.
        case outOfMemory
    }

    public let kind: Kind
    public let path: String
    public let message: String

    public init(_ kind: Kind, path: String, _ message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
