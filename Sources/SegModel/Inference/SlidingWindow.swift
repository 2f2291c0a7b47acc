import Foundation
import SegImage

/// MONAI-style sliding-window inference: windows of `side`² placed with step
/// ⌊side·(1 − overlap)⌋ (the last one shifted back to the border), images
/// smaller than a window zero-padded around the centre, outputs blended with a
/// Gaussian importance map (σ = 0.125·side, weights clamped below at 10⁻³).
public struct SlidingWindow: Sendable {
    public let side: Int
    public let overlap: Double

    public init(side: Int, overlap: Double) {
        self.side = side
        self.overlap = overlap
    }

    /// Window start offsets along an axis of `size` (≥ side) pixels.
    public func starts(size: Int) -> [Int] {
        if size == side { return [0] }
        let interval = max(1, Int(Double(side) * (1 - overlap)))
        var result: [Int] = []
        var d = 0
        while true {
            let start = d * interval
            result.append(start - max(start + side - size, 0))
            if start + side >= size { break }
            d += 1
        }
        return result
    }

    /// The 1-D Gaussian profile MONAI multiplies into the 2-D importance map.
    func profile() -> [Float] {
        let sigma = 0.125 * Double(side)
        return (0..<side).map { k in
            let x = Double(k) - Double(side - 1) / 2
            return Float(exp(x * x / (-2 * sigma * sigma)))
        }
    }

    /// Runs `body` on every window of `input` and blends the outputs.
    public func run(_ input: FeatureMap, _ body: (FeatureMap) throws -> FeatureMap) throws -> FeatureMap {
        let h = input.height, w = input.width
        let ch = max(h, side), cw = max(w, side)
        let top = (ch - h) / 2, left = (cw - w) / 2
        let canvas = ch == h && cw == w ? input : Operations.place(input, height: ch, width: cw, top: top, left: left)
        let g = profile()
        var weights = [Float](repeating: 0, count: side * side)
        for y in 0..<side { for x in 0..<side { weights[y * side + x] = g[y] * g[x] } }
        let floor = max(weights.min()!, 1e-3)
        for i in weights.indices { weights[i] = max(weights[i], floor) }
        var sum: FeatureMap?
        var count = [Float](repeating: 0, count: ch * cw)
        for y0 in starts(size: ch) {
            for x0 in starts(size: cw) {
                let window = Operations.place(canvas, height: side, width: side, top: -y0, left: -x0)
                let out = try body(window)
                if sum == nil {
                    sum = FeatureMap(channels: out.channels, height: ch, width: cw)
                    sum!.data.initialize(repeating: 0, count: sum!.count)
                }
                let acc = sum!
                for c in 0..<out.channels {
                    let src = out.channel(c), dst = acc.channel(c)
                    for y in 0..<side {
                        for x in 0..<side { dst[(y0 + y) * cw + x0 + x] += src[y * side + x] * weights[y * side + x] }
                    }
                }
                for y in 0..<side { for x in 0..<side { count[(y0 + y) * cw + x0 + x] += weights[y * side + x] } }
            }
        }
        let acc = sum!
        for c in 0..<acc.channels {
            let p = acc.channel(c)
            for i in 0..<(ch * cw) { p[i] /= count[i] }
        }
        return ch == h && cw == w ? acc : Operations.place(acc, height: h, width: w, top: -top, left: -left)
    }
}
