import Foundation
import SegCore

/// `--stratify fg` (images with and without foreground) or `fg:N` (no
/// foreground, then N equal-width bins of the foreground fraction in (0, 1]).
public struct StratifySpec: Sendable, Equatable {
    public let bins: Int

    public init(bins: Int) { self.bins = bins }

    public static func parse(_ text: String) throws -> StratifySpec {
        if text == "fg" { return StratifySpec(bins: 1) }
        if text.hasPrefix("fg:"), let n = Int(text.dropFirst(3)), (1...100).contains(n) { return StratifySpec(bins: n) }
        throw PrepError("takes 'fg' or 'fg:N' (N = 1…100 foreground-fraction bins), got '\(text)'", .usage)
    }

    /// The stratum of a foreground fraction: 0 for none, else 1…bins.
    public func stratum(_ fraction: Double) -> Int {
        fraction <= 0 ? 0 : 1 + min(bins - 1, Int(fraction * Double(bins)))
    }
}
