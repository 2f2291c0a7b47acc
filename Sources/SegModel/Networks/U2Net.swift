/// xuebinqin/U-2-Net's U²-Net (and U²-Net-lite, U2NETP: the same module tree,
/// narrower): nested residual U-blocks (RSU-7…RSU-4 with ceil-mode pooling and
/// bilinear upsampling to the skip's size, RSU-4F with dilations 1/2/4/8 instead
/// of pooling), six side outputs and a fused 1×1 output, all through a sigmoid.
/// Dilation rates are not stored in the file; they follow from each stage's block type.
final class U2Net: SegmentationNetwork {
    /// A residual U-block: `levels` = 7…4 pooled, or `nil` for RSU-4F.
    struct RSU {
        let convIn: Conv2D
        let encoder: [Conv2D]  // rebnconv1 … rebnconvL
        let decoder: [Conv2D]  // rebnconv(L-1)d … rebnconv1d
        let pooled: Bool

        init(_ store: WeightStore, _ prefix: String, levels: Int, pooled: Bool, inChannels: Int) throws {
            func rebn(_ name: String, _ inChannels: Int, dilation: Int) throws -> Conv2D {
                try store.conv("\(prefix).\(name).conv_s1", inChannels: inChannels, kernel: 3, bias: true,
                               batchNorm: "\(prefix).\(name).bn_s1", dilation: dilation, relu: true)
            }
            guard !store.has("\(prefix).rebnconv\(levels + 1).conv_s1.weight") else {
                throw ModelError(path: store.file.path, "'\(prefix)' has more levels than the RSU-\(levels)\(pooled ? "" : "F") block U²-Net puts there")
            }
            convIn = try rebn("rebnconvin", inChannels, dilation: 1)
            var encoder: [Conv2D] = []
            var channels = convIn.outChannels
            for i in 1...levels {
                let dilation = pooled ? (i == levels ? 2 : 1) : 1 << (i - 1)
                encoder.append(try rebn("rebnconv\(i)", channels, dilation: dilation))
                channels = encoder.last!.outChannels
            }
            var decoder: [Conv2D] = []
            for i in stride(from: levels - 1, through: 1, by: -1) {
                let dilation = pooled ? 1 : 1 << (i - 1)
                let skip = encoder[i - 1].outChannels
                decoder.append(try rebn("rebnconv\(i)d", channels + skip, dilation: dilation))
                channels = decoder.last!.outChannels
            }
            guard channels == convIn.outChannels else {
                throw ModelError(path: store.file.path, "'\(prefix).rebnconv1d' outputs \(channels) channels, but the block's residual has \(convIn.outChannels)")
            }
            self.encoder = encoder
            self.decoder = decoder
            self.pooled = pooled
        }

        var outChannels: Int { convIn.outChannels }

        func callAsFunction(_ inputs: [FeatureMap], _ compute: Compute) -> FeatureMap {
            let hxin = convIn(inputs, compute)
            var skips: [FeatureMap] = []
            var x = hxin
            for (i, conv) in encoder.enumerated() {
                // Pooled blocks pool between levels, except before the last (dilated) one.
                if pooled && i > 0 && i < encoder.count - 1 { x = Operations.maxPool(x, 2, ceilMode: true, compute) }
                x = conv([x], compute)
                skips.append(x)
            }
            x = skips.removeLast()
            for conv in decoder {
                let skip = skips.removeLast()
                let up = Operations.resize(x, height: skip.height, width: skip.width, alignCorners: false, compute)
                x = conv([up, skip], compute)
            }
            Operations.addInPlace(x, hxin)
            return x
        }
    }

    /// Block type of each stage in U2NET/U2NETP: RSU levels, pooled or dilated (4F).
    static let stages: [(name: String, levels: Int, pooled: Bool)] = [
        ("stage1", 7, true), ("stage2", 6, true), ("stage3", 5, true), ("stage4", 4, true), ("stage5", 4, false), ("stage6", 4, false),
        ("stage5d", 4, false), ("stage4d", 4, true), ("stage3d", 5, true), ("stage2d", 6, true), ("stage1d", 7, true),
    ]

    let encoder: [RSU]  // stage1 … stage6
    let decoder: [RSU]  // stage5d … stage1d
    let sides: [Conv2D]  // side1 … side6
    let fuse: Conv2D
    let lite: Bool
    var architecture: Architecture { lite ? .u2netp : .u2net }
    var inputChannels: Int { encoder[0].convIn.inChannels }
    var outputChannels: Int { fuse.outChannels }
    var endsInSigmoid: Bool { true }
    var minimumSide: Int { 1 }
    var description: String { "U²-Net\(lite ? "-lite (U2NETP)" : "") (stage widths \(encoder.map { String($0.outChannels) }.joined(separator: "/")))" }

    init(_ store: WeightStore) throws {
        var encoder: [RSU] = []
        var channels: Int? = nil
        for stage in Self.stages.prefix(6) {
            let block = try RSU(store, stage.name, levels: stage.levels, pooled: stage.pooled,
                                inChannels: channels ?? store.shape("stage1.rebnconvin.conv_s1.weight")?[1] ?? 3)
            encoder.append(block)
            channels = block.outChannels
        }
        var decoder: [RSU] = []
        var below = encoder[5].outChannels
        for (k, stage) in Self.stages.suffix(5).enumerated() {
            let skip = encoder[4 - k].outChannels
            let block = try RSU(store, stage.name, levels: stage.levels, pooled: stage.pooled, inChannels: below + skip)
            decoder.append(block)
            below = block.outChannels
        }
        let sideInputs = [decoder[4], decoder[3], decoder[2], decoder[1], decoder[0], encoder[5]].map { $0.outChannels }
        sides = try sideInputs.enumerated().map { i, c in try store.conv("side\(i + 1)", inChannels: c, kernel: 3, bias: true, relu: false) }
        let outChannels = sides[0].outChannels
        fuse = try store.conv("outconv", inChannels: 6 * outChannels, kernel: 1, bias: true, relu: false)
        self.encoder = encoder
        self.decoder = decoder
        lite = encoder[0].encoder[0].outChannels <= 16
    }

    func forward(_ input: FeatureMap, _ compute: Compute) throws -> FeatureMap { try sideOutputs(input, compute)[0] }

    /// The fused output d0 followed by the six side outputs d1…d6, each after its
    /// sigmoid and at the input's size (the order `U2NET.forward` returns them).
    func sideOutputs(_ input: FeatureMap, _ compute: Compute) throws -> [FeatureMap] {
        var skips: [FeatureMap] = []
        var x = input
        for (i, stage) in encoder.enumerated() {
            if i > 0 { x = Operations.maxPool(x, 2, ceilMode: true, compute) }
            x = stage([x], compute)
            skips.append(x)
        }
        var levels = [skips.removeLast()]  // hx6, then hx5d … hx1d
        for stage in decoder {
            let skip = skips.removeLast()
            let up = Operations.resize(levels.last!, height: skip.height, width: skip.width, alignCorners: false, compute)
            levels.append(stage([up, skip], compute))
        }
        // side1 reads hx1d, …, side5 hx5d, side6 hx6.
        let sources = [levels[5], levels[4], levels[3], levels[2], levels[1], levels[0]]
        let top = sources[0]
        let ds = zip(sides, sources).map { side, source in
            Operations.resize(side(source, compute), height: top.height, width: top.width, alignCorners: false, compute)
        }
        let fused = fuse(ds, compute)
        for map in [fused] + ds { Operations.sigmoidInPlace(map) }
        return [fused] + ds
    }
}
