/// segmentation_models.pytorch 0.6's `DeepLabV3Plus`: the encoder dilated
/// past `encoder_output_stride` (8 or 16); ASPP on its deepest feature
/// (`decoder.aspp.0`: a 1×1 branch, three 3×3 branches dilated by
/// `decoder_atrous_rates`, separable — depthwise then pointwise — when
/// `decoder_aspp_separable`, and an image-pooling branch; concatenated and
/// projected by a 1×1), a separable 3×3 (`decoder.aspp.1`, `.2`), bilinear
/// upsampling with `align_corners` to the stride-4 feature, which passes a
/// 1×1 to 48 channels (`decoder.block1`); both concatenated through a
/// separable 3×3 (`decoder.block2`); a 1×1 `segmentation_head.0` and bilinear
/// ×`upsampling`. Every convolution is followed by BatchNorm and ReLU. smp
/// needs sides divisible by the output stride; SegKit pads the input with
/// zeros at the bottom and right to that multiple and crops back.
final class SMPDeepLabV3Plus: SMPNetwork {
    /// A 3×3 convolution, separable (depthwise then pointwise) or plain; BatchNorm and ReLU folded in.
    struct Separable: Sendable {
        let depthwise: DepthwiseConv2D?
        let pointwise: Conv2D

        func callAsFunction(_ inputs: [FeatureMap], _ compute: Compute) -> FeatureMap {
            pointwise(spatial(inputs, compute), compute)
        }

        /// The depthwise half (the inputs themselves when there is none), so
        /// that a caller can release the inputs before the pointwise half runs.
        func spatial(_ inputs: [FeatureMap], _ compute: Compute) -> [FeatureMap] {
            depthwise.map { $0(stacked: inputs, compute) } ?? inputs
        }
    }

    let encoder: any SMPEncoder
    let depth: Int
    let outputStride: Int
    let branch1x1: Conv2D
    let atrous: [Separable]
    let pooling: Conv2D
    let project: Conv2D
    let asppOut: Separable
    let highResolution: Conv2D
    let fuse: Separable
    let head: Conv2D
    let upsampling: Int
    var architecture: Architecture { .smpDeepLabV3Plus }
    var decoderSummary: String {
        "output stride \(outputStride), atrous rates " + atrous.map { String(($0.depthwise?.dilation ?? $0.pointwise.dilation)) }.joined(separator: "/")
            + ", decoder channels \(project.outChannels)"
    }
    var decoderSettings: [String: String] {
        ["decoder_channels": String(project.outChannels), "decoder_aspp_separable": atrous[0].depthwise != nil ? "true" : "false"]
    }

    init(_ store: WeightStore, options: SMPOptions) throws {
        let a = "decoder.aspp.0."
        guard let first = store.shape(a + "convs.0.0.weight"), first.count == 4 else {
            throw ModelError(path: store.file.path, "missing tensor '\(a)convs.0.0.weight' (smp DeepLabV3Plus)")
        }
        depth = try SMPEncoders.depth(readingChannels: first[1], store, tensor: a + "convs.0.0.weight")
        guard depth >= 3 else { throw ModelError(path: store.file.path, "an smp DeepLabV3Plus has encoder depth 3 to 5, not \(depth)") }
        outputStride = options.outputStride
        encoder = try SMPEncoders.load(store, depth: depth, outputStride: outputStride)
        let features = encoder.featureChannels
        let deepest = features[depth]
        branch1x1 = try store.conv(a + "convs.0.0", inChannels: deepest, kernel: 1, bias: false, batchNorm: a + "convs.0.1", relu: true)
        let width = branch1x1.outChannels
        let separable = store.has(a + "convs.1.0.0.weight")
        atrous = try options.atrousRates.enumerated().map { i, rate in
            let p = a + "convs.\(i + 1)."
            if separable {
                return Separable(depthwise: try store.depthwise(p + "0.0", channels: deepest, kernel: 3, dilation: rate, relu: false),
                                 pointwise: try store.conv(p + "0.1", inChannels: deepest, kernel: 1, bias: false, batchNorm: p + "1", relu: true))
            }
            return Separable(depthwise: nil, pointwise: try store.conv(p + "0", inChannels: deepest, kernel: 3, bias: false, batchNorm: p + "1",
                                                                       dilation: rate, relu: true))
        }
        for (i, branch) in atrous.enumerated() { try store.requireWidth(branch.pointwise.outChannels, width, "'\(a)convs.\(i + 1)'") }
        pooling = try store.conv(a + "convs.4.1", inChannels: deepest, kernel: 1, bias: false, batchNorm: a + "convs.4.2", relu: true)
        try store.requireWidth(pooling.outChannels, width, "'\(a)convs.4'")
        project = try store.conv(a + "project.0", inChannels: 5 * width, kernel: 1, bias: false, batchNorm: a + "project.1", relu: true)
        asppOut = Separable(depthwise: try store.depthwise("decoder.aspp.1.0", channels: project.outChannels, kernel: 3, relu: false),
                            pointwise: try store.conv("decoder.aspp.1.1", inChannels: project.outChannels, kernel: 1, bias: false,
                                                      batchNorm: "decoder.aspp.2", relu: true))
        highResolution = try store.conv("decoder.block1.0", inChannels: features[2], kernel: 1, bias: false, batchNorm: "decoder.block1.1", relu: true)
        let fused = asppOut.pointwise.outChannels + highResolution.outChannels
        fuse = Separable(depthwise: try store.depthwise("decoder.block2.0.0", channels: fused, kernel: 3, relu: false),
                         pointwise: try store.conv("decoder.block2.0.1", inChannels: fused, kernel: 1, bias: false, batchNorm: "decoder.block2.1", relu: true))
        head = try Self.head(store, inChannels: fuse.pointwise.outChannels, kernel: 1)
        upsampling = options.upsampling
    }

    func forward(_ input: FeatureMap, _ compute: Compute) throws -> FeatureMap {
        // smp refuses other sizes: zero padding at the bottom and right, the output cropped back.
        try Operations.padded(input, toMultipleOf: encoder.outputStride) { try upsampledLogits(run($0, compute), by: upsampling, toMatch: $0, compute) }
    }

    /// The logits before the head's upsampling.
    private func run(_ input: FeatureMap, _ compute: Compute) -> FeatureMap {
        // Only the stride-4 feature and the deepest are read: the others are released as the encoder
        // goes, and the stride-4 one goes through its 1×1 branch (256 -> 48 channels for ResNet-50)
        // as soon as it is made, so the encoder's deeper stages run beside the small projection.
        // Each step's inputs go out of scope (and back to the pool) once it has read them.
        let depth = depth
        let (aspp, high) = { () -> (FeatureMap, FeatureMap) in
            let (x, high) = { () -> (FeatureMap, FeatureMap) in
                let features = encoder.features(input, compute, keeping: { index, feature in
                    index == 2 ? highResolution(feature, compute) : index == depth ? feature : nil
                })
                return (features[depth]!, features[2]!)
            }()
            var branches = [branch1x1(x, compute)] + atrous.map { $0([x], compute) }
            branches.append(imagePooling(x, compute))
            return (asppOut([project(branches, compute)], compute), high)
        }()
        // smp's nn.Upsample(scale_factor=4 at output stride 16 beyond depth 3, else 2), landing on the
        // stride-4 feature. The upsampled map (256 channels at stride 4) is released after the
        // depthwise half of the fusion has read it, before the pointwise half's output is made.
        let scale = outputStride == 16 && depth > 3 ? 4 : 2
        let spatial = { () -> [FeatureMap] in
            let up = Operations.resize(aspp, height: scale * aspp.height, width: scale * aspp.width, alignCorners: true, compute)
            return fuse.spatial([up, high], compute)
        }()
        let fused = fuse.pointwise(spatial, compute)
        let logits = head(fused, compute)
        return logits
    }

    /// ASPP's image-level branch: the channel means through the 1×1 convolution
    /// (BatchNorm, ReLU), spread over the map (bilinear from 1×1 is a constant).
    private func imagePooling(_ x: FeatureMap, _ compute: Compute) -> FeatureMap {
        let pooled = pooling(FeatureMap(channels: x.channels, height: 1, width: 1, values: Operations.channelMeans(x)), compute)
        let out = FeatureMap(channels: pooled.channels, height: x.height, width: x.width)
        for c in 0..<pooled.channels { out.channel(c).initialize(repeating: pooled.data[c], count: x.plane) }
        return out
    }
}
