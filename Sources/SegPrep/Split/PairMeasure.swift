import Foundation
import SegCore

/// Per-pair measurements the planner may need.
public struct PairMeasure: Sendable, Equatable {
    /// Pixels of the image (width × height).
    public var pixels: Int
    /// Foreground (non-zero label) pixels, when measured.
    public var foreground: Int?

    public init(pixels: Int, foreground: Int? = nil) {
        self.pixels = pixels
        self.foreground = foreground
    }
}
