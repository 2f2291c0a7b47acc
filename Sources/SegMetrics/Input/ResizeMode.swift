import SegImage

/// How a prediction of the wrong size is brought to the ground truth's size.
public enum ResizeMode: String, Sendable, CaseIterable, Codable {
    /// Source pixel `floor(x · srcW / dstW)` (OpenCV `INTER_NEAREST`).
    case nearest
    /// Half-pixel-centred bilinear with edge clamping (OpenCV `INTER_LINEAR`
    /// geometry; weights in floating point, rounded to the nearest level).
    case bilinear
}
