import Foundation

/// The settings of an smp model that its tensors do not show: DeepLabV3+'s
/// output stride and atrous rates, the head's upsampling factor (FPN,
/// DeepLabV3+) and the decoder's interpolation (Unet, Unet++, FPN). They come
/// from smp's `config.json`, or for a plain state_dict from the safetensors
/// metadata under smp's own argument names (`encoder_output_stride`,
/// `decoder_atrous_rates`, `upsampling`, `decoder_interpolation`); smp's
/// defaults otherwise.
public struct SMPOptions: Sendable, Equatable {
    /// How the decoders upsample between stages (`F.interpolate` mode).
    public enum Interpolation: String, Sendable, CaseIterable { case nearest, bilinear }

    /// DeepLabV3+'s `encoder_output_stride` (8 or 16): the encoder dilates past it.
    public var outputStride = 16
    /// DeepLabV3+'s `decoder_atrous_rates`, the ASPP's three dilations.
    public var atrousRates = [12, 24, 36]
    /// The segmentation head's `upsampling` (FPN and DeepLabV3+; smp's default 4).
    public var upsampling = 4
    /// `decoder_interpolation`.
    public var interpolation = Interpolation.nearest

    public init() {}

    /// Reads the options from `values` (config.json's object or the metadata's
    /// strings); a malformed or unsupported value is an error naming the key
    /// and `source`.
    init(_ values: [String: Any], source: String) throws {
        func fail(_ key: String, _ expected: String) -> ModelError {
            ModelError(path: source, "'\(key)' = \(values[key]!) is not \(expected)")
        }
        func integers(_ value: Any) -> [Int]? {
            if let list = value as? [Int] { return list }
            if let n = value as? Int { return [n] }
            guard let text = value as? String else { return nil }
            let parts = text.trimmingCharacters(in: CharacterSet(charactersIn: "[]() ")).split(separator: ",")
            let numbers = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            return numbers.count == parts.count && !numbers.isEmpty ? numbers : nil
        }
        if let value = values["encoder_output_stride"], !(value is NSNull) {
            guard let n = integers(value), n.count == 1, [8, 16].contains(n[0]) else { throw fail("encoder_output_stride", "8 or 16") }
            outputStride = n[0]
        }
        if let value = values["decoder_atrous_rates"], !(value is NSNull) {
            guard let n = integers(value), n.count == 3, n.allSatisfy({ (1...256).contains($0) }) else {
                throw fail("decoder_atrous_rates", "three dilation rates from 1 to 256")
            }
            atrousRates = n
        }
        if let value = values["upsampling"], !(value is NSNull) {
            guard let n = integers(value), n.count == 1, (1...64).contains(n[0]) else { throw fail("upsampling", "a factor from 1 to 64") }
            upsampling = n[0]
        }
        if let value = values["decoder_interpolation"], !(value is NSNull) {
            guard let text = value as? String, let mode = Interpolation(rawValue: text.trimmingCharacters(in: .whitespaces)) else {
                throw fail("decoder_interpolation", "nearest or bilinear (SegKit runs these two of smp's modes)")
            }
            interpolation = mode
        }
    }
}
