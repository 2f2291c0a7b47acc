import Foundation
import SegCore
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

    /// smp's files hold every ResNet stage whatever the encoder depth: a
    /// depth-3 Unet whose file also has layer3 and layer4 loads (they are not
    /// run), and a depth-5 Unet (all four stages, the stride-2 shortcuts)
    /// loads and keeps the input's size. Tiny synthetic widths; the values
    /// are checked against PyTorch above and in scripts/bench_predict.py
    /// (smp.Unet("resnet34") at 512², against onnxruntime).
    func testEveryEncoderDepthLoadsFromSMPsKeyLayout() throws {
        var generator = SeededGenerator(seed: 50)
        func tensor(_ name: String, _ shape: [Int]) -> (name: String, dtype: String, shape: [Int], bytes: [UInt8]) {
            let count = shape.reduce(1, *)
            let values: [Float] = name.hasSuffix("running_var") ? (0..<count).map { _ in Float.random(in: 0.5...1.5, using: &generator) }
                : (0..<count).map { _ in Float.random(in: -0.5...0.5, using: &generator) }
            return (name, "F32", shape, f32Bytes(values))
        }
        func conv(_ name: String, _ out: Int, _ input: Int, _ k: Int) -> [(name: String, dtype: String, shape: [Int], bytes: [UInt8])] {
            [tensor(name + ".weight", [out, input, k, k])]
        }
        func bn(_ name: String, _ c: Int) -> [(name: String, dtype: String, shape: [Int], bytes: [UInt8])] {
            ["weight", "bias", "running_mean", "running_var"].map { tensor(name + "." + $0, [c]) }
        }
        let widths = [4, 4, 6, 8, 8]  // stem, layer1 … layer4
        var encoder = conv("encoder.conv1", widths[0], 1, 7) + bn("encoder.bn1", widths[0])
        for stage in 1...4 {
            let p = "encoder.layer\(stage).0.", input = widths[stage - 1], out = widths[stage]
            encoder += conv(p + "conv1", out, input, 3) + bn(p + "bn1", out) + conv(p + "conv2", out, out, 3) + bn(p + "bn2", out)
            if stage > 1 { encoder += conv(p + "downsample.0", out, input, 1) + bn(p + "downsample.1", out) }
        }
        for depth in [3, 5] {
            let features = [1] + widths.prefix(depth)
            var tensors = encoder
            var below = features.last!
            for i in 0..<depth {
                let skip = i + 2 < features.count ? features[features.count - 2 - i] : 0
                tensors += conv("decoder.blocks.\(i).conv1.0", 4, below + skip, 3) + bn("decoder.blocks.\(i).conv1.1", 4)
                    + conv("decoder.blocks.\(i).conv2.0", 4, 4, 3) + bn("decoder.blocks.\(i).conv2.1", 4)
                below = 4
            }
            tensors += [tensor("segmentation_head.0.weight", [2, 4, 3, 3]), tensor("segmentation_head.0.bias", [2])]
            let model = try LoadedModel(try SafeTensors(bytes: safetensorsBytes(tensors), path: "d\(depth).safetensors"))
            XCTAssertEqual(model.network.architecture, .smpUnet)
            XCTAssertEqual(model.network.minimumSide, 1 << depth)
            let input = FeatureMap(channels: 1, height: 64, width: 96, values: (0..<(64 * 96)).map { Float($0 % 7) / 7 })
            let out = try model.network.forward(input, try Compute(workers: 2))
            XCTAssertEqual([out.channels, out.height, out.width], [2, 64, 96], "depth \(depth)")
            XCTAssertTrue(out.values.allSatisfy(\.isFinite))
        }
    }
}
