import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SegCore
import SegFiles
import SegImage

/// What happened to one input.
public struct RemapFileReport: Sendable {
    public let input: String
    /// Where the output went (nil for dry runs and failures).
    public let output: String?
    public let before: Histogram
    public let after: Histogram
    /// One-line error, when the file failed.
    public let error: String?
    /// True when the failure was writing rather than reading.
    public let writeFailed: Bool
}
