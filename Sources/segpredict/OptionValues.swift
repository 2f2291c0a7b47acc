import ArgumentParser
import SegModel

// segpredict's enumerated option values: parsed once by ArgumentParser, listed in --help.

extension PredictJob.FileFormat: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}

/// `--arch`: `auto` (recognised from the tensor names) or one of SegKit's
/// architectures by its name (`Architecture`'s raw values: one list for both).
struct ArchitectureChoice: ExpressibleByArgument {
    /// The named architecture, nil for `auto`.
    let architecture: Architecture?

    init?(argument: String) {
        if argument == "auto" {
            architecture = nil
        } else if let named = Architecture(rawValue: argument) {
            architecture = named
        } else {
            return nil
        }
    }

    static let auto = ArchitectureChoice(argument: "auto")!
    static var allValueStrings: [String] { ["auto"] + Architecture.allCases.map(\.rawValue) }
    var defaultValueDescription: String { architecture?.rawValue ?? "auto" }
}

/// `--tta`: the test-time augmentations offered.
enum TestTimeAugmentation: String, CaseIterable, ExpressibleByArgument {
    /// The average of identity, h-flip, v-flip and both.
    case flip
}
