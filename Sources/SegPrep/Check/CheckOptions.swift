import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage
#if canImport(Glibc)
import Glibc
#endif

/// Options for `check`.
public struct CheckOptions: Sendable {
    /// Expected label values; nil means binary: every label uses only {0, 1}
    /// or only {0, 255}, and the whole dataset uses one of the two.
    public var classes: Set<Int>?
    public var groupBy: String?
    /// How image and label names pair in dataset folders.
    public var pairing = PairingRule()
    public var decode = DecodeOptions()
    public var workers = ProcessInfo.processInfo.activeProcessorCount
    /// Verify split.json's file hashes when present.
    public var verifyHashes = true

    public init() {}
}
