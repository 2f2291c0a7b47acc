/// The aggregated Jaccard index of MoNuSeg as HoVer-Net computes it
/// (vqdang/hover_net `metrics/stats_utils.py`), on the overlap table:
///
/// - **AJI** (`get_fast_aji`): each ground-truth object paired with the
///   predicted object of largest IoU (a prediction may serve several; the
///   first, lowest-numbered one on ties), Σ intersections over Σ unions of
///   those pairs plus the areas of every unpaired ground-truth and
///   predicted object;
/// - **AJI+** (`get_fast_aji_plus`): the same with a one-to-one pairing
///   maximising the IoU sum (Hungarian).
///
/// IoUs are compared as HoVer-Net computes them, `inter / (union + 1e-6)`.
/// NaN when both images are empty (0 / 0).
public enum AggregatedJaccardIndex {
    /// AJI: many-to-one pairing by largest IoU.
    public static func aji(_ overlap: InstanceOverlap) -> Double {
        var best = [(iou: Double, pair: Int)](repeating: (0, -1), count: overlap.gtAreas.count)
        for (k, pair) in overlap.pairs.enumerated() {
            let iou = Double(pair.shared) / (Double(overlap.union(pair)) + 1e-6)
            // Pairs come by GT, then by prediction: a later prediction wins only when strictly better (np.argmax).
            if best[pair.gt].pair >= 0 && best[pair.gt].iou >= iou { continue }
            best[pair.gt] = (iou, k)
        }
        return score(overlap, pairs: best.filter { $0.pair >= 0 && $0.iou > 0 }.map(\.pair))
    }

    /// AJI+: one-to-one pairing maximising the IoU sum.
    public static func ajiPlus(_ overlap: InstanceOverlap) -> Double {
        let edges = overlap.pairs.map { pair in
            MaximumWeightMatching.Edge(row: pair.gt, column: pair.prediction,
                                       weight: Double(pair.shared) / (Double(overlap.union(pair)) + 1e-6))
        }
        return score(overlap, pairs: MaximumWeightMatching.solve(edges))
    }

    /// Σ intersections / (Σ unions + unpaired areas) for the chosen pairs (indices into `overlap.pairs`).
    private static func score(_ overlap: InstanceOverlap, pairs chosen: [Int]) -> Double {
        var intersection = 0, union = 0
        var gtPaired = [Bool](repeating: false, count: overlap.gtAreas.count)
        var predictionPaired = [Bool](repeating: false, count: overlap.predictionAreas.count)
        for k in chosen {
            let pair = overlap.pairs[k]
            intersection += pair.shared
            union += overlap.union(pair)
            gtPaired[pair.gt] = true
            predictionPaired[pair.prediction] = true
        }
        for t in 1..<overlap.gtAreas.count where !gtPaired[t] { union += overlap.gtAreas[t] }
        for p in 1..<overlap.predictionAreas.count where !predictionPaired[p] { union += overlap.predictionAreas[p] }
        return Double(intersection) / Double(union)
    }
}
