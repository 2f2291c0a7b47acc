import SegImage

/// How values between pixels are estimated.
public enum Interpolation: String, Sendable, CaseIterable {
    /// The pixel at ⌊s + 0.5⌋ on each axis.
    case nearest
    /// Weighted mean of the 2 × 2 neighbours.
    case bilinear
    /// Keys' cubic convolution (a = −0.5) over the 4 × 4 neighbours, clamped to the sample range.
    case bicubic
}
