/// One of N interleaved parts of an ordered list of inputs (`--shard i/N`),
/// so that N machines or array jobs share a run without coordinating.
public struct Shard: Sendable, Equatable, Codable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// The whole list as one shard.
    public static let whole = Shard(index: 0, count: 1)

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `i/N` with 0 ≤ i < N.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n else { return nil }
        self.init(index: i, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// True when position `offset` of the full list belongs to this shard
    /// (positions i, i+N, i+2N, …: interleaving balances sorted inputs of uneven size).
    public func contains(_ offset: Int) -> Bool { offset % count == index }

    /// The items of this shard, in their order.
    public func select<T>(_ items: [T]) -> [T] {
        items.enumerated().filter { contains($0.offset) }.map(\.element)
    }
}
