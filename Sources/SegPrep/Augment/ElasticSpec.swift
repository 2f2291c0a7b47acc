import Foundation
import SegCore

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
