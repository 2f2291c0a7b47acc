/// segmentation_models.pytorch 0.6's `Unet` from smp's own key names:
/// an encoder (`encoder.*`: ResNet or MobileNet-V2), decoder blocks
/// `decoder.blocks.{i}` (see `SMPDecoderBlock`), `segmentation_head.0` (3×3
/// convolution with bias). Each block upsamples to the next shallower
/// feature's size (`F.interpolate(size=…)`), so, as in smp, any input size
/// runs. The encoder depth is the number of decoder blocks.
final class SMPUnet: SMPNetwork {
    let encoder: any SMPEncoder
    let blocks: [SMPDecoderBlock]
    let head: Conv2D
    let bilinear: Bool
    var architecture: Architecture { .smpUnet }
    var depth: Int { blocks.count }
    var decoderSummary: String { "decoder channels \(decoderSettings["decoder_channels"]!)" }
    var decoderSettings: [String: String] {
        ["decoder_channels": blocks.map { String($0.outChannels) }.joined(separator: ","),
         "decoder_attention_type": blocks.contains { $0.attention2 != nil } ? "scse" : "none"]
    }

    init(_ store: WeightStore, options: SMPOptions) throws {
        let depth = (0...).prefix { store.has("decoder.blocks.\($0).conv1.0.weight") }.count
        guard (1...5).contains(depth) else {
            throw ModelError(path: store.file.path, "an smp Unet has 1 to 5 decoder blocks ('decoder.blocks.N.conv1.0.weight'); found \(depth)")
        }
        encoder = try SMPEncoders.load(store, depth: depth)
        let features = encoder.featureChannels
        var below = features.last!
        var blocks: [SMPDecoderBlock] = []
        for i in 0..<depth {
            // Skips from the deepest but one down to the first stage; the last block has none.
            let skip = i + 2 < features.count ? features[features.count - 2 - i] : 0
            let block = try SMPDecoderBlock(store, prefix: "decoder.blocks.\(i).", inChannels: below, skipChannels: skip)
            blocks.append(block)
            below = block.outChannels
        }
        self.blocks = blocks
        head = try Self.head(store, inChannels: below, kernel: 3)
        bilinear = options.interpolation == .bilinear
    }

    func forward(_ input: FeatureMap, _ compute: Compute) throws -> FeatureMap {
        var features = encoder.features(input, compute)
        var x = features.removeLast()
        for block in blocks {
            // The next shallower feature sets the size; it is concatenated unless it is the input.
            let target = features.removeLast()
            x = block(x, skips: features.isEmpty ? [] : [target], height: target.height, width: target.width, bilinear: bilinear, compute)
        }
        return head(x, compute)
    }
}
