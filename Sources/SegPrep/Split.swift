import Foundation
import SegCore

/// The three splits, in the order ratios list them.
public enum SplitName: String, Sendable, CaseIterable {
    case train, val, test
}

/// A `segprep` request that is malformed, that the data cannot satisfy, or
/// whose output cannot be written (split, check, augment).
public struct PrepError: CategorizedError, Sendable {
    public let description: String
    /// Malformed (`usage`), unsatisfiable by the data (`badInput`: unpaired
    /// files, too few units…) or not writable (`outputNotWritten`).
    public let category: FailureCategory

    public init(_ description: String, _ category: FailureCategory = .badInput) {
        self.description = description
        self.category = category
    }
}

/// How many units go to train, val and test.
///
/// - Counts: `188` → 188 train, the rest val; `188,40` → 188 train, 40 val,
///   the rest test; `188,40,30` must add up to the total.
/// - Fractions: `0.8` → 80 % train, the rest val; `0.7,0.15` → the rest
///   test; three fractions must add up to 1. Sizes are rounded by the
///   largest-remainder rule: each split gets ⌊f·N⌋, and the units left over
///   go one each to the splits with the largest fractional parts (ties to
///   the earlier split), so the sizes always add up to N.
public enum RatioSpec: Sendable, Equatable {
    case counts([Int])
    /// Decimal fractions held exactly: numerators over a common power of ten.
    case fractions(numerators: [Int], denominator: Int)

    public static func parse(_ text: String) throws -> RatioSpec {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard (1...3).contains(parts.count) else { throw PrepError("--ratio takes 1 to 3 comma-separated numbers, got '\(text)'", .usage) }
        if parts.allSatisfy({ Int($0) != nil }) {
            let counts = parts.map { Int($0)! }
            guard counts.allSatisfy({ $0 >= 0 }) else { throw PrepError("--ratio counts must not be negative", .usage) }
            if counts == [1] { return .fractions(numerators: [1], denominator: 1) }
            return .counts(counts)
        }
        // Decimals are read exactly (0.85 is 85/100), so rounding ties are real ties.
        let digits = parts.map { $0.split(separator: ".", omittingEmptySubsequences: false).dropFirst().first?.count ?? 0 }.max() ?? 0
        guard digits <= 9 else { throw PrepError("--ratio: at most 9 decimal places", .usage) }
        var denominator = 1
        for _ in 0..<digits { denominator *= 10 }
        let numerators = try parts.map { part -> Int in
            let pieces = part.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...2).contains(pieces.count), pieces.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                  !(pieces[0].isEmpty && (pieces.count == 1 || pieces[1].isEmpty)) else {
                throw PrepError("--ratio: '\(part)' is neither a count nor a decimal fraction in 0…1", .usage)
            }
            let whole = Int(pieces[0].isEmpty ? "0" : String(pieces[0]))!
            var fraction = pieces.count == 2 ? String(pieces[1]) : ""
            while fraction.count < digits { fraction += "0" }
            let value = whole * denominator + (fraction.isEmpty ? 0 : Int(fraction)!)
            guard value <= denominator else { throw PrepError("--ratio: '\(part)' is more than 1", .usage) }
            return value
        }
        let sum = numerators.reduce(0, +)
        if sum > denominator { throw PrepError("--ratio fractions add up to more than 1", .usage) }
        if numerators.count == 3 && sum != denominator { throw PrepError("--ratio: three fractions must add up to 1", .usage) }
        return .fractions(numerators: numerators, denominator: denominator)
    }

    /// Sizes of train, val and test for `total` units.
    public func sizes(total: Int) throws -> [Int] {
        switch self {
        case .counts(let c):
            let listed = c.reduce(0, +)
            guard listed <= total else { throw PrepError("--ratio asks for \(listed) units but there are only \(total)") }
            switch c.count {
            case 1: return [c[0], total - c[0], 0]
            case 2: return [c[0], c[1], total - listed]
            default:
                guard listed == total else { throw PrepError("--ratio counts add up to \(listed), but there are \(total) units") }
                return c
            }
        case .fractions(let numerators, let denominator):
            var shares = numerators
            while shares.count < 3 { shares.append(shares.count == 1 ? denominator - shares[0] : denominator - shares[0] - shares[1]) }
            return Self.largestRemainder(shares, denominator: denominator, total: total)
        }
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

/// `--stratify fg` (images with and without foreground) or `fg:N` (no
/// foreground, then N equal-width bins of the foreground fraction in (0, 1]).
public struct StratifySpec: Sendable, Equatable {
    public let bins: Int

    public init(bins: Int) { self.bins = bins }

    public static func parse(_ text: String) throws -> StratifySpec {
        if text == "fg" { return StratifySpec(bins: 1) }
        if text.hasPrefix("fg:"), let n = Int(text.dropFirst(3)), (1...100).contains(n) { return StratifySpec(bins: n) }
        throw PrepError("--stratify takes 'fg' or 'fg:N' (N = 1…100 foreground-fraction bins), got '\(text)'", .usage)
    }

    /// The stratum of a foreground fraction: 0 for none, else 1…bins.
    public func stratum(_ fraction: Double) -> Int {
        fraction <= 0 ? 0 : 1 + min(bins - 1, Int(fraction * Double(bins)))
    }
}

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

/// Per-pair measurements the planner may need.
public struct PairMeasure: Sendable, Equatable {
    /// Pixels of the image (width × height).
    public var pixels: Int
    /// Foreground (non-zero label) pixels, when measured.
    public var foreground: Int?

    public init(pixels: Int, foreground: Int? = nil) {
        self.pixels = pixels
        self.foreground = foreground
    }
}

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

/// Turns pairs into splits deterministically.
public enum Splitter {
    /// Group ids of the pairs' images (see ``GroupPattern``).
    public static func groups(_ pairs: [DatasetPair], pattern: String) throws -> [String] {
        let matcher = try GroupPattern(pattern)
        var misses: [String] = []
        let ids = pairs.map { pair -> String in
            guard let id = matcher.group(of: pair.image.relativePath) else { misses.append(pair.image.relativePath); return "" }
            return id
        }
        if !misses.isEmpty {
            let shown = misses.prefix(5).joined(separator: ", ")
            throw PrepError("--group-by '\(pattern)' matches no group in \(misses.count) image path(s): \(shown)\(misses.count > 5 ? ", …" : "")")
        }
        return ids
    }

    /// Plans the split. `measures` (one per pair) are needed for `stratify`.
    public static func plan(_ pairs: [DatasetPair], options: SplitOptions, measures: [PairMeasure]? = nil) throws -> SplitPlan {
        let groups = try options.groupBy.map { try Self.groups(pairs, pattern: $0) } ?? pairs.map(\.key)
        // Units in order of first appearance (pairs are in natural order).
        var unitIndex: [String: Int] = [:]
        var units: [[Int]] = []
        for (i, group) in groups.enumerated() {
            if let u = unitIndex[group] { units[u].append(i) } else { unitIndex[group] = units.count; units.append([i]) }
        }
        var order = Array(units.indices)
        if let seed = options.seed {
            var generator = SeededGenerator(seed: seed)
            generator.shuffle(&order)
        }
        if let stratify = options.stratify {
            guard let measures, measures.allSatisfy({ $0.foreground != nil }) else {
                throw PrepError("--stratify needs the labels' foreground fractions")
            }
            let stratum = units.map { members -> Int in
                let total = members.reduce(0) { $0 + measures[$1].pixels }
                let fg = members.reduce(0) { $0 + measures[$1].foreground! }
                return stratify.stratum(total == 0 ? 0 : Double(fg) / Double(total))
            }
            order = order.enumerated().sorted { (stratum[$0.element], $0.offset) < (stratum[$1.element], $1.offset) }.map(\.element)
        }
        let n = units.count
        let targets: [Int]
        if let k = options.folds {
            guard k >= 2 else { throw PrepError("--folds needs at least 2 folds") }
            guard k <= n else { throw PrepError("--folds \(k) needs at least \(k) units, there are \(n)") }
            targets = (0..<k).map { n / k + ($0 < n % k ? 1 : 0) }
        } else {
            targets = try options.ratio.sizes(total: n)
        }
        let bucketOfPosition = options.stratify == nil ? sequential(targets) : proportional(targets)
        var buckets = Array(repeating: [Int](), count: targets.count)
        for (position, unit) in order.enumerated() { buckets[bucketOfPosition[position]] += units[unit] }
        let sortedBuckets = buckets.map { $0.sorted() }
        return SplitPlan(pairs: pairs, groups: groups,
                         splits: options.folds == nil ? sortedBuckets : [],
                         folds: options.folds == nil ? nil : sortedBuckets,
                         unitCounts: targets)
    }

    /// Fills buckets in turn: the first `targets[0]` positions, then the next… (`img[:188]`).
    static func sequential(_ targets: [Int]) -> [Int] {
        targets.enumerated().flatMap { bucket, size in Array(repeating: bucket, count: size) }
    }

    /// Interleaves buckets so that every stretch of positions is shared in
    /// proportion to the targets: position k goes to the bucket furthest
    /// behind its share of k + 1 (ties to the earlier bucket), never past its
    /// size. Used with strata sorted together, it spreads each stratum.
    static func proportional(_ targets: [Int]) -> [Int] {
        let n = targets.reduce(0, +)
        var assigned = Array(repeating: 0, count: targets.count)
        return (0..<n).map { k in
            var best = -1
            var bestDeficit = Int.min
            for j in targets.indices where assigned[j] < targets[j] {
                let deficit = targets[j] * (k + 1) - assigned[j] * n
                if deficit > bestDeficit { best = j; bestDeficit = deficit }
            }
            assigned[best] += 1
            return best
        }
    }
}

/// `--group-by REGEX`: the group of an image is the first capture group of
/// the pattern (or the whole match when it has none), searched in the
/// image's file name — or, when the pattern contains a `/`, in its path:
/// the whole path first, then each shorter tail that starts after a `/`
/// (so `^(P\d+)/` finds `P1/3.png` inside `/data/images/P1/3.png`).
public struct GroupPattern: @unchecked Sendable {
    private let regex: NSRegularExpression
    private let wholePath: Bool

    public init(_ pattern: String) throws {
        do { regex = try NSRegularExpression(pattern: pattern) } catch {
            throw PrepError("--group-by: '\(pattern)' is not a valid regular expression", .usage)
        }
        wholePath = pattern.contains("/")
    }

    /// The group of `path`, or nil when the pattern does not match.
    public func group(of path: String) -> String? {
        let candidates: [String]
        if wholePath {
            candidates = [path] + path.indices.filter { path[$0] == "/" }.map { String(path[path.index(after: $0)...]) }
        } else {
            candidates = [String(path.split(separator: "/").last ?? Substring(path))]
        }
        for text in candidates {
            let range = NSRange(text.startIndex..., in: text)
            guard let match = regex.firstMatch(in: text, range: range) else { continue }
            let capture = match.numberOfRanges > 1 && match.range(at: 1).location != NSNotFound ? match.range(at: 1) : match.range
            return Range(capture, in: text).map { String(text[$0]) }
        }
        return nil
    }
}
