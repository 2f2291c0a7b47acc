import ArgumentParser
import SegCore

/// `--image-suffix`, `--label-suffix`, `--key`: how image and label names
/// pair, spelled alike in split, check and augment (segeval names its
/// image side `--pred-suffix`).
public struct PairingOptions: ParsableArguments {
    @Option(name: .long, help: "Image file names carry this suffix after the key (DRIVE: 21_training.tif with _training).")
    public var imageSuffix: String?

    @Option(name: .long, help: "Label file names carry this suffix after the key (7_mask.png pairs with 7.jpg; DRIVE: _manual1).")
    public var labelSuffix: String?

    @Option(name: .long, help: "Regular expression searched in each file stem (after the suffix); its first group (or the match) is the pairing key, e.g. '^(\\d+)_'.")
    public var key: String?

    public init() {}

    public func validate() throws {
        do { try rule.validate() } catch { throw ValidationError("\(error)") }
    }

    /// The rule these options describe.
    public var rule: PairingRule { PairingRule(imageSuffix: imageSuffix, labelSuffix: labelSuffix, keyPattern: key) }
}
