import Foundation
import SegCore
import XCTest
@testable import SegModel

/// Strided, padded and dilated convolutions and padded max-pooling (the
/// layers of ResNet encoders: 7×7/2 stem, 3×3/2 pool, 3×3/2 and 1×1/2
/// shortcuts) against PyTorch's definitions computed directly in Double.
final class StridedLayerTests: XCTestCase {
    /// out[o][y][x] = b[o] + Σ w[o][c][ky][kx] · in[c][y·s + ky·d − p][x·s + kx·d − p] (0 outside).
    static func naiveConv(_ input: [Float], channels: Int, height: Int, width: Int, weight: [Float], bias: [Float], outChannels: Int,
                          kernel k: Int, stride s: Int, padding p: Int, dilation d: Int) -> (values: [Double], height: Int, width: Int) {
        let oh = (height + 2 * p - d * (k - 1) - 1) / s + 1, ow = (width + 2 * p - d * (k - 1) - 1) / s + 1
        var out = [Double](repeating: 0, count: outChannels * oh * ow)
        for o in 0..<outChannels {
            for y in 0..<oh {
                for x in 0..<ow {
                    var sum = Double(bias[o])
                    for c in 0..<channels {
                        for ky in 0..<k {
                            for kx in 0..<k {
                                let sy = y * s + ky * d - p, sx = x * s + kx * d - p
                                guard sy >= 0, sy < height, sx >= 0, sx < width else { continue }
                                sum += Double(weight[((o * channels + c) * k + ky) * k + kx]) * Double(input[(c * height + sy) * width + sx])
                            }
                        }
                    }
                    out[(o * oh + y) * ow + x] = sum
                }
            }
        }
        return (out, oh, ow)
    }

    func testStridedPaddedAndDilatedConvolutionsMatchTheDefinition() throws {
        var generator = SeededGenerator(seed: 34)
        func random(_ n: Int) -> [Float] { (0..<n).map { _ in Float.random(in: -1...1, using: &generator) } }
        let compute = try Compute(workers: 2)
        // (kernel, stride, padding, dilation): ResNet's stem, its 3×3/2 and 1×1/2, a valid (unpadded)
        // 3×3, DeepLab's dilated 3×3 at stride 1 and 2, and a "same" 3×3 for comparison.
        let shapes = [(7, 2, 3, 1), (3, 2, 1, 1), (1, 2, 0, 1), (3, 1, 0, 1), (3, 1, 2, 2), (3, 2, 2, 2), (3, 1, 1, 1)]
        for (k, s, p, d) in shapes {
            for (h, w) in [(13, 11), (8, 8), (7, 16)] {
                let channels = 3, outChannels = 5
                let input = random(channels * h * w), weight = random(outChannels * channels * k * k), bias = random(outChannels)
                let conv = Conv2D(weight: weight, outChannels: outChannels, inChannels: channels, kernel: k, bias: bias,
                                  dilation: d, stride: s, padding: p, relu: false)
                let want = Self.naiveConv(input, channels: channels, height: h, width: w, weight: weight, bias: bias,
                                          outChannels: outChannels, kernel: k, stride: s, padding: p, dilation: d)
                // Two stacked inputs (a skip concatenation) read as one.
                let first = FeatureMap(channels: 1, height: h, width: w, values: Array(input[0..<(h * w)]))
                let rest = FeatureMap(channels: 2, height: h, width: w, values: Array(input[(h * w)...]))
                let got = conv([first, rest], compute)
                XCTAssertEqual([got.height, got.width], [want.height, want.width], "k\(k)/s\(s) p\(p) d\(d) on \(h)x\(w)")
                let values = got.values
                for i in want.values.indices {
                    XCTAssertEqual(Double(values[i]), want.values[i], accuracy: 1e-5, "k\(k)/s\(s) p\(p) d\(d) on \(h)x\(w) at \(i)")
                }
                let relu = Conv2D(weight: weight, outChannels: outChannels, inChannels: channels, kernel: k, bias: bias,
                                  dilation: d, stride: s, padding: p, relu: true)([first, rest], compute).values
                XCTAssertEqual(relu, values.map { max($0, 0) })
            }
        }
    }

    /// MaxPool2d(3, stride 2, padding 1) as ResNet's stem applies it, and
    /// stride-k pooling unchanged: the maximum over each window clipped to the image.
    func testPaddedMaxPoolMatchesTheDefinition() throws {
        var generator = SeededGenerator(seed: 3)
        let compute = try Compute(workers: 2)
        // Widths past one 16-output vector of the AVX-512 path, with a partial last one.
        for (h, w, nan) in [(13, 11, false), (8, 8, false), (1, 5, false), (2, 2, false), (9, 14, true), (6, 7, true),
                            (5, 70, true), (4, 41, false)] {
            var values = (0..<(2 * h * w)).map { _ in Float.random(in: -5...5, using: &generator) }
            // A NaN spreads to every window holding it, as in PyTorch.
            if nan { values[(1 * h + h / 2) * w + w / 2] = .nan }
            let input = FeatureMap(channels: 2, height: h, width: w, values: values)
            let got = Operations.maxPool(input, 3, stride: 2, padding: 1, compute)
            let oh = (h + 2 - 3) / 2 + 1, ow = (w + 2 - 3) / 2 + 1
            XCTAssertEqual([got.height, got.width], [oh, ow])
            var want: [Float] = []
            for c in 0..<2 {
                for y in 0..<oh {
                    for x in 0..<ow {
                        var m = -Float.infinity
                        for sy in (y * 2 - 1)...(y * 2 + 1) where sy >= 0 && sy < h {
                            for sx in (x * 2 - 1)...(x * 2 + 1) where sx >= 0 && sx < w {
                                let v = values[(c * h + sy) * w + sx]
                                m = v.isNaN || m.isNaN ? .nan : max(m, v)
                            }
                        }
                        want.append(m)
                    }
                }
            }
            XCTAssertEqual(got.values.map(\.bitPattern), want.map(\.bitPattern), "\(h)x\(w)")
            XCTAssertEqual(got.values.contains { $0.isNaN }, nan)
        }
    }

    /// `F.interpolate(mode="bilinear")` with and without `align_corners`, up
    /// and down, against PyTorch's formula in Double.
    func testBilinearResizeMatchesTheDefinition() throws {
        var generator = SeededGenerator(seed: 4)
        let compute = try Compute(workers: 2)
        func source(_ o: Int, _ input: Int, _ output: Int, _ align: Bool) -> (Int, Int, Double) {
            var s = align ? (output > 1 ? Double(o) * Double(input - 1) / Double(output - 1) : 0)
                : (Double(o) + 0.5) * Double(input) / Double(output) - 0.5
            s = max(s, 0)
            let i0 = min(Int(s), input - 1)
            return (i0, min(i0 + 1, input - 1), s - Double(i0))
        }
        for (h, w, oh, ow) in [(8, 8, 32, 32), (5, 7, 20, 9), (32, 30, 128, 120), (9, 12, 4, 5), (1, 6, 3, 13)] {
            for align in [false, true] {
                let values = (0..<(3 * h * w)).map { _ in Float.random(in: -5...5, using: &generator) }
                let got = Operations.resize(FeatureMap(channels: 3, height: h, width: w, values: values), height: oh, width: ow,
                                            alignCorners: align, compute).values
                for c in 0..<3 {
                    for y in 0..<oh {
                        let (y0, y1, wy) = source(y, h, oh, align)
                        for x in 0..<ow {
                            let (x0, x1, wx) = source(x, w, ow, align)
                            func v(_ yy: Int, _ xx: Int) -> Double { Double(values[(c * h + yy) * w + xx]) }
                            let want = (1 - wy) * ((1 - wx) * v(y0, x0) + wx * v(y0, x1)) + wy * ((1 - wx) * v(y1, x0) + wx * v(y1, x1))
                            XCTAssertEqual(Double(got[(c * oh + y) * ow + x]), want, accuracy: 1e-4,
                                           "\(h)x\(w) -> \(oh)x\(ow) align \(align) at \(c),\(y),\(x)")
                        }
                    }
                }
            }
        }
    }
}
