import CSegModel
import Dispatch
import Foundation

/// Eval-mode BatchNorm statistics, folded into the preceding convolution at
/// load time: y = γ·(x − μ)/√(σ² + ε) + β.
public struct BatchNorm: Sendable {
    public var weight: [Float], bias: [Float], mean: [Float], variance: [Float]
    public var epsilon: Double = 1e-5
    public init(weight: [Float], bias: [Float], mean: [Float], variance: [Float]) {
        self.weight = weight; self.bias = bias; self.mean = mean; self.variance = variance
    }
}

extension BatchNorm {
    /// Folds `norm` into a convolution's [out][…] weights and bias (zero when
    /// nil): w·γ/√(σ² + ε) and (b − μ)·γ/√(σ² + ε) + β, in Double.
    static func fold(_ norm: BatchNorm?, weight: [Float], bias: [Float]?, outChannels: Int) -> (weight: [Float], bias: [Float]) {
        var w = weight
        var b = bias ?? [Float](repeating: 0, count: outChannels)
        guard let bn = norm else { return (w, b) }
        let span = weight.count / outChannels
        for o in 0..<outChannels {
            let scale = Double(bn.weight[o]) / (Double(bn.variance[o]) + bn.epsilon).squareRoot()
            for i in 0..<span { w[o * span + i] = Float(Double(w[o * span + i]) * scale) }
            b[o] = Float((Double(b[o]) - Double(bn.mean[o])) * scale + Double(bn.bias[o]))
        }
        return (w, b)
    }
}
