import Foundation
import SegTestSupport
import XCTest
@testable import SegModel

/// segmentation_models.pytorch 0.6.0 models against PyTorch's own outputs
/// (Fixtures/models/smp/generate.py: random weights, random BatchNorm
/// statistics, smp's key names): logits within 1e-4 (relative, or absolute below 1).
final class SMPAgreementTests: XCTestCase {
    /// ResNet-18 (BasicBlocks) at encoder depth 3, 1 → 2 channels.
    func testUnetResNet18MatchesPyTorch() throws { try check("unet-resnet18-d3", channels: [1, 2]) }

    /// ResNet-50 (Bottlenecks) at depth 2 with scSE attention in the decoder, 3 → 1 channels.
    func testUnetResNet50WithSCSEMatchesPyTorch() throws { try check("unet-resnet50-d2-scse", channels: [3, 1]) }

    private func check(_ name: String, channels: [Int]) throws {
        let base = Repo.root + "/Fixtures/models/smp/" + name
        let model = try LoadedModel(path: base + "/model.safetensors")
        XCTAssertEqual(model.network.architecture, .smpUnet)
        XCTAssertEqual([model.network.inputChannels, model.network.outputChannels], channels)
        let expected = try SafeTensors(contentsOf: base + "/expected.safetensors")
        let inputShape = try XCTUnwrap(expected.entries["input"]?.shape), logitsShape = try XCTUnwrap(expected.entries["logits"]?.shape)
        let input = FeatureMap(channels: inputShape[1], height: inputShape[2], width: inputShape[3], values: try expected.floats("input"))
        let got = try model.network.forward(input, try Compute(workers: 2))
        XCTAssertEqual([got.channels, got.height, got.width], Array(logitsShape.dropFirst()))
        let want = try expected.floats("logits")
        var worst = 0.0
        for (a, b) in zip(got.values, want) { worst = max(worst, Double(abs(a - b)) / max(1, Double(abs(b)))) }
        XCTAssertLessThan(worst, 1e-4, "\(name): largest difference from PyTorch")
    }
}
