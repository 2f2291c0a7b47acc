import Foundation
import SegCore
import SegTestSupport
import XCTest
@testable import SegModel

/// segmentation_models.pytorch 0.6.0 models against PyTorch's own outputs
/// (Fixtures/models/smp/generate.py: random weights, random BatchNorm
/// statistics, smp's key names): logits within 1e-4 (relative, or absolute below 1).
final class SMPAgreementTests: XCTestCase {
    /// ResNet-18 (BasicBlocks) at encoder depth 3, 1 → 2 channels; also at 50×38, which smp's Unet runs as it is.
    func testUnetResNet18MatchesPyTorch() throws {
        try check("unet-resnet18-d3", .smpUnet, channels: [1, 2], encoder: "resnet18", odd: true)
    }

    /// ResNet-50 (Bottlenecks) at depth 2 with scSE attention in the decoder, 3 → 1 channels.
    func testUnetResNet50WithSCSEMatchesPyTorch() throws {
        try check("unet-resnet50-d2-scse", .smpUnet, channels: [3, 1], encoder: "resnet50")
    }

    /// Unet++'s nested nodes with scSE; 50×38 padded to 56×40 and cropped back.
    func testUnetPlusPlusMatchesPyTorch() throws {
        try check("unetplusplus-resnet18-d3-scse", .smpUnetPlusPlus, channels: [1, 1], encoder: "resnet18", odd: true)
    }

    /// FPN at depth 3 (its finest pyramid level reads the input itself), merge add, nearest, upsampling 1.
    func testFPNOnResNetMatchesPyTorch() throws {
        try check("fpn-resnet18-d3", .smpFPN, channels: [1, 1], encoder: "resnet18")
    }

    /// FPN on MobileNet-V2 (depthwise convolutions, ReLU6, inverted residuals) at depth 4,
    /// merge cat, bilinear top-down path, upsampling 2, smp's softmax.
    func testFPNOnMobileNetMatchesPyTorch() throws {
        try check("fpn-mobilenet_v2-d4-cat", .smpFPN, channels: [3, 2], encoder: "mobilenet_v2", odd: true)
    }

    /// DeepLabV3+ at output stride 8 on MobileNet-V2: modules 7–13 dilated (depthwise at rate 2),
    /// separable ASPP at rates 2/4/6.
    func testDeepLabV3PlusOnMobileNetMatchesPyTorch() throws {
        try check("deeplabv3plus-mobilenet_v2-d4-os8", .smpDeepLabV3Plus, channels: [3, 3], encoder: "mobilenet_v2", odd: true)
    }

    /// Linknet's 4×4 stride-2 transposed convolutions (four phases) and additive skips; 45×70 padded to 48×72.
    func testLinknetMatchesPyTorch() throws {
        try check("linknet-resnet18-d3", .smpLinknet, channels: [1, 2], encoder: "resnet18", odd: true)
    }

    /// DeepLabV3+ at smp's defaults, depth 5 and output stride 16, on MobileNet-V2: modules 14–18
    /// dilated by 2, the ASPP output upsampled ×4; 50×70 padded to 64×80.
    func testDeepLabV3PlusAtSMPDefaultsMatchesPyTorch() throws {
        try check("deeplabv3plus-mobilenet_v2-d5-os16", .smpDeepLabV3Plus, channels: [1, 1], encoder: "mobilenet_v2", odd: true)
    }

    /// DeepLabV3+ at output stride 8 on a ResNet (layer3 dilated by 2), plain ASPP at rates 3/5/7,
    /// as a plain state_dict whose metadata names the architecture and those settings.
    func testDeepLabV3PlusOnDilatedResNetFromMetadataMatchesPyTorch() throws {
        try check("deeplabv3plus-resnet10tiny-d4-os8-plain", nil, channels: [1, 1], encoder: "ResNet (BasicBlock 1-1-1)", odd: true)
    }

    /// Loads the fixture (the folder when it has config.json, else the file), checks what was
    /// recognised and compares the logits (and smp's activated output, and the odd-size run)
    /// with PyTorch's.
    private func check(_ name: String, _ architecture: Architecture?, channels: [Int], encoder: String, odd: Bool = false) throws {
        let base = Repo.root + "/Fixtures/models/smp/" + name
        let hasConfig = FileManager.default.fileExists(atPath: base + "/config.json")
        let model = try LoadedModel(path: hasConfig ? base : base + "/model.safetensors")
        XCTAssertEqual(model.network.architecture, architecture ?? .smpDeepLabV3Plus)
        XCTAssertEqual((model.network as? any SMPNetwork)?.encoder.name, encoder)
        XCTAssertEqual([model.network.inputChannels, model.network.outputChannels], channels)
        let expected = try SafeTensors(contentsOf: base + "/expected.safetensors")
        let compute = try Compute(workers: 2)
        let logits = try compare(model, expected, "input", "logits", compute, name)
        if expected.entries["output"] != nil {
            // smp's activation as config.json declares it, applied the way segpredict applies it.
            let predictor = try Predictor(model: model, settings: try ResolvedPreprocessing(model.preprocessing(), network: model.network), compute: compute)
            predictor.activate(logits)
            try assertClose(logits, try expected.floats("output"), name + " after the activation")
        }
        if odd { _ = try compare(model, expected, "input_odd", "logits_odd", compute, name + " at an odd size") }
    }

    private func compare(_ model: LoadedModel, _ expected: SafeTensors, _ inputName: String, _ outputName: String,
                         _ compute: Compute, _ label: String) throws -> FeatureMap {
        let shape = try XCTUnwrap(expected.entries[inputName]?.shape), outShape = try XCTUnwrap(expected.entries[outputName]?.shape)
        let input = FeatureMap(channels: shape[1], height: shape[2], width: shape[3], values: try expected.floats(inputName))
        let got = try compute.pass { try model.network.forward(input, compute) }
        XCTAssertEqual([got.channels, got.height, got.width], Array(outShape.dropFirst()), label)
        try assertClose(got, try expected.floats(outputName), label)
        // The second pass lays its activations out in the arena planned from the first.
        let taken = compute.arena!.plannedTakes
        let again = try compute.pass { try model.network.forward(input, compute) }
        XCTAssertGreaterThan(compute.arena!.plannedTakes, taken, label + ": the second pass follows the plan")
        XCTAssertEqual(again.values, got.values, label + " on the planned arena")
        return got
    }

    private func assertClose(_ got: FeatureMap, _ want: [Float], _ label: String) throws {
        XCTAssertEqual(got.count, want.count, label)
        var worst = 0.0
        for (a, b) in zip(got.values, want) { worst = max(worst, Double(abs(a - b)) / max(1, Double(abs(b)))) }
        XCTAssertLessThan(worst, 1e-4, "\(label): largest difference from PyTorch")
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
            // smp's Unet upsamples to each skip's size: any input size runs.
            XCTAssertEqual(model.network.minimumSide, 1)
            for (h, w) in [(64, 96), (37, 45)] {
                let input = FeatureMap(channels: 1, height: h, width: w, values: (0..<(h * w)).map { Float($0 % 7) / 7 })
                let out = try model.network.forward(input, try Compute(workers: 2))
                XCTAssertEqual([out.channels, out.height, out.width], [2, h, w], "depth \(depth)")
                XCTAssertTrue(out.values.allSatisfy(\.isFinite))
            }
        }
    }

    /// MobileNet-V2 at every depth from smp's full key layout (features.0 … 18,
    /// tiny widths): the depth-5 encoder runs the last 1×1 module and ignores
    /// nothing (found by scripts/smp_agreement.py: an empty ignore range used
    /// to crash), shallower ones ignore the modules past their last output;
    /// every output keeps the input's size and the feature channels are smp's.
    func testMobileNetEncoderLoadsAtEveryDepth() throws {
        var generator = SeededGenerator(seed: 51)
        typealias Tensor = (name: String, dtype: String, shape: [Int], bytes: [UInt8])
        func tensor(_ name: String, _ shape: [Int]) -> Tensor {
            let count = shape.reduce(1, *)
            let values: [Float] = name.hasSuffix("running_var") ? (0..<count).map { _ in Float.random(in: 0.5...1.5, using: &generator) }
                : (0..<count).map { _ in Float.random(in: -0.5...0.5, using: &generator) }
            return (name, "F32", shape, f32Bytes(values))
        }
        func bn(_ name: String, _ c: Int) -> [Tensor] { ["weight", "bias", "running_mean", "running_var"].map { tensor(name + "." + $0, [c]) } }
        // Output widths per module: torchvision's 16/24/32/64/96/160/320/1280 scaled down.
        let widths = [4, 2, 3, 3, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 7, 7, 7, 8, 9]
        var encoder = [tensor("encoder.features.0.0.weight", [widths[0], 3, 3, 3])] + bn("encoder.features.0.1", widths[0])
        for i in 1...17 {
            let p = "encoder.features.\(i).conv.", input = widths[i - 1], out = widths[i]
            if i == 1 {
                encoder += [tensor(p + "0.0.weight", [input, 1, 3, 3])] + bn(p + "0.1", input) + [tensor(p + "1.weight", [out, input, 1, 1])] + bn(p + "2", out)
            } else {
                let hidden = 2 * input
                encoder += [tensor(p + "0.0.weight", [hidden, input, 1, 1])] + bn(p + "0.1", hidden) + [tensor(p + "1.0.weight", [hidden, 1, 3, 3])]
                    + bn(p + "1.1", hidden) + [tensor(p + "2.weight", [out, hidden, 1, 1])] + bn(p + "3", out)
            }
        }
        encoder += [tensor("encoder.features.18.0.weight", [widths[18], widths[17], 1, 1])] + bn("encoder.features.18.1", widths[18])
        let outputs = [1, 3, 6, 13, 18]
        for depth in 1...5 {
            var tensors = encoder
            let features = [3] + outputs.prefix(depth).map { widths[$0] }
            var below = features.last!
            for i in 0..<depth {
                let skip = i + 2 < features.count ? features[features.count - 2 - i] : 0
                tensors += [tensor("decoder.blocks.\(i).conv1.0.weight", [4, below + skip, 3, 3])] + bn("decoder.blocks.\(i).conv1.1", 4)
                    + [tensor("decoder.blocks.\(i).conv2.0.weight", [4, 4, 3, 3])] + bn("decoder.blocks.\(i).conv2.1", 4)
                below = 4
            }
            tensors += [tensor("segmentation_head.0.weight", [1, 4, 3, 3]), tensor("segmentation_head.0.bias", [1])]
            let model = try LoadedModel(try SafeTensors(bytes: safetensorsBytes(tensors), path: "mobilenet-d\(depth).safetensors"))
            let network = try XCTUnwrap(model.network as? SMPUnet)
            XCTAssertEqual(network.encoder.name, "mobilenet_v2")
            XCTAssertEqual(network.encoder.featureChannels, features, "depth \(depth)")
            XCTAssertEqual(network.encoder.outputStride, 1 << depth)
            let input = FeatureMap(channels: 3, height: 40, width: 56, values: (0..<(3 * 40 * 56)).map { Float($0 % 11) / 11 })
            let out = try network.forward(input, try Compute(workers: 2))
            XCTAssertEqual([out.channels, out.height, out.width], [1, 40, 56], "depth \(depth)")
            XCTAssertTrue(out.values.allSatisfy(\.isFinite))
        }
    }
}
