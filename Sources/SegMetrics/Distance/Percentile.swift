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
        var keys = values.map(\.bitPattern)
        let (a, b) = selectKeys(&keys, lower)
        let (low, high) = (Double(bitPattern: a), Double(bitPattern: b))
        if low == high || upper == lower { return low }
        let difference = high - low
        return t >= 0.5 ? high - difference * (1 - t) : low + difference * t
    }

    /// `torch.quantile(d.float(), q / 100)` as MONAI calls it on float32
    /// distances: the rank q·(n − 1) and the interpolation in float32 (with
    /// thousands of surface pixels the float32 rank alone moves the result
    /// by more than 1e-6).
    static func torchFloat32(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let rank = Float(q / 100) * Float(values.count - 1)
        let below = Int(rank), above = min(Int(rank.rounded(.up)), values.count - 1)
        let weight = rank - Float(below)
        var keys = values.map { Float($0).orderKey }
        let (kth, next) = selectKeys(&keys, below)
        let a = Float(orderKey: kth), b = above == below ? a : Float(orderKey: next)
        return Double(weight < 0.5 ? a + weight * (b - a) : b - (b - a) * (1 - weight))
    }

    /// The k-th and (k + 1)-th smallest of non-negative values (the k-th
    /// twice when k is the last).
    static func selectPair<T: OrderedBits>(_ values: [T], _ k: Int) -> (T, T) {
        var keys = values.map(\.orderKey)
        let (kth, next) = selectKeys(&keys, k)
        return (T(orderKey: kth), T(orderKey: next))
    }

    /// The k-th and (k + 1)-th smallest keys (the k-th twice when k is the
    /// last), rearranging `keys`: a radix selection on bit patterns (which
    /// order non-negative floating-point numbers), 11 bits at a time from
    /// the top: a histogram of the digit, the bucket that holds rank k, and
    /// only that bucket's keys kept for the next digit. When k is the last
    /// of its bucket, the (k + 1)-th is the smallest key of a higher bucket,
    /// found in the same pass. Linear, without a partition's unpredictable
    /// branches.
    static func selectKeys(_ keys: inout [UInt64], _ k: Int) -> (UInt64, UInt64) {
        precondition(k >= 0 && k < keys.count, "rank \(k) outside \(keys.count) values")
        var count = keys.count, rank = k
        var next: UInt64? = k + 1 < keys.count ? nil : 0
        var histogram = [Int](repeating: 0, count: 2048)
        var shift = 53
        var kth: UInt64 = 0
        keys.withUnsafeMutableBufferPointer { keys in
            histogram.withUnsafeMutableBufferPointer { histogram in
                while count > 32 && shift >= 0 {
                    for b in 0..<2048 { histogram[b] = 0 }
                    let s = UInt64(shift)
                    for i in 0..<count { histogram[Int((keys[i] >> s) & 2047)] += 1 }
                    var bucket = 0, below = 0
                    while below + histogram[bucket] <= rank {
                        below += histogram[bucket]
                        bucket += 1
                    }
                    rank -= below
                    let nextIsAbove = next == nil && rank + 1 == histogram[bucket]
                    if histogram[bucket] < count {
                        var kept = 0
                        var smallestAbove = UInt64.max
                        let digit = UInt64(bucket)
                        for i in 0..<count {
                            let key = keys[i], d = (key >> s) & 2047
                            keys[kept] = key
                            kept &+= d == digit ? 1 : 0
                            if nextIsAbove && d > digit && key < smallestAbove { smallestAbove = key }
                        }
                        count = kept
                        if nextIsAbove { next = smallestAbove }
                    }
                    shift = shift == 0 ? -1 : max(0, shift - 11)
                }
                var rest = UnsafeMutableBufferPointer(rebasing: keys[0..<count])
                rest.sort()
                kth = rest[rank]
                if next == nil { next = rank + 1 < count ? rest[rank + 1] : kth }
            }
        }
        return (kth, k + 1 < keys.count ? next! : kth)
    }
}

/// A floating-point type whose non-negative values order as their bit
/// patterns do (``Percentile/selectKeys(_:_:)``), as a 64-bit key.
protocol OrderedBits: Comparable {
    /// The bit pattern, in the top bits of 64.
    var orderKey: UInt64 { get }
    /// The value of a key.
    init(orderKey: UInt64)
}

extension Double: OrderedBits {
    var orderKey: UInt64 { bitPattern }
    init(orderKey: UInt64) { self.init(bitPattern: orderKey) }
}

extension Float: OrderedBits {
    var orderKey: UInt64 { UInt64(bitPattern) << 32 }
    init(orderKey: UInt64) { self.init(bitPattern: UInt32(orderKey >> 32)) }
}
