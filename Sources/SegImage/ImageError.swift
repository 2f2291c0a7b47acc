import SegCore
import SegFiles

/// Why reading or writing an image failed. Every error names the file and
/// says what is wrong in one human sentence (``description``).
public struct ImageError: CategorizedError, Sendable, Equatable {
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
        /// The page asked for does not exist in the file.
        case pageOutOfRange
        /// Memory ran out while decoding.
        case outOfMemory
        /// The image cannot be encoded as asked (a label map as JPEG, 32-bit
        /// values in a TIFF, too many palette entries…): nothing was written.
        case cannotEncode
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

    /// Decoding failures are bad inputs; an image that cannot be encoded is an
    /// output not written. (Failures writing the file are ``FileError``s.)
    public var category: FailureCategory { kind == .cannotEncode ? .outputNotWritten : .badInput }

    /// A file that could not be read, as an image error of the same kind.
    public init(_ error: FileError) {
        self.init(error.kind == .tooLarge ? .tooLarge : .unreadable, path: error.path, error.message)
    }
}
