import SegImage

/// For two classes, every convention treats the 8-bit GT values in six
/// groups alike: 0, 1, 255, the ignore index, 2…128 and 129…254 (binary
/// masks threshold at > 128; index maps accept only 0, 1 and the ignore
/// index). Counting pixels by (group, prediction level) is therefore enough
/// to resolve the convention and fold into classes, with tables small
/// enough to stay in L1 cache.
struct GTCategories {
    static let count = 6
    /// Group of each GT value.
    let categoryOfValue: [UInt8]
    /// A value standing for each group (what the group maps to is what it maps to).
    let representative: [Int]

    init(ignoreIndex: Int?) {
        let ignore = ignoreIndex.flatMap { (2...254).contains($0) ? $0 : nil }
        var table = [UInt8](repeating: 0, count: 256)
        for v in 0..<256 {
            switch v {
            case 0: table[v] = 0
            case 1: table[v] = 1
            case 255: table[v] = 2
            case ignore: table[v] = 3
            case 2...128: table[v] = 4
            default: table[v] = 5
            }
        }
        categoryOfValue = table
        let low = (2...128).first { $0 != ignore }!, high = (129...254).first { $0 != ignore }!
        representative = [0, 1, 255, ignore ?? low, low, high]
    }

    /// Counts by (group << 8 | level), eight interleaved tables (one per
    /// byte of a 64-bit load) so that runs of equal pixels do not serialise
    /// on one counter.
    func count(gt: [UInt8], pred: [UInt8]) -> [UInt32] {
        // Tables 6 KiB + 64 B apart: a multiple of 4 KiB would make loads of one
        // table wait on stores to another (4K aliasing).
        let size = Self.count * 256 + 16, tables = 8
        var h = [UInt32](repeating: 0, count: tables * size)
        gt.withUnsafeBufferPointer { g in
            pred.withUnsafeBufferPointer { p in
                categoryOfValue.withUnsafeBufferPointer { cat in
                    h.withUnsafeMutableBufferPointer { h in
                        let n = g.count
                        var i = 0
                        let gRaw = UnsafeRawPointer(g.baseAddress!), pRaw = UnsafeRawPointer(p.baseAddress!)
                        let base = h.baseAddress!
                        while i &+ 8 <= n {
                            let gw = gRaw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                            let pw = pRaw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                            @inline(__always) func bump(_ lane: Int) {
                                let shift = UInt64(lane &* 8)
                                let gv = Int(truncatingIfNeeded: (gw &>> shift) & 0xFF)
                                let pv = Int(truncatingIfNeeded: (pw &>> shift) & 0xFF)
                                base[lane &* size &+ (Int(cat[gv]) &<< 8 | pv)] &+= 1
                            }
                            bump(0); bump(1); bump(2); bump(3); bump(4); bump(5); bump(6); bump(7)
                            i &+= 8
                        }
                        while i < n {
                            base[Int(cat[Int(g[i])]) &<< 8 | Int(p[i])] &+= 1
                            i &+= 1
                        }
                        for j in 0..<size {
                            var sum: UInt32 = 0
                            for t in 0..<tables { sum &+= h[t &* size &+ j] }
                            h[j] = sum
                        }
                    }
                }
            }
        }
        return Array(h[0..<(Self.count * 256)])
    }

    /// A GT value histogram with each group's pixels at its representative value.
    func valueCounts(_ counts: [UInt32]) -> [Int] {
        var out = [Int](repeating: 0, count: 256)
        for c in 0..<Self.count {
            var total = 0
            for level in 0..<256 { total += Int(counts[c << 8 | level]) }
            out[representative[c]] += total
        }
        return out
    }

    /// The joint histogram by class (one quadrant: no S-measure split).
    func histogram(_ counts: [UInt32], classOfValue: [UInt8], width: Int, height: Int) -> JointHistogram {
        var rows = [UInt32](repeating: 0, count: JointHistogram.rows * 256)
        for c in 0..<Self.count {
            let base = Int(classOfValue[representative[c]]) * 256
            for level in 0..<256 { rows[base + level] &+= counts[c << 8 | level] }
        }
        return JointHistogram(classRows: rows, width: width, height: height)
    }
}
