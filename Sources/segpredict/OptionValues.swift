import ArgumentParser
import SegModel

// segpredict's enumerated option values: parsed once by ArgumentParser, listed in --help.

extension PredictJob.FileFormat: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}

/// `--arch`: recognised from the tensor names (`auto`) or named.
enum ArchitectureChoice: String, CaseIterable, ExpressibleByArgument {
    case auto, unet, u2net, u2netp, unet3plus
    case smpUnet = "smp-unet", smpUnetPlusPlus = "smp-unetplusplus", smpFPN = "smp-fpn", smpDeepLabV3Plus = "smp-deeplabv3plus"
    case smpLinknet = "smp-linknet"

    /// The named architecture, nil for `auto`.
    var architecture: Architecture? { Architecture(rawValue: rawValue) }
}

/// `--tta`: the test-time augmentations offered.
enum TestTimeAugmentation: String, CaseIterable, ExpressibleByArgument {
    /// The average of identity, h-flip, v-flip and both.
    case flip
}
