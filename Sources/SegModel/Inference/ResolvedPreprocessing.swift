import Foundation

/// Preprocessing with every choice made for one network: what actually runs.
public struct ResolvedPreprocessing: Sendable, Equatable {
    public let channels: Int
    public let scale: Float
    /// One value per channel.
    public let mean: [Float], std: [Float]
    public let resize: Int?
    public let activation: Activation
    public let threshold: Float

    /// Fills defaults (scale 1/255, mean 0, std 1, no resize, sigmoid for one
    /// output and softmax for several — nothing for networks that end in a
    /// sigmoid) and checks the settings against the network.
    public init(_ p: Preprocessing, network: any SegmentationNetwork, source: String = "") throws {
        let channels = network.inputChannels
        if let declared = p.inputChannels, declared != channels {
            throw ModelError(path: source, "in_channels \(declared) does not match the weights, whose first layer reads \(channels) channels")
        }
        func perChannel(_ values: [Float]?, _ name: String, _ fallback: Float) throws -> [Float] {
            guard let values else { return Array(repeating: fallback, count: channels) }
            if values.count == 1 { return Array(repeating: values[0], count: channels) }
            guard values.count == channels else {
                throw ModelError(path: source, "\(name) has \(values.count) values but the model reads \(channels) channels")
            }
            return values
        }
        self.channels = channels
        scale = p.scale ?? 1 / 255
        mean = try perChannel(p.mean, "mean", 0)
        std = try perChannel(p.std, "std", 1)
        resize = p.resize
        threshold = p.threshold ?? 0.5
        if network.endsInSigmoid {
            // U²-Net and UNet 3+ already end in a sigmoid: never apply one twice.
            guard p.activation != .softmax || network.outputChannels == 1 else {
                throw ModelError(path: source, "activation softmax cannot follow \(network.architecture.displayName)'s built-in sigmoid")
            }
            activation = .none
        } else {
            activation = p.activation ?? (network.outputChannels == 1 ? .sigmoid : .softmax)
        }
    }
}
