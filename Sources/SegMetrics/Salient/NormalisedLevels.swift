/// The prediction of one image as PySODMetrics sees it: level `v` becomes
/// `v/scale`, min-max normalised over the image unless it is constant.
struct NormalisedLevels {
    /// p(v) for every level.
    let values: [Double]
    /// `uint8(p·255)` (truncation), the bin of the 256-threshold curves.
    let bins: [Int]

    init(levels: Int, scale: Double, minLevel: Int, maxLevel: Int) {
        let lo = Double(minLevel) / scale, hi = Double(maxLevel) / scale
        var values = [Double](repeating: 0, count: levels)
        var bins = [Int](repeating: 0, count: levels)
        for v in 0..<levels {
            let a = Double(v) / scale
            let p = hi != lo ? (a - lo) / (hi - lo) : a
            values[v] = p
            bins[v] = min(max(Int(p * 255), 0), 255)
        }
        self.values = values
        self.bins = bins
    }
}
