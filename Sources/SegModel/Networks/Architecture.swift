

/// The architectures SegKit runs.
public enum Architecture: String, Sendable, CaseIterable {
    case unet, u2net, u2netp, unet3plus
    /// segmentation_models.pytorch's `Unet` on a ResNet encoder.
    case smpUnet = "smp-unet"

    /// The human name used in messages and reports.
    public var displayName: String {
        switch self {
        case .unet: return "U-Net"
        case .u2net: return "U²-Net"
        case .u2netp: return "U²-Net-lite (U2NETP)"
        case .unet3plus: return "UNet 3+"
        case .smpUnet: return "smp Unet"
        }
    }
}
