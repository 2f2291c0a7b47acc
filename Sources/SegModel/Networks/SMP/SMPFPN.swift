/// segmentation_models.pytorch 0.6's `FPN`: the encoder's last four
/// features c2…c5; a top-down pyramid (`decoder.p5`, a 1×1 convolution of c5;
/// `decoder.p4…p2`, the level above doubled by `decoder_interpolation` plus a
/// 1×1 `skip_conv` of the feature); one segmentation block per level
/// (`decoder.seg_blocks.{i}`: 3, 2, 1 and 0 doublings, each a 3×3
/// convolution, GroupNorm(32), ReLU and bilinear ×2 with `align_corners`);
/// their sum (`merge_policy` add) or concatenation (cat); a 1×1
/// `segmentation_head.0` and bilinear ×`upsampling` with `align_corners`.
/// smp needs sides divisible by 2^depth (up to 32); SegKit pads the input
/// with zeros at the bottom and right to that multiple and crops back.
final class SMPFPN: SMPNetwork {
    /// One segmentation block stage: convolution, GroupNorm + ReLU, then ×2 when `upsample`.
    struct Stage: Sendable {
        let conv: Conv2D, norm: GroupNorm, upsample: Bool
    }

    let encoder: any SMPEncoder
    let depth: Int
    let top: Conv2D
    /// p4, p3, p2's 1×1 skip convolutions.
    let lateral: [Conv2D]
    /// Segmentation blocks for p5, p4, p3, p2.
    let segmentation: [[Stage]]
    let concatenates: Bool
    let head: Conv2D
    let upsampling: Int
    let bilinear: Bool
    var architecture: Architecture { .smpFPN }
    var decoderSummary: String {
        "pyramid \(top.outChannels), segmentation \(segmentation[0][0].conv.outChannels), \(concatenates ? "cat" : "add")"
    }
    var decoderSettings: [String: String] {
        ["decoder_pyramid_channels": String(top.outChannels), "decoder_segmentation_channels": String(segmentation[0][0].conv.outChannels),
         "decoder_merge_policy": concatenates ? "cat" : "add"]
    }

    init(_ store: WeightStore, options: SMPOptions) throws {
        guard let p5 = store.shape("decoder.p5.weight"), p5.count == 4 else {
            throw ModelError(path: store.file.path, "missing tensor 'decoder.p5.weight' (smp FPN)")
        }
        depth = try SMPEncoders.depth(readingChannels: p5[1], store, tensor: "decoder.p5.weight")
        guard depth >= 3 else { throw ModelError(path: store.file.path, "an smp FPN has encoder depth 3 to 5, not \(depth)") }
        encoder = try SMPEncoders.load(store, depth: depth)
        let features = encoder.featureChannels
        top = try store.conv("decoder.p5", inChannels: features[depth], kernel: 1, bias: true, relu: false)
        let depth = self.depth
        lateral = try (1...3).map { i in
            try store.conv("decoder.p\(5 - i).skip_conv", inChannels: features[depth - i], kernel: 1, bias: true, relu: false)
        }
        for (i, skip) in lateral.enumerated() {
            try store.requireWidth(skip.outChannels, top.outChannels, "'decoder.p\(4 - i).skip_conv'")
        }
        var segmentation: [[Stage]] = []
        for (i, doublings) in [3, 2, 1, 0].enumerated() {
            var stages: [Stage] = []
            var channels = top.outChannels
            for j in 0..<max(1, doublings) {
                let p = "decoder.seg_blocks.\(i).block.\(j).block."
                let conv = try store.conv(p + "0", inChannels: channels, kernel: 3, bias: false, relu: false)
                stages.append(Stage(conv: conv, norm: try store.groupNorm(p + "1", groups: 32, channels: conv.outChannels), upsample: doublings > 0))
                channels = conv.outChannels
            }
            segmentation.append(stages)
        }
        self.segmentation = segmentation
        let width = segmentation[0][0].conv.outChannels
        for (i, stages) in segmentation.enumerated() {
            try store.requireWidth(stages.last!.conv.outChannels, width, "'decoder.seg_blocks.\(i)'")
        }
        guard let headShape = store.shape("segmentation_head.0.weight"), headShape.count == 4, [width, 4 * width].contains(headShape[1]) else {
            throw ModelError(path: store.file.path, "'segmentation_head.0.weight' must read \(width) (merge add) or \(4 * width) (cat) channels")
        }
        concatenates = headShape[1] == 4 * width
        head = try Self.head(store, inChannels: headShape[1], kernel: 1)
        upsampling = options.upsampling
        bilinear = options.interpolation == .bilinear
    }

    func forward(_ input: FeatureMap, _ compute: Compute) throws -> FeatureMap {
        // smp refuses other sizes: zero padding at the bottom and right, the output cropped back.
        try Operations.padded(input, toMultipleOf: encoder.outputStride) { try upsampledLogits(run($0, compute), by: upsampling, toMatch: $0, compute) }
    }

    /// The logits before the head's upsampling.
    private func run(_ input: FeatureMap, _ compute: Compute) -> FeatureMap {
        // FPN reads the last four features only.
        let depth = depth
        let features = encoder.features(input, compute, keeping: { index, feature in index >= depth - 3 ? feature : nil })
        var pyramid = [top(features[depth]!, compute)]
        for (i, skip) in lateral.enumerated() {
            let above = pyramid.last!, c = features[depth - 1 - i]!
            let sum = skip(c, compute)
            Operations.addInPlace(sum, Operations.upsampled(above, height: 2 * above.height, width: 2 * above.width, bilinear: bilinear, compute))
            pyramid.append(sum)
        }
        var merged: [FeatureMap] = []
        for (level, stages) in zip(pyramid, segmentation) {
            var x = level
            for stage in stages {
                x = stage.conv(x, compute)
                stage.norm.apply(x, relu: true, compute)
                if stage.upsample { x = Operations.resize(x, height: 2 * x.height, width: 2 * x.width, alignCorners: true, compute) }
            }
            merged.append(x)
        }
        let x: FeatureMap
        if concatenates {
            x = Operations.concatenated(merged)
        } else {
            x = merged[0]
            for m in merged.dropFirst() { Operations.addInPlace(x, m) }
        }
        let logits = head(x, compute)
        return logits
    }
}
