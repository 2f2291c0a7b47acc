import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage
#if canImport(Glibc)
import Glibc
#endif

/// What `check` reads: named splits of image/label entries.
public struct CheckSource: Sendable {
    /// Split name (the manifest path relative to its folder, without extension).
    public let name: String
    /// The folder the manifest lives in (splits in one folder, or in a folder
    /// and its subfolders, must not share data; sibling fold folders may).
    public let folder: String
    public let entries: [ManifestEntry]
    /// Hashes from split.json, keyed by ``Checker/normalizedKey(_:)``.
    public let recordedHashes: [String: String]
    /// Splits are compared for leakage only within one set: all manifest
    /// files named on the command line form one set, each folder argument
    /// another.
    public let set: Int
}
