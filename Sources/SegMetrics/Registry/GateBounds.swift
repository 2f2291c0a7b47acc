import Foundation

/// The value of `--fail-under` or `--fail-over`: `mIoU=0.80,maxF=0.85`.
public struct GateBounds: Sendable, Equatable {
    /// The bounds in the order given.
    public let bounds: [GateBound]

    /// Parses `name=value,name=value`; anything else is a usage error naming
    /// the item. Names are checked against a run's metrics later
    /// (``QualityGate/validate(names:)``): which exist depends on the classes and groups.
    public init(parsing text: String) throws {
        bounds = try text.split(separator: ",").map { item in
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let v = Double(parts[1]), v.isFinite else {
                throw EvalError(.usage, "bad bound '\(item)': expected METRIC=VALUE, e.g. mIoU=0.80")
            }
            return GateBound(metric: parts[0], bound: v)
        }
    }
}
