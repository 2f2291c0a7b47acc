

/// A weights file turned into a network, with the preprocessing metadata it carries.
public struct LoadedModel: Sendable {
    public let network: any SegmentationNetwork
    /// The safetensors `__metadata__` map.
    public let metadata: [String: String]
    public let path: String
    /// smp's `config.json` when the weights came as a `save_pretrained` folder.
    public private(set) var smpConfig: SMPConfig?

    /// Loads `path`: a safetensors file, or smp's `save_pretrained` folder
    /// (`model.safetensors` and `config.json`, checked against each other).
    /// `architecture` nil recognises it from the tensor names; a file with
    /// missing, unexpected or wrongly shaped tensors is an error naming the
    /// tensor and the expected shape.
    public init(path: String, architecture: Architecture? = nil) throws {
        let located = try SMPConfig.locate(path)
        let file = try SafeTensors(contentsOf: located.weights)
        try self.init(file, architecture: architecture ?? (located.config != nil ? .smpUnet : nil))
        try located.config?.check(network)
        smpConfig = located.config
    }

    /// The preprocessing the weights come with: smp's config (its encoder's
    /// normalisation, its activation), then the file's metadata over it.
    public func preprocessing() throws -> Preprocessing {
        (smpConfig?.preprocessing ?? Preprocessing()).overridden(by: try Preprocessing(metadata: metadata, source: path))
    }

    /// Builds the network from parsed tensors.
    public init(_ file: SafeTensors, architecture: Architecture? = nil) throws {
        let store = WeightStore(file)
        let detected = Self.detect(store)
        let arch = architecture ?? detected
        guard let arch else {
            throw ModelError(path: file.path, "not a U-Net, U²-Net, UNet 3+ or smp Unet state_dict: none of 'inc.double_conv.0.weight', "
                             + "'inc.conv.conv.0.weight', 'stage1.rebnconvin.conv_s1.weight', 'conv1.conv1.0.weight', 'decoder.blocks.0.conv1.0.weight' is present "
                             + "(\(file.entries.count) tensors, e.g. \(file.entries.keys.sorted().prefix(2).map { "'\($0)'" }.joined(separator: ", ")))")
        }
        let network: any SegmentationNetwork
        switch arch {
        case .unet: network = try UNet(store)
        case .u2net, .u2netp: network = try U2Net(store)
        case .unet3plus: network = try UNet3Plus(store)
        case .smpUnet: network = try SMPUnet(store)
        }
        try store.checkAllUsed(architecture: arch.displayName)
        self.network = network
        metadata = file.metadata
        path = file.path
    }

    /// The architecture the tensor names point to.
    static func detect(_ store: WeightStore) -> Architecture? {
        if store.has("inc.double_conv.0.weight") || store.has("inc.conv.conv.0.weight") { return .unet }
        if store.has("stage1.rebnconvin.conv_s1.weight") {
            return (store.shape("stage1.rebnconv1.conv_s1.weight")?.first ?? 32) <= 16 ? .u2netp : .u2net
        }
        if store.has("conv1.conv1.0.weight") && store.has("h1_PT_hd4_conv.weight") { return .unet3plus }
        if store.has("encoder.conv1.weight") && store.has("decoder.blocks.0.conv1.0.weight") && store.has("segmentation_head.0.weight") { return .smpUnet }
        return nil
    }
}
