import Foundation
import SegTestSupport
import XCTest
@testable import SegModel

/// segmentation_models.pytorch 0.6.0 models against PyTorch's own outputs
/// (Fixtures/models/smp/generate.py: random weights, random BatchNorm
/// statistics, smp's key names): logits within 1e-4.
final class SMPAgreementTests: XCTestCase {
    func testUnetResNet18MatchesPyTorch() throws {
        let base = Repo.root + "/Fixtures/models/smp/unet-resnet18-d3"
        let model = try LoadedModel(path: base + "/model.safetensors")
        XCTAssertEqual(model.network.architecture, .smpUnet)
        XCTAssertEqual([model.network.inputChannels, model.network.outputChannels], [1, 2])
        let expected = try SafeTensors(contentsOf: base + "/expected.safetensors")
        let inputShape = try XCTUnwrap(expected.entries["input"]?.shape), logitsShape = try XCTUnwrap(expected.entries["logits"]?.shape)
        let input = FeatureMap(channels: inputShape[1], height: inputShape[2], width: inputShape[3], values: try expected.floats("input"))
        let compute = try Compute(workers: 2)
        let got = try model.network.forward(input, compute)
        XCTAssertEqual([got.channels, got.height, got.width], Array(logitsShape.dropFirst()))
        let want = try expected.floats("logits")
        var worst = 0.0
        for (a, b) in zip(got.values, want) { worst = max(worst, Double(abs(a - b)) / max(1, Double(abs(b)))) }
        XCTAssertLessThan(worst, 1e-4, "largest relative difference from PyTorch")
    }
}
