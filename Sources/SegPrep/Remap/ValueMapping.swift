import Foundation
import SegCore

/// How `remap` turns label values into output values (all outputs 0…255).
public enum ValueMapping: Sendable, Equatable {
    /// Listed values map to listed outputs; any other value is an error,
    /// or becomes `unmapped` when that is set.
    case table([Int: UInt8], unmapped: UInt8?)
    /// Values ≥ the threshold become 1, the others 0.
    case threshold(Int)
    /// Every value snaps to the listed source value nearest to it (ties go to
    /// the smaller source value), then maps like `.table`.
    case nearest([Int: UInt8])
    /// Class indices 0…k−1 back to viewable grey: class c → round(255·c/(k−1)).
    case visual(classes: Int)
    /// Packed 0xRRGGBB colours to classes; other colours error, or become `unmapped`.
    case colors([UInt32: UInt8], unmapped: UInt8?)

    /// The default: 0 → 0 and 255 → 1 (ISBI, lung-CT and SOD conventions;
    /// 1-bit 0/1 masks count as 0/255).
    public static let binary = ValueMapping.table([0: 0, 255: 1], unmapped: nil)

    /// True when the mapping reads colours rather than single values.
    public var readsColors: Bool { if case .colors = self { return true } else { return false } }

    /// A short human description used in reports (`0:0,255:1`, `>=128`, …).
    public var summary: String {
        switch self {
        case .table(let pairs, let unmapped):
            return pairsText(pairs) + (unmapped.map { ", others:\($0)" } ?? "")
        case .threshold(let t): return ">=\(t) -> 1, else 0"
        case .nearest(let pairs): return "nearest of " + pairsText(pairs)
        case .visual(let k): return "visual (\(k) classes over 0..255)"
        case .colors(let table, let unmapped):
            return "\(table.count) colours" + (unmapped.map { ", others:\($0)" } ?? "")
        }
    }

    private func pairsText(_ pairs: [Int: UInt8]) -> String {
        pairs.keys.sorted().map { "\($0):\(pairs[$0]!)" }.joined(separator: ",")
    }

    /// Output value of `value`, or nil when the mapping does not cover it.
    public func output(for value: Int) -> UInt8? {
        switch self {
        case .table(let pairs, let unmapped): return pairs[value] ?? unmapped
        case .threshold(let t): return value >= t ? 1 : 0
        case .nearest(let pairs):
            guard let source = pairs.keys.min(by: { (abs($0 - value), $0) < (abs($1 - value), $1) }) else { return nil }
            return pairs[source]
        case .visual(let k):
            guard value >= 0 && value < k else { return nil }
            return k == 1 ? 0 : UInt8((255 * value + (k - 1) / 2) / (k - 1))
        case .colors(let table, let unmapped): return table[UInt32(truncatingIfNeeded: value)] ?? unmapped
        }
    }
}
