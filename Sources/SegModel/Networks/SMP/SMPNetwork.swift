/// A segmentation_models.pytorch model: an encoder under `encoder.`, a
/// decoder under `decoder.` and `segmentation_head.0`.
protocol SMPNetwork: SegmentationNetwork {
    var encoder: any SMPEncoder { get }
    /// `segmentation_head.0`.
    var head: Conv2D { get }
    /// smp's `encoder_depth`, as the decoder's tensors show it.
    var depth: Int { get }
    /// The decoder settings the tensors show, under smp's argument names in
    /// `SMPConfig.decoderSettings` notation, for the check against config.json.
    var decoderSettings: [String: String] { get }
    /// The decoder's particulars for the description ("decoder channels 256,128,…").
    var decoderSummary: String { get }
}

extension SMPNetwork {
    var inputChannels: Int { encoder.featureChannels[0] }
    var outputChannels: Int { head.outChannels }
    /// Every size runs (Unet as smp does; the others padded to their output stride).
    var minimumSide: Int { 1 }
    var description: String { "\(architecture.displayName) (\(encoder.name), depth \(depth), \(decoderSummary))" }

    /// Reads the segmentation head (`segmentation_head.0`, a convolution with bias).
    static func head(_ store: WeightStore, inChannels: Int, kernel: Int) throws -> Conv2D {
        try store.conv("segmentation_head.0", inChannels: inChannels, kernel: kernel, bias: true, relu: false)
    }

    /// `body` on `input` zero-padded at the bottom and right to multiples of
    /// `multiple` (smp refuses other sizes for these architectures), its
    /// output cropped back. A decoder whose output is not at the padded
    /// input's size (an `upsampling` that does not undo the decoder's
    /// stride) is an error naming both sizes.
    func padded(_ input: FeatureMap, toMultipleOf multiple: Int, _ body: (FeatureMap) throws -> FeatureMap) throws -> FeatureMap {
        let out = try Operations.padded(input, toMultipleOf: multiple, body)
        guard out.height == input.height && out.width == input.width else {
            throw ModelError(path: "", "this \(architecture.displayName) outputs \(out.width)x\(out.height) for an input padded to "
                             + "\(input.width.roundedUp(multiple))x\(input.height.roundedUp(multiple)); its upsampling factor does not undo the decoder's stride")
        }
        return out
    }
}

extension Int {
    /// The smallest multiple of `m` at or above this value.
    func roundedUp(_ m: Int) -> Int { (self + m - 1) / m * m }
}
