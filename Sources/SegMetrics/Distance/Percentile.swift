/// NumPy's default percentile (`np.percentile(a, q)`, method `linear`,
/// which `torch.quantile` also uses): position (n − 1)·q/100 in the sorted
/// values, interpolated linearly with NumPy's lerp.
enum Percentile {
    /// The q-th percentile of `values` (q in 0…100); NaN when empty.
    static func linear(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let position = Double(sorted.count - 1) * (q / 100)
        let lower = Int(position.rounded(.down)), upper = min(lower + 1, sorted.count - 1)
        let t = position - Double(lower)
        let a = sorted[lower], b = sorted[upper]
        if a == b { return a }
        let difference = b - a
        return t >= 0.5 ? b - difference * (1 - t) : a + difference * t
    }

    /// `torch.quantile(d.float(), q / 100)` as MONAI calls it on float32
    /// distances: the rank q·(n − 1) and the interpolation in float32 (with
    /// thousands of surface pixels the float32 rank alone moves the result
    /// by more than 1e-6).
    static func torchFloat32(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.map { Float($0) }.sorted()
        let rank = Float(q / 100) * Float(sorted.count - 1)
        let below = Int(rank), above = min(Int(rank.rounded(.up)), sorted.count - 1)
        let weight = rank - Float(below)
        let a = sorted[below], b = sorted[above]
        return Double(weight < 0.5 ? a + weight * (b - a) : b - (b - a) * (1 - weight))
    }
}
