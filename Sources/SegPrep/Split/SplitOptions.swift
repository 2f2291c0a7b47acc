import Foundation
import SegCore

/// What to split and how.
public struct SplitOptions: Sendable {
    public var ratio: RatioSpec = .fractions(numerators: [8], denominator: 10)
    /// Shuffle units with ``SeededGenerator`` seeded with this; nil keeps natural order.
    public var seed: UInt64?
    /// Units are the groups named by this pattern's first capture group (or whole match).
    public var groupBy: String?
    public var stratify: StratifySpec?
    /// K-fold cross-validation instead of a ratio split.
    public var folds: Int?

    public init() {}
}
