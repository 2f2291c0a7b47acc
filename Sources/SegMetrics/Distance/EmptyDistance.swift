/// What a distance is when one of the two masks is empty (`--empty-distance`):
/// the selected library's own value, or an override that keeps a missed
/// structure from improving the mean (MONAI#9095: a miss scored NaN is dropped).
public struct EmptyDistance: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The rule.
    public enum Rule: String, Sendable, Codable {
        /// The convention's own value (inf, NaN or 0: see ``DistanceConvention``).
        case library
        /// Undefined: left out of the means (and counted).
        case nan
        /// The image diagonal in spacing units.
        case max
        /// A fixed penalty in spacing units.
        case penalty
    }

    public let rule: Rule
    /// The penalty of `.penalty`.
    public let penalty: Double

    /// The library's value.
    public static let library = EmptyDistance(rule: .library, penalty: 0)

    init(rule: Rule, penalty: Double) {
        self.rule = rule
        self.penalty = penalty
    }

    /// Parses `library`, `nan`, `max` or `penalty:D` (D ≥ 0, finite).
    public init(parsing text: String) throws {
        let lower = text.lowercased()
        if let rule = Rule(rawValue: lower), rule != .penalty {
            self.init(rule: rule, penalty: 0)
        } else if lower.hasPrefix("penalty:"), let d = Double(lower.dropFirst(8)), d.isFinite, d >= 0 {
            self.init(rule: .penalty, penalty: d)
        } else {
            throw EvalError(.usage, "'\(text)' is not an empty-mask rule: library, nan, max or penalty:D (D ≥ 0)")
        }
    }

    /// `library`, `nan`, `max` or `penalty:D`.
    public var description: String { rule == .penalty ? "penalty:\(penalty)" : rule.rawValue }
}
