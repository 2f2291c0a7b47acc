/// torchvision's ResNet as segmentation_models.pytorch uses it for an
/// encoder (`encoder.conv1`, `encoder.bn1`, `encoder.layer1.0.conv1`, …,
/// no `fc`): the 7×7/2 stem, the 3×3/2 max-pool, and stages of BasicBlocks
/// (ResNet-18/34) or Bottlenecks (ResNet-50, stride on the 3×3 as in
/// torchvision ≥ 0.2), each `relu(block(x) + shortcut(x))`. Returns smp's
/// feature list: the input, the stem (stride 2), then one map per stage.
/// Under an output stride of 8 or 16 (DeepLabV3+), layer3 and layer4 trade
/// their stride for dilation as smp's `make_dilated` does: every convolution
/// of the stage at stride 1, its 3×3s dilated by the stride they gave up.
final class ResNetEncoder: SMPEncoder {
    /// One residual block; `conv3` is present for a Bottleneck.
    struct Block: Sendable {
        let conv1: Conv2D, conv2: Conv2D, conv3: Conv2D?
        let downsample: Conv2D?

        /// The block's last convolution carries the ReLU and adds the shortcut before it, in one pass.
        func callAsFunction(_ x: FeatureMap, _ compute: Compute) -> FeatureMap {
            let shortcut = downsample.map { $0(x, compute) } ?? x
            let y = conv1(x, compute)
            guard let conv3 else { return conv2(y, compute, adding: shortcut) }
            return conv3(conv2(y, compute), compute, adding: shortcut)
        }
    }

    let stem: Conv2D
    let stages: [[Block]]
    let outputStride: Int
    let name: String
    /// Every smp ResNet whose layout fits the blocks the file holds.
    let names: [String]

    /// Reads `prefix`conv1…, stages layer1 … layer`depth − 1` (the stages beyond are ignored).
    init(_ store: WeightStore, prefix: String, depth: Int, outputStride: Int = 32) throws {
        stem = try store.conv(prefix + "conv1", inChannels: nil, kernel: 7, bias: false, batchNorm: prefix + "bn1", stride: 2, padding: 3, relu: true)
        let bottleneck = store.has(prefix + "layer1.0.conv3.weight")
        var stages: [[Block]] = []
        var channels = stem.outChannels
        for stage in 1..<depth {
            // layer1 runs at 1/4 (after the max-pool), layer2 at 1/8, layer3 at 1/16, layer4 at 1/32.
            let rate = SMPEncoders.dilation(stageStride: 2 << stage, outputStride: outputStride)
            var blocks: [Block] = []
            var index = 0
            while store.has("\(prefix)layer\(stage).\(index).conv1.weight") {
                let p = "\(prefix)layer\(stage).\(index)."
                let stride = stage > 1 && index == 0 && rate == 1 ? 2 : 1
                let conv1, conv2: Conv2D
                var conv3: Conv2D?
                if bottleneck {
                    conv1 = try store.conv(p + "conv1", inChannels: channels, kernel: 1, bias: false, batchNorm: p + "bn1", relu: true)
                    conv2 = try store.conv(p + "conv2", inChannels: conv1.outChannels, kernel: 3, bias: false, batchNorm: p + "bn2",
                                           dilation: rate, stride: stride, padding: rate, relu: true)
                    conv3 = try store.conv(p + "conv3", inChannels: conv2.outChannels, kernel: 1, bias: false, batchNorm: p + "bn3", relu: true)
                } else {
                    conv1 = try store.conv(p + "conv1", inChannels: channels, kernel: 3, bias: false, batchNorm: p + "bn1",
                                           dilation: rate, stride: stride, padding: rate, relu: true)
                    conv2 = try store.conv(p + "conv2", inChannels: conv1.outChannels, kernel: 3, bias: false, batchNorm: p + "bn2",
                                           dilation: rate, padding: rate, relu: true)
                }
                let out = (conv3 ?? conv2).outChannels
                var downsample: Conv2D?
                if store.has(p + "downsample.0.weight") {
                    downsample = try store.conv(p + "downsample.0", inChannels: channels, kernel: 1, bias: false, batchNorm: p + "downsample.1",
                                                stride: stride, padding: 0, relu: false)
                }
                // The shortcut must have the block's output shape: a projection when width or stride changes.
                try store.requireWidth(downsample?.outChannels ?? channels, out, "the shortcut of '\(p)'")
                if downsample == nil && stride != 1 {
                    throw ModelError(path: store.file.path, "'\(p)' halves the size but has no downsample shortcut ('\(p)downsample.0.weight')")
                }
                blocks.append(Block(conv1: conv1, conv2: conv2, conv3: conv3, downsample: downsample))
                channels = out
                index += 1
            }
            guard !blocks.isEmpty else { throw ModelError(path: store.file.path, "missing tensor '\(prefix)layer\(stage).0.conv1.weight'") }
            stages.append(blocks)
        }
        for stage in depth..<5 { store.ignore(prefix: "\(prefix)layer\(stage).") }
        self.stages = stages
        self.outputStride = min(1 << depth, outputStride)
        // Blocks per stage as the file holds them (smp writes every stage whatever the depth).
        let counts = (1...4).map { stage in (0...).prefix { store.has("\(prefix)layer\(stage).\($0).conv1.weight") }.count }
        // Stages beyond the depth may have been stripped from the file.
        names = Self.layouts.filter { layout in
            layout.bottleneck == bottleneck && (0..<4).allSatisfy { counts[$0] == layout.blocks[$0] || $0 >= depth - 1 && counts[$0] == 0 }
        }.map(\.name)
        name = names.first
            ?? "ResNet (\(bottleneck ? "Bottleneck" : "BasicBlock") \(counts.prefix(depth - 1).map(String.init).joined(separator: "-")))"
    }

    func isNamed(_ name: String) -> Bool { names.contains(name) }

    /// torchvision's layouts smp names (blocks per stage).
    static let layouts: [(name: String, bottleneck: Bool, blocks: [Int])] = [
        ("resnet18", false, [2, 2, 2, 2]), ("resnet34", false, [3, 4, 6, 3]), ("resnet50", true, [3, 4, 6, 3]),
    ]

    /// The full-depth feature channels from the tensor shapes alone.
    static func featureChannels(_ store: WeightStore, prefix: String) throws -> [Int] {
        guard let stem = store.shape(prefix + "conv1.weight"), stem.count == 4 else {
            throw ModelError(path: store.file.path, "'\(prefix)conv1.weight' is not a convolution weight")
        }
        var channels = [stem[1], stem[0]]
        for stage in 1...4 {
            var index = 0
            var out: Int?
            while store.has("\(prefix)layer\(stage).\(index).conv1.weight") {
                out = (store.shape("\(prefix)layer\(stage).\(index).conv3.weight") ?? store.shape("\(prefix)layer\(stage).\(index).conv2.weight"))?.first
                index += 1
            }
            guard let out else { break }
            channels.append(out)
        }
        return channels
    }

    /// Channels of each feature smp returns (the input's first).
    var featureChannels: [Int] {
        [stem.inChannels, stem.outChannels] + stages.map { ($0.last!.conv3 ?? $0.last!.conv2).outChannels }
    }

    /// smp's features: input, stem output (1/2), stage outputs (1/4, 1/8, …).
    func features(_ input: FeatureMap, _ compute: Compute, keeping: (Int, FeatureMap) -> FeatureMap?) -> [FeatureMap?] {
        let first = stem(input, compute)
        var out: [FeatureMap?] = [keeping(0, input), keeping(1, first)]
        guard !stages.isEmpty else { return out }
        var x = Operations.maxPool(first, 3, stride: 2, padding: 1, compute)
        for stage in stages {
            for block in stage { x = block(x, compute) }
            out.append(keeping(out.count, x))
        }
        return out
    }
}
