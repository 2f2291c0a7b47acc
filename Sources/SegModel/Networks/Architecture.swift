/// The architectures SegKit runs.
public enum Architecture: String, Sendable, CaseIterable {
    case unet, u2net, u2netp, unet3plus
    /// segmentation_models.pytorch's `Unet`, `UnetPlusPlus`, `FPN`, `DeepLabV3Plus` and `Linknet`.
    case smpUnet = "smp-unet"
    case smpUnetPlusPlus = "smp-unetplusplus"
    case smpFPN = "smp-fpn"
    case smpDeepLabV3Plus = "smp-deeplabv3plus"
    case smpLinknet = "smp-linknet"

    /// The human name used in messages and reports.
    public var displayName: String {
        switch self {
        case .unet: return "U-Net"
        case .u2net: return "U²-Net"
        case .u2netp: return "U²-Net-lite (U2NETP)"
        case .unet3plus: return "UNet 3+"
        case .smpUnet, .smpUnetPlusPlus, .smpFPN, .smpDeepLabV3Plus, .smpLinknet: return "smp " + smpClass!
        }
    }

    /// smp's class name (`_model_class` in its config.json), nil for the others.
    public var smpClass: String? {
        switch self {
        case .smpUnet: return "Unet"
        case .smpUnetPlusPlus: return "UnetPlusPlus"
        case .smpFPN: return "FPN"
        case .smpDeepLabV3Plus: return "DeepLabV3Plus"
        case .smpLinknet: return "Linknet"
        default: return nil
        }
    }

    /// The architecture of smp class `name`, nil when SegKit does not run it.
    public init?(smpClass name: String) {
        guard let match = Self.allCases.first(where: { $0.smpClass == name }) else { return nil }
        self = match
    }
}
