import Foundation
import SegTestSupport
import XCTest

@testable import SegModel

/// Serialises tensors in the safetensors layout (test helper, independent of the parser).
func safetensorsBytes(_ tensors: [(name: String, dtype: String, shape: [Int], bytes: [UInt8])],
                      metadata: [String: String]? = nil) -> [UInt8] {
    var header: [String: Any] = [:]
    var data: [UInt8] = []
    for t in tensors {
        header[t.name] = ["dtype": t.dtype, "shape": t.shape, "data_offsets": [data.count, data.count + t.bytes.count]]
        data += t.bytes
    }
    if let metadata { header["__metadata__"] = metadata }
    let json = Array(try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
    return rawSafetensors(header: json, data: data)
}

/// The 8-byte length prefix, a header and data.
func rawSafetensors(header: [UInt8], data: [UInt8], claimedLength: UInt64? = nil) -> [UInt8] {
    let n = claimedLength ?? UInt64(header.count)
    return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) } + header + data
}

func f32Bytes(_ values: [Float]) -> [UInt8] { values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt32($0))) } } }

final class SafeTensorsTests: XCTestCase {
    func testFloatFormatsConvertExactly() throws {
        // Hand-encoded: F16 0x3C00 = 1, 0xC000 = −2, 0x0001 = 2^-24 (subnormal), 0x7BFF = 65504;
        // BF16 0x3F80 = 1, 0x4049 = 3.140625.
        let f16: [UInt8] = [0x00, 0x3C, 0x00, 0xC0, 0x01, 0x00, 0xFF, 0x7B]
        let bf16: [UInt8] = [0x80, 0x3F, 0x49, 0x40]
        let file = try SafeTensors(bytes: safetensorsBytes([
            ("a", "F32", [2], f32Bytes([0.5, -3.25])), ("b", "F16", [2, 2], f16), ("c", "BF16", [2], bf16),
            ("n", "I64", [], [7, 0, 0, 0, 0, 0, 0, 0]),
        ], metadata: ["scale": "1/255"]))
        XCTAssertEqual(try file.floats("a"), [0.5, -3.25])
        XCTAssertEqual(try file.floats("b"), [1, -2, 0x1p-24, 65504])
        XCTAssertEqual(try file.floats("c"), [1, 3.140625])
        XCTAssertEqual(file.entries["b"]?.shape, [2, 2])
        XCTAssertEqual(file.entries["n"]?.shape, [])
        XCTAssertEqual(file.metadata, ["scale": "1/255"])
        XCTAssertThrowsError(try file.floats("n"))
    }

    /// A file is parsed from its header and each tensor read from disk when
    /// converted (weights never sit in memory twice): the values equal the
    /// in-memory parse, a malformed header is refused as before, and a file
    /// cut short after parsing is an error naming it, not a crash.
    func testFilesAreReadTensorByTensor() throws {
        let dir = try makeTemporaryDirectory(self)
        let bytes = safetensorsBytes([("a", "F32", [3], f32Bytes([1, -2, 0.25])), ("b", "F32", [2], f32Bytes([7, 8]))], metadata: ["arch": "unet"])
        let path = dir + "/m.safetensors"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let file = try SafeTensors(contentsOf: path)
        XCTAssertEqual(try file.floats("a"), [1, -2, 0.25])
        XCTAssertEqual(try file.floats("b"), [7, 8])
        XCTAssertEqual(file.metadata, ["arch": "unet"])
        XCTAssertEqual(file.rawBytes("b"), f32Bytes([7, 8]))
        try Data(bytes.dropLast(4)).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try file.floats("b")) { XCTAssertTrue("\($0)".contains("m.safetensors") && "\($0)".contains("ended"), "\($0)") }
        XCTAssertThrowsError(try SafeTensors(contentsOf: path)) { XCTAssertTrue("\($0)".contains("outside"), "\($0)") }
        try Data(bytes.prefix(5)).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SafeTensors(contentsOf: path)) { XCTAssertTrue("\($0)".contains("shorter than the 8-byte header"), "\($0)") }
    }

    func testEveryHalfPrecisionValueMatchesTheHardwareConversion() {
        for bits in 0...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let actual = SafeTensors.halfToFloat(bits)
            if expected.isNaN { XCTAssertTrue(actual.isNaN) } else { XCTAssertEqual(actual.bitPattern, expected.bitPattern, "0x\(String(bits, radix: 16))") }
        }
    }

    func assertRejected(_ bytes: [UInt8], _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensors(bytes: bytes, path: "m.safetensors"), file: file, line: line) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("m.safetensors: "), text, file: file, line: line)
            XCTAssertTrue(text.contains(fragment), "\(text) lacks \(fragment)", file: file, line: line)
        }
    }

    func testMalformedFilesAreErrorsNotCrashes() {
        let good = safetensorsBytes([("w", "F32", [2], f32Bytes([1, 2]))])
        assertRejected([], "shorter than the 8-byte header length")
        assertRejected([1, 0, 0], "shorter than the 8-byte header length")
        assertRejected(rawSafetensors(header: Array("{}".utf8), data: [], claimedLength: 1 << 63), "runs past the end")
        assertRejected(rawSafetensors(header: Array("{}".utf8), data: [], claimedLength: UInt64.max), "runs past the end")
        assertRejected(Array(good.prefix(good.count - 1)), "lies outside")
        assertRejected(rawSafetensors(header: Array("{\"w\": ".utf8), data: []), "not valid JSON")
        assertRejected(rawSafetensors(header: Array("[1, 2]".utf8), data: []), "not a JSON object")
        assertRejected(safetensorsBytes([("w", "F32", [3], f32Bytes([1, 2]))]), "needs 12")
        assertRejected(safetensorsBytes([("w", "Q4", [2], f32Bytes([1, 2]))]), "unsupported dtype Q4")
        assertRejected(safetensorsBytes([("w", "F32", [-2], f32Bytes([1, 2]))]), "invalid dimension")
        assertRejected(safetensorsBytes([("w", "F32", [1 << 30, 1 << 30], [])]), "implausibly large")
        let overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}"
        assertRejected(rawSafetensors(header: Array(overlap.utf8), data: f32Bytes([1, 2])), "overlap")
        let offsets = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}"
        assertRejected(rawSafetensors(header: Array(offsets.utf8), data: f32Bytes([1, 2])), "lies outside")
        assertRejected(rawSafetensors(header: Array("{\"__metadata__\":{\"a\":1}}".utf8), data: []), "metadata value of 'a' is not a string")
    }

    func testNonFiniteWeightsAreRefused() throws {
        let file = try SafeTensors(bytes: safetensorsBytes([("w", "F32", [3], f32Bytes([1, .nan, 2]))]), path: "m.safetensors")
        XCTAssertThrowsError(try file.floats("w")) { XCTAssertTrue("\($0)".contains("non-finite value (nan) at element 1"), "\($0)") }
    }
}
