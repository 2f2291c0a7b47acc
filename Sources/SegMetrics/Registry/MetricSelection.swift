import Foundation

/// The `--metrics` value: which groups (``MetricGroup``) to compute,
/// e.g. `iou,mae,f`.
public struct MetricSelection: Sendable, Equatable {
    /// The group tokens chosen, in the order given (no repeats).
    public let tokens: [String]

    /// Parses a comma-separated list of group tokens (case and spaces
    /// ignored); an unknown token is a usage error listing the groups.
    public init(parsing text: String) throws {
        let known = MetricRegistry.groups.map(\.token)
        let aliases = MetricRegistry.aliases
        var tokens: [String] = []
        for item in text.lowercased().split(separator: ",") {
            let token = item.trimmingCharacters(in: .whitespaces)
            guard known.contains(token) || aliases[token] != nil else {
                throw EvalError(.usage, "unknown metric group '\(token)' (use \((known + aliases.keys.sorted()).joined(separator: ", ")))")
            }
            for group in aliases[token] ?? [token] where !tokens.contains(group) { tokens.append(group) }
        }
        self.tokens = tokens
    }

    /// Switches every group on or off in `config` as chosen. A family that
    /// cannot be computed for `config.classes` (the salient-object family
    /// for more than two classes) is a usage error when one of its groups is chosen.
    public func apply(to config: inout EvalConfig) throws {
        for family in MetricRegistry.families {
            for group in family.groups { group.set(&config, tokens.contains(group.token)) }
            if let requirement = family.requirement, !family.isAvailable(config.classes),
               family.groups.contains(where: { $0.isOn(config) }) {
                throw EvalError(.usage, "\(family.title) metrics (\(family.groups.map(\.token).joined(separator: ", "))) \(requirement)")
            }
        }
    }
}
