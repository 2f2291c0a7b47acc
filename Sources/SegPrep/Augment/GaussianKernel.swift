import Foundation
import SegCore

/// A normalised, truncated Gaussian (radius ⌈3σ⌉) applied separably with
/// reflect-101 borders (… 2 1 | 0 1 2 … W−1 | W−2 …).
struct GaussianKernel {
    let weights: [Float]
    var radius: Int { weights.count / 2 }

    init(sigma: Double) {
        guard sigma > 0 else { weights = [1]; return }
        let r = Int((3 * sigma).rounded(.up))
        let raw = (-r...r).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = raw.reduce(0, +)
        weights = raw.map { Float($0 / total) }
    }

    /// Reflect-101 index into 0..<n.
    static func reflect(_ i: Int, _ n: Int) -> Int {
        if n == 1 { return 0 }
        let period = 2 * (n - 1)
        var m = i % period
        if m < 0 { m += period }
        return m < n ? m : period - m
    }

    /// out[x] = Σ_k w[k] · row(k)[x] for x in 0..<n, summed in tap order
    /// (k = 0, 1, …) for every x. Thirty-two outputs are kept in registers
    /// across all taps and stored once; the arithmetic per element is the
    /// scalar loop's (one multiply and one add per tap, in order), so the
    /// result does not depend on the vector width.
    @inline(__always)
    static func weightedSum(_ w: UnsafeBufferPointer<Float>, _ n: Int, _ out: UnsafeMutablePointer<Float>,
                            rows: UnsafeBufferPointer<UnsafePointer<Float>>) {
        let taps = w.count
        func row(_ k: Int) -> UnsafePointer<Float> { rows[k] }
        var x = 0
        while x + 32 <= n {
            // Four independent accumulators hide the add latency.
            var a0 = SIMD8<Float>(repeating: 0), a1 = a0, a2 = a0, a3 = a0
            for k in 0..<taps {
                let src = UnsafeRawPointer(row(k) + x)
                let wk = SIMD8<Float>(repeating: w[k])
                a0 = a0 + wk * src.loadUnaligned(as: SIMD8<Float>.self)
                a1 = a1 + wk * src.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                a2 = a2 + wk * src.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
                a3 = a3 + wk * src.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self)
            }
            let dst = UnsafeMutableRawPointer(out + x)
            dst.storeBytes(of: a0, as: SIMD8<Float>.self)
            dst.storeBytes(of: a1, toByteOffset: 32, as: SIMD8<Float>.self)
            dst.storeBytes(of: a2, toByteOffset: 64, as: SIMD8<Float>.self)
            dst.storeBytes(of: a3, toByteOffset: 96, as: SIMD8<Float>.self)
            x += 32
        }
        while x < n {
            var acc: Float = 0
            for k in 0..<taps { acc = acc + w[k] * row(k)[x] }
            out[x] = acc
            x += 1
        }
    }

    /// Separable: rows (reflect-padded), then columns, each by ``weightedSum``.
    func blur(_ data: inout [Float], width: Int, height: Int) {
        guard weights.count > 1 else { return }
        let r = radius, taps = weights.count
        var padded = [Float](repeating: 0, count: width + 2 * r)
        var tmp = [Float](repeating: 0, count: width * height)
        var rowPointers = [UnsafePointer<Float>](repeating: UnsafePointer(bitPattern: 8)!, count: taps)
        weights.withUnsafeBufferPointer { w in
          rowPointers.withUnsafeMutableBufferPointer { rp in
            padded.withUnsafeMutableBufferPointer { p in
                tmp.withUnsafeMutableBufferPointer { t in
                    data.withUnsafeMutableBufferPointer { d in
                        // Rows: reflect-pad, then accumulate shifted copies.
                        for y in 0..<height {
                            let row = d.baseAddress! + y * width
                            for i in 0..<(width + 2 * r) { p[i] = row[Self.reflect(i - r, width)] }
                            let base = UnsafePointer(p.baseAddress!)
                            for k in 0..<taps { rp[k] = base + k }
                            Self.weightedSum(w, width, t.baseAddress! + y * width, rows: UnsafeBufferPointer(rp))
                        }
                        // Columns: accumulate reflected rows.
                        for y in 0..<height {
                            let rows = UnsafePointer(t.baseAddress!)
                            for k in 0..<taps { rp[k] = rows + Self.reflect(y + k - r, height) * width }
                            Self.weightedSum(w, width, d.baseAddress! + y * width, rows: UnsafeBufferPointer(rp))
                        }
                    }
                }
            }
        }
          }
    }
}
