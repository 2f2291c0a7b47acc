/// A setting of a library request that a message refers to, in the library's
/// own terms (`ratio`, `groupBy`): the libraries know no command-line flags,
/// so a message names the setting and each front end spells it its own way
/// (SegCLI's `FlagSpelling` turns `ratio` into `--ratio`).
///
/// A message may also name a whole step (``step(_:)``: "repair the labels
/// with the remap step"), which a front end spells as its command.
public struct Setting: Hashable, Sendable {
    /// The setting's library name, lowerCamelCase as the options structs
    /// spell it; empty for a reference to a whole step.
    public let name: String
    /// The step named (`remap`), for a reference to a whole step.
    public let step: String?

    /// A setting by its library name (`groupBy`), or a whole step (see ``step(_:)``).
    public init(_ name: String, step: String? = nil) {
        self.name = name
        self.step = step
    }

    /// A whole step (`remap`), spelled as the command that runs it.
    public static func step(_ step: String) -> Setting { Setting("", step: step) }
}
