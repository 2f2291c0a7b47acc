/// The salient-object scores of one image. Curves are indexed by threshold
/// `t` (0…255, prediction `>= t` on the 8-bit scale); nil marks a value left
/// out of the means by the empty-GT convention.
public struct SalientScores: Sendable {
    public var mae: Double?
    public var adaptiveF: Double?
    public var adaptiveE: Double?
    public var sMeasure: Double?
    public var weightedF: Double?
    public var precision: [Double?] = []
    public var recall: [Double?] = []
    public var fCurve: [Double?] = []
    public var eCurve: [Double?] = []
    /// The adaptive threshold `min(2·mean, 1)` on the normalised prediction.
    public var adaptiveThreshold = 0.0
}
