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
    /// `architecture` nil takes the config's, then the metadata's `arch` (smp's), then
    /// recognises it from the tensor names; a file with missing, unexpected or
    /// wrongly shaped tensors is an error naming the tensor and the expected shape.
    public init(path: String, architecture: Architecture? = nil) throws {
        let located = try SMPConfig.locate(path)
        let file = try SafeTensors(contentsOf: located.weights)
        if let config = located.config, let detected = Self.detect(WeightStore(file)), detected != config.architecture {
            throw ModelError(path: config.path, "describes an \(config.architecture.displayName) but the weights are \(detected.displayName)")
        }
        try self.init(file, architecture: architecture ?? located.config?.architecture, smpOptions: located.config?.options)
        try located.config?.check(network)
        smpConfig = located.config
    }

    /// The preprocessing the weights come with: smp's config (its encoder's
    /// normalisation, its activation), then the file's metadata over it.
    public func preprocessing() throws -> Preprocessing {
        (smpConfig?.preprocessing ?? Preprocessing()).overridden(by: try Preprocessing(metadata: metadata, source: path))
    }

    /// Builds the network from parsed tensors. smp's settings the tensors do
    /// not show come from `smpOptions`, else from the metadata (smp's
    /// argument names), else smp's defaults.
    public init(_ file: SafeTensors, architecture: Architecture? = nil, smpOptions: SMPOptions? = nil) throws {
        let store = WeightStore(file)
        var named = architecture
        // An smp architecture named in the metadata is honoured (its settings travel there too);
        // other `arch` values are free-form notes of earlier exports and stay ignored.
        if named == nil, let text = file.metadata["arch"]?.trimmingCharacters(in: .whitespaces).lowercased(), text.hasPrefix("smp-") {
            guard let arch = Architecture(rawValue: text) else {
                let smp = Architecture.allCases.filter { $0.smpClass != nil }.map(\.rawValue)
                throw ModelError(path: file.path, "metadata 'arch' = '\(text)' is not one of \(smp.joined(separator: ", "))")
            }
            named = arch
        }
        guard let arch = named ?? Self.detect(store) else {
            throw ModelError(path: file.path, "not a U-Net, U²-Net, UNet 3+ or smp Unet/UnetPlusPlus/FPN/DeepLabV3Plus/Linknet state_dict: none of "
                             + "'inc.double_conv.0.weight', 'inc.conv.conv.0.weight', 'stage1.rebnconvin.conv_s1.weight', 'conv1.conv1.0.weight', "
                             + Self.smpDecoderKeys.map { "'\($0.key)'" }.joined(separator: ", ") + " is present "
                             + "(\(file.entries.count) tensors, e.g. \(file.entries.keys.sorted().prefix(2).map { "'\($0)'" }.joined(separator: ", ")))")
        }
        let options = try smpOptions ?? SMPOptions(file.metadata, source: file.path)
        let network: any SegmentationNetwork
        switch arch {
        case .unet: network = try UNet(store)
        case .u2net, .u2netp: network = try U2Net(store)
        case .unet3plus: network = try UNet3Plus(store)
        case .smpUnet: network = try SMPUnet(store, options: options)
        case .smpUnetPlusPlus: network = try SMPUnetPlusPlus(store, options: options)
        case .smpFPN: network = try SMPFPN(store, options: options)
        case .smpDeepLabV3Plus: network = try SMPDeepLabV3Plus(store, options: options)
        case .smpLinknet: network = try SMPLinknet(store, options: options)
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
        guard store.has("segmentation_head.0.weight") else { return nil }
        return smpDecoderKeys.first { store.has($0.key) }?.architecture
    }

    /// The tensor that tells each smp decoder apart (beside `segmentation_head.0.weight`).
    static let smpDecoderKeys: [(architecture: Architecture, key: String)] = [
        (.smpUnet, "decoder.blocks.0.conv1.0.weight"), (.smpUnetPlusPlus, "decoder.blocks.x_0_0.conv1.0.weight"),
        (.smpFPN, "decoder.p5.weight"), (.smpDeepLabV3Plus, "decoder.aspp.0.convs.0.0.weight"),
        (.smpLinknet, "decoder.blocks.0.block.0.0.weight"),
    ]
}
