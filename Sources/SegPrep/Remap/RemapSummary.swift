import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SegCore
import SegFiles
import SegImage

/// The outcome of a run.
public struct RemapSummary: Sendable {
    public let mapping: ValueMapping
    public let dryRun: Bool
    /// Reports in input order; files never started (after a stop) are absent.
    public let files: [RemapFileReport]
    /// Inputs not processed because an earlier file failed without --keep-going.
    public let skipped: Int

    public var failed: [RemapFileReport] { files.filter { $0.error != nil } }
    public var succeeded: Int { files.count - failed.count }

    /// Pixels per input value over all successful files.
    public var before: Histogram { files.filter { $0.error == nil }.reduce(into: Histogram()) { $0.merge($1.before) } }
    /// Pixels per output value over all successful files.
    public var after: Histogram { files.filter { $0.error == nil }.reduce(into: Histogram()) { $0.merge($1.after) } }
}
