import CSegModel
import Dispatch
import Foundation

/// PyTorch's ConvTranspose2d with a 2×2 kernel and stride 2 (U-Net's learned
/// upsampling): every input pixel writes one 2×2 output block.
public final class ConvTranspose2x2: @unchecked Sendable {
    public let inChannels: Int, outChannels: Int
    /// Four [out][in] matrices, one per kernel position (dy, dx).
    private let taps: [Float]
    private let bias: [Float]

    /// `weight` is PyTorch's [in, out, 2, 2] tensor.
    public init(weight: [Float], inChannels: Int, outChannels: Int, bias: [Float]?) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        var taps = [Float](repeating: 0, count: 4 * outChannels * inChannels)
        for i in 0..<inChannels {
            for o in 0..<outChannels {
                for t in 0..<4 { taps[(t * outChannels + o) * inChannels + i] = weight[(i * outChannels + o) * 4 + t] }
            }
        }
        self.taps = taps
        self.bias = bias ?? [Float](repeating: 0, count: outChannels)
    }

    public func callAsFunction(_ input: FeatureMap, _ compute: Compute) -> FeatureMap {
        let h = input.height, w = input.width, ow = 2 * w
        let out = FeatureMap(channels: outChannels, height: 2 * h, width: ow)
        let rows = Conv2D.stripRows(height: h, width: w, bytesPerRow: 4 * outChannels * w * 4)
        let strips = (h + rows - 1) / rows
        taps.withUnsafeBufferPointer { tp in
            compute.parallel(strips) { worker, range in
                let tmp = compute.buffer(worker, 0, count: 4 * outChannels * rows * w)
                for s in range {
                    let r0 = s * rows, r1 = min(h, r0 + rows), n = (r1 - r0) * w
                    for t in 0..<4 {
                        seg_sgemm(Int32(outChannels), Int32(n), Int32(inChannels), tp.baseAddress! + t * outChannels * inChannels,
                                  Int32(inChannels), input.data + r0 * w, Int32(h * w), 0, tmp + t * outChannels * n, Int32(n))
                    }
                    for o in 0..<outChannels {
                        let dst = out.channel(o), b = bias[o]
                        for t in 0..<4 {
                            let src = tmp + (t * outChannels + o) * n, dy = t >> 1, dx = t & 1
                            for y in r0..<r1 {
                                let row = dst + (2 * y + dy) * ow + dx, srow = src + (y - r0) * w
                                for x in 0..<w { row[2 * x] = srow[x] + b }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
