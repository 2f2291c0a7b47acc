import SegImage

/// Everything one image contributes.
public struct ImageResult: Sendable {
    public let key: String
    public let gtPath: String
    public let predPath: String
    public let width: Int, height: Int
    public let confusion: ConfusionMatrix
    /// The image's own confusion scores (per-image table, image aggregation).
    public let classScores: ClassScores?
    public let salient: SalientScores?
    /// Ground-truth pixels that were neither 0 nor 255 in a binary mask.
    public let nonBinaryPixels: Int
    /// The ground truth held only 0 and the ignore index (see ``GroundTruth/onlyBackgroundAndIgnore``).
    public let onlyBackgroundAndIgnore: Bool
    /// What each family with its own kernel computed, by family id.
    public var families: [String: FamilyImageResult] = [:]
}
