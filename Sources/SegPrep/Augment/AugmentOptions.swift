import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage

/// Everything `segprep augment` needs.
public struct AugmentOptions: Sendable {
    public var out: String
    public var copies = 1
    public var seed: UInt64 = 0
    public var flip: FlipChoice?
    /// A random dihedral variant per copy.
    public var d4 = false
    /// Instead of random copies: the seven non-identity dihedral variants of every pair.
    public var d4All = false
    public var elastic: ElasticSpec?
    public var interpolation: Interpolation = .bilinear
    public var border: Border = .reflect
    /// Image fill for a constant border.
    public var fill = 0.0
    /// Label fill for a constant border (e.g. 255 = ignore).
    public var labelFill = 0
    /// Which label values are accepted (damaged masks are refused, never
    /// re-saved as clean-looking PNGs).
    public var labelValues = LabelExpectation.auto
    public var includeOriginals = false
    public var preview: String?
    public var saveFields: String?
    public var force = false
    public var workers = ProcessInfo.processInfo.activeProcessorCount

    public init(out: String) { self.out = out }
}
