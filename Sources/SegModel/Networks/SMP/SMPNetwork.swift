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

    /// The head's bilinear ×`factor` upsampling (`align_corners`), refused before
    /// any memory is spent when it would not land on the (padded) input's size.
    func upsampledLogits(_ logits: FeatureMap, by factor: Int, toMatch input: FeatureMap, _ compute: Compute) throws -> FeatureMap {
        let h = factor * logits.height, w = factor * logits.width
        guard h == input.height && w == input.width else {
            throw ModelError(path: "", "this \(architecture.displayName) outputs \(w)x\(h) for an input padded to \(input.width)x\(input.height); "
                             + "its upsampling factor \(factor) does not undo the decoder's stride")
        }
        return Operations.resize(logits, height: h, width: w, alignCorners: true, compute)
    }
}
