import Foundation
import SegCore

/// A decided split: pair indices per split (or per fold), each in natural order.
public struct SplitPlan: Sendable {
    public let pairs: [DatasetPair]
    /// Group of each pair (its own key when not grouping).
    public let groups: [String]
    /// Ratio mode: pair indices for train, val, test.
    public let splits: [[Int]]
    /// Fold mode: pair indices of each fold's validation set.
    public let folds: [[Int]]?
    /// Units (pairs or groups) per split / fold.
    public let unitCounts: [Int]
}
