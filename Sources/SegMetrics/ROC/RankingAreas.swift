/// The areas under the ROC and precision-recall curves of a score that
/// takes a few discrete levels, from its level histograms: exactly
/// scikit-learn's `roc_auc_score` and `average_precision_score` on the
/// same pixels, without the pixels.
///
/// Thresholds are the distinct levels present, from the highest down; at
/// each one the pixels at or above it are predicted positive (all pixels of
/// one level move together, as scikit-learn groups tied scores).
/// - AUC: the trapezoidal area under (FPR, TPR) from (0, 0) to (1, 1).
/// - AP: Σₙ (Rₙ − Rₙ₋₁) Pₙ with R₀ = 0 (no interpolation).
public struct RankingAreas: Sendable, Equatable {
    /// ROC area; nil when there are no positives or no negatives (scikit-learn raises).
    public let auc: Double?
    /// Average precision; 0 when there are no positives (scikit-learn warns
    /// that it is ill-defined and returns 0), nil when there are no pixels.
    public let ap: Double?

    /// The areas for `positives[level]` and `negatives[level]` pixel counts
    /// (the same number of levels; a higher level is a higher score).
    public init(positives: [Double], negatives: [Double]) {
        precondition(positives.count == negatives.count)
        let totalPositives = positives.reduce(0, +), totalNegatives = negatives.reduce(0, +)
        var tp = 0.0, fp = 0.0, previousTP = 0.0, previousFP = 0.0
        var area = 0.0, ap = 0.0
        for level in positives.indices.reversed() where positives[level] + negatives[level] > 0 {
            tp += positives[level]
            fp += negatives[level]
            area += (fp - previousFP) * (tp + previousTP) / 2
            if totalPositives > 0 { ap += (tp - previousTP) / totalPositives * (tp / (tp + fp)) }
            previousTP = tp
            previousFP = fp
        }
        auc = totalPositives > 0 && totalNegatives > 0 ? area / (totalPositives * totalNegatives) : nil
        self.ap = totalPositives > 0 ? ap : (totalNegatives > 0 ? 0 : nil)
    }
}
