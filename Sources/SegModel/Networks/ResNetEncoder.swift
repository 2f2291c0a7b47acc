/// torchvision's ResNet as segmentation_models.pytorch uses it for an
/// encoder (`encoder.conv1`, `encoder.bn1`, `encoder.layer1.0.conv1`, …,
/// no `fc`): the 7×7/2 stem, the 3×3/2 max-pool, and stages of BasicBlocks
/// (ResNet-18/34) or Bottlenecks (ResNet-50, stride on the 3×3 as in
/// torchvision ≥ 0.2), each `relu(block(x) + shortcut(x))`. Returns smp's
/// feature list: the input, the stem (stride 2), then one map per stage.
final class ResNetEncoder: Sendable {
    /// One residual block; `conv3` is present for a Bottleneck.
    struct Block: Sendable {
        let conv1: Conv2D, conv2: Conv2D, conv3: Conv2D?
        let downsample: Conv2D?

        func callAsFunction(_ x: FeatureMap, _ compute: Compute) -> FeatureMap {
            var y = conv2(conv1(x, compute), compute)
            if let conv3 { y = conv3(y, compute) }
            let shortcut = downsample.map { $0(x, compute) } ?? x
            Operations.addInPlace(y, shortcut)
            Operations.reluInPlace(y)
            return y
        }
    }

    let stem: Conv2D
    let stages: [[Block]]
    /// "BasicBlock" or "Bottleneck", for descriptions.
    let blockKind: String

    /// Reads `prefix`conv1…, stages layer1 … layer`depth − 1` (the stages beyond are ignored).
    init(_ store: WeightStore, prefix: String, depth: Int) throws {
        stem = try store.conv(prefix + "conv1", inChannels: nil, kernel: 7, bias: false, batchNorm: prefix + "bn1", stride: 2, padding: 3, relu: true)
        let bottleneck = store.has(prefix + "layer1.0.conv3.weight")
        blockKind = bottleneck ? "Bottleneck" : "BasicBlock"
        var stages: [[Block]] = []
        var channels = stem.outChannels
        for stage in 1..<depth {
            var blocks: [Block] = []
            var index = 0
            while store.has("\(prefix)layer\(stage).\(index).conv1.weight") {
                let p = "\(prefix)layer\(stage).\(index)."
                let stride = stage > 1 && index == 0 ? 2 : 1
                let conv1, conv2: Conv2D
                var conv3: Conv2D?
                if bottleneck {
                    conv1 = try store.conv(p + "conv1", inChannels: channels, kernel: 1, bias: false, batchNorm: p + "bn1", relu: true)
                    conv2 = try store.conv(p + "conv2", inChannels: conv1.outChannels, kernel: 3, bias: false, batchNorm: p + "bn2",
                                           stride: stride, padding: 1, relu: true)
                    conv3 = try store.conv(p + "conv3", inChannels: conv2.outChannels, kernel: 1, bias: false, batchNorm: p + "bn3", relu: false)
                } else {
                    conv1 = try store.conv(p + "conv1", inChannels: channels, kernel: 3, bias: false, batchNorm: p + "bn1",
                                           stride: stride, padding: 1, relu: true)
                    conv2 = try store.conv(p + "conv2", inChannels: conv1.outChannels, kernel: 3, bias: false, batchNorm: p + "bn2", relu: false)
                }
                let out = (conv3 ?? conv2).outChannels
                var downsample: Conv2D?
                if store.has(p + "downsample.0.weight") {
                    downsample = try store.conv(p + "downsample.0", inChannels: channels, kernel: 1, bias: false, batchNorm: p + "downsample.1",
                                                stride: stride, padding: 0, relu: false)
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
    }

    /// Channels of each feature smp returns (the input's first).
    var featureChannels: [Int] {
        [stem.inChannels, stem.outChannels] + stages.map { ($0.last!.conv3 ?? $0.last!.conv2).outChannels }
    }

    /// smp's features: input, stem output (1/2), stage outputs (1/4, 1/8, …).
    func features(_ input: FeatureMap, _ compute: Compute) -> [FeatureMap] {
        var out = [input, stem(input, compute)]
        var x = Operations.maxPool(out[1], 3, stride: 2, padding: 1, compute)
        for stage in stages {
            for block in stage { x = block(x, compute) }
            out.append(x)
        }
        return out
    }
}
