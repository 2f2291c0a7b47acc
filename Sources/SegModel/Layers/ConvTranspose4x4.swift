import CSegModel

/// PyTorch's `ConvTranspose2d(C_in, C_out, kernel_size=4, stride=2, padding=1)`
/// (smp Linknet's ×2 upsampling), BatchNorm folded in and ReLU fused: the
/// output is twice the input's size. Computed as four 2×2 convolutions, one
/// per output phase (row parity a, column parity b): output (2m + a, 2n + b)
/// reads inputs m − 1, m (a = 0, taps 3 and 1) or m, m + 1 (a = 1, taps 2
/// and 0) along each axis, so every phase is an im2col and one matrix product
/// with no multiplications by inserted zeros.
public final class ConvTranspose4x4: Sendable {
    public let inChannels: Int, outChannels: Int
    public let relu: Bool
    /// Per phase (a · 2 + b): [out][in][2][2] weights, BatchNorm folded.
    let phases: [[Float]]
    let bias: [Float]

    /// `weight` is PyTorch's [in, out, 4, 4] tensor.
    public init(weight: [Float], inChannels: Int, outChannels: Int, bias: [Float]?, batchNorm: BatchNorm?, relu: Bool) {
        precondition(weight.count == inChannels * outChannels * 16)
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.relu = relu
        // Kernel taps read by the two inputs of each phase (see the type's comment).
        let taps = [[3, 1], [2, 0]]
        var phases: [[Float]] = []
        for a in 0..<2 {
            for b in 0..<2 {
                var w = [Float](repeating: 0, count: outChannels * inChannels * 4)
                for o in 0..<outChannels {
                    for c in 0..<inChannels {
                        for ty in 0..<2 {
                            for tx in 0..<2 {
                                w[((o * inChannels + c) * 2 + ty) * 2 + tx] = weight[((c * outChannels + o) * 4 + taps[a][ty]) * 4 + taps[b][tx]]
                            }
                        }
                    }
                }
                phases.append(w)
            }
        }
        // The same BatchNorm folds into every phase; the folded bias is the same for all four.
        let folded = phases.map { BatchNorm.fold(batchNorm, weight: $0, bias: bias, outChannels: outChannels) }
        self.phases = folded.map(\.weight)
        self.bias = folded[0].bias
    }

    /// The 2× upsampled output.
    public func callAsFunction(_ input: FeatureMap, _ compute: Compute) -> FeatureMap {
        precondition(input.channels == inChannels, "transposed convolution over \(inChannels) channels got \(input.channels)")
        let h = input.height, w = input.width, plane = h * w
        let out = FeatureMap(channels: outChannels, height: 2 * h, width: 2 * w)
        compute.multiplyAdds += outChannels * inChannels * 4 * 4 * plane
        compute.timed("convtranspose4x4/2 \(h)x\(w) \(inChannels)->\(outChannels)") { run(input, out, compute) }
        return out
    }

    /// Every phase in strips of input rows, shared among the workers.
    private func run(_ input: FeatureMap, _ out: FeatureMap, _ compute: Compute) {
        let h = input.height, w = input.width
        let depth = inChannels * 4
        let rows = Conv2D.stripRows(height: h, width: w, bytesPerRow: depth * w * 4)
        let strips = (h + rows - 1) / rows
        bias.withUnsafeBufferPointer { bp in
            compute.parallel(4 * strips) { worker, range in
                let col = compute.buffer(worker, 0, count: depth * rows * w)
                let product = compute.buffer(worker, 1, count: outChannels * rows * w)
                for job in range {
                    let phase = job / strips, a = phase / 2, b = phase % 2
                    let r0 = (job % strips) * rows, r1 = min(h, r0 + rows), n = (r1 - r0) * w
                    seg_im2col(input.data, Int32(inChannels), Int32(h), Int32(w), 2, 2, 1, 1, Int32(1 - a), Int32(1 - b), Int32(w),
                               Int32(r0), Int32(r1), col, Int64(n))
                    phases[phase].withUnsafeBufferPointer { wp in
                        seg_sgemm(Int32(outChannels), Int32(n), Int32(depth), wp.baseAddress!, Int32(depth), col, Int32(n), 0, product, Int32(n))
                    }
                    seg_bias_act(product, Int32(outChannels), Int64(n), Int64(n), bp.baseAddress!, nil, relu ? 1 : 0)
                    // Interleave the phase into every other row and column.
                    for o in 0..<outChannels {
                        let src = product + o * n, dst = out.channel(o)
                        for y in r0..<r1 {
                            let row = src + (y - r0) * w, target = dst + (2 * y + a) * 2 * w + b
                            for x in 0..<w { target[2 * x] = row[x] }
                        }
                    }
                }
            }
        }
    }
}
