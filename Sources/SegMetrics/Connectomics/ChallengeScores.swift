import Foundation

/// One slice's scores of the ISBI 2012 challenge at one threshold, as Fiji's
/// `RandError`, `VariationOfInformation` and `PixelError` compute them
/// (fiji/Trainable_Segmentation 41c7083), from the overlap of the GT's cells
/// with the proposal's segments, restricted to the GT's foreground (n
/// pixels); proposal pixels without a segment (below the threshold, or dams
/// after thinning) are singletons.
public enum ChallengeScores {
    /// Precision, recall and F-score in Fiji's rules: a ratio with nothing
    /// against it is 1; F = 2PR / (P + R), 0 when P + R is 0.
    public struct Score: Sendable, Equatable {
        public let precision: Double, recall: Double, fScore: Double
    }

    /// Pair counts scaled as Fiji's (`n²·Σ…`): true positives, false positives, false negatives.
    public struct Counts: Sendable, Equatable {
        public var tp = 0.0, fp = 0.0, fn = 0.0

        public init(tp: Double, fp: Double, fn: Double) {
            (self.tp, self.fp, self.fn) = (tp, fp, fn)
        }

        /// The k-th triple of a flat list `tp₀, fp₀, fn₀, tp₁, …` (one per threshold).
        public init(_ flat: [Double], at k: Int) {
            self.init(tp: flat[3 * k], fp: flat[3 * k + 1], fn: flat[3 * k + 2])
        }

        /// The counts as a flat triple, the order ``init(_:at:)`` reads.
        public var flat: [Double] { [tp, fp, fn] }

        /// Fiji's precision, recall and F of the counts.
        public var score: Score {
            let p = fp == 0 ? 1 : tp / (tp + fp), r = fn == 0 ? 1 : tp / (tp + fn)
            return Score(precision: p, recall: r, fScore: p + r > 0 ? 2 * p * r / (p + r) : 0)
        }
    }

    /// The overlap as Fiji's fractions of the n GT-foreground pixels (summed
    /// in label order; Fiji's labels are numbered otherwise, so sums may
    /// differ from Fiji's in the last bits): p_ij per overlapping pair, b_j per proposal segment,
    /// a_i per GT cell and c = Σ_i p_i0 (the unlabelled pixels).
    private struct Fractions {
        let n: Double
        let pairs: [Double], columns: [Double], areas: [Double]
        let unlabelled: Double

        /// Nil when the GT has no foreground.
        init?(_ overlap: InstanceOverlap) {
            let n = Double(overlap.gtAreas.dropFirst().reduce(0, +))
            guard n > 0 else { return nil }
            self.n = n
            var columns = [Double](repeating: 0, count: overlap.predictionCount + 1)
            // Column sums of the fractions themselves, as Fiji adds them.
            pairs = overlap.pairs.map { pair in
                let p = Double(pair.shared) / n
                columns[pair.prediction] += p
                return p
            }
            self.columns = columns
            areas = overlap.gtAreas.map { Double($0) / n }
            var c = 0.0
            for i in 1..<overlap.gtUnlabelled.count { c += Double(overlap.gtUnlabelled[i]) / n }
            unlabelled = c
        }
    }

    /// V_rand's pair counts: ΣA² over GT cells, ΣB² over proposal segments
    /// (singletons adding 1/n² each), ΣAB² over both, times n².
    public static func randCounts(_ overlap: InstanceOverlap) -> Counts {
        guard let f = Fractions(overlap) else { return Counts(tp: .nan, fp: .nan, fn: .nan) }
        var sumAB2 = 0.0, sumA2 = 0.0, sumB2 = 0.0
        for p in f.pairs { sumAB2 += p * p }
        for a in f.areas.dropFirst() { sumA2 += a * a }
        for b in f.columns.dropFirst() { sumB2 += b * b }
        sumB2 += f.unlabelled / f.n
        sumAB2 += f.unlabelled / f.n
        let n2 = f.n * f.n, tp = n2 * sumAB2
        return Counts(tp: tp, fp: n2 * sumB2 - tp, fn: n2 * sumA2 - tp)
    }

    /// V_info: precision I(A;B)/H(A) and recall I(A;B)/H(B) (natural log;
    /// a GT of one cell: P 0, R 1; a proposal of one segment: P 1, R 0);
    /// F 0 for an empty GT.
    public static func information(_ overlap: InstanceOverlap) -> Score {
        guard let f = Fractions(overlap) else { return Score(precision: 0, recall: 0, fScore: 0) }
        var sumAB = 0.0, sumA = 0.0, sumB = 0.0
        for p in f.pairs { sumAB += p * log(p) }
        for a in f.areas.dropFirst() where a != 0 { sumA += a * log(a) }
        for b in f.columns.dropFirst() where b != 0 { sumB += b * log(b) }
        sumB -= f.unlabelled * log(f.n)
        sumAB -= f.unlabelled * log(f.n)
        let ha = -sumA, hb = -sumB, hab = sumB - sumAB, hba = sumA - sumAB
        var p = (ha - hab) / ha, r = (hb - hba) / hb
        if ha == 0 { (p, r) = (0, 1) }
        if hb == 0 { (p, r) = (1, 0) }
        return Score(precision: p, recall: r, fScore: 2 * p * r / (p + r))
    }

    /// The pixel-similarity counts of the pixel error: GT positive where the
    /// GT mask is set, proposal positive where `cells` is.
    public static func pixelCounts(gt: [UInt8], cells: [UInt8]) -> Counts {
        // Branch-free sums: Σg, Σp, Σg·p.
        var g = 0, p = 0, both = 0
        gt.withUnsafeBufferPointer { a in
            cells.withUnsafeBufferPointer { b in
                for i in a.indices {
                    let x = a[i] != 0 ? 1 : 0, y = b[i] != 0 ? 1 : 0
                    g &+= x
                    p &+= y
                    both &+= x & y
                }
            }
        }
        return Counts(tp: Double(both), fp: Double(p - both), fn: Double(g - both))
    }

    /// The proposal's segments at threshold `t`: the cells (probability
    /// above the threshold), as 4-connected components or thinned by the watershed.
    public static func segments<T: FixedWidthInteger>(levels: [T], scale: Int, threshold t: Double, thinning: Bool, width: Int, height: Int) -> (cells: [UInt8], labels: InstanceLabels) {
        let table = (0...scale).map { UInt8(ChallengeThresholds.isCell(level: $0, scale: scale, threshold: t) ? 1 : 0) }
        let cells = levels.map { table[Int($0)] }
        let labels = thinning ? BorderThinning.labels(cells: cells, width: width, height: height)
            : ConnectedComponents.label(cells, width: width, height: height, connectivity: .four)
        return (cells, labels)
    }
}
