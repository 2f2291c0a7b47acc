/// One order-independent sum per position (a curve summed over images).
public struct FixedSumArray: Sendable, Equatable, Codable {
    public private(set) var sums: [FixedSum]

    /// `count` empty sums.
    public init(count: Int) { sums = Array(repeating: FixedSum(), count: count) }

    /// Adds `values[i]` to position i; nil entries are left out (their count
    /// does not grow).
    public mutating func add(_ values: [Double?]) {
        precondition(values.count == sums.count)
        for i in values.indices { if let v = values[i] { sums[i].add(v) } }
    }

    /// Adds another array of the same length, position by position.
    public mutating func merge(_ other: FixedSumArray) {
        precondition(other.sums.count == sums.count)
        for i in sums.indices { sums[i].merge(other.sums[i]) }
    }

    /// Per-position means (NaN where nothing was added).
    public var means: [Double] { sums.map(\.mean) }
}
