import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SegCore
import SegFiles
import SegImage

/// Everything `segprep remap` needs besides the input list.
public struct RemapOptions: Sendable {
    public var mapping: ValueMapping = .binary
    /// Folder that mirrors the input tree (required unless dry-run or in-place).
    public var outputDirectory: String?
    /// Overwrite each input with its remapped version (PNG inputs only).
    public var inPlace = false
    /// Replace outputs that exist already (otherwise the run refuses before writing anything).
    public var overwrite = false
    /// The part of the inputs this run processes (`--shard i/N`); outputs are
    /// planned over all inputs, so collisions are found in every shard alike.
    public var shard = Shard.whole
    /// Write palette PNGs with this colour table instead of 8-bit gray.
    public var palette: [RGBA]?
    /// Count values and report, but write nothing.
    public var dryRun = false
    /// Report bad files and continue instead of stopping at the first.
    public var keepGoing = false
    public var decode = DecodeOptions()
    /// PNG settings for outputs (fast, lossless label settings by default).
    public var encoding: OutputFormat = .labelPNG
    /// Parallel workers (default: one per core).
    public var workers = ProcessInfo.processInfo.activeProcessorCount

    public init() {}
}
