/// The decoder block smp's `Unet` and `UnetPlusPlus` share
/// (`decoder.blocks.<name>.conv{1,2}.{0,1}`): upsample the map, concatenate
/// the skips after it, scSE attention on that when the file has it, two
/// 3×3 convolution + BatchNorm + ReLU, attention again.
struct SMPDecoderBlock: Sendable {
    let conv1: Conv2D, conv2: Conv2D
    let attention1: SCSEAttention?, attention2: SCSEAttention?

    /// Reads block `prefix` for an input of `inChannels` and skips of `skipChannels` in total.
    init(_ store: WeightStore, prefix p: String, inChannels: Int, skipChannels: Int) throws {
        conv1 = try store.conv(p + "conv1.0", inChannels: inChannels + skipChannels, kernel: 3, bias: false, batchNorm: p + "conv1.1", relu: true)
        conv2 = try store.conv(p + "conv2.0", inChannels: conv1.outChannels, kernel: 3, bias: false, batchNorm: p + "conv2.1", relu: true)
        attention1 = skipChannels > 0 && store.has(p + "attention1.attention.sSE.0.weight")
            ? try SCSEAttention(store, prefix: p + "attention1.attention.", channels: inChannels + skipChannels) : nil
        // smp builds a skipless block's first attention too but never runs it.
        if skipChannels == 0 { store.ignore(prefix: p + "attention1.") }
        attention2 = store.has(p + "attention2.attention.sSE.0.weight")
            ? try SCSEAttention(store, prefix: p + "attention2.attention.", channels: conv2.outChannels) : nil
    }

    var outChannels: Int { conv2.outChannels }

    /// `x` upsampled to `height` × `width`, the skips concatenated after it, then the block.
    func callAsFunction(_ x: FeatureMap, skips: [FeatureMap], height: Int, width: Int, bilinear: Bool, _ compute: Compute) -> FeatureMap {
        let first: FeatureMap
        if bilinear || attention1 != nil {
            var inputs = [Operations.upsampled(x, height: height, width: width, bilinear: bilinear, compute)] + skips
            if let attention1 { inputs = [attention1(Operations.concatenated(inputs))] }
            first = conv1(inputs, compute)
        } else {
            // Nearest upsampling read in place by the convolution (no upsampled copy).
            first = conv1(resizing: x, toHeight: height, width: width, then: skips, compute)
        }
        var y = conv2(first, compute)
        if let attention2 { y = attention2(y) }
        return y
    }
}
