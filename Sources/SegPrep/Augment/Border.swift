import SegImage

/// What lies outside the image.
public enum Border: String, Sendable, CaseIterable {
    /// Mirror without repeating the edge pixel (… 2 1 | 0 1 2 …), OpenCV's BORDER_REFLECT_101.
    case reflect
    /// A constant fill value.
    case constant
    /// The edge pixel repeated.
    case edge

    /// Index into 0..<n for position i, or nil for a constant border.
    @inline(__always)
    func index(_ i: Int, _ n: Int) -> Int? {
        if i >= 0 && i < n { return i }
        switch self {
        case .reflect: return GaussianKernel.reflect(i, n)
        case .edge: return i < 0 ? 0 : n - 1
        case .constant: return nil
        }
    }
}
