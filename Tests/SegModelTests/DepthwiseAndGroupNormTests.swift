import Foundation
import SegCore
import XCTest
@testable import SegModel

/// MobileNet-V2's and DeepLabV3+'s depthwise convolutions, ReLU6 on every
/// convolution path, and FPN's GroupNorm against their definitions computed
/// directly in Double.
final class DepthwiseAndGroupNormTests: XCTestCase {
    /// Each channel convolved with its own filter: the dense definition with a block-diagonal weight.
    func testDepthwiseConvolutionMatchesTheDefinition() throws {
        var generator = SeededGenerator(seed: 71)
        func random(_ n: Int) -> [Float] { (0..<n).map { _ in Float.random(in: -1...1, using: &generator) } }
        let compute = try Compute(workers: 2)
        // (kernel, stride, padding, dilation): MobileNet's 3×3 at stride 1 and 2, its dilated
        // stages (rate 2 and 4), DeepLab's separable ASPP at rates wider than the map, a 5×5, a valid 3×3.
        let shapes = [(3, 1, 1, 1), (3, 2, 1, 1), (3, 1, 2, 2), (3, 1, 4, 4), (3, 1, 12, 12), (5, 1, 2, 1), (3, 1, 0, 1), (3, 2, 2, 2)]
        for (k, s, p, d) in shapes {
            // Widths past 64 (the vectorised stride-1 path's run of four vectors) and partial vectors.
            for (h, w) in [(13, 11), (8, 8), (1, 7), (20, 3), (6, 70), (3, 33)] {
                let channels = 5
                guard h + 2 * p - d * (k - 1) - 1 >= 0 && w + 2 * p - d * (k - 1) - 1 >= 0 else { continue }
                let input = random(channels * h * w), weight = random(channels * k * k), bias = random(channels)
                var dense = [Float](repeating: 0, count: channels * channels * k * k)
                for c in 0..<channels { for i in 0..<(k * k) { dense[(c * channels + c) * k * k + i] = weight[c * k * k + i] } }
                let want = StridedLayerTests.naiveConv(input, channels: channels, height: h, width: w, weight: dense, bias: bias,
                                                       outChannels: channels, kernel: k, stride: s, padding: p, dilation: d)
                let label = "k\(k)/s\(s) p\(p) d\(d) on \(h)x\(w)"
                let layer = DepthwiseConv2D(weight: weight, channels: channels, kernel: k, bias: bias, dilation: d, stride: s, padding: p, relu: false)
                let got = layer(FeatureMap(channels: channels, height: h, width: w, values: input), compute)
                XCTAssertEqual([got.height, got.width], [want.height, want.width], label)
                for (i, v) in got.values.enumerated() { XCTAssertEqual(Double(v), want.values[i], accuracy: 1e-5, "\(label) at \(i)") }
                let six = DepthwiseConv2D(weight: weight.map { $0 * 8 }, channels: channels, kernel: k, bias: bias.map { $0 * 8 },
                                          dilation: d, stride: s, padding: p, relu: true, relu6: true)
                let clipped = six(FeatureMap(channels: channels, height: h, width: w, values: input), compute).values
                for (i, v) in clipped.enumerated() { XCTAssertEqual(Double(v), min(max(want.values[i] * 8, 0), 6), accuracy: 1e-4, "ReLU6 \(label)") }
            }
        }
    }

    /// ReLU6 clips at 6, and a residual is added before the activation, on the
    /// 1×1, direct, im2col and Winograd paths alike.
    func testReLU6AndResidualOnEveryConvolutionPath() throws {
        var generator = SeededGenerator(seed: 72)
        func random(_ n: Int) -> [Float] { (0..<n).map { _ in Float.random(in: -4...4, using: &generator) } }
        for (k, channels, winograd) in [(1, 8, false), (3, 2, false), (3, 8, false), (3, 8, true), (5, 3, false)] {
            let compute = try Compute(workers: 2, winogradMinPixels: winograd ? 0 : Int.max)
            let h = 12, w = 16, out = 6
            let input = FeatureMap(channels: channels, height: h, width: w, values: random(channels * h * w))
            let weight = random(out * channels * k * k), bias = random(out)
            let plain = Conv2D(weight: weight, outChannels: out, inChannels: channels, kernel: k, bias: bias, relu: false)(input, compute).values
            let six = Conv2D(weight: weight, outChannels: out, inChannels: channels, kernel: k, bias: bias, relu: false, relu6: true)(input, compute).values
            XCTAssertTrue(plain.contains { $0 > 6 } && plain.contains { $0 < 0 }, "the case must reach both clips")
            for (a, b) in zip(six, plain) { XCTAssertEqual(a, min(max(b, 0), 6), accuracy: 1e-4, "k\(k) c\(channels) winograd \(winograd)") }
            // A residual (a ResNet shortcut) is added before the activation, on every path.
            let shortcut = FeatureMap(channels: out, height: h, width: w, values: random(out * h * w))
            for (relu, relu6) in [(false, false), (true, false), (true, true)] {
                let conv = Conv2D(weight: weight, outChannels: out, inChannels: channels, kernel: k, bias: bias, relu: relu, relu6: relu6)
                let got = conv(input, compute, adding: shortcut).values
                for (i, v) in got.enumerated() {
                    let sum = plain[i] + shortcut.data[i]
                    XCTAssertEqual(v, relu6 ? min(max(sum, 0), 6) : relu ? max(sum, 0) : sum, accuracy: 1e-4, "residual k\(k) c\(channels) winograd \(winograd)")
                }
            }
        }
    }

    /// A 3×3 convolution of a nearest-resized map stacked with a skip, with the
    /// resize read in place on the Winograd path, equals the convolution of the
    /// resized copy: exact 2× and uneven ratios, with and without a skip, and
    /// below the Winograd size (where the copy is made).
    func testConvolutionOfAResizedViewEqualsTheResizedCopy() throws {
        var generator = SeededGenerator(seed: 74)
        func random(_ n: Int) -> [Float] { (0..<n).map { _ in Float.random(in: -1...1, using: &generator) } }
        for winograd in [true, false] {
            let compute = try Compute(workers: 2, winogradMinPixels: winograd ? 0 : Int.max)
            for (sh, sw, h, w, skip) in [(8, 12, 16, 24, 5), (7, 9, 16, 20, 0), (5, 5, 11, 13, 3), (13, 6, 26, 12, 0)] {
                let channels = 9, out = 7
                let small = FeatureMap(channels: channels, height: sh, width: sw, values: random(channels * sh * sw))
                let skips = skip > 0 ? [FeatureMap(channels: skip, height: h, width: w, values: random(skip * h * w))] : []
                let conv = Conv2D(weight: random(out * (channels + skip) * 9), outChannels: out, inChannels: channels + skip, kernel: 3,
                                  bias: random(out), relu: true)
                let want = conv([Operations.nearestResize(small, height: h, width: w, compute)] + skips, compute).values
                let got = conv(resizing: small, toHeight: h, width: w, then: skips, compute).values
                XCTAssertEqual(got, want, "\(sh)x\(sw) -> \(h)x\(w), skip \(skip), winograd \(winograd)")
            }
        }
    }

    /// ConvTranspose2d(4, stride 2, padding 1) (smp Linknet) against PyTorch's
    /// definition: out[o][y][x] = b[o] + Σ in[c][i][j] · w[c][o][y + 1 − 2i][x + 1 − 2j]
    /// over the taps inside the kernel; BatchNorm folded and ReLU as for convolutions.
    func testTransposedConvolutionMatchesTheDefinition() throws {
        var generator = SeededGenerator(seed: 75)
        func random(_ n: Int) -> [Float] { (0..<n).map { _ in Float.random(in: -1...1, using: &generator) } }
        let compute = try Compute(workers: 2)
        for (h, w, cin, cout) in [(1, 1, 2, 3), (3, 5, 4, 2), (8, 6, 3, 5), (13, 2, 6, 4)] {
            let input = random(cin * h * w), weight = random(cin * cout * 16), bias = random(cout)
            var want = [Double](repeating: 0, count: cout * 4 * h * w)
            for o in 0..<cout {
                for y in 0..<(2 * h) {
                    for x in 0..<(2 * w) {
                        var sum = Double(bias[o])
                        for c in 0..<cin {
                            for i in 0..<h {
                                for j in 0..<w {
                                    let ky = y + 1 - 2 * i, kx = x + 1 - 2 * j
                                    guard (0..<4).contains(ky), (0..<4).contains(kx) else { continue }
                                    sum += Double(input[(c * h + i) * w + j]) * Double(weight[((c * cout + o) * 4 + ky) * 4 + kx])
                                }
                            }
                        }
                        want[(o * 2 * h + y) * 2 * w + x] = sum
                    }
                }
            }
            let layer = ConvTranspose4x4(weight: weight, inChannels: cin, outChannels: cout, bias: bias, batchNorm: nil, relu: false)
            let got = layer(FeatureMap(channels: cin, height: h, width: w, values: input), compute)
            XCTAssertEqual([got.channels, got.height, got.width], [cout, 2 * h, 2 * w])
            for (i, v) in got.values.enumerated() { XCTAssertEqual(Double(v), want[i], accuracy: 1e-5, "\(h)x\(w) \(cin)->\(cout) at \(i)") }
            let relu = ConvTranspose4x4(weight: weight, inChannels: cin, outChannels: cout, bias: bias, batchNorm: nil, relu: true)
            XCTAssertEqual(relu(FeatureMap(channels: cin, height: h, width: w, values: input), compute).values, got.values.map { max($0, 0) })
        }
    }

    /// Each group normalised by its own mean and biased variance, then scaled
    /// and shifted per channel; large offsets (where a one-pass variance
    /// would cancel) included.
    func testGroupNormMatchesTheDefinition() throws {
        var generator = SeededGenerator(seed: 73)
        let compute = try Compute(workers: 2)
        for (channels, groups, h, w, offset) in [(8, 4, 5, 7, 0.0), (64, 32, 9, 9, 0.0), (6, 1, 3, 4, 1000.0), (4, 4, 1, 1, 0.0)] {
            let values = (0..<(channels * h * w)).map { _ in Float(Double.random(in: -2...2, using: &generator) + offset) }
            let gamma = (0..<channels).map { _ in Float.random(in: 0.5...1.5, using: &generator) }
            let beta = (0..<channels).map { _ in Float.random(in: -0.5...0.5, using: &generator) }
            let map = FeatureMap(channels: channels, height: h, width: w, values: values)
            GroupNorm(groups: groups, weight: gamma, bias: beta).apply(map, relu: false, compute)
            let per = channels / groups, plane = h * w
            for g in 0..<groups {
                let slice = values[(g * per * plane)..<((g + 1) * per * plane)].map(Double.init)
                let mean = slice.reduce(0, +) / Double(slice.count)
                let variance = slice.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(slice.count)
                for c in (g * per)..<((g + 1) * per) {
                    for i in 0..<plane {
                        let want = (Double(values[c * plane + i]) - mean) / (variance + 1e-5).squareRoot() * Double(gamma[c]) + Double(beta[c])
                        XCTAssertEqual(Double(map.data[c * plane + i]), want, accuracy: 2e-4, "C\(channels) G\(groups) offset \(offset)")
                    }
                }
            }
        }
    }
}
