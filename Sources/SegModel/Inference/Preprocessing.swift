import Foundation

/// What happens to pixels before the network and to its output after, as a
/// model file's safetensors `__metadata__` declares it or command-line flags
/// override it. Keys (all values are strings): `scale`, `mean`, `std`
/// (comma-separated, one per channel or one for all), `resize`, `in_channels`,
/// `activation` (`sigmoid` | `softmax` | `none`), `threshold`; `arch` and
/// unknown keys are ignored.
public struct Preprocessing: Sendable, Equatable {
    /// Multiplies 8-bit sample values (16-bit ones are first divided by 257).
    public var scale: Float?
    /// Per-channel mean subtracted after scaling.
    public var mean: [Float]?
    /// Per-channel standard deviation divided by after the mean.
    public var std: [Float]?
    /// Square side the image is resized to before the network (U²-Net: 320);
    /// the output is resized back bilinearly.
    public var resize: Int?
    /// Channels the model expects (checked against the weights).
    public var inputChannels: Int?
    /// Output activation; nil picks sigmoid for one output, softmax for several.
    public var activation: Activation?
    /// Probability at or above which a pixel is foreground in binary masks.
    public var threshold: Float?

    public init(scale: Float? = nil, mean: [Float]? = nil, std: [Float]? = nil, resize: Int? = nil,
                inputChannels: Int? = nil, activation: Activation? = nil, threshold: Float? = nil) {
        self.scale = scale; self.mean = mean; self.std = std; self.resize = resize
        self.inputChannels = inputChannels; self.activation = activation; self.threshold = threshold
    }

    /// Reads the keys SegKit knows from a model file's metadata; a malformed
    /// value is an error naming the key (and `source`, the file).
    public init(metadata: [String: String], source: String = "") throws {
        func fail(_ key: String, _ expected: String) -> ModelError {
            ModelError(path: source, "metadata '\(key)' = '\(metadata[key]!)' is not \(expected)")
        }
        self.init()
        if metadata["scale"] != nil {
            guard let v = Self.parseScale(metadata["scale"]!) else { throw fail("scale", "a positive number") }
            scale = v
        }
        if metadata["mean"] != nil {
            guard let v = Self.parseList(metadata["mean"]!, positive: false) else { throw fail("mean", "a comma-separated list of numbers") }
            mean = v
        }
        if metadata["std"] != nil {
            guard let v = Self.parseList(metadata["std"]!, positive: true) else { throw fail("std", "a comma-separated list of positive numbers") }
            std = v
        }
        if let text = metadata["resize"] {
            guard let v = Int(text.trimmingCharacters(in: .whitespaces)), v > 0, v <= 16384 else { throw fail("resize", "a side length in pixels") }
            resize = v
        }
        if let text = metadata["in_channels"] {
            guard let v = Int(text.trimmingCharacters(in: .whitespaces)), v > 0, v <= 4 else { throw fail("in_channels", "1, 2, 3 or 4") }
            inputChannels = v
        }
        if let text = metadata["activation"] {
            guard let v = Activation(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw fail("activation", "sigmoid, softmax or none")
            }
            activation = v
        }
        if metadata["threshold"] != nil {
            guard let v = Self.parseThreshold(metadata["threshold"]!) else { throw fail("threshold", "a number between 0 and 1") }
            threshold = v
        }
    }

    /// These settings with every value `other` sets replacing ours (flags over metadata).
    public func overridden(by other: Preprocessing) -> Preprocessing {
        Preprocessing(scale: other.scale ?? scale, mean: other.mean ?? mean, std: other.std ?? std, resize: other.resize ?? resize,
                      inputChannels: other.inputChannels ?? inputChannels, activation: other.activation ?? activation,
                      threshold: other.threshold ?? threshold)
    }

    /// A positive finite number, or a fraction written `1/255`.
    public static func parseScale(_ text: String) -> Float? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let value: Double?
        if parts.count == 2, let a = Double(parts[0].trimmingCharacters(in: .whitespaces)),
           let b = Double(parts[1].trimmingCharacters(in: .whitespaces)), b != 0 {
            value = a / b
        } else {
            value = Double(text.trimmingCharacters(in: .whitespaces))
        }
        guard let value, value.isFinite, value > 0 else { return nil }
        return Float(value)
    }

    /// Comma-separated finite numbers (positive ones when `positive`).
    public static func parseList(_ text: String, positive: Bool) -> [Float]? {
        let values = text.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.count <= 4, values.allSatisfy({ $0 != nil && $0!.isFinite && (!positive || $0! > 0) }) else { return nil }
        return values.map { $0! }
    }

    /// A number in [0, 1].
    public static func parseThreshold(_ text: String) -> Float? {
        guard let v = Float(text.trimmingCharacters(in: .whitespaces)), v >= 0, v <= 1 else { return nil }
        return v
    }
}
