/// segmentation_models.pytorch 0.6's `Linknet`: the encoder, then one decoder
/// block per stage from the deepest (`decoder.blocks.{i}.block`: a 1×1
/// convolution to a quarter of the channels, a 4×4 stride-2 transposed
/// convolution, a 1×1 convolution to the next width, each with BatchNorm and
/// ReLU) whose output is added to the next shallower feature; 32 channels
/// after the last block and a 1×1 `segmentation_head.0`. smp needs sides
/// divisible by 2^depth (up to 32); SegKit pads the input with zeros at the
/// bottom and right to that multiple and crops the output back.
final class SMPLinknet: SMPNetwork {
    /// One decoder block.
    struct Block: Sendable {
        let reduce: Conv2D, upsample: ConvTranspose4x4, expand: Conv2D
    }

    let encoder: any SMPEncoder
    let blocks: [Block]
    let head: Conv2D
    var architecture: Architecture { .smpLinknet }
    var depth: Int { blocks.count }
    var decoderSettings: [String: String] { [:] }
    var decoderSummary: String { "decoder channels " + blocks.map { String($0.expand.outChannels) }.joined(separator: ",") }

    init(_ store: WeightStore, options: SMPOptions) throws {
        let depth = (0...).prefix { store.has("decoder.blocks.\($0).block.0.0.weight") }.count
        guard (1...5).contains(depth) else {
            throw ModelError(path: store.file.path, "an smp Linknet has 1 to 5 decoder blocks ('decoder.blocks.N.block.0.0.weight'); found \(depth)")
        }
        encoder = try SMPEncoders.load(store, depth: depth)
        // smp's bookkeeping: encoder features deepest first without the input, then the 32 final channels.
        let features = Array(encoder.featureChannels.dropFirst().reversed())
        var blocks: [Block] = []
        var channels = features[0]
        for i in 0..<depth {
            let p = "decoder.blocks.\(i).block."
            let reduce = try store.conv(p + "0.0", inChannels: channels, kernel: 1, batchNorm: p + "0.1", relu: true)
            let quarter = reduce.outChannels
            let (w, _) = try store.tensor(p + "1.0.weight", [quarter, quarter, 4, 4])
            let upsample = ConvTranspose4x4(weight: w, inChannels: quarter, outChannels: quarter, bias: try store.tensor(p + "1.0.bias", [quarter]).values,
                                            batchNorm: try store.batchNorm(p + "1.1", channels: quarter), relu: true)
            let expand = try store.conv(p + "2.0", inChannels: quarter, kernel: 1, batchNorm: p + "2.1", relu: true)
            // The block's output is added to the next shallower feature (none after the last).
            try store.requireWidth(expand.outChannels, i + 1 < features.count ? features[i + 1] : expand.outChannels, "'decoder.blocks.\(i)'")
            blocks.append(Block(reduce: reduce, upsample: upsample, expand: expand))
            channels = expand.outChannels
        }
        self.blocks = blocks
        head = try Self.head(store, inChannels: channels, kernel: 1)
    }

    func forward(_ input: FeatureMap, _ compute: Compute) throws -> FeatureMap {
        // smp refuses other sizes: zero padding at the bottom and right, the output cropped back.
        Operations.padded(input, toMultipleOf: encoder.outputStride) { run($0, compute) }
    }

    private func run(_ input: FeatureMap, _ compute: Compute) -> FeatureMap {
        var features = Array(encoder.features(input, compute).dropFirst())
        var x = features.removeLast()
        for block in blocks {
            x = block.expand(block.upsample(block.reduce(x, compute), compute), compute)
            if let skip = features.popLast() { Operations.addInPlace(x, skip) }
        }
        return head(x, compute)
    }
}
