import CSegModel

/// A depthwise convolution (PyTorch's `Conv2d(C, C, k, groups=C)`): one k×k
/// filter per channel, any stride, dilation and zero padding, BatchNorm folded
/// in and ReLU or ReLU6 fused. MobileNet-V2's inverted residuals and
/// DeepLabV3+'s separable convolutions are made of these and 1×1 `Conv2D`s.
public final class DepthwiseConv2D: Sendable {
    public let channels: Int, kernel: Int, stride: Int, dilation: Int, padding: Int
    public let relu: Bool, relu6: Bool
    /// Folded weights, [channel][ky][kx], and bias.
    let weights: [Float], bias: [Float]

    /// `weight` is PyTorch's [C, 1, k, k] tensor; `padding` nil is "same" at stride 1.
    public init(weight: [Float], channels: Int, kernel: Int, bias: [Float]?, batchNorm: BatchNorm? = nil,
                dilation: Int = 1, stride: Int = 1, padding: Int? = nil, relu: Bool, relu6: Bool = false) {
        precondition(weight.count == channels * kernel * kernel && stride >= 1 && dilation >= 1)
        self.channels = channels
        self.kernel = kernel
        self.stride = stride
        self.dilation = dilation
        self.padding = padding ?? dilation * (kernel - 1) / 2
        self.relu = relu || relu6
        self.relu6 = relu6
        let folded = BatchNorm.fold(batchNorm, weight: weight, bias: bias, outChannels: channels)
        weights = folded.weight
        self.bias = folded.bias
    }

    /// The output side for an input side, as PyTorch computes it.
    public func outputSide(_ side: Int) -> Int { Conv2D.outputSide(side, kernel: kernel, stride: stride, dilation: dilation, padding: padding) }

    /// Applies the filters, channels shared among the workers.
    public func callAsFunction(_ input: FeatureMap, _ compute: Compute) -> FeatureMap {
        precondition(input.channels == channels, "depthwise convolution over \(channels) channels got \(input.channels)")
        return apply(input, firstChannel: 0, compute)
    }

    /// Applies the filters to maps stacked along channels (as if concatenated),
    /// one output per map: each channel has its own filter, so a separable
    /// convolution's pointwise half can read the outputs stacked and no
    /// concatenated copy is ever made.
    public func callAsFunction(stacked inputs: [FeatureMap], _ compute: Compute) -> [FeatureMap] {
        precondition(inputs.reduce(0) { $0 + $1.channels } == channels, "stacked inputs do not have \(channels) channels")
        var first = 0
        return inputs.map { input in
            defer { first += input.channels }
            return apply(input, firstChannel: first, compute)
        }
    }

    /// The filters of channels `firstChannel`… applied to `input`'s channels.
    private func apply(_ input: FeatureMap, firstChannel: Int, _ compute: Compute) -> FeatureMap {
        let channels = input.channels
        let oh = outputSide(input.height), ow = outputSide(input.width)
        precondition(oh > 0 && ow > 0, "input \(input.height)x\(input.width) is too small for a \(kernel)x\(kernel)/\(stride) depthwise convolution")
        let out = FeatureMap(channels: channels, height: oh, width: ow)
        compute.multiplyAdds += channels * kernel * kernel * oh * ow
        let code: Int32 = relu6 ? 2 : relu ? 1 : 0
        compute.timed("depthwise\(kernel)x\(kernel)\(stride > 1 ? "/\(stride)" : "") \(input.height)x\(input.width) \(channels)") {
            weights.withUnsafeBufferPointer { wp in
                bias.withUnsafeBufferPointer { bp in
                    compute.parallel(channels) { _, range in
                        seg_depthwise(input.channel(range.lowerBound), Int32(range.count), Int32(input.height), Int32(input.width),
                                      wp.baseAddress! + (firstChannel + range.lowerBound) * kernel * kernel, bp.baseAddress! + firstChannel + range.lowerBound,
                                      Int32(kernel), Int32(stride), Int32(dilation), Int32(padding), Int32(oh), Int32(ow), code,
                                      out.channel(range.lowerBound))
                    }
                }
            }
        }
        return out
    }
}
