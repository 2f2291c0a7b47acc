import Foundation
import SegCore
import SegImage

/// The result of remapping one image.
public struct RemapResult: Sendable {
    /// The class-index (or visual) map, 8-bit single channel.
    public let output: [UInt8]
    public let width: Int
    public let height: Int
    /// Pixels per input value (packed RGB for colour masks).
    public let before: Histogram
    /// Pixels per output value.
    public let after: Histogram
}
