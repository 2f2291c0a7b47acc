import Foundation
import SegCore
import XCTest
@testable import SegModel

/// Winograd with per-call weight transforms (3×3 layers below Winograd's
/// cached sizes, any dilation as interleaved sub-grids): against the
/// definition in Double, against the tiled kernel, and independent of the
/// worker count.
final class StreamedWinogradTests: XCTestCase {
    private var generator = SeededGenerator(seed: 4242)
    private func random(_ n: Int) -> [Float] { (0..<n).map { _ in Float.random(in: -1...1, using: &generator) } }

    override func setUpWithError() throws {
        try XCTSkipUnless(Conv2D.tilingAvailable, "this CPU has no AVX-512: the streamed path reads packed weights")
    }

    /// Streamed Winograd from 8 channels, the cached Winograd never.
    private func streamed(workers: Int = 2) throws -> Compute {
        let compute = try Compute(workers: workers, winogradMinPixels: .max, streamedWinogradMinChannels: 8)
        compute.profile = true
        return compute
    }

    private func layer(_ weight: [Float], bias: [Float], out: Int, in channels: Int, dilation: Int, relu: Bool = false,
                       relu6: Bool = false) -> Conv2D {
        Conv2D(weight: weight, outChannels: out, inChannels: channels, kernel: 3, bias: bias, batchNorm: nil, dilation: dilation,
               stride: 1, padding: nil, relu: relu, relu6: relu6, allowTiling: true)
    }

    /// Whether `compute` ran a layer on the streamed path.
    private func tookStreamedPath(_ compute: Compute) -> Bool {
        compute.layerSeconds.keys.contains { $0.contains("winograd streamed") }
    }

    func testMatchesTheDefinition() throws {
        // (input channels, output channels, height, width, dilation): sizes that are no
        // multiple of 4 (partial tiles), sub-grids of unequal sizes (26 = 9 + 9 + 8 rows at
        // dilation 3), output channels that fill no whole piece or block, and input
        // channels above 1536 / 8 (one block per piece).
        // Maps of more than 64 tiles run as several strips (at 40 × 44 and dilation 2, one strip
        // ends inside the third sub-grid), and 600 input channels add up two products.
        let shapes = [(16, 20, 16, 16, 1), (16, 13, 19, 23, 2), (24, 9, 26, 30, 3), (200, 60, 16, 17, 1), (40, 33, 34, 18, 2),
                      (16, 12, 40, 40, 1), (16, 12, 40, 44, 2), (600, 10, 9, 12, 1)]
        for (c, m, h, w, d) in shapes {
            let compute = try streamed()
            let input = random(c * h * w), weight = random(m * c * 9), bias = random(m)
            let conv = layer(weight, bias: bias, out: m, in: c, dilation: d)
            // Two stacked inputs read as one.
            let first = FeatureMap(channels: 5, height: h, width: w, values: Array(input[0..<(5 * h * w)]))
            let rest = FeatureMap(channels: c - 5, height: h, width: w, values: Array(input[(5 * h * w)...]))
            let got = conv([first, rest], compute).values
            XCTAssertTrue(tookStreamedPath(compute), "\(c)->\(m) \(h)x\(w) d\(d) took another path")
            let want = StridedLayerTests.naiveConv(input, channels: c, height: h, width: w, weight: weight, bias: bias, outChannels: m,
                                                   kernel: 3, stride: 1, padding: d, dilation: d).values
            // Sums of c·9 terms of size ≤ 1 (up to 1800): Winograd's rounding grows with them.
            let tolerance = 2e-6 * Double(c * 9)
            var worst = 0.0
            for i in want.indices { worst = max(worst, abs(Double(got[i]) - want[i])) }
            XCTAssertLessThan(worst, tolerance, "\(c)->\(m) \(h)x\(w) d\(d)")
            let tiled = conv([first, rest], try Compute(workers: 2, winogradMinPixels: .max, streamedWinogradMinChannels: .max)).values
            XCTAssertLessThan(zip(got, tiled).map { abs($0 - $1) }.max()!, Float(tolerance), "\(c)->\(m) \(h)x\(w) d\(d) against the tiled kernel")
        }
    }

    /// Bias, shortcut and activation land on the right pixels of every sub-grid.
    func testResidualAndActivationsAreAppliedInTheOutputPass() throws {
        let c = 12, m = 10, h = 21, w = 18
        let input = FeatureMap(channels: c, height: h, width: w, values: random(c * h * w))
        let shortcut = FeatureMap(channels: m, height: h, width: w, values: random(m * h * w).map { $0 * 8 })
        let weight = random(m * c * 9), bias = random(m)
        for d in [1, 2] {
            for (relu, relu6) in [(false, false), (true, false), (false, true)] {
                let label = "d\(d) relu \(relu) relu6 \(relu6)"
                let compute = try streamed()
                let bare = layer(weight, bias: bias, out: m, in: c, dilation: d)(input, compute).values
                let got = layer(weight, bias: bias, out: m, in: c, dilation: d, relu: relu, relu6: relu6)(input, compute, adding: shortcut).values
                XCTAssertTrue(tookStreamedPath(compute), label)
                let want = zip(bare, shortcut.values).map { pair -> Float in
                    let v = pair.0 + pair.1
                    return relu6 ? min(max(v, 0), 6) : relu ? max(v, 0) : v
                }
                XCTAssertLessThan(zip(got, want).map { abs($0 - $1) }.max()!, 1e-5, label)
                XCTAssertTrue(!relu6 || got.max()! == 6, "ReLU6 clamps at 6: " + label)
            }
        }
    }

    /// smp's decoder blocks: the upsampled map read through an index view, never made.
    func testResizedInputIsReadInPlace() throws {
        let compute = try streamed()
        let deep = FeatureMap(channels: 10, height: 5, width: 9, values: random(10 * 5 * 9))
        let skip = FeatureMap(channels: 6, height: 10, width: 17, values: random(6 * 10 * 17))
        let m = 9
        let conv = layer(random(m * 16 * 9), bias: random(m), out: m, in: 16, dilation: 1, relu: true)
        let got = conv(resizing: deep, toHeight: 10, width: 17, then: [skip], compute).values
        XCTAssertTrue(tookStreamedPath(compute))
        let copied = conv([Operations.nearestResize(deep, height: 10, width: 17, compute), skip], compute).values
        XCTAssertEqual(got, copied, "the index view reads what the resized copy holds")
    }

    func testOutputIsTheSameBytesWhateverTheWorkerCount() throws {
        let c = 40, m = 44
        for (d, h, w) in [(1, 19, 26), (2, 19, 26), (1, 40, 44), (2, 40, 44)] {  // one strip, then several
            let input = FeatureMap(channels: c, height: h, width: w, values: random(c * h * w))
            let conv = layer(random(m * c * 9), bias: random(m), out: m, in: c, dilation: d)
            let one = conv(input, try streamed(workers: 1)).values
            XCTAssertEqual(one, conv(input, try streamed(workers: 2)).values, "d\(d)")
            XCTAssertEqual(one, conv(input, try streamed(workers: 5)).values, "d\(d)")
        }
    }

    /// From Winograd's cached sizes up, a layer keeps its transformed weights
    /// only when the copy fits `winogradCacheLimit`; larger ones stream.
    func testLayersWhoseCachedWeightsWouldBeTooLargeStream() throws {
        let c = 16, m = 16, h = 20, w = 20
        let input = FeatureMap(channels: c, height: h, width: w, values: random(c * h * w))
        let conv = layer(random(m * c * 9), bias: random(m), out: m, in: c, dilation: 1)
        XCTAssertEqual(conv.winogradWeightBytes, 36 * 16 * 16 * 4)
        let small = try Compute(workers: 2, winogradMinPixels: 0, streamedWinogradMinChannels: 8, winogradCacheLimit: 36 * 16 * 16 * 4 - 1)
        let large = try Compute(workers: 2, winogradMinPixels: 0, streamedWinogradMinChannels: 8, winogradCacheLimit: 36 * 16 * 16 * 4)
        small.profile = true
        large.profile = true
        let streamedValues = conv(input, small).values, cachedValues = conv(input, large).values
        XCTAssertTrue(tookStreamedPath(small), "a copy over the limit is not kept")
        XCTAssertFalse(tookStreamedPath(large), "a copy within the limit is kept")
        XCTAssertTrue(large.layerSeconds.keys.contains { $0.hasPrefix("conv3x3 winograd 20x20") })
        XCTAssertLessThan(zip(streamedValues, cachedValues).map { abs($0 - $1) }.max()!, 1e-4)
    }

    /// Sub-grids smaller than 8 × 8, and layers with fewer channels than the
    /// threshold, stay on the tiled kernel.
    func testSmallLayersKeepTheTiledKernel() throws {
        for (c, h, d) in [(16, 15, 2), (16, 7, 1), (7, 32, 1)] {
            let compute = try streamed()
            _ = layer(random(8 * c * 9), bias: random(8), out: 8, in: c, dilation: d)(FeatureMap(channels: c, height: h, width: h), compute)
            XCTAssertFalse(tookStreamedPath(compute), "\(c) channels \(h)x\(h) d\(d)")
        }
    }
}
