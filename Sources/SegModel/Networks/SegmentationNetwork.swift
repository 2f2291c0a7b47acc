

/// A network ready to run: weights loaded, BatchNorm folded.
public protocol SegmentationNetwork: AnyObject, Sendable, CustomStringConvertible {
    /// Which architecture the weights were recognised as.
    var architecture: Architecture { get }
    /// Channels the first layer reads (1 grey, 3 RGB, …).
    var inputChannels: Int { get }
    /// Output maps (classes, or 1 for a binary foreground).
    var outputChannels: Int { get }
    /// True when the network's last layer is already a sigmoid (U²-Net, UNet 3+),
    /// so no activation may be applied after it.
    var endsInSigmoid: Bool { get }
    /// Smallest input side the network accepts.
    var minimumSide: Int { get }
    /// The network's raw output (logits, or probabilities when `endsInSigmoid`)
    /// at the input's size.
    func forward(_ input: FeatureMap, _ compute: Compute) throws -> FeatureMap
}

extension SegmentationNetwork {
    /// Most networks end in logits (U²-Net and UNet 3+ declare their sigmoid).
    var endsInSigmoid: Bool { false }
}
