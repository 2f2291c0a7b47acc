import Foundation

/// The `config.json` segmentation_models.pytorch's `save_pretrained` writes
/// beside `model.safetensors`: the constructor arguments of the model
/// (`_model_class`, `encoder_name`, `in_channels`, `classes`, `activation`,
/// decoder options). SegKit checks it against what it can run and the
/// tensors it loaded, and takes the activation and the encoder's
/// preprocessing from it.
public struct SMPConfig: Sendable, Equatable {
    public let path: String
    public let modelClass: String
    public let encoderName: String
    public let encoderDepth: Int
    public let inChannels: Int
    public let classes: Int
    public let decoderChannels: [Int]
    public let attention: String?
    /// smp's `activation` (nil: logits).
    public let activation: String?

    /// The encoders SegKit runs.
    public static let encoders = ["resnet18", "resnet34", "resnet50"]

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
            guard let value = object[key] else { return fallback }
            guard let n = value as? Int else { throw ModelError(path: path, "'\(key)' = \(value) is not an integer") }
            return n
        }
        modelClass = string("_model_class") ?? "Unet"
        guard modelClass == "Unet" else {
            throw ModelError(path: path, "smp \(modelClass) is not supported yet (supported: Unet)")
        }
        encoderName = string("encoder_name") ?? "resnet34"
        guard Self.encoders.contains(encoderName) else {
            throw ModelError(path: path, "smp encoder '\(encoderName)' is not supported yet (supported: \(Self.encoders.joined(separator: ", ")))")
        }
        encoderDepth = try int("encoder_depth", 5)
        inChannels = try int("in_channels", 3)
        classes = try int("classes", 1)
        decoderChannels = (object["decoder_channels"] as? [Int]) ?? [256, 128, 64, 32, 16]
        attention = object["decoder_attention_type"] as? String
        guard attention == nil || attention == "scse" else {
            throw ModelError(path: path, "decoder_attention_type '\(attention!)' is not supported (none or scse)")
        }
        if let norm = object["decoder_use_norm"], !(norm is NSNull), (norm as? String) != "batchnorm" && (norm as? Bool) != true {
            throw ModelError(path: path, "decoder_use_norm \(norm) is not supported (batchnorm)")
        }
        if let mode = string("decoder_interpolation"), mode != "nearest" {
            throw ModelError(path: path, "decoder_interpolation '\(mode)' is not supported (nearest)")
        }
        if let aux = object["aux_params"], !(aux is NSNull) {
            throw ModelError(path: path, "aux_params (a classification head) is not supported")
        }
        activation = string("activation")
        guard [nil, "sigmoid", "softmax", "softmax2d", "identity"].contains(activation) else {
            throw ModelError(path: path, "activation '\(activation!)' is not supported (none, sigmoid, softmax, softmax2d, identity)")
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
    /// and standard deviation on [0, 1] input for 3-channel ResNet encoders
    /// (smp's `get_preprocessing_params`), smp's activation when set.
    public var preprocessing: Preprocessing {
        var p = Preprocessing()
        p.inputChannels = inChannels
        if inChannels == 3 {
            p.scale = 1 / 255
            p.mean = [0.485, 0.456, 0.406]
            p.std = [0.229, 0.224, 0.225]
        }
        switch activation {
        case "sigmoid": p.activation = .sigmoid
        case "softmax", "softmax2d": p.activation = .softmax
        case "identity": p.activation = Activation.none
        default: break
        }
        return p
    }

    /// Checks the loaded network against the config.
    public func check(_ network: any SegmentationNetwork) throws {
        guard network.architecture == .smpUnet else {
            throw ModelError(path: path, "describes an smp Unet but the weights are \(network.architecture.displayName)")
        }
        if network.inputChannels != inChannels || network.outputChannels != classes {
            throw ModelError(path: path, "in_channels \(inChannels), classes \(classes) do not match the weights (\(network.inputChannels) → \(network.outputChannels))")
        }
        if let unet = network as? SMPUnet {
            let channels = unet.blocks.map(\.conv2.outChannels)
            if channels != Array(decoderChannels.prefix(channels.count)) || encoderDepth != channels.count {
                throw ModelError(path: path, "encoder_depth \(encoderDepth), decoder_channels \(decoderChannels) do not match the weights (depth \(channels.count), \(channels))")
            }
        }
    }
}
