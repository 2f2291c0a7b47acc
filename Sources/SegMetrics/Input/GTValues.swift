import SegCore
import SegImage

/// How ground-truth values become classes.
public enum GTValues: String, Sendable, CaseIterable, Codable {
    /// Binary masks: class 1 where the value is > 128 on the 0…255 scale
    /// (1-bit masks count as 0/255; colour becomes gray as OpenCV reads it,
    /// see ``ReferenceGray``).
    case binary
    /// The stored value is the class (palette index or gray value); the
    /// ignore index marks pixels left out.
    case index
    /// `index` for palette images, 8-bit gray files whose values are all
    /// below the class count (or the ignore index) and include 1, and
    /// whenever there are more than two classes; `binary` otherwise.
    case auto
}
