/// An encoder as segmentation_models.pytorch runs it under `encoder.`: the
/// input and then one feature map per stage, each half the size of the one
/// before (until the output stride, beyond which stages are dilated instead).
protocol SMPEncoder: Sendable {
    /// Channels of each feature smp returns, the input's first (depth + 1 entries).
    var featureChannels: [Int] { get }
    /// Total downsampling of the deepest feature: min(2^depth, the output stride).
    var outputStride: Int { get }
    /// smp's encoder name ("resnet34", "mobilenet_v2"), for descriptions and config checks.
    var name: String { get }
    /// Whether smp's encoder `name` fits these tensors (a ResNet whose stages
    /// beyond the depth were left out can be several).
    func isNamed(_ name: String) -> Bool
    /// The feature list for `input` (its first entry is `input` itself), each
    /// entry what `keeping(index, feature)` returns as the feature is made: the
    /// feature, nil to release it as soon as the next stage has read it, or a
    /// map computed from it there and then (DeepLabV3+ projects its stride-4
    /// feature to 48 channels at once instead of holding 256 through the
    /// encoder's deeper, larger stages).
    func features(_ input: FeatureMap, _ compute: Compute, keeping: (Int, FeatureMap) -> FeatureMap?) -> [FeatureMap?]
}

extension SMPEncoder {
    func isNamed(_ name: String) -> Bool { name == self.name }

    /// Every feature.
    func features(_ input: FeatureMap, _ compute: Compute) -> [FeatureMap] {
        features(input, compute, keeping: { _, feature in feature }).map { $0! }
    }
}

/// Recognises and loads the encoder an smp state_dict holds.
enum SMPEncoders {
    /// The encoders SegKit runs, as smp names them.
    static let names = ["resnet18", "resnet34", "resnet50", "mobilenet_v2"]

    /// The feature channels of the encoder in `store` at full depth (no tensors
    /// consumed), for decoders that infer their depth from their own tensors.
    static func featureChannels(_ store: WeightStore) throws -> [Int] {
        if store.has("encoder.conv1.weight") { return try ResNetEncoder.featureChannels(store, prefix: "encoder.") }
        if store.has("encoder.features.0.0.weight") { return try MobileNetV2Encoder.featureChannels(store, prefix: "encoder.") }
        throw unknownEncoder(store)
    }

    private static func unknownEncoder(_ store: WeightStore) -> ModelError {
        ModelError(path: store.file.path, "no smp encoder SegKit knows: neither 'encoder.conv1.weight' (ResNet) nor "
                   + "'encoder.features.0.0.weight' (MobileNet-V2) is present")
    }

    /// The encoder of `store` at `depth` (1…5) and `outputStride` (32, or 8/16
    /// for DeepLabV3+'s dilated stages); tensors of stages beyond the depth are ignored.
    static func load(_ store: WeightStore, depth: Int, outputStride: Int = 32) throws -> any SMPEncoder {
        guard (1...5).contains(depth) else { throw ModelError(path: store.file.path, "smp encoders have depth 1 to 5, not \(depth)") }
        if store.has("encoder.conv1.weight") { return try ResNetEncoder(store, prefix: "encoder.", depth: depth, outputStride: outputStride) }
        if store.has("encoder.features.0.0.weight") { return try MobileNetV2Encoder(store, prefix: "encoder.", depth: depth, outputStride: outputStride) }
        throw unknownEncoder(store)
    }

    /// The depth whose deepest feature has `channels` channels, from a
    /// decoder tensor that reads it (the last match: channels repeat only
    /// at depths no smp decoder allows).
    static func depth(readingChannels channels: Int, _ store: WeightStore, tensor: String) throws -> Int {
        let features = try featureChannels(store)
        guard let depth = features.lastIndex(of: channels), depth >= 1 else {
            throw ModelError(path: store.file.path, "'\(tensor)' reads \(channels) channels, which no stage of the encoder "
                             + "(features \(features.dropFirst().map(String.init).joined(separator: "/"))) has")
        }
        return depth
    }

    /// The dilation smp gives a stage of total stride `stageStride` under
    /// `outputStride` (its `make_dilated`): stages past the output stride keep
    /// the resolution and dilate by the stride they no longer take.
    static func dilation(stageStride: Int, outputStride: Int) -> Int {
        stageStride > outputStride ? stageStride / outputStride : 1
    }
}
