import Foundation
import SegCore

/// The three splits, in the order ratios list them.
public enum SplitName: String, Sendable, CaseIterable {
    case train, val, test
}
