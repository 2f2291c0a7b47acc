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
