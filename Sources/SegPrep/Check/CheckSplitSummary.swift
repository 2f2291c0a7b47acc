import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage
#if canImport(Glibc)
import Glibc
#endif

/// Per-split summary.
public struct CheckSplitSummary: Sendable {
    public let name: String
    public let entries: Int
    public let labelled: Int
    /// Label pixels per value.
    public let classPixels: Histogram
    /// "WxH" → number of images.
    public let sizes: [String: Int]
}
