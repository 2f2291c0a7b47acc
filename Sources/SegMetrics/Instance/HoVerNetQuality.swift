/// Panoptic quality as HoVer-Net's `get_fast_pq` computes it (and MONAI's
/// `PanopticQualityMetric` after it): pairs with IoU **strictly above** the
/// threshold (for τ ≥ 0.5 they are unique; below, a one-to-one pairing
/// maximising the IoU sum first), DQ = TP / (TP + FP/2 + FN/2), SQ = ΣIoU
/// / (TP + 10⁻⁶), PQ = DQ · SQ. stardist's rule (IoU ≥ τ, no 10⁻⁶) is
/// ``InstanceMatching``.
public struct HoVerNetQuality: Sendable, Equatable {
    public let truePositives: Int, falsePositives: Int, falseNegatives: Int
    /// Σ IoU of the pairs.
    public let iouSum: Double

    /// One image at threshold `tau`.
    public init(_ overlap: InstanceOverlap, tau: Double) {
        let ious = overlap.ious
        var chosen: [Int]
        if tau >= 0.5 {
            chosen = overlap.pairs.indices.filter { ious[$0] > tau }
        } else {
            let edges = overlap.pairs.indices.map { MaximumWeightMatching.Edge(row: overlap.pairs[$0].gt, column: overlap.pairs[$0].prediction, weight: ious[$0]) }
            chosen = MaximumWeightMatching.solve(edges).filter { ious[$0] > tau }
        }
        truePositives = chosen.count
        falsePositives = overlap.predictionCount - chosen.count
        falseNegatives = overlap.gtCount - chosen.count
        iouSum = chosen.reduce(0) { $0 + ious[$1] }
    }

    /// Detection quality, TP / (TP + FP/2 + FN/2) (NaN when all are 0, as the reference's 0/0).
    public var detectionQuality: Double {
        let tp = Double(truePositives)
        return tp / (tp + 0.5 * Double(falsePositives) + 0.5 * Double(falseNegatives))
    }
    /// Segmentation quality, ΣIoU / (TP + 10⁻⁶).
    public var segmentationQuality: Double { iouSum / (Double(truePositives) + 1.0e-6) }
    /// DQ · SQ.
    public var panopticQuality: Double { detectionQuality * segmentationQuality }
}
