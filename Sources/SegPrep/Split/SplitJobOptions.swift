import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage
#if canImport(Glibc)
import Glibc
#endif

/// Everything `segprep split` needs.
public struct SplitJobOptions: Sendable {
    public var images: String
    public var labels: String
    public var out: String
    /// How image and label names pair.
    public var pairing = PairingRule()
    /// Skip unpaired files with a warning instead of failing.
    public var allowUnpaired = false
    /// An image-only test set written to `test.*`.
    public var testImages: String?
    public var format: ManifestFormat = .txt
    /// Absolute paths instead of paths relative to the manifest's folder.
    public var absolute = false
    /// Replace existing manifests.
    public var force = false
    public var split = SplitOptions()
    /// Recorded in split.json.
    public var commandLine: [String] = []
    public var decode = DecodeOptions()
    public var workers = ProcessInfo.processInfo.activeProcessorCount
    /// The values `--stratify` accepts in the labels it reads (``LabelExpectation``).
    public var labelValues = LabelExpectation.auto

    public init(images: String, labels: String, out: String) {
        self.images = images
        self.labels = labels
        self.out = out
    }
}
