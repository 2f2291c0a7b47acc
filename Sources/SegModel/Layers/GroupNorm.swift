/// PyTorch's `GroupNorm(groups, C)` (smp's FPN segmentation blocks use 32
/// groups): each group of C/groups channels is normalised by its own mean and
/// biased variance over all its pixels, y = (x − μ)/√(σ² + ε)·γ + β. Unlike
/// BatchNorm the statistics come from the input, so it cannot be folded into
/// the convolution before it.
public struct GroupNorm: Sendable {
    public let groups: Int
    public let weight: [Float], bias: [Float]
    public var epsilon: Double = 1e-5

    public init(groups: Int, weight: [Float], bias: [Float]) {
        precondition(groups > 0 && weight.count % groups == 0 && weight.count == bias.count)
        self.groups = groups; self.weight = weight; self.bias = bias
    }

    /// Normalises `map` in place, then ReLU when `relu`; groups shared among the workers.
    public func apply(_ map: FeatureMap, relu: Bool, _ compute: Compute) {
        precondition(map.channels == weight.count, "GroupNorm over \(weight.count) channels got \(map.channels)")
        let per = map.channels / groups, plane = map.plane
        compute.parallel(groups) { _, range in
            for g in range {
                // Two passes (mean, then squared deviations), partial sums in Double: a group can hold millions of values.
                let channels = g * per..<(g + 1) * per
                let n = Double(per * plane)
                let mean = channels.reduce(0.0) { total, c in total + Self.sum(map.channel(c), plane) { $0 } } / n
                let m = Float(mean)
                let variance = channels.reduce(0.0) { total, c in total + Self.sum(map.channel(c), plane) { ($0 - m) * ($0 - m) } } / n
                let inverse = 1 / (variance + epsilon).squareRoot()
                for c in g * per..<(g + 1) * per {
                    let scale = Float(Double(weight[c]) * inverse)
                    let shift = Float(Double(bias[c]) - mean * Double(weight[c]) * inverse)
                    let p = map.channel(c)
                    if relu {
                        for i in 0..<plane { p[i] = max(p[i] * scale + shift, 0) }
                    } else {
                        for i in 0..<plane { p[i] = p[i] * scale + shift }
                    }
                }
            }
        }
    }

    /// Σ f(p[i]) over `count` values: Float sums over runs of 256 (vectorised), added in Double.
    @inline(__always) private static func sum(_ p: UnsafeMutablePointer<Float>, _ count: Int, _ f: (Float) -> Float) -> Double {
        var total = 0.0, i = 0
        while i < count {
            let end = min(count, i + 256)
            var s: Float = 0
            while i < end { s += f(p[i]); i += 1 }
            total += Double(s)
        }
        return total
    }
}
