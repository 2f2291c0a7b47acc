import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage
#if canImport(Glibc)
import Glibc
#endif

/// One problem `segprep check` found.
public struct Finding: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A manifest could not be read or has a malformed line.
        case manifest
        /// A listed file does not exist.
        case missing
        /// A file exists but does not decode.
        case unreadable
        /// Image and label differ in width or height.
        case sizeMismatch = "size-mismatch"
        /// Label values outside the expected set.
        case unexpectedValues = "unexpected-values"
        /// Some labels use 0/1 and others 0/255.
        case mixedConventions = "mixed-conventions"
        /// The same file in two splits.
        case leakFile = "leak-file"
        /// Identical image content (decoded pixels) in two splits under different names.
        case leakContent = "leak-content"
        /// One `--group-by` group in two splits.
        case leakGroup = "leak-group"
        /// The same file twice in one split.
        case duplicateFile = "duplicate-file"
        /// Identical image content twice in one split.
        case duplicateContent = "duplicate-content"
        /// In a dataset folder: an image without a label or a label without an image.
        case unpaired
        /// A file's content no longer matches the hash split.json recorded.
        case hashMismatch = "hash-mismatch"
        /// An image `--group-by` finds no group in (so its leaks cannot be checked).
        case ungrouped
        /// A temporary file a killed SegKit run left (``TemporarySweep``).
        case leftoverTemporary = "leftover-temporary"
    }

    public let kind: Kind
    /// The split(s) concerned.
    public let splits: [String]
    public let files: [String]
    public let message: String
}
