import SegImage
import SegTestSupport
import XCTest

@testable import SegModel

/// Every architecture against PyTorch: `Fixtures/models/generate.py` built each
/// model with random weights and random BatchNorm statistics and stored its
/// input and output; SegKit must reproduce the output within 1e-4.
final class AgreementTests: XCTestCase {
    static let folder = Repo.fixtures + "/models/agreement/"
    let tolerance: Float = 1e-4

    func io(_ name: String) throws -> SafeTensors { try SafeTensors(contentsOf: Self.folder + name + "-io.safetensors") }

    /// A (1, C, H, W) tensor from a reference file as a feature map.
    func map(_ file: SafeTensors, _ name: String) throws -> FeatureMap {
        let shape = file.entries[name]!.shape
        XCTAssertEqual(shape.count, 4)
        return FeatureMap(channels: shape[1], height: shape[2], width: shape[3], values: try file.floats(name))
    }

    func assertClose(_ actual: FeatureMap, _ expected: FeatureMap, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual([actual.channels, actual.height, actual.width], [expected.channels, expected.height, expected.width], label, file: file, line: line)
        guard actual.count == expected.count else { return }
        var worst: Float = 0
        for i in 0..<actual.count { worst = max(worst, abs(actual.data[i] - expected.data[i])) }
        XCTAssertLessThanOrEqual(worst, tolerance, "\(label): max |difference| \(worst)", file: file, line: line)
    }

    /// Runs `body` twice: with Winograd F(4,3) wherever it applies, and with
    /// im2col only, so both convolution paths are held to the reference.
    func bothPaths(_ body: (Compute, String) throws -> Void) throws {
        try body(try Compute(workers: 2, winogradMinPixels: 0), "winograd")
        try body(try Compute(workers: 2, winogradMinPixels: Int.max), "im2col")
    }

    func check(model name: String, io ioName: String? = nil, architecture: Architecture, file: StaticString = #filePath, line: UInt = #line) throws {
        let model = try LoadedModel(path: Self.folder + name + ".safetensors")
        XCTAssertEqual(model.network.architecture, architecture, file: file, line: line)
        let reference = try io(ioName ?? name)
        try bothPaths { compute, path in
            let out = try model.network.forward(try map(reference, "input"), compute)
            assertClose(out, try map(reference, "output"), "\(ioName ?? name) (\(path))", file: file, line: line)
        }
    }

    func testUNetBilinearOddSize() throws { try check(model: "unet-bilinear", architecture: .unet) }
    func testUNetTransposedF16() throws { try check(model: "unet-transposed", architecture: .unet) }
    func testUNet2019BF16() throws { try check(model: "unet2019", architecture: .unet) }
    func testUNet2019Transposed() throws { try check(model: "unet2019-transposed", architecture: .unet) }
    func testUNet3Plus() throws { try check(model: "unet3plus", architecture: .unet3plus) }
    func testUNet3PlusPadsToMultipleOf16() throws { try check(model: "unet3plus", io: "unet3plus-pad", architecture: .unet3plus) }

    func testU2NetAllSideOutputs() throws {
        let model = try LoadedModel(path: Self.folder + "u2net.safetensors")
        let net = try XCTUnwrap(model.network as? U2Net)
        let reference = try io("u2net")
        try bothPaths { compute, path in
            let outs = try net.sideOutputs(try map(reference, "input"), compute)
            XCTAssertEqual(outs.count, 7)
            for (k, out) in outs.enumerated() { assertClose(out, try map(reference, "d\(k)"), "u2net d\(k) (\(path))") }
        }
    }

    func testSlidingWindowMatchesMONAI() throws {
        for name in ["tile", "tile-small"] {
            let model = try LoadedModel(path: Self.folder + "unet-bilinear.safetensors")
            let reference = try io(name)
            try bothPaths { c, path in
                let out = try SlidingWindow(side: 32, overlap: 0.25).run(try map(reference, "input")) { try model.network.forward($0, c) }
                assertClose(out, try map(reference, "output"), "\(name) (\(path))")
            }
        }
    }

    func testWindowStartsFollowMONAI() {
        // Hand-checked against MONAI's dense_patch_slices (ARCHITECTURES.md §5).
        let w = SlidingWindow(side: 32, overlap: 0.25)
        XCTAssertEqual(w.starts(size: 70), [0, 24, 38])
        XCTAssertEqual(w.starts(size: 90), [0, 24, 48, 58])
        XCTAssertEqual(w.starts(size: 32), [0])
        XCTAssertEqual(SlidingWindow(side: 512, overlap: 0.5).starts(size: 1024), [0, 256, 512])
    }

    func testFlipTTA() throws {
        let model = try LoadedModel(path: Self.folder + "unet-bilinear.safetensors")
        let settings = try ResolvedPreprocessing(Preprocessing(), network: model.network)
        let reference = try io("tta")
        try bothPaths { compute, path in
            let predictor = Predictor(model: model, settings: settings, flipTTA: true, compute: compute)
            assertClose(try predictor.rawOutput(try map(reference, "input")), try map(reference, "output"), "tta (\(path))")
        }
    }

    /// The whole path from a PNG file: metadata preprocessing (scale, ImageNet
    /// mean/std, resize to 64), U²-Net, resize back.
    func testPipelineFromImageFile() throws {
        let model = try LoadedModel(path: Self.folder + "pipeline-u2net.safetensors")
        let settings = try ResolvedPreprocessing(try Preprocessing(metadata: model.metadata), network: model.network)
        XCTAssertEqual(settings.resize, 64)
        XCTAssertEqual(settings.activation, .none, "U²-Net ends in a sigmoid; none may be added")
        let image = try ImageReader.read(Self.folder + "pipeline-input.png")
        let expected = try SafeTensors(contentsOf: Self.folder + "pipeline-expected.safetensors")
        let shape = expected.entries["prob"]!.shape
        try bothPaths { compute, path in
            let prob = try Predictor(model: model, settings: settings, compute: compute).probabilities(image)
            assertClose(prob, FeatureMap(channels: 1, height: shape[0], width: shape[1], values: try expected.floats("prob")), "pipeline (\(path))")
        }
    }
}
