import SegCore
import SegImage

/// How prediction values become classes for the confusion-matrix metrics.
public enum PredValues: String, Sendable, CaseIterable, Codable {
    /// Foreground where `v / max ≥ threshold` (8-bit max 255, 16-bit 65535).
    case probability
    /// The stored value is the class.
    case index
    /// `index` for palette and 1-bit images, 8-bit files holding only values
    /// below the class count, and more than two classes; `probability` otherwise.
    case auto
}
