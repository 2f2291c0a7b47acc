/// NumPy's default percentile (`np.percentile(a, q)`, method `linear`,
/// which `torch.quantile` also uses): position (n − 1)·q/100 in the sorted
/// values, interpolated linearly with NumPy's lerp.
enum Percentile {
    /// The q-th percentile of `values` (q in 0…100); NaN when empty.
    static func linear(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let position = Double(values.count - 1) * (q / 100)
        let lower = Int(position.rounded(.down)), upper = min(lower + 1, values.count - 1)
        let t = position - Double(lower)
        var work = values
        let (a, b) = selectPair(&work, lower)
        if a == b || upper == lower { return a }
        let difference = b - a
        return t >= 0.5 ? b - difference * (1 - t) : a + difference * t
    }

    /// `torch.quantile(d.float(), q / 100)` as MONAI calls it on float32
    /// distances: the rank q·(n − 1) and the interpolation in float32 (with
    /// thousands of surface pixels the float32 rank alone moves the result
    /// by more than 1e-6).
    static func torchFloat32(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        var work = values.map { Float($0) }
        let rank = Float(q / 100) * Float(work.count - 1)
        let below = Int(rank), above = min(Int(rank.rounded(.up)), work.count - 1)
        let weight = rank - Float(below)
        let (a, next) = selectPair(&work, below)
        let b = above == below ? a : next
        return Double(weight < 0.5 ? a + weight * (b - a) : b - (b - a) * (1 - weight))
    }

    /// The k-th and (k + 1)-th smallest elements (the k-th twice when k is
    /// the last): one selection, then the smallest of what lies above it.
    static func selectPair<T: Comparable>(_ values: inout [T], _ k: Int) -> (T, T) {
        let kth = select(&values, k)
        guard k + 1 < values.count else { return (kth, kth) }
        return values.withUnsafeBufferPointer { v in
            var next = v[k + 1]
            for i in (k + 2)..<v.count where v[i] < next { next = v[i] }
            return (kth, next)
        }
    }

    /// The k-th smallest element (0-based), rearranging `values` (Hoare's
    /// selection with a median-of-three pivot): what sorting gives at k, in
    /// linear expected time. After it, everything from k on is ≥ the result,
    /// so a second call for a larger k may follow.
    static func select<T: Comparable>(_ values: inout [T], _ k: Int) -> T {
        var low = 0, high = values.count - 1
        while low < high {
            let mid = low + (high - low) / 2
            if values[mid] < values[low] { values.swapAt(mid, low) }
            if values[high] < values[low] { values.swapAt(high, low) }
            if values[high] < values[mid] { values.swapAt(high, mid) }
            let pivot = values[mid]
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while pivot < values[j] { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j { high = j } else if k >= i { low = i } else { return values[k] }
        }
        return values[k]
    }
}
