import Foundation
import SegTestSupport
import XCTest

@testable import SegModel

/// Damaged or mismatched state_dicts: every problem names the tensor and the
/// shape that was expected.
final class WeightErrorTests: XCTestCase {
    static let unet = Repo.fixtures + "/models/agreement/unet-bilinear.safetensors"

    /// The fixture's tensors, rewritten through `edit` (name, dtype, shape, bytes) → entry or nil to drop.
    func rewritten(_ edit: (String, String, [Int], [UInt8]) -> (String, String, [Int], [UInt8])?) throws -> SafeTensors {
        let file = try SafeTensors(contentsOf: Self.unet)
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
        assertLoadFails(try rewritten { ("encoder." + $0, $1, $2, $3) }, "not a U-Net, U²-Net, UNet 3+ or smp Unet/UnetPlusPlus/FPN/DeepLabV3Plus state_dict")
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
}
