/// stardist 0.9's `matching` at one IoU threshold τ: the optimal
/// one-to-one matching of ground-truth and predicted objects (the most
/// pairs with IoU ≥ τ, compared in float32 as stardist's float32 IoUs
/// are, ties broken by the larger IoU sum — stardist's
/// `linear_sum_assignment` on `−(IoU ≥ τ) − IoU / (2·min(n_true, n_pred))`),
/// its counts and the scores made of them. The counts add up over images
/// (stardist's `matching_dataset(by_image=False)`), so shards merge exactly.
public struct InstanceMatching: Sendable, Equatable {
    /// Matched pairs with IoU ≥ τ.
    public var truePositives = 0
    /// Predicted objects not matched at τ.
    public var falsePositives = 0
    /// Ground-truth objects not matched at τ.
    public var falseNegatives = 0
    /// Ground-truth and predicted objects.
    public var gtCount = 0, predictionCount = 0
    /// The IoUs of the true positives, summed.
    public var matchedIoUSum = 0.0

    public init() {}

    /// One image's matching at threshold `tau` (0 < τ ≤ 1).
    public init(_ overlap: InstanceOverlap, tau: Double) {
        gtCount = overlap.gtCount
        predictionCount = overlap.predictionCount
        let matched = Self.matchedPairs(overlap, tau: tau)
        truePositives = matched.count
        falsePositives = predictionCount - truePositives
        falseNegatives = gtCount - truePositives
        matchedIoUSum = matched.reduce(0) { $0 + overlap.ious[$1] }
    }

    /// The matched pairs at `tau`, as indices into `overlap.pairs` (the
    /// counts above, and the instance overlays, come from them).
    public static func matchedPairs(_ overlap: InstanceOverlap, tau: Double) -> [Int] {
        let n = min(overlap.gtCount, overlap.predictionCount)
        let ious = overlap.ious
        // stardist keeps its IoUs in float32 and compares them with τ there (NumPy casts τ to float32).
        let threshold = Float(tau)
        let hits = ious.map { Float($0) >= threshold }
        guard n > 0 && hits.contains(true) else { return [] }
        // Above 0.5 an object has at most one partner with IoU ≥ τ (two would share
        // more than all of it), so every such pair is in the optimal matching.
        if threshold > 0.5 { return hits.indices.filter { hits[$0] } }
        let edges = overlap.pairs.indices.map { k in
            MaximumWeightMatching.Edge(row: overlap.pairs[k].gt, column: overlap.pairs[k].prediction,
                                       weight: (hits[k] ? 1 : 0) + ious[k] / Double(2 * n))
        }
        return MaximumWeightMatching.solve(edges).filter { hits[$0] }
    }

    /// Adds another image's counts (stardist's dataset sums).
    public mutating func add(_ other: InstanceMatching) {
        truePositives += other.truePositives
        falsePositives += other.falsePositives
        falseNegatives += other.falseNegatives
        gtCount += other.gtCount
        predictionCount += other.predictionCount
        matchedIoUSum += other.matchedIoUSum
    }

    private var tp: Double { Double(truePositives) }
    private var fp: Double { Double(falsePositives) }
    private var fn: Double { Double(falseNegatives) }

    /// TP / (TP + FP); 0 without a true positive (stardist).
    public var precision: Double { truePositives > 0 ? tp / (tp + fp) : 0 }
    /// TP / (TP + FN); 0 without a true positive.
    public var recall: Double { truePositives > 0 ? tp / (tp + fn) : 0 }
    /// TP / (TP + FP + FN), stardist's `accuracy`, cellpose's "average precision"; 0 without a true positive.
    public var accuracy: Double { truePositives > 0 ? tp / (tp + fp + fn) : 0 }
    /// 2 TP / (2 TP + FP + FN); 0 without a true positive.
    public var f1: Double { truePositives > 0 ? 2 * tp / (2 * tp + fp + fn) : 0 }
    /// Mean IoU of the true positives (SQ); 0 without one.
    public var meanMatchedIoU: Double { truePositives > 0 ? matchedIoUSum / tp : 0 }
    /// The true positives' IoU sum over the ground-truth objects; 0 without one.
    public var meanTrueIoU: Double { gtCount > 0 ? matchedIoUSum / Double(gtCount) : 0 }
    /// Panoptic quality ΣIoU / (TP + FP/2 + FN/2) = SQ · RQ; 0 when the denominator is.
    public var panopticQuality: Double {
        let d = tp + fp / 2 + fn / 2
        return d > 0 ? matchedIoUSum / d : 0
    }
}
