import Foundation
import SegFiles
import XCTest
@testable import SegImage

/// The libdeflate PNG fast path must give exactly what libpng gives, and
/// must hand every damaged file to libpng for the error.
final class FastPNGTests: XCTestCase {
    private let libpngOnly = DecodeOptions(fastPNG: false)

    private func assertSameDecode(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let bytes = try FileBytes.read(path)
        XCTAssertEqual(try ImageReader.decode(bytes, path: path), try ImageReader.decode(bytes, path: path, options: libpngOnly),
                       path, file: file, line: line)
    }

    func testFixturesDecodeIdenticallyOnBothPaths() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Paths.codecs).filter { $0.hasSuffix(".png") }
        XCTAssertEqual(names.count, 30, "every PNG written by Fixtures/generate.py")
        for name in names { try assertSameDecode(Paths.codecs + "/" + name) }
        for name in ["mask-1bit.png", "mask-8bit.png", "labels-palette.png", "mask-rgb.png", "mask-via-jpeg.png"] {
            try assertSameDecode(Repo.fixtures + "/awkward/" + name)
        }
        for k in 0..<20 {
            try assertSameDecode(Repo.fixtures + "/cells/image/\(k).png")
            try assertSameDecode(Repo.fixtures + "/cells/label/\(k).png")
        }
    }

    func testRealDatasetsDecodeIdenticallyOnBothPaths() throws {
        let dirs = ["isbi2012/train/image", "isbi2012/train/label", "sod300/gt", "sod300/pred/DSS"]
        guard FileManager.default.fileExists(atPath: Repo.shared + "/" + dirs[0]) else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("missing shared datasets") }
            throw XCTSkip("shared datasets not present")
        }
        for dir in dirs {
            let names = try FileManager.default.contentsOfDirectory(atPath: Repo.shared + "/" + dir).filter { $0.hasSuffix(".png") }
            // Every ISBI file; every 5th SOD file keeps the debug-build test quick.
            for (i, name) in names.sorted().enumerated() where dir.hasPrefix("isbi") || i % 5 == 0 {
                try assertSameDecode(Repo.shared + "/" + dir + "/" + name)
            }
        }
    }

    func testDamageFallsBackToLibpngErrors() throws {
        let whole = try FileBytes.read(Paths.codecs + "/png-gray-8.png")
        // Flip one bit inside the IDAT data: the CRC no longer matches.
        var flipped = whole
        flipped[whole.count - 20] ^= 0x10
        assertImageError([.corrupt]) { try ImageReader.decode(flipped, path: "x.png") }
        assertImageError([.truncated]) { try ImageReader.decode(Array(whole.dropLast(12)), path: "x.png") }
    }

    func testFastEncoderOutputIsReadByLibpng() throws {
        var pixels: [UInt8] = []
        for y in 0..<50 { for x in 0..<70 { pixels.append(UInt8((x / 7 + y / 5) % 3)) } }
        let image = Image.gray8(width: 70, height: 50, pixels: pixels)
        let bytes = try ImageWriter.encode(image, as: .labelPNG)
        XCTAssertEqual(try ImageReader.decode(bytes, path: "m", options: libpngOnly), image)
    }
}
