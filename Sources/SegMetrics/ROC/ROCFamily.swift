import Foundation

/// The ROC and precision-recall areas (scikit-learn conventions), declared
/// once; ``MetricFamily/roc`` lists them.
public enum ROCMetrics {
    /// The `--metrics` group of the family.
    public static let group = "auc"
    /// Area under the ROC curve.
    public static let auc = Metric(key: "AUC", group: group,
                                   summary: "area under the ROC curve of the prediction's levels against the binary GT (scikit-learn `roc_auc_score`), pixels pooled over the dataset")
    /// Average precision.
    public static let ap = Metric(key: "AP", group: group,
                                  summary: "average precision Σ (Rₙ − Rₙ₋₁) Pₙ over the prediction's levels (scikit-learn `average_precision_score`), pixels pooled over the dataset")
}

extension MetricFamily {
    /// The ROC/PR family: two classes, one group (`auc`), its own kernel
    /// (level histograms per image, summed over the dataset).
    public static let roc = MetricFamily(
        id: "roc", title: "ROC/PR", reference: "scikit-learn roc_auc_score / average_precision_score", reportRank: 2,
        groups: [.kernelGroup(ROCMetrics.group, summary: "ROC and precision-recall areas AUC and AP (binary; pixels pooled over the dataset)")],
        metrics: [ROCMetrics.auc, ROCMetrics.ap], perImage: [ROCMetrics.auc, ROCMetrics.ap], worstByDefaults: [],
        requirement: "need two classes", kernel: FamilyKernel(rocImage), conventions: { rocConventions($0.config) }, isAvailable: { $0 == 2 },
        dataset: rocValues(_:), image: { $0.families[MetricFamily.rocID]?.values ?? MetricValues() })

    static let rocID = "roc"

    /// Pooling, the GT rule and what the scores are.
    private static func rocConventions(_ c: EvalConfig) -> FamilyConventions {
        FamilyConventions(
            summary: "\(c.aggregate == .dataset ? "pixels pooled over the dataset" : "per image, then averaged over defined areas"), "
                + "scores: the prediction's levels, ties grouped; GT foreground as the confusion family reads it, ignore index \(c.ignoreIndex.map(String.init) ?? "none") left out",
            json: [
                "aggregate": c.aggregate.rawValue,
                "scores": "prediction levels (8- or 16-bit), tied levels grouped",
                "ignore_index": c.ignoreIndex.map { $0 as Any } ?? NSNull(),
                "gt_values": c.gtValues.rawValue,
            ])
    }

    /// One image: its level histograms (kept for the pooled areas) and its own areas.
    private static func rocImage(_ pixels: PixelPair, _ config: EvalConfig) -> FamilyImageResult {
        let counts = pixels.levelCounts()
        let positives = counts[1].map(Double.init), negatives = counts[0].map(Double.init)
        let areas = RankingAreas(positives: positives, negatives: negatives)
        var result = FamilyImageResult()
        result.values.scalars[ROCMetrics.auc.key] = areas.auc ?? .nan
        result.values.scalars[ROCMetrics.ap.key] = areas.ap ?? .nan
        let levels = positives.count
        result.sums["positives\(levels)"] = positives
        result.sums["negatives\(levels)"] = negatives
        result.sums["image"] = [areas.auc, areas.ap]
        return result
    }

    /// Dataset values: the areas of the summed histograms (pixels pooled,
    /// `--aggregate dataset`), or the mean of the defined per-image areas.
    private static func rocValues(_ state: EvalState) -> MetricValues {
        var out = MetricValues()
        switch state.config.aggregate {
        case .image:
            let means = state.sums(rocID, "image")?.means ?? [.nan, .nan]
            out.scalars[ROCMetrics.auc.key] = means[0]
            out.scalars[ROCMetrics.ap.key] = means[1]
        case .dataset:
            let (positives, negatives) = pooledHistograms(state)
            let areas = RankingAreas(positives: positives, negatives: negatives)
            out.scalars[ROCMetrics.auc.key] = areas.auc ?? .nan
            out.scalars[ROCMetrics.ap.key] = areas.ap ?? .nan
        }
        return out
    }

    /// The summed histograms on one scale: 8-bit maps' level v is the 16-bit
    /// level 257·v (both mean v/255), so a dataset mixing depths pools exactly.
    private static func pooledHistograms(_ state: EvalState) -> ([Double], [Double]) {
        let counts = { (name: String) in state.sums(rocID, name)?.sums.map(\.value) }
        guard let p16 = counts("positives65536"), let n16 = counts("negatives65536") else {
            return (counts("positives256") ?? [], counts("negatives256") ?? [])
        }
        var positives = p16, negatives = n16
        if let p8 = counts("positives256"), let n8 = counts("negatives256") {
            for v in 0..<256 {
                positives[257 * v] += p8[v]
                negatives[257 * v] += n8[v]
            }
        }
        return (positives, negatives)
    }
}
