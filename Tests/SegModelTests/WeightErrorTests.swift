import Foundation
import SegTestSupport
import XCTest

@testable import SegModel

/// Damaged or mismatched state_dicts: every problem names the tensor and the
/// shape that was expected.
final class WeightErrorTests: XCTestCase {
    static let unet = Repo.fixtures + "/models/agreement/unet-bilinear.safetensors"

    /// The fixture's tensors (the U-Net, or `source`), rewritten through `edit` (name, dtype, shape, bytes) → entry or nil to drop.
    func rewritten(_ source: String = WeightErrorTests.unet,
                   _ edit: (String, String, [Int], [UInt8]) -> (String, String, [Int], [UInt8])?) throws -> SafeTensors {
        let file = try SafeTensors(contentsOf: source)
        let entries = file.entries.keys.sorted().compactMap { name -> (name: String, dtype: String, shape: [Int], bytes: [UInt8])? in
            let e = file.entries[name]!
            return edit(name, e.dtype.rawValue, e.shape, Array(file.rawBytes(name)!)).map { ($0.0, $0.1, $0.2, $0.3) }
        }
        return try SafeTensors(bytes: safetensorsBytes(entries, metadata: file.metadata), path: "m.safetensors")
    }

    func assertLoadFails(_ file: SafeTensors, _ fragment: String, file path: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try LoadedModel(file), file: path, line: line) { error in
            XCTAssertTrue("\(error)".hasPrefix("m.safetensors: "), "\(error)", file: path, line: line)
            XCTAssertTrue("\(error)".contains(fragment), "\(error) lacks \(fragment)", file: path, line: line)
        }
    }

    func testMissingTensorNamesItAndItsShape() throws {
        assertLoadFails(try rewritten { $0 == "up2.conv.double_conv.3.weight" ? nil : ($0, $1, $2, $3) },
                        "missing tensor 'up2.conv.double_conv.3.weight' (expected shape [?, 16, 3, 3])")  // up2 = Up(32, 8): DoubleConv(32, 8, mid 16)
        assertLoadFails(try rewritten { $0 == "inc.double_conv.1.running_var" ? nil : ($0, $1, $2, $3) },
                        "missing tensor 'inc.double_conv.1.running_var' (expected shape [4])")
    }

    func testWronglyShapedTensorNamesBothShapes() throws {
        // down1's first convolution claims 5 input channels where inc produces 4.
        assertLoadFails(try rewritten { name, dtype, shape, bytes in
            name == "down1.maxpool_conv.1.double_conv.0.weight" ? (name, dtype, [8, 5, 3, 3], bytes + [UInt8](repeating: 0, count: 8 * 9 * 4)) : (name, dtype, shape, bytes)
        }, "tensor 'down1.maxpool_conv.1.double_conv.0.weight' has shape [8, 5, 3, 3], expected [?, 4, 3, 3]")
    }

    func testUnexpectedTensorsAreReported() throws {
        let file = try rewritten { ($0, $1, $2, $3) }
        var entries = file.entries.keys.sorted().map { (name: $0, dtype: file.entries[$0]!.dtype.rawValue, shape: file.entries[$0]!.shape, bytes: Array(file.rawBytes($0)!)) }
        entries.append(("head.fc.weight", "F32", [2], f32Bytes([1, 2])))
        assertLoadFails(try SafeTensors(bytes: safetensorsBytes(entries), path: "m.safetensors"), "unexpected tensor for U-Net: 'head.fc.weight' [2]")
    }

    func testUnknownArchitectureIsNamed() throws {
        assertLoadFails(try rewritten { ("encoder." + $0, $1, $2, $3) }, "not a U-Net, U²-Net, UNet 3+ or smp Unet/UnetPlusPlus/FPN/DeepLabV3Plus/Linknet state_dict")
        // Forcing another architecture reports its first missing tensor.
        XCTAssertThrowsError(try LoadedModel(try rewritten { ($0, $1, $2, $3) }, architecture: .u2net)) {
            XCTAssertTrue("\($0)".contains("missing tensor 'stage1.rebnconvin.conv_s1.weight'"), "\($0)")
        }
    }

    func testDataParallelPrefixAndMissingCountersAreAccepted() throws {
        let reference = try LoadedModel(path: Self.unet)
        let wrapped = try LoadedModel(try rewritten { name, dtype, shape, bytes in
            name.hasSuffix("num_batches_tracked") ? nil : ("module." + name, dtype, shape, bytes)
        })
        XCTAssertEqual(wrapped.network.description, reference.network.description)
        let compute = try Compute(workers: 1)
        let input = FeatureMap(channels: 1, height: 20, width: 24, values: (0..<480).map { Float($0 % 17) / 17 })
        XCTAssertEqual(try wrapped.network.forward(input, compute).values, try reference.network.forward(input, compute).values)
    }

    func testMetadataValuesAreChecked() {
        XCTAssertThrowsError(try Preprocessing(metadata: ["scale": "zero"], source: "m.safetensors")) {
            XCTAssertEqual("\($0)", "m.safetensors: metadata 'scale' = 'zero' is not a positive number")
        }
        XCTAssertThrowsError(try Preprocessing(metadata: ["activation": "relu"], source: "m.safetensors"))
        XCTAssertThrowsError(try Preprocessing(metadata: ["std": "0.2,0,0.3"], source: "m.safetensors"))
        let p = try? Preprocessing(metadata: ["scale": "1/255", "mean": "0.5", "arch": "unet", "trained_on": "anything"])
        XCTAssertEqual(p?.scale, Float(1.0 / 255.0))
        XCTAssertEqual(p?.mean, [0.5])
    }

    /// smp files whose layers load but do not fit together are refused at
    /// load time, naming the layer, instead of failing mid-prediction: a
    /// ResNet block without its projection shortcut, an FPN lateral of the
    /// wrong width, an empty layer.
    func testInconsistentSMPFilesAreRefusedAtLoadTime() throws {
        let smp = Repo.fixtures + "/models/smp/"
        assertLoadFails(try rewritten(smp + "unet-resnet50-d2-scse/model.safetensors") { $0.contains("layer1.0.downsample") ? nil : ($0, $1, $2, $3) },
                        "the shortcut of 'encoder.layer1.0.' has 64 channels where 256 are needed")
        let fpn = smp + "fpn-resnet18-d3/model.safetensors"
        assertLoadFails(try rewritten(fpn) { name, dtype, shape, bytes in
            if name == "decoder.p4.skip_conv.weight" { return (name, "F32", [16] + shape.dropFirst(), f32Bytes([Float](repeating: 0.1, count: 16 * shape[1]))) }
            if name == "decoder.p4.skip_conv.bias" { return (name, "F32", [16], f32Bytes([Float](repeating: 0, count: 16))) }
            return (name, dtype, shape, bytes)
        }, "'decoder.p4.skip_conv' has 16 channels where 32 are needed")
        assertLoadFails(try rewritten(fpn) { name, dtype, shape, bytes in
            name == "segmentation_head.0.bias" ? (name, "F32", [0], []) : (name, dtype, shape, bytes)
        }, "segmentation_head.0.bias")
    }

    /// config.json: the deprecated `decoder_use_batchnorm` is checked like
    /// `decoder_use_norm` ("inplace" is InPlaceABN, which SegKit does not run);
    /// `"identity"` means logits exactly as null does, so segpredict's default
    /// activation applies to both.
    func testSMPConfigNormalisationAndIdentityActivation() throws {
        let dir = try makeTemporaryDirectory(self)
        let source = Repo.fixtures + "/models/smp/unet-resnet18-d3"
        try FileManager.default.copyItem(atPath: source + "/model.safetensors", toPath: dir + "/model.safetensors")
        let config = try String(contentsOfFile: source + "/config.json", encoding: .utf8)
        try config.replacingOccurrences(of: "\"decoder_use_norm\": \"batchnorm\"", with: "\"decoder_use_batchnorm\": \"inplace\"")
            .write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try LoadedModel(path: dir)) { XCTAssertTrue("\($0)".contains("decoder_use_batchnorm inplace is not supported"), "\($0)") }
        for activation in ["null", "\"identity\""] {
            try config.replacingOccurrences(of: "\"activation\": null", with: "\"activation\": \(activation)")
                .write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
            XCTAssertNil(try LoadedModel(path: dir).preprocessing().activation, activation)
        }
    }
}
