import SegCore

/// How the command-line tools spell the library ``Setting``s that messages
/// refer to: `groupBy` is `--group-by`, and the remap step is
/// `segprep remap`. The libraries describe problems; this is the
/// one place that turns their settings into flags (`CommandLineTool`
/// installs it as `Message.spelling` before any work).
public enum FlagSpelling {
    /// `--group-by` for `groupBy`; `segprep remap` for the remap step.
    @Sendable public static func spell(_ setting: Setting) -> String {
        // Every step a message names (`Setting.steps`) is a segprep subcommand.
        if setting.name.isEmpty, let step = setting.step { return "segprep " + step }
        return "--" + kebabCase(setting.name)
    }

    /// `groupBy` → `group-by`.
    static func kebabCase(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase {
                out += "-" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }
}
