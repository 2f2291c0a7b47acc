import Foundation
import SegCore

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
            throw PrepError("\(setting: .groupBy) '\(pattern)' matches no group in \(misses.count) image path(s): \(shown)\(misses.count > 5 ? ", …" : "")")
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
                throw PrepError("\(setting: .stratify) needs the labels' foreground fractions")
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
            guard k >= 2 else { throw PrepError("\(setting: .folds) needs at least 2 folds") }
            guard k <= n else { throw PrepError("\(setting: .folds) \(k) needs at least \(k) units, there are \(n)") }
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
