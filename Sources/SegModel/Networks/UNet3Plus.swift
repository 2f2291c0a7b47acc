/// ZJUGiveLab/UNet-Version's `UNet_3Plus`: a five-level encoder and decoder
/// stages that each read every encoder level (max-pooled down or bilinearly
/// upsampled to their scale, each through its own 3×3 convolution) before a
/// fusing convolution; a 3×3 output convolution and a sigmoid. PyTorch needs
/// sides divisible by 16; SegKit pads the input with zeros at the bottom and
/// right to the next multiple and crops the output back.
final class UNet3Plus: SegmentationNetwork {
    /// One decoder stage: a branch per level and the fusing convolution.
    struct Stage {
        let branches: [Conv2D]  // levels 1…5
        let fuse: Conv2D
    }

    let encoder: [(Conv2D, Conv2D)]  // conv1 … conv5
    let stages: [Stage]  // hd4, hd3, hd2, hd1
    let output: Conv2D
    var architecture: Architecture { .unet3plus }
    var inputChannels: Int { encoder[0].0.inChannels }
    var outputChannels: Int { output.outChannels }
    var endsInSigmoid: Bool { true }
    var minimumSide: Int { 1 }
    var description: String { "UNet 3+ (widths \(encoder.map { String($0.1.outChannels) }.joined(separator: "/")))" }

    init(_ store: WeightStore) throws {
        var encoder: [(Conv2D, Conv2D)] = []
        var channels: Int? = nil
        for level in 1...5 {
            let a = try store.conv("conv\(level).conv1.0", inChannels: channels, kernel: 3, bias: true, batchNorm: "conv\(level).conv1.1", relu: true)
            let b = try store.conv("conv\(level).conv2.0", inChannels: a.outChannels, kernel: 3, bias: true, batchNorm: "conv\(level).conv2.1", relu: true)
            encoder.append((a, b))
            channels = b.outChannels
        }
        var stages: [Stage] = []
        var decoded: [Int: Int] = [5: encoder[4].1.outChannels]  // channels of hd_l
        for s in stride(from: 4, through: 1, by: -1) {
            var branches: [Conv2D] = []
            for l in 1...5 {
                let name = l < s ? "h\(l)_PT_hd\(s)" : l == s ? "h\(l)_Cat_hd\(s)" : "hd\(l)_UT_hd\(s)"
                let source = l <= s ? encoder[l - 1].1.outChannels : decoded[l]!
                branches.append(try store.conv(name + "_conv", inChannels: source, kernel: 3, bias: true, batchNorm: name + "_bn", relu: true))
            }
            let width = branches.reduce(0) { $0 + $1.outChannels }
            let fuse = try store.conv("conv\(s)d_1", inChannels: width, kernel: 3, bias: true, batchNorm: "bn\(s)d_1", relu: true)
            stages.append(Stage(branches: branches, fuse: fuse))
            decoded[s] = fuse.outChannels
        }
        output = try store.conv("outconv1", inChannels: decoded[1]!, kernel: 3, bias: true, relu: false)
        self.encoder = encoder
        self.stages = stages
    }

    func forward(_ input: FeatureMap, _ compute: Compute) throws -> FeatureMap {
        Operations.padded(input, toMultipleOf: 16) { run($0, compute) }
    }

    /// The network on an input whose sides are multiples of 16.
    private func run(_ padded: FeatureMap, _ compute: Compute) -> FeatureMap {
        var levels: [FeatureMap] = []  // h1 … h5
        var x = padded
        for (i, pair) in encoder.enumerated() {
            if i > 0 { x = Operations.maxPool(x, 2, ceilMode: false, compute) }
            x = pair.1(pair.0(x, compute), compute)
            levels.append(x)
        }
        var decoded: [Int: FeatureMap] = [5: levels[4]]
        for (k, stage) in stages.enumerated() {
            let s = 4 - k
            let target = levels[s - 1]
            var parts: [FeatureMap] = []
            for l in 1...5 {
                let source: FeatureMap
                if l < s {
                    source = Operations.maxPool(levels[l - 1], 1 << (s - l), ceilMode: true, compute)
                } else if l == s {
                    source = target
                } else {
                    source = Operations.resize(decoded[l]!, height: target.height, width: target.width, alignCorners: false, compute)
                }
                parts.append(stage.branches[l - 1](source, compute))
            }
            decoded[s] = stage.fuse(parts, compute)
        }
        let logits = output(decoded[1]!, compute)
        Operations.sigmoidInPlace(logits)
        return logits
    }
}
