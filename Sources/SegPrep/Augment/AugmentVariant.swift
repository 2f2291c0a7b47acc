import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage

/// What one copy did.
public struct AugmentVariant: Sendable, Equatable {
    public var flip: Flip?
    public var dihedral: Int?
    /// The copy number, for elastic (and repeated random) copies.
    public var copy: Int?
    public var elastic: Bool

    /// The name suffix: `flip-h`, `d4-3`, `elastic-003`, joined by `_`.
    public var suffix: String {
        var parts: [String] = []
        if let flip { parts.append("flip-\(flip.rawValue)") }
        if let dihedral { parts.append("d4-\(dihedral)") }
        if let copy { parts.append((elastic ? "elastic-" : "copy-") + String(format: "%03d", copy)) }
        return parts.isEmpty ? "copy" : parts.joined(separator: "_")
    }
}
