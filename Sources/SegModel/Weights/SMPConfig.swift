import Foundation

/// The `config.json` segmentation_models.pytorch's `save_pretrained` writes
/// beside `model.safetensors`: the constructor arguments of the model
/// (`_model_class`, `encoder_name`, `in_channels`, `classes`, `activation`,
/// decoder options). SegKit checks it against what it can run and the
/// tensors it loaded, and takes the activation, the encoder's preprocessing
/// and the options the tensors do not show (`SMPOptions`) from it.
public struct SMPConfig: Sendable, Equatable {
    public let path: String
    public let architecture: Architecture
    public let encoderName: String
    public let encoderDepth: Int
    public let inChannels: Int
    public let classes: Int
    /// smp's `activation` (nil: logits).
    public let activation: String?
    /// Output stride, atrous rates, upsampling, interpolation.
    public let options: SMPOptions
    /// The decoder's shape settings as the network reports them (`SMPNetwork.decoderSettings`),
    /// with smp's defaults where the file is silent, for the check against the tensors.
    public let decoderSettings: [String: String]

    /// Parses `path`; anything SegKit cannot run faithfully (another
    /// architecture or encoder, a decoder option it does not implement) is an
    /// error naming the setting.
    public init(path: String) throws {
        self.path = path
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ModelError(path: path, "cannot read the smp config: \(error.localizedDescription)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ModelError(path: path, "not a JSON object (smp's save_pretrained config.json)")
        }
        func string(_ key: String) -> String? { object[key] as? String }
        func int(_ key: String, _ fallback: Int) throws -> Int {
            guard let value = object[key], !(value is NSNull) else { return fallback }
            guard let n = value as? Int else { throw ModelError(path: path, "'\(key)' = \(value) is not an integer") }
            return n
        }
        let modelClass = string("_model_class") ?? "Unet"
        guard let architecture = Architecture(smpClass: modelClass) else {
            let supported = Architecture.allCases.compactMap(\.smpClass).joined(separator: ", ")
            throw ModelError(path: path, "smp \(modelClass) is not supported (supported: \(supported))")
        }
        self.architecture = architecture
        encoderName = string("encoder_name") ?? "resnet34"
        guard SMPEncoders.names.contains(encoderName) else {
            throw ModelError(path: path, "smp encoder '\(encoderName)' is not supported (supported: \(SMPEncoders.names.joined(separator: ", ")))")
        }
        encoderDepth = try int("encoder_depth", 5)
        inChannels = try int("in_channels", 3)
        classes = try int("classes", 1)
        // `decoder_use_batchnorm` is smp's deprecated spelling of the same setting ("inplace" is InPlaceABN).
        for key in ["decoder_use_norm", "decoder_use_batchnorm"] {
            if let norm = object[key], !(norm is NSNull), (norm as? String) != "batchnorm" && (norm as? Bool) != true {
                throw ModelError(path: path, "\(key) \(norm) is not supported (batchnorm)")
            }
        }
        if let aux = object["aux_params"], !(aux is NSNull) {
            throw ModelError(path: path, "aux_params (a classification head) is not supported")
        }
        activation = string("activation")
        guard [nil, "sigmoid", "softmax", "softmax2d", "identity"].contains(activation) else {
            throw ModelError(path: path, "activation '\(activation!)' is not supported (none, sigmoid, softmax, softmax2d, identity)")
        }
        options = try SMPOptions(object, source: path)
        if options.interpolation != .nearest && [.smpDeepLabV3Plus, .smpLinknet].contains(architecture) {
            throw ModelError(path: path, "\(modelClass) has no decoder_interpolation")
        }
        // The decoder's shape settings, in the network's notation, smp's defaults where absent.
        var settings: [String: String] = [:]
        for (key, fallback) in Self.decoderDefaults[architecture] ?? [:] {
            settings[key] = object[key].map { Self.text($0, boolean: fallback == "true" || fallback == "false") } ?? fallback
        }
        decoderSettings = settings
    }

    /// smp 0.6's defaults of the decoder settings the tensors show, per architecture.
    static let decoderDefaults: [Architecture: [String: String]] = [
        .smpUnet: ["decoder_channels": "256,128,64,32,16", "decoder_attention_type": "none"],
        .smpUnetPlusPlus: ["decoder_channels": "256,128,64,32,16", "decoder_attention_type": "none"],
        .smpFPN: ["decoder_pyramid_channels": "256", "decoder_segmentation_channels": "128", "decoder_merge_policy": "add"],
        .smpDeepLabV3Plus: ["decoder_channels": "256", "decoder_aspp_separable": "true"],
        .smpLinknet: [:],
    ]

    /// A JSON value in `decoderSettings` notation: lists comma-joined, null as
    /// "none", flags as "true"/"false" (JSON numbers and booleans look alike
    /// once parsed, so the caller says which it expects).
    static func text(_ value: Any, boolean: Bool) -> String {
        if boolean, let flag = value as? Bool { return flag ? "true" : "false" }
        switch value {
        case is NSNull: return "none"
        case let list as [Int]: return list.map(String.init).joined(separator: ",")
        case let n as Int: return String(n)
        case let s as String: return s
        default: return "\(value)"
        }
    }

    /// The weights and config of a `save_pretrained` folder (nil config when
    /// it has none); a weights file as it is (a `config.json` beside a file
    /// may belong to anything, so only folders are read as smp's).
    public static func locate(_ weights: String) throws -> (weights: String, config: SMPConfig?) {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: weights, isDirectory: &isFolder), isFolder.boolValue {
            let file = (weights as NSString).appendingPathComponent("model.safetensors")
            let config = (weights as NSString).appendingPathComponent("config.json")
            guard FileManager.default.fileExists(atPath: file) else {
                throw ModelError(path: weights, "a folder without model.safetensors (expected smp's save_pretrained output)")
            }
            return (file, FileManager.default.fileExists(atPath: config) ? try SMPConfig(path: config) : nil)
        }
        return (weights, nil)
    }

    /// The preprocessing and activation the config implies: ImageNet's mean
    /// and standard deviation on [0, 1] input for 3-channel input (smp's
    /// `get_preprocessing_params` for every encoder SegKit runs), smp's
    /// activation when set.
    public var preprocessing: Preprocessing {
        var p = Preprocessing()
        p.inputChannels = inChannels
        if inChannels == 3 {
            p.scale = 1 / 255
            p.mean = [0.485, 0.456, 0.406]
            p.std = [0.229, 0.224, 0.225]
        }
        // null and "identity" both mean logits (smp's nn.Identity): segpredict's default
        // activation then applies (sigmoid for one class, softmax for several), as for any model.
        switch activation {
        case "sigmoid": p.activation = .sigmoid
        case "softmax", "softmax2d": p.activation = .softmax
        default: break
        }
        return p
    }

    /// Checks the loaded network against the config: architecture, encoder,
    /// depth, channels and every decoder setting the tensors show.
    public func check(_ network: any SegmentationNetwork) throws {
        guard network.architecture == architecture, let smp = network as? any SMPNetwork else {
            throw ModelError(path: path, "describes an \(architecture.displayName) but the weights are \(network.architecture.displayName)")
        }
        if network.inputChannels != inChannels || network.outputChannels != classes {
            throw ModelError(path: path, "in_channels \(inChannels), classes \(classes) do not match the weights (\(network.inputChannels) → \(network.outputChannels))")
        }
        if !smp.encoder.isNamed(encoderName) || smp.depth != encoderDepth {
            throw ModelError(path: path, "encoder '\(encoderName)' at depth \(encoderDepth) does not match the weights ('\(smp.encoder.name)' at depth \(smp.depth))")
        }
        let found = smp.decoderSettings
        for key in decoderSettings.keys.sorted() where found[key] != nil && found[key] != decoderSettings[key] {
            throw ModelError(path: path, "\(key) \(decoderSettings[key]!) does not match the weights (\(found[key]!))")
        }
    }
}
