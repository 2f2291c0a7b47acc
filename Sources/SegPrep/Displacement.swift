import Foundation
import SegCore

/// Per-pixel displacements: output pixel (x, y) takes its value from input
/// position (x + dx, y + dy) (backward mapping, as `cv2.remap` with
/// `map = grid + d`).
public struct DisplacementField: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var dx: [Float]
    public var dy: [Float]

    public init(width: Int, height: Int, dx: [Float], dy: [Float]) {
        precondition(dx.count == width * height && dy.count == width * height)
        self.width = width
        self.height = height
        self.dx = dx
        self.dy = dy
    }

    /// The field that moves nothing.
    public static func zero(width: Int, height: Int) -> DisplacementField {
        let z = [Float](repeating: 0, count: width * height)
        return DisplacementField(width: width, height: height, dx: z, dy: z)
    }

    /// Mean length of the displacement vectors, in pixels.
    public var meanMagnitude: Double {
        var sum = 0.0
        for i in dx.indices { sum += Double((dx[i] * dx[i] + dy[i] * dy[i]).squareRoot()) }
        return dx.isEmpty ? 0 : sum / Double(dx.count)
    }
}

/// Random numbers for augmentation, drawn from ``SeededGenerator``.
extension SeededGenerator {
    /// Uniform in [−1, 1): the top 53 bits of a draw, scaled.
    mutating func symmetricUniform() -> Double {
        Double(next() >> 11) * 0x1p-53 * 2 - 1
    }

    /// Standard normal by Box–Muller: u1 = (top 53 bits + 1)·2^−53 ∈ (0, 1],
    /// u2 = (top 53 bits)·2^−53, z = √(−2 ln u1)·cos(2π u2). Two draws per value.
    mutating func normal() -> Double {
        let u1 = Double((next() >> 11) + 1) * 0x1p-53
        let u2 = Double(next() >> 11) * 0x1p-53
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

/// The two ways of making an elastic field.
public enum ElasticSpec: Sendable, Equatable {
    /// Simard et al. 2003: uniform noise in [−1, 1) per pixel and axis,
    /// smoothed by a Gaussian of std `sigma` pixels, scaled by `alpha` pixels.
    case simard(alpha: Double, sigma: Double)
    /// Ronneberger et al. 2015 (U-Net): normal displacements of std `std`
    /// pixels on a `nodes` × `nodes` grid spanning the image, interpolated
    /// to every pixel bicubically.
    case grid(nodes: Int, std: Double)

    /// SegKit's default: α = 300, σ = 12, a mean displacement of about 5 px.
    public static let defaultSimard = ElasticSpec.simard(alpha: 300, sigma: 12)

    /// Draws a field for an image of the given size.
    public func field(width: Int, height: Int, using generator: inout SeededGenerator) -> DisplacementField {
        switch self {
        case .simard(let alpha, let sigma):
            let n = width * height
            var dx = [Float](repeating: 0, count: n), dy = [Float](repeating: 0, count: n)
            for i in 0..<n { dx[i] = Float(generator.symmetricUniform()) }
            for i in 0..<n { dy[i] = Float(generator.symmetricUniform()) }
            let kernel = GaussianKernel(sigma: sigma)
            kernel.blur(&dx, width: width, height: height)
            kernel.blur(&dy, width: width, height: height)
            let a = Float(alpha)
            for i in 0..<n { dx[i] *= a; dy[i] *= a }
            return DisplacementField(width: width, height: height, dx: dx, dy: dy)
        case .grid(let nodes, let std):
            let count = nodes * nodes
            var gx = [Double](repeating: 0, count: count), gy = [Double](repeating: 0, count: count)
            for i in 0..<count { gx[i] = generator.normal() * std }
            for i in 0..<count { gy[i] = generator.normal() * std }
            return DisplacementField(width: width, height: height,
                                     dx: Self.bicubicUpsample(gx, nodes: nodes, width: width, height: height),
                                     dy: Self.bicubicUpsample(gy, nodes: nodes, width: width, height: height))
        }
    }

    /// Interpolates node values, node (i, j) sitting at x = j·(W−1)/(n−1),
    /// y = i·(H−1)/(n−1), with Keys' cubic convolution (a = −0.5, Catmull–Rom),
    /// node indices beyond the grid clamped to its edge.
    static func bicubicUpsample(_ grid: [Double], nodes n: Int, width: Int, height: Int) -> [Float] {
        func axis(_ size: Int) -> [(Int, [Double])] {
            (0..<size).map { p in
                let t = size == 1 || n == 1 ? 0 : Double(p) * Double(n - 1) / Double(size - 1)
                let base = min(Int(t), max(0, n - 2))
                return (base, cubicWeights(t - Double(base)))
            }
        }
        let xs = axis(width), ys = axis(height)
        func node(_ i: Int, _ j: Int) -> Double { grid[min(max(i, 0), n - 1) * n + min(max(j, 0), n - 1)] }
        var out = [Float](repeating: 0, count: width * height)
        for y in 0..<height {
            let (by, wy) = ys[y]
            for x in 0..<width {
                let (bx, wx) = xs[x]
                var v = 0.0
                for a in 0..<4 {
                    var row = 0.0
                    for b in 0..<4 { row += wx[b] * node(by - 1 + a, bx - 1 + b) }
                    v += wy[a] * row
                }
                out[y * width + x] = Float(v)
            }
        }
        return out
    }

    /// Keys' cubic convolution weights (a = −0.5) for the four neighbours
    /// at offsets −1, 0, 1, 2 of a position t ∈ [0, 1] past the second.
    static func cubicWeights(_ t: Double) -> [Double] {
        let w = cubicWeights4(t)
        return [w.0, w.1, w.2, w.3]
    }

    /// ``cubicWeights(_:)`` as a tuple, for the per-pixel loops.
    @inline(__always)
    static func cubicWeights4(_ t: Double) -> (Double, Double, Double, Double) {
        let t2 = t * t, t3 = t2 * t
        return (-0.5 * t3 + t2 - 0.5 * t, 1.5 * t3 - 2.5 * t2 + 1, -1.5 * t3 + 2 * t2 + 0.5 * t, 0.5 * t3 - 0.5 * t2)
    }
}

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
