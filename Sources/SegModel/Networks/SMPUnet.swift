/// segmentation_models.pytorch 0.6's `Unet` on a ResNet encoder, from smp's
/// own key names: `encoder.*` (torchvision ResNet), `decoder.blocks.{i}.conv{1,2}.{0,1}`
/// (3×3 convolution + BatchNorm + ReLU), `segmentation_head.0` (3×3 convolution
/// with bias), with smp's scSE attention when the file holds it. Each decoder block upsamples to the next shallower feature's
/// size (nearest, as `F.interpolate(mode="nearest")`), concatenates that
/// feature (none for the last block) and applies its two convolutions. The
/// encoder depth is the number of decoder blocks.
final class SMPUnet: SegmentationNetwork {
    /// One decoder block, with scSE attention on the concatenation and on its output when the file has it.
    struct Block: Sendable {
        let conv1: Conv2D, conv2: Conv2D
        let attention1: SCSEAttention?, attention2: SCSEAttention?
    }

    let encoder: ResNetEncoder
    let blocks: [Block]
    let head: Conv2D
    var architecture: Architecture { .smpUnet }
    var inputChannels: Int { encoder.stem.inChannels }
    var outputChannels: Int { head.outChannels }
    var description: String {
        "smp Unet (ResNet encoder of \(encoder.blockKind)s, depth \(blocks.count), decoder channels "
            + blocks.map { String($0.conv2.outChannels) }.joined(separator: "/") + ")"
    }

    init(_ store: WeightStore) throws {
        var depth = 0
        while store.has("decoder.blocks.\(depth).conv1.0.weight") { depth += 1 }
        guard (1...5).contains(depth) else {
            throw ModelError(path: store.file.path, "an smp Unet has 1 to 5 decoder blocks ('decoder.blocks.N.conv1.0.weight'); found \(depth)")
        }
        encoder = try ResNetEncoder(store, prefix: "encoder.", depth: depth)
        let features = encoder.featureChannels
        var below = features.last!
        var blocks: [Block] = []
        for i in 0..<depth {
            // Skips from the deepest but one down to the stem; the last block has none.
            let skip = i + 2 < features.count ? features[features.count - 2 - i] : 0
            let p = "decoder.blocks.\(i)."
            let conv1 = try store.conv(p + "conv1.0", inChannels: below + skip, kernel: 3, bias: false, batchNorm: p + "conv1.1", relu: true)
            let conv2 = try store.conv(p + "conv2.0", inChannels: conv1.outChannels, kernel: 3, bias: false, batchNorm: p + "conv2.1", relu: true)
            let attention1 = skip > 0 && store.has(p + "attention1.attention.sSE.0.weight")
                ? try SCSEAttention(store, prefix: p + "attention1.attention.", channels: below + skip) : nil
            // smp builds the last block's first attention too but never runs it (there is no skip).
            if skip == 0 { store.ignore(prefix: p + "attention1.") }
            let attention2 = store.has(p + "attention2.attention.sSE.0.weight")
                ? try SCSEAttention(store, prefix: p + "attention2.attention.", channels: conv2.outChannels) : nil
            blocks.append(Block(conv1: conv1, conv2: conv2, attention1: attention1, attention2: attention2))
            below = conv2.outChannels
        }
        self.blocks = blocks
        head = try store.conv("segmentation_head.0", inChannels: below, kernel: 3, bias: true, relu: false)
    }

    /// Every stage halves the size: the input must allow 2^depth.
    var minimumSide: Int { 1 << blocks.count }

    func forward(_ input: FeatureMap, _ compute: Compute) throws -> FeatureMap {
        // smp refuses other sizes too (its check_input_shape): the skips would not line up as trained.
        let multiple = 1 << blocks.count
        guard input.height % multiple == 0 && input.width % multiple == 0 else {
            throw ModelError(path: "", "an smp Unet of encoder depth \(blocks.count) needs sides that are multiples of \(multiple), as smp checks; "
                             + "the input is \(input.width)x\(input.height) (resize it, or predict in tiles of a multiple of \(multiple))")
        }
        var features = encoder.features(input, compute)
        var x = features.removeLast()
        for block in blocks {
            // The next shallower feature sets the size; it is concatenated unless it is the input.
            let target = features.removeLast()
            let up = Operations.nearestResize(x, height: target.height, width: target.width)
            var inputs = features.isEmpty ? [up] : [up, target]
            if let attention = block.attention1 { inputs = [attention(Operations.concatenated(inputs))] }
            x = block.conv2(block.conv1(inputs, compute), compute)
            if let attention = block.attention2 { x = attention(x) }
        }
        return head(x, compute)
    }
}
