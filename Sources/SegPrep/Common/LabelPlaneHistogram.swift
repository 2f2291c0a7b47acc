import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage
#if canImport(Glibc)
import Glibc
#endif

extension LabelPlane {
    /// Pixels per value.
    public var histogram: Histogram { Histogram.dense(counts) }

    /// Dense counts: index = value (256 entries for 8-bit planes, 65536 for 16-bit).
    public var counts: [Int] {
        switch self {
        case .values8(let v): return v.withUnsafeBufferPointer { Self.count($0, bins: 256) }
        case .values16(let v): return v.withUnsafeBufferPointer { Self.count($0, bins: 65536) }
        }
    }

    /// Four interleaved counters, so that runs of one value (most of a mask)
    /// do not serialise on a single counter; UInt32 counters are safe up to
    /// 4 × (2^32 − 1) pixels, far above any decodable image.
    private static func count<T: FixedWidthInteger & UnsignedInteger>(_ values: UnsafeBufferPointer<T>, bins: Int) -> [Int] {
        var parts = [UInt32](repeating: 0, count: 4 * bins)
        parts.withUnsafeMutableBufferPointer { h in
            let n = values.count, body = n & ~3
            var i = 0
            while i < body {
                h[Int(values[i])] &+= 1
                h[bins &+ Int(values[i &+ 1])] &+= 1
                h[2 &* bins &+ Int(values[i &+ 2])] &+= 1
                h[3 &* bins &+ Int(values[i &+ 3])] &+= 1
                i &+= 4
            }
            while i < n { h[Int(values[i])] &+= 1; i &+= 1 }
        }
        return (0..<bins).map { Int(parts[$0]) + Int(parts[bins + $0]) + Int(parts[2 * bins + $0]) + Int(parts[3 * bins + $0]) }
    }

    /// Pixels whose value is not 0 (foreground in binary masks).
    public var nonZeroCount: Int {
        let all = counts
        return all.reduce(0, +) - all[0]
    }
}
