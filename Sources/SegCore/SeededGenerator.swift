/// SegKit's own pseudo-random generator, so that `--seed S` gives the same
/// sequence on every machine and Swift version (the standard library's
/// generator and `shuffle()` make no such promise).
///
/// The sequence is SplitMix64 (Steele, Lea & Flood 2014): the state starts
/// at the seed; each draw adds 0x9E3779B97F4A7C15 to the state and returns
/// `z ^ (z >> 31)` where `z = (s ^ (s >> 30)) * 0xBF58476D1CE4E5B9`,
/// `z = (z ^ (z >> 27)) * 0x94D049BB133111EB` (all wrapping, 64-bit).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` by rejection: draws below
    /// `2^64 mod bound` are discarded, then the draw is taken modulo `bound`.
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        let threshold = (0 &- b) % b
        while true {
            let r = next()
            if r >= threshold { return Int(r % b) }
        }
    }

    /// Fisher–Yates from the last element down: for i = n−1 … 1, swap
    /// element i with element `below(i + 1)`.
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, below(i + 1))
        }
    }
}
