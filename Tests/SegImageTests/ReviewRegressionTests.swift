import Foundation
import SegFiles
import XCTest
@testable import SegImage

/// Regressions for defects found in review: each test fails on the code
/// before its fix.
final class ReviewRegressionTests: XCTestCase {
    /// Splits a PNG into (type, body) chunks.
    private func chunks(_ png: [UInt8]) -> [(String, [UInt8])] {
        var out: [(String, [UInt8])] = []
        var pos = 8
        while pos + 12 <= png.count {
            let len = Int(png[pos]) << 24 | Int(png[pos + 1]) << 16 | Int(png[pos + 2]) << 8 | Int(png[pos + 3])
            let type = String(decoding: png[(pos + 4)..<(pos + 8)], as: UTF8.self)
            out.append((type, Array(png[(pos + 8)..<(pos + 8 + len)])))
            pos += 12 + len
        }
        return out
    }

    /// Reassembles chunks into a PNG with correct CRCs.
    private func assemble(_ parts: [(String, [UInt8])]) -> [UInt8] {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        for (type, body) in parts {
            let typed = Array(type.utf8) + body
            png += bigEndian32(UInt32(body.count)) + typed + bigEndian32(crc32(typed))
        }
        return png
    }

    func testOversizedPaletteIsCutToTheBitDepthOnBothPaths() throws {
        let image = Image(width: 8, height: 1, colorModel: .palette, samples: .uint8([0, 1, 1, 0, 1, 0, 0, 1]),
                          sourceBitDepth: 1, palette: [RGBA(0, 0, 0), RGBA(255, 255, 255)])
        var parts = chunks(try ImageWriter.encode(image, as: .png()))
        let big = (0..<256).flatMap { [UInt8($0), UInt8($0), UInt8($0)] }
        parts = parts.map { $0.0 == "PLTE" ? ("PLTE", big) : $0 }
        let png = assemble(parts)
        // The stored indices (this gray palette would otherwise be read as the gray image it shows).
        var raw = DecodeOptions()
        raw.grayPalettes = false
        var rawSlow = raw
        rawSlow.fastPNG = false
        let fast = try ImageReader.decode(png, path: "p.png", options: raw)
        let slow = try ImageReader.decode(png, path: "p.png", options: rawSlow)
        XCTAssertEqual(fast, slow)
        XCTAssertEqual(fast.palette.count, 2)
        // …so that it can be written again.
        XCTAssertEqual(try ImageReader.decode(ImageWriter.encode(fast, as: .png()), path: "q.png", options: raw), fast)
    }

    func testDuplicatePaletteChunkIsAnErrorOnBothPaths() throws {
        var parts = chunks(try FileBytes.read(Paths.codecs + "/png-palette-8.png"))
        let index = parts.firstIndex { $0.0 == "PLTE" }!
        parts.insert(parts[index], at: index + 1)
        let png = assemble(parts)
        assertImageError([.corrupt]) { try ImageReader.decode(png, path: "p.png") }
        assertImageError([.corrupt]) { try ImageReader.decode(png, path: "p.png", options: DecodeOptions(fastPNG: false)) }
    }

    func testHugeHeaderWithAHugeLimitIsRefusedNotATrap() throws {
        var ihdr = Array("IHDR".utf8) + bigEndian32(0x7FFF_FFFF) + bigEndian32(0x7FFF_FFFF) + [16, 6, 0, 0, 0]
        ihdr += bigEndian32(crc32(ihdr))
        let idat = Array("IDAT".utf8), iend = Array("IEND".utf8)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + bigEndian32(13) + ihdr
            + bigEndian32(0) + idat + bigEndian32(crc32(idat)) + bigEndian32(0) + iend + bigEndian32(crc32(iend))
        assertImageError([.tooLarge]) { try ImageReader.decode(png, path: "x.png", options: DecodeOptions(maxPixels: Int.max)) }
    }

    func testLargeJPEGOutputCrossesTheDestinationChunk() throws {
        var state: UInt64 = 99
        var noise: [UInt8] = []
        for _ in 0..<(512 * 512 * 3) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            noise.append(UInt8(truncatingIfNeeded: state >> 56))
        }
        let image = Image(width: 512, height: 512, colorModel: .rgb, samples: .uint8(noise))
        let bytes = try ImageWriter.encode(image, as: .jpeg(quality: 95))
        XCTAssertGreaterThan(bytes.count, 3 * 65536, "output spans several 64 KiB destination chunks")
        let back = try ImageReader.decode(bytes, path: "n.jpg")
        XCTAssertEqual(back.width, 512)
        XCTAssertEqual(back.colorModel, .rgb)
    }

    func testReplacingAFileKeepsItsPermissions() throws {
        let dir = try makeTemporaryDirectory(self)
        try AtomicFile.write([1], to: dir + "/private.bin")
        chmod(dir + "/private.bin", 0o600)
        try AtomicFile.write([2], to: dir + "/private.bin")
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/private.bin")[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
    }

    func testPipesAreReadToTheEnd() throws {
        let dir = try makeTemporaryDirectory(self)
        let fifo = dir + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let bytes = try FileBytes.read(Paths.codecs + "/png-gray-8.png")
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            bytes.withUnsafeBytes { _ = Glibc.write(fd, $0.baseAddress!, $0.count) }
            close(fd)
        }
        writer.start()
        let image = try ImageReader.read(fifo)
        XCTAssertEqual(image, try ImageReader.read(Paths.codecs + "/png-gray-8.png"))
    }
}
