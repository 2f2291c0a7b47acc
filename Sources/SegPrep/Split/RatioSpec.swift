import Foundation
import SegCore

/// How many units go to train, val and test.
///
/// - Counts: `188` → 188 train, the rest val; `188,40` → 188 train, 40 val,
///   the rest test; `188,40,30` must add up to the total.
/// - Fractions: `0.8` → 80 % train, the rest val; `0.7,0.15` → the rest
///   test; three fractions must add up to 1. Sizes are rounded by the
///   largest-remainder rule: each split gets ⌊f·N⌋, and the units left over
///   go one each to the splits with the largest fractional parts (ties to
///   the earlier split), so the sizes always add up to N.
///
/// A struct rather than an enum with two array payloads: Swift 6.3's runtime
/// leaks such an enum's payload when ArgumentParser casts the parsed value
/// through `Any` (found by the AddressSanitizer stage of CI).
public struct RatioSpec: Sendable, Equatable {
    /// Counts, or the numerators of decimal fractions over ``denominator``.
    public let values: [Int]
    /// The common power of ten of decimal fractions; nil for counts.
    public let denominator: Int?

    /// Unit counts for train, val and test.
    public static func counts(_ counts: [Int]) -> RatioSpec { RatioSpec(values: counts, denominator: nil) }

    /// Decimal fractions held exactly: numerators over a common power of ten.
    public static func fractions(numerators: [Int], denominator: Int) -> RatioSpec {
        RatioSpec(values: numerators, denominator: denominator)
    }

    public static func parse(_ text: String) throws -> RatioSpec {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard (1...3).contains(parts.count) else { throw PrepError("takes 1 to 3 comma-separated numbers, got '\(text)'", .usage) }
        if parts.allSatisfy({ Int($0) != nil }) {
            let counts = parts.map { Int($0)! }
            guard counts.allSatisfy({ $0 >= 0 }) else { throw PrepError("counts must not be negative", .usage) }
            if counts == [1] { return .fractions(numerators: [1], denominator: 1) }
            return .counts(counts)
        }
        // Decimals are read exactly (0.85 is 85/100), so rounding ties are real ties.
        let digits = parts.map { $0.split(separator: ".", omittingEmptySubsequences: false).dropFirst().first?.count ?? 0 }.max() ?? 0
        guard digits <= 9 else { throw PrepError("at most 9 decimal places", .usage) }
        var denominator = 1
        for _ in 0..<digits { denominator *= 10 }
        let numerators = try parts.map { part -> Int in
            let pieces = part.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...2).contains(pieces.count), pieces.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                  !(pieces[0].isEmpty && (pieces.count == 1 || pieces[1].isEmpty)) else {
                throw PrepError("'\(part)' is neither a count nor a decimal fraction in 0…1", .usage)
            }
            let whole = Int(pieces[0].isEmpty ? "0" : String(pieces[0]))!
            var fraction = pieces.count == 2 ? String(pieces[1]) : ""
            while fraction.count < digits { fraction += "0" }
            let value = whole * denominator + (fraction.isEmpty ? 0 : Int(fraction)!)
            guard value <= denominator else { throw PrepError("'\(part)' is more than 1", .usage) }
            return value
        }
        let sum = numerators.reduce(0, +)
        if sum > denominator { throw PrepError("fractions add up to more than 1", .usage) }
        if numerators.count == 3 && sum != denominator { throw PrepError("three fractions must add up to 1", .usage) }
        return .fractions(numerators: numerators, denominator: denominator)
    }

    /// Sizes of train, val and test for `total` units.
    public func sizes(total: Int) throws -> [Int] {
        guard let denominator else {
            let c = values
            let listed = c.reduce(0, +)
            guard listed <= total else { throw PrepError("\(setting: .ratio) asks for \(listed) units but there are only \(total)") }
            switch c.count {
            case 1: return [c[0], total - c[0], 0]
            case 2: return [c[0], c[1], total - listed]
            default:
                guard listed == total else { throw PrepError("\(setting: .ratio) counts add up to \(listed), but there are \(total) units") }
                return c
            }
        }
        var shares = values
        while shares.count < 3 { shares.append(shares.count == 1 ? denominator - shares[0] : denominator - shares[0] - shares[1]) }
        return Self.largestRemainder(shares, denominator: denominator, total: total)
    }

    /// Apportions `total` by shares `numerators[i] / denominator` (adding up
    /// to 1) with the largest-remainder rule, in exact integer arithmetic.
    static func largestRemainder(_ numerators: [Int], denominator: Int, total: Int) -> [Int] {
        var sizes = numerators.map { $0 * total / denominator }
        let remainders = numerators.map { $0 * total % denominator }
        var left = total - sizes.reduce(0, +)
        let order = numerators.indices.sorted { (remainders[$0], -$0) > (remainders[$1], -$1) }
        for i in order where left > 0 {
            sizes[i] += 1
            left -= 1
        }
        return sizes
    }
}
