import SegCore
import SegImage

/// How ground truth with real colours (RGB whose channels differ) is read.
/// Colour masks are refused unless the user says how to read them: a
/// red-on-black mask turned gray is 76 and silently all background.
public enum GTColors: Sendable, Equatable, Codable {
    /// A colour GT is an error naming the file and the two ways out.
    case refuse
    /// OpenCV's gray conversion (``ReferenceGray``), then the binary rule.
    case gray
    /// Colour → class, as `segprep remap --colors` reads it; a colour not in
    /// the table is an error.
    case table([UInt32: UInt8])
}
