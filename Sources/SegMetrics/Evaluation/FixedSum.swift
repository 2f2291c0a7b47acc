/// A sum of Doubles whose result does not depend on the order of the terms.
///
/// Each term is converted to a fixed-point integer with 64 fractional bits
/// (truncated toward zero, so a term is off by less than 5.5e-20) and the
/// integers are added exactly. Two shards summed separately and merged give
/// bit-for-bit the same total as one pass over all images, in any order,
/// on any number of threads. Terms must be finite with magnitude below 2^40.
public struct FixedSum: Sendable, Equatable, Codable {
    /// The sum in units of 2^-64.
    public private(set) var raw: Int128 = 0
    /// Number of terms added (merged sums add their counts).
    public private(set) var count: Int = 0

    public init() {}

    /// Adds one term.
    @inline(__always)
    public mutating func add(_ value: Double) {
        precondition(value.isFinite && abs(value) < 0x1p40, "FixedSum term out of range: \(value)")
        raw += Int128(value * 0x1p64)
        count += 1
    }

    /// Adds another sum (a shard's partial result).
    public mutating func merge(_ other: FixedSum) {
        raw += other.raw
        count += other.count
    }

    /// The total as a Double.
    public var value: Double { Double(raw) / 0x1p64 }

    /// The mean of the terms, NaN when there are none.
    public var mean: Double { count == 0 ? .nan : value / Double(count) }

    private enum CodingKeys: String, CodingKey { case raw, count }

    /// Decodes the exact 128-bit total (decimal text) and the count.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(String.self, forKey: .raw)
        guard let raw = Int128(text) else {
            throw DecodingError.dataCorruptedError(forKey: .raw, in: c, debugDescription: "not an integer: \(text)")
        }
        self.raw = raw
        self.count = try c.decode(Int.self, forKey: .count)
    }

    /// Encodes the exact 128-bit total (as decimal text) and the count.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(String(raw), forKey: .raw)
        try c.encode(count, forKey: .count)
    }
}
