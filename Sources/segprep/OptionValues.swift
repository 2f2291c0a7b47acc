import ArgumentParser
import SegPrep

// segprep's enumerated option values: parsed once by ArgumentParser, listed in --help.

extension Interpolation: ExpressibleByArgument {}
extension Border: ExpressibleByArgument {}

/// `--flip`: one fixed flip for every copy, or a random one per copy.
enum FlipOption: String, CaseIterable, ExpressibleByArgument {
    case h, v, hv, random

    /// The augmentation's flip choice.
    var choice: FlipChoice { self == .random ? .random : .fixed(Flip(rawValue: rawValue)!) }
}

/// `check --format`: `table` (the spelling every tool uses; `text` is kept as
/// a hidden alias) or `json`.
enum CheckFormat: String, CaseIterable, ExpressibleByArgument {
    case table, json

    init?(argument: String) {
        self.init(rawValue: argument == "text" ? "table" : argument)
    }
}
