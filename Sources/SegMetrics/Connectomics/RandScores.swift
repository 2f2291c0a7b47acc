import Foundation

/// Pair-counting (Rand) and information-theoretic (VI) agreement of a
/// proposal with the ground truth's objects, on the ground truth's
/// foreground only (the pixels of its objects), from the overlap table:
/// n_ij = pixels of GT object i in proposal object j, and n_i0 = pixels of
/// GT object i the proposal leaves unlabelled.
public struct RandScores: Sendable, Equatable {
    /// Split part (precision) and merge part (recall) and their F-score, in
    /// Fiji's orientation: precision measures the proposal's merges, recall its splits.
    public let precision: Double, recall: Double, fScore: Double

    /// scikit-image 0.25's `adapted_rand_error(ignore_labels=(0,))`:
    /// unlabelled proposal pixels form one segment; pair counts Σn² − n.
    /// scikit-image returns (error, precision, recall) with precision and
    /// recall swapped relative to Fiji (scikit-image#6485): its precision is
    /// ``recall`` here and its recall ``precision``; the error is 1 − ``fScore``.
    public static func adaptedRand(_ overlap: InstanceOverlap) -> RandScores {
        let t = Tallies(overlap)
        let pairs = t.sharedSquares + t.unlabelledPerObjectSquares - t.n
        let gtSquares = t.gtSquares - t.n
        let proposalSquares = t.proposalSquares + t.unlabelledTotal * t.unlabelledTotal - t.n
        let skimagePrecision = pairs / gtSquares, skimageRecall = pairs / proposalSquares
        // scikit-image's own expression, so that its NaNs (0/0 when no pixel pair is shared,
        // or a side of single-pixel segments) come out alike.
        let f = 2 * skimagePrecision * skimageRecall / (skimagePrecision + skimageRecall)
        return RandScores(precision: skimageRecall, recall: skimagePrecision, fScore: f)
    }

    /// scikit-image 0.25's `variation_of_information` with the GT's label 0
    /// ignored: (false splits H(proposal | GT), false merges H(GT | proposal)),
    /// in bits; unlabelled proposal pixels form one segment.
    public static func variationOfInformation(_ overlap: InstanceOverlap) -> (split: Double, merge: Double) {
        let t = Tallies(overlap)
        guard t.n > 0 else { return (.nan, .nan) }
        // Cells n_ij, the unlabelled proposal pixels as segment 0; segment sizes on the GT foreground.
        var cells: [(gt: Int, proposal: Int, count: Double)] = overlap.pairs.map { ($0.gt, $0.prediction, Double($0.shared)) }
        for (i, rest) in overlap.gtUnlabelled.enumerated() where i > 0 && rest > 0 { cells.append((i, 0, Double(rest))) }
        var split = 0.0, merge = 0.0
        for c in cells {
            let p = c.count / t.n, segment = c.proposal == 0 ? t.unlabelledTotal : Double(overlap.predictionOnGT[c.proposal])
            split -= p * log2(c.count / Double(overlap.gtAreas[c.gt]))
            merge -= p * log2(c.count / segment)
        }
        return (split, merge)
    }

    /// The sums both scores are made of, in pixels.
    struct Tallies {
        /// GT foreground pixels.
        var n = 0.0
        /// Σ n_ij² over proposal objects j ≥ 1.
        var sharedSquares = 0.0
        /// Σ_i n_i0², and Σ_i n_i0.
        var unlabelledPerObjectSquares = 0.0, unlabelledTotal = 0.0
        /// Σ_i a_i² (GT object areas).
        var gtSquares = 0.0
        /// Σ_j b_j² over proposal objects j ≥ 1, b_j counted on the GT foreground.
        var proposalSquares = 0.0

        /// From the overlap table and its margins (integer sums: exact in Double).
        init(_ overlap: InstanceOverlap) {
            for pair in overlap.pairs {
                let s = Double(pair.shared)
                sharedSquares += s * s
            }
            for i in 1..<overlap.gtAreas.count {
                let a = Double(overlap.gtAreas[i]), u = Double(overlap.gtUnlabelled[i])
                n += a
                gtSquares += a * a
                unlabelledPerObjectSquares += u * u
                unlabelledTotal += u
            }
            proposalSquares = overlap.predictionOnGT.dropFirst().reduce(0) { $0 + Double($1) * Double($1) }
        }
    }
}
