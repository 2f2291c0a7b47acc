import Foundation
import SegCore
import XCTest
@testable import SegModel

/// The register-tiled 3×3 and 1×1 paths (AVX-512 CPUs): against the
/// definition in Double, against the im2col, matrix-product and Winograd paths
/// of the same layer with plain weights, and independent of the worker count.
final class TiledConvolutionTests: XCTestCase {
    private var generator = SeededGenerator(seed: 1717)
    private func random(_ n: Int) -> [Float] { (0..<n).map { _ in Float.random(in: -1...1, using: &generator) } }

    override func setUpWithError() throws {
        try XCTSkipUnless(Conv2D.tilingAvailable, "this CPU has no AVX-512: the tiled path is not used here")
    }

    /// The same layer twice: tiled (packed weights) and on the plain paths.
    private func twins(_ weight: [Float], bias: [Float], out: Int, in channels: Int, kernel: Int = 3, dilation: Int = 1,
                       stride: Int = 1, padding: Int? = nil, relu: Bool = false, relu6: Bool = false) -> (tiled: Conv2D, plain: Conv2D) {
        func make(_ tiling: Bool) -> Conv2D {
            Conv2D(weight: weight, outChannels: out, inChannels: channels, kernel: kernel, bias: bias, batchNorm: nil, dilation: dilation,
                   stride: stride, padding: padding, relu: relu, relu6: relu6, allowTiling: tiling)
        }
        return (make(true), make(false))
    }

    func testTiledConvolutionMatchesTheDefinition() throws {
        let compute = try Compute(workers: 2, winogradMinPixels: .max)
        // (input channels, output channels, height, width, dilation): widths with partial
        // 16-pixel vectors and groups of vectors spanning rows, output channels that are not
        // a multiple of 8, dilation as ResNet's dilated stages use it, padding larger than the map.
        let shapes = [(8, 8, 16, 16, 1), (9, 5, 13, 11, 1), (12, 17, 7, 33, 1), (8, 3, 1, 1, 1), (10, 9, 9, 40, 2),
                      (8, 16, 4, 5, 4), (40, 24, 6, 48, 1)]
        for (c, m, h, w, d) in shapes {
            let input = random(c * h * w), weight = random(m * c * 9), bias = random(m)
            let layer = twins(weight, bias: bias, out: m, in: c, dilation: d)
            XCTAssertTrue(layer.tiled.tiled)
            XCTAssertFalse(layer.plain.tiled)
            let want = StridedLayerTests.naiveConv(input, channels: c, height: h, width: w, weight: weight, bias: bias, outChannels: m,
                                                   kernel: 3, stride: 1, padding: d, dilation: d).values
            // Two stacked inputs read as one.
            let first = FeatureMap(channels: 3, height: h, width: w, values: Array(input[0..<(3 * h * w)]))
            let rest = FeatureMap(channels: c - 3, height: h, width: w, values: Array(input[(3 * h * w)...]))
            let got = layer.tiled([first, rest], compute).values
            for i in want.indices {
                XCTAssertEqual(Double(got[i]), want[i], accuracy: 1e-4, "\(c)->\(m) \(h)x\(w) d\(d) at \(i)")
            }
            let plain = layer.plain([first, rest], compute).values
            XCTAssertLessThan(zip(got, plain).map { abs($0 - $1) }.max()!, 1e-4, "\(c)->\(m) \(h)x\(w) d\(d) against im2col")
        }
    }

    /// Bias, shortcut and activation in the output pass, on both tiles: the
    /// 3×3 one, the gathered one at 1×1 and at 3×3/2.
    func testResidualAndActivationsAreAppliedInTheOutputPass() throws {
        let compute = try Compute(workers: 2, winogradMinPixels: .max)
        let c = 16, m = 11, h = 9, w = 21
        let input = FeatureMap(channels: c, height: h, width: w, values: random(c * h * w))
        for (k, stride) in [(3, 1), (1, 1), (3, 2)] {
            let oh = (h - 1) / stride + 1, ow = (w - 1) / stride + 1
            let shortcut = FeatureMap(channels: m, height: oh, width: ow, values: random(m * oh * ow).map { $0 * 8 })
            let weight = random(m * c * k * k), bias = random(m)
            for (relu, relu6) in [(false, false), (true, false), (false, true)] {
                let label = "\(k)x\(k)/\(stride) relu \(relu) relu6 \(relu6)"
                let layer = twins(weight, bias: bias, out: m, in: c, kernel: k, stride: stride, padding: k / 2, relu: relu, relu6: relu6)
                let bare = twins(weight, bias: bias, out: m, in: c, kernel: k, stride: stride, padding: k / 2).tiled(input, compute).values
                let got = layer.tiled(input, compute, adding: shortcut).values
                let want = zip(bare, shortcut.values).map { pair -> Float in
                    let v = pair.0 + pair.1
                    return relu6 ? min(max(v, 0), 6) : relu ? max(v, 0) : v
                }
                XCTAssertLessThan(zip(got, want).map { abs($0 - $1) }.max()!, 1e-5, label)
                XCTAssertTrue(!relu6 || got.max()! == 6, "ReLU6 clamps at 6: " + label)
                let plain = layer.plain(input, compute, adding: shortcut).values
                XCTAssertLessThan(zip(got, plain).map { abs($0 - $1) }.max()!, 1e-4, label + " against im2col/BLAS")
            }
        }
    }

    func testResizedInputIsReadInPlace() throws {
        let compute = try Compute(workers: 2, winogradMinPixels: .max)
        let deep = FeatureMap(channels: 10, height: 4, width: 7, values: random(10 * 4 * 7))
        let skip = FeatureMap(channels: 6, height: 8, width: 14, values: random(6 * 8 * 14))
        let m = 9, weight = random(m * 16 * 9), bias = random(m)
        let layer = twins(weight, bias: bias, out: m, in: 16, dilation: 1, relu: true)
        let got = layer.tiled(resizing: deep, toHeight: 8, width: 14, then: [skip], compute).values
        let copied = layer.tiled([Operations.nearestResize(deep, height: 8, width: 14, compute), skip], compute).values
        XCTAssertEqual(got, copied, "the index view reads what the resized copy holds")
        let plain = layer.plain(resizing: deep, toHeight: 8, width: 14, then: [skip], compute).values
        XCTAssertLessThan(zip(got, plain).map { abs($0 - $1) }.max()!, 1e-4)
    }

    func testOutputIsTheSameBytesWhateverTheWorkerCount() throws {
        let c = 24, m = 20, h = 13, w = 37
        let input = FeatureMap(channels: c, height: h, width: w, values: random(c * h * w))
        let layer = twins(random(m * c * 9), bias: random(m), out: m, in: c, dilation: 2).tiled
        let one = layer(input, try Compute(workers: 1, winogradMinPixels: .max)).values
        let two = layer(input, try Compute(workers: 2, winogradMinPixels: .max)).values
        let five = layer(input, try Compute(workers: 5, winogradMinPixels: .max)).values
        XCTAssertEqual(one, two)
        XCTAssertEqual(one, five)
    }

    func testPackedWeightsGiveWinogradTheSameTransform() throws {
        let compute = try Compute(workers: 2, winogradMinPixels: 0)
        let c = 12, m = 10, h = 12, w = 19
        let input = FeatureMap(channels: c, height: h, width: w, values: random(c * h * w))
        let layer = twins(random(m * c * 9), bias: random(m), out: m, in: c, dilation: 1)
        XCTAssertEqual(layer.tiled(input, compute).values, layer.plain(input, compute).values,
                       "Winograd from unpacked weights is bit-identical")
    }

    // MARK: Gathered (every other layer)

    func testGatheredConvolutionMatchesTheDefinition() throws {
        let compute = try Compute(workers: 2, winogradMinPixels: .max)
        // (input channels, output channels, height, width, kernel, stride, padding, dilation):
        // 1×1 with pixel counts ending in a partial 48-pixel run and a partial 16-pixel vector,
        // output channels not a multiple of 8, a single pixel, 1×1/2 on odd sizes (ResNet's
        // projection shortcuts), 600 channels (several chunks of runs per call), 3×3/2 with runs
        // spanning rows, the 7×7/2 stem on one and three channels, a 3×3 dilated wider than the
        // map, a 5×5, an unpadded 3×3, a 3×3/2 at dilation 2, and 1×1/2 layers whose last output reads
        // the last value of the input buffer (the stride-2 gather must not read past it: ASan runs),
        // a 3×3/3 (the scalar gather) and a dilation of 2100 (a source line too long to copy).
        let shapes = [(8, 8, 16, 16, 1, 1, 0, 1), (9, 5, 13, 11, 1, 1, 0, 1), (8, 3, 1, 1, 1, 1, 0, 1), (12, 17, 7, 33, 1, 2, 0, 1),
                      (20, 9, 9, 40, 1, 2, 0, 1), (600, 10, 20, 17, 1, 1, 0, 1), (600, 10, 21, 17, 1, 2, 0, 1),
                      (9, 11, 15, 21, 3, 2, 1, 1), (1, 16, 23, 30, 7, 2, 3, 1), (3, 9, 19, 17, 7, 2, 3, 1), (8, 8, 9, 11, 3, 1, 12, 12),
                      (5, 7, 10, 12, 5, 1, 2, 1), (8, 6, 9, 10, 3, 1, 0, 1), (10, 8, 13, 14, 3, 2, 2, 2),
                      (8, 5, 1, 3, 1, 2, 0, 1), (8, 5, 3, 35, 1, 2, 0, 1), (4, 6, 11, 13, 3, 3, 1, 1), (2, 3, 5, 6, 3, 1, 2100, 2100)]
        for (c, m, h, w, k, stride, padding, d) in shapes {
            let input = random(c * h * w), weight = random(m * c * k * k), bias = random(m)
            let layer = twins(weight, bias: bias, out: m, in: c, kernel: k, dilation: d, stride: stride, padding: padding)
            let label = "\(c)->\(m) \(h)x\(w) \(k)x\(k)/\(stride) p\(padding) d\(d)"
            XCTAssertTrue(layer.tiled.tiled && !layer.tiled.tiles3x3, label)
            XCTAssertFalse(layer.plain.tiled)
            let want = StridedLayerTests.naiveConv(input, channels: c, height: h, width: w, weight: weight, bias: bias, outChannels: m,
                                                   kernel: k, stride: stride, padding: padding, dilation: d)
            let split = min(3, c - 1)
            let stacked = split == 0 ? [FeatureMap(channels: c, height: h, width: w, values: input)]
                : [FeatureMap(channels: split, height: h, width: w, values: Array(input[0..<(split * h * w)])),
                   FeatureMap(channels: c - split, height: h, width: w, values: Array(input[(split * h * w)...]))]
            let out = layer.tiled(stacked, compute)
            XCTAssertEqual([out.height, out.width], [want.height, want.width], label)
            for i in want.values.indices {
                XCTAssertEqual(Double(out.values[i]), want.values[i], accuracy: 1e-4, "\(label) at \(i)")
            }
            let plain = layer.plain(stacked, compute).values
            XCTAssertLessThan(zip(out.values, plain).map { abs($0 - $1) }.max()!, 1e-4, "\(label) against im2col/BLAS")
        }
    }

    func testGatheredIsTheSameBytesWhateverTheWorkerCount() throws {
        let c = 300, m = 20, h = 23, w = 37
        let input = FeatureMap(channels: c, height: h, width: w, values: random(c * h * w))
        for (k, stride) in [(1, 1), (1, 2), (3, 2)] {
            let layer = twins(random(m * c * k * k), bias: random(m), out: m, in: c, kernel: k, stride: stride, padding: k / 2).tiled
            let one = layer(input, try Compute(workers: 1, winogradMinPixels: .max)).values
            let two = layer(input, try Compute(workers: 2, winogradMinPixels: .max)).values
            let five = layer(input, try Compute(workers: 5, winogradMinPixels: .max)).values
            XCTAssertEqual(one, two, "\(k)x\(k)/\(stride)")
            XCTAssertEqual(one, five, "\(k)x\(k)/\(stride)")
        }
    }
}
