/// Pixel counts per value (gray level, class index, or packed RGB colour).
public struct Histogram: Sendable, Equatable {
    public private(set) var counts: [Int: Int] = [:]

    public init(_ counts: [Int: Int] = [:]) { self.counts = counts.filter { $0.value > 0 } }

    /// Total pixels counted.
    public var total: Int { counts.values.reduce(0, +) }
    /// Values present, ascending.
    public var values: [Int] { counts.keys.sorted() }

    /// Adds `count` pixels of `value`.
    public mutating func add(_ value: Int, _ count: Int) {
        guard count > 0 else { return }
        counts[value, default: 0] += count
    }

    /// Adds every count of `other`.
    public mutating func merge(_ other: Histogram) {
        for (value, count) in other.counts { add(value, count) }
    }

    /// Builds a histogram from dense bin counts (index = value).
    public static func dense(_ bins: [Int]) -> Histogram {
        var h = Histogram()
        for (value, count) in bins.enumerated() where count > 0 { h.counts[value] = count }
        return h
    }
}
