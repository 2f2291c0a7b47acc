import Foundation
import SegCore

/// Per-pixel displacements: output pixel (x, y) takes its value from input
/// position (x + dx, y + dy) (backward mapping, as `cv2.remap` with
/// `map = grid + d`).
public struct DisplacementField: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var dx: [Float]
    public var dy: [Float]

    public init(width: Int, height: Int, dx: [Float], dy: [Float]) {
        precondition(dx.count == width * height && dy.count == width * height)
        self.width = width
        self.height = height
        self.dx = dx
        self.dy = dy
    }

    /// The field that moves nothing.
    public static func zero(width: Int, height: Int) -> DisplacementField {
        let z = [Float](repeating: 0, count: width * height)
        return DisplacementField(width: width, height: height, dx: z, dy: z)
    }

    /// Mean length of the displacement vectors, in pixels.
    public var meanMagnitude: Double {
        var sum = 0.0
        for i in dx.indices { sum += Double((dx[i] * dx[i] + dy[i] * dy[i]).squareRoot()) }
        return dx.isEmpty ? 0 : sum / Double(dx.count)
    }
}

/// Random numbers for augmentation, drawn from ``SeededGenerator``.
extension SeededGenerator {
    /// Uniform in [−1, 1): the top 53 bits of a draw, scaled.
    mutating func symmetricUniform() -> Double {
        Double(next() >> 11) * 0x1p-53 * 2 - 1
    }

    /// Standard normal by Box–Muller: u1 = (top 53 bits + 1)·2^−53 ∈ (0, 1],
    /// u2 = (top 53 bits)·2^−53, z = √(−2 ln u1)·cos(2π u2). Two draws per value.
    mutating func normal() -> Double {
        let u1 = Double((next() >> 11) + 1) * 0x1p-53
        let u2 = Double(next() >> 11) * 0x1p-53
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
