import SegCore

/// How the command-line tools spell the library ``Setting``s that messages
/// refer to: `groupBy` is `--group-by`, and the remap step is
/// `segprep remap`. The libraries describe problems; this is the
/// one place that turns their settings into flags (`CommandLineTool`
/// installs it as `Message.spelling` before any work).
public enum FlagSpelling {
    /// Settings whose flag is not the kebab-case of their name.
    static let exceptions: [String: String] = [:]

    /// The tool that runs each step named in a setting reference.
    static let tools: [String: String] = [
        "remap": "segprep remap", "split": "segprep split", "check": "segprep check",
        "augment": "segprep augment", "unstack": "segprep unstack",
    ]

    /// `--group-by` for `groupBy`; `segprep remap` for the remap step.
    @Sendable public static func spell(_ setting: Setting) -> String {
        if setting.name.isEmpty, let step = setting.step { return tools[step] ?? step }
        return exceptions[setting.name] ?? "--" + kebabCase(setting.name)
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
