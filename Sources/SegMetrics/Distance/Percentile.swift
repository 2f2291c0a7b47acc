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
        let (a, b) = selectPair(values, lower)
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
        let rank = Float(q / 100) * Float(values.count - 1)
        let below = Int(rank), above = min(Int(rank.rounded(.up)), values.count - 1)
        let weight = rank - Float(below)
        let (a, next) = selectPair(values.map { Float($0) }, below)
        let b = above == below ? a : next
        return Double(weight < 0.5 ? a + weight * (b - a) : b - (b - a) * (1 - weight))
    }

    /// The k-th and (k + 1)-th smallest of non-negative values (the k-th
    /// twice when k is the last): one ``select(_:_:)``, then one pass for the
    /// next order statistic.
    static func selectPair<T: OrderedBits>(_ values: [T], _ k: Int) -> (T, T) {
        let kth = select(values, k)
        guard k + 1 < values.count else { return (kth, kth) }
        let key = kth.orderKey
        var atMost = 0, above = UInt64.max
        for v in values {
            let other = v.orderKey
            atMost &+= other <= key ? 1 : 0
            if other > key && other < above { above = other }
        }
        return (kth, atMost > k + 1 ? kth : T(orderKey: above))
    }

    /// The k-th smallest (0-based) of non-negative values, what sorting
    /// gives at k: a radix selection on the values' bit patterns (which
    /// order non-negative floating-point numbers), 11 bits at a time from
    /// the top: a histogram of the digit, the bucket that holds rank k, and
    /// only that bucket's keys kept for the next digit. Linear, without the
    /// unpredictable branches of a partition.
    static func select<T: OrderedBits>(_ values: [T], _ k: Int) -> T {
        precondition(k >= 0 && k < values.count, "rank \(k) outside \(values.count) values")
        var keys = values.map(\.orderKey)
        var count = keys.count, rank = k
        var histogram = [Int](repeating: 0, count: 2048)
        var shift = 53
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
                    if histogram[bucket] < count {
                        var kept = 0
                        for i in 0..<count {
                            let key = keys[i]
                            keys[kept] = key
                            kept &+= Int((key >> s) & 2047) == bucket ? 1 : 0
                        }
                        count = kept
                    }
                    shift = shift == 0 ? -1 : max(0, shift - 11)
                }
                if count > 1 {
                    var rest = UnsafeMutableBufferPointer(rebasing: keys[0..<count])
                    rest.sort()
                }
            }
        }
        return T(orderKey: keys[rank])
    }
}

/// A floating-point type whose non-negative values order as their bit
/// patterns do (``Percentile/select(_:_:)``), as a 64-bit key.
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
