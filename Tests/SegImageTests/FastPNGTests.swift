import Foundation
import SegCore
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

    /// Every row filter at every bytes-per-pixel the fast path unfilters
    /// (gray, gray+alpha, RGB, RGBA at 8 and 16 bits: bpp 1, 2, 3, 4, 6, 8),
    /// at widths below, at and past the 16-byte vector steps: random filtered
    /// bytes with a random filter per row, stored (uncompressed) in the
    /// zlib stream, decode exactly as libpng decodes them.
    func testEveryFilterAtEveryPixelSizeDecodesAsLibpng() throws {
        var generator = SeededGenerator(seed: 2012)
        for (colorType, channels) in [(0, 1), (4, 2), (2, 3), (6, 4)] {
            for depth in [8, 16] {
                for width in [1, 2, 5, 8, 17, 33, 64] {
                    let height = 6, rowBytes = width * channels * depth / 8
                    var raw: [UInt8] = []
                    for y in 0..<height {
                        raw.append(UInt8(y % 5))
                        for _ in 0..<rowBytes { raw.append(UInt8(truncatingIfNeeded: generator.next())) }
                    }
                    let png = Self.storedPNG(width: width, height: height, depth: depth, colorType: colorType, raw: raw)
                    let what = "colour type \(colorType), \(depth) bits, width \(width)"
                    XCTAssertEqual(try ImageReader.decode(png, path: "f.png"), try ImageReader.decode(png, path: "f.png", options: libpngOnly), what)
                }
            }
        }
    }

    /// A PNG whose IDAT holds `raw` (filter bytes included) in stored deflate blocks.
    static func storedPNG(width: Int, height: Int, depth: Int, colorType: Int, raw: [UInt8]) -> [UInt8] {
        func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func crc32(_ bytes: [UInt8]) -> UInt32 {
            var c: UInt32 = 0xFFFF_FFFF
            for b in bytes {
                c ^= UInt32(b)
                for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            }
            return ~c
        }
        func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
            let typed = Array(type.utf8) + body
            return be32(UInt32(body.count)) + typed + be32(crc32(typed))
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let end = min(start + 65535, raw.count)
            let length = UInt16(end - start)
            zlib += [end == raw.count ? 1 : 0, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            zlib += raw[start..<end]
            start = end
        } while start < raw.count
        var a: UInt32 = 1, b: UInt32 = 0
        for v in raw { a = (a + UInt32(v)) % 65521; b = (b + a) % 65521 }
        zlib += be32(b << 16 | a)
        let header = be32(UInt32(width)) + be32(UInt32(height)) + [UInt8(depth), UInt8(colorType), 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", zlib) + chunk("IEND", [])
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
