import Foundation
import SegFiles
import XCTest
@testable import SegImage

/// Damaged and hostile inputs give typed errors, never a crash or abort.
final class HostileInputTests: XCTestCase {
    private func fixture(_ name: String) throws -> [UInt8] { try FileBytes.read(Paths.codecs + "/" + name) }

    func testTruncationAtManyOffsetsIsAnErrorForEveryFormat() throws {
        let files = ["png-rgb-8.png", "png-gray-16-interlaced.png", "png-palette-8-trns.png",
                     "jpeg-rgb.jpg", "jpeg-gray-progressive.jpg",
                     "tiff-gray-8-deflate-strips.tif", "tiff-rgb-16-lzw-tiles.tif", "tiff-gray-16-3pages.tif",
                     "gif-palette.gif", "gif-palette-interlaced.gif"]
        for name in files {
            let whole = try fixture(name)
            XCTAssertNoThrow(try ImageReader.decode(whole, path: name))
            var offsets = Set([1, 2, 3, 4, 7, 8, 9, 16, 33, 50, 100])
            for fraction in stride(from: 0.05, to: 1.0, by: 0.05) { offsets.insert(Int(Double(whole.count) * fraction)) }
            // A GIF cut only in its trailer byte still holds a whole first frame, which is all we read.
            if !name.hasSuffix(".gif") { offsets.insert(whole.count - 1) }
            for cut in offsets.sorted() where cut < whole.count {
                let part = Array(whole.prefix(cut))
                // Every page is read: a multi-page TIFF cut after page 0 still fails on page 1.
                assertImageError([.truncated, .corrupt, .notAnImage], "\(name) cut at \(cut)") {
                    try ImageReader.forEachPage(bytes: part, path: name) { _, _, _ in }
                }
            }
        }
    }

    func testTruncatedFilesReportTruncation() throws {
        assertImageError([.truncated]) { try ImageReader.read(Repo.fixtures + "/awkward/truncated.png") }
        var ramp: [UInt8] = []
        for y in 0..<256 { for x in 0..<256 { ramp += [UInt8(x), UInt8(y), UInt8((x + y) / 2)] } }
        let jpeg = try ImageWriter.encode(Image(width: 256, height: 256, colorModel: .rgb, samples: .uint8(ramp)), as: .jpeg())
        assertImageError([.truncated]) { try ImageReader.decode(Array(jpeg.prefix(jpeg.count * 2 / 3)), path: "x.jpg") }
        // Lenient mode accepts a truncated JPEG (libjpeg fills the rest with grey).
        XCTAssertNoThrow(try ImageReader.decode(Array(jpeg.prefix(jpeg.count * 2 / 3)), path: "x.jpg",
                                                options: DecodeOptions(strictJPEG: false)))
    }

    func testEmptyRandomAndTextFiles() throws {
        let dir = try makeTemporaryDirectory(self)
        _ = FileManager.default.createFile(atPath: dir + "/empty.png", contents: Data())
        assertImageError([.empty]) { try ImageReader.read(dir + "/empty.png") }
        _ = FileManager.default.createFile(atPath: dir + "/notes.png", contents: Data("label notes, not a picture\n".utf8))
        do {
            _ = try ImageReader.read(dir + "/notes.png")
            XCTFail("text decoded")
        } catch let error as ImageError {
            XCTAssertEqual(error.kind, .notAnImage)
            XCTAssertEqual(error.path, dir + "/notes.png")
            XCTAssertTrue(error.description.contains("text"))
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for trial in 0..<200 {
            var bytes: [UInt8] = []
            for _ in 0..<(16 + trial * 7) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes.append(UInt8(truncatingIfNeeded: state >> 33))
            }
            assertImageError([.notAnImage]) { try ImageReader.decode(bytes, path: "random") }
            // Random bytes behind a valid signature must still fail cleanly.
            for magic in [[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], [0xFF, 0xD8, 0xFF], [0x49, 0x49, 0x2A, 0x00],
                          Array("GIF89a".utf8)] as [[UInt8]] {
                assertImageError([.corrupt, .truncated, .unsupported, .tooLarge]) {
                    try ImageReader.decode(magic + bytes, path: "random")
                }
            }
        }
        assertImageError([.unreadable]) { try ImageReader.read(dir + "/missing.png") }
        assertImageError([.unreadable]) { try ImageReader.read(dir) }
    }

    func testBitFlipsNeverCrash() throws {
        for name in ["png-rgb-16.png", "jpeg-rgb-progressive.jpg", "tiff-rgb-8-deflate-tiles.tif", "gif-palette.gif"] {
            let whole = try fixture(name)
            var state: UInt64 = 42
            for _ in 0..<300 {
                var bytes = whole
                for _ in 0..<3 {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    let at = Int(state >> 33) % bytes.count
                    bytes[at] ^= UInt8(1 << Int(state >> 60 & 7))
                }
                _ = try? ImageReader.decode(bytes, path: name)  // any outcome but a crash
            }
        }
    }

    func testAbsurdDimensionsAreRefusedBeforeAllocating() throws {
        // PNG: signature + IHDR claiming 100000 x 100000 8-bit gray, correct CRC.
        var ihdr = Array("IHDR".utf8) + bigEndian32(100_000) + bigEndian32(100_000) + [8, 0, 0, 0, 0]
        ihdr += bigEndian32(crc32(ihdr))
        let idat = Array("IDAT".utf8)
        let iend = Array("IEND".utf8)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + bigEndian32(13) + ihdr
            + bigEndian32(0) + idat + bigEndian32(crc32(idat)) + bigEndian32(0) + iend + bigEndian32(crc32(iend))
        assertImageError([.tooLarge]) { try ImageReader.decode(png, path: "bomb.png") }

        // JPEG: SOI + SOF0 claiming 65000 x 65000, 1 component.
        let sof: [UInt8] = [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0xFD, 0xE8, 0xFD, 0xE8, 0x01, 0x01, 0x11, 0x00,
                            0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]
        assertImageError([.tooLarge, .corrupt]) { try ImageReader.decode(sof, path: "bomb.jpg") }

        // TIFF: one IFD claiming 4e9 x 4e9 pixels.
        func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
        var tiff: [UInt8] = [0x49, 0x49, 0x2A, 0x00] + le32(8) + le16(6)
        for (tag, type, value) in [(256, 4, 4_000_000_000), (257, 4, 4_000_000_000), (258, 3, 8), (262, 3, 1),
                                   (273, 4, 200), (279, 4, 10)] as [(UInt16, UInt16, UInt32)] {
            tiff += le16(tag) + le16(type) + le32(1) + (type == 3 ? le16(UInt16(value)) + [0, 0] : le32(value))
        }
        tiff += le32(0) + [UInt8](repeating: 0, count: 32)
        assertImageError([.tooLarge, .corrupt]) { try ImageReader.decode(tiff, path: "bomb.tif") }

        // GIF: logical screen 65535 x 65535 with a tiny limit.
        let gif: [UInt8] = Array("GIF89a".utf8) + [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x3B]
        assertImageError([.tooLarge]) { try ImageReader.decode(gif, path: "bomb.gif", options: DecodeOptions(maxPixels: 1 << 20)) }

        // A configurable limit applies to ordinary files too.
        let small = try fixture("png-gray-8.png")
        assertImageError([.tooLarge]) { try ImageReader.decode(small, path: "x.png", options: DecodeOptions(maxPixels: 100)) }
        XCTAssertNoThrow(try ImageReader.decode(small, path: "x.png", options: DecodeOptions(maxPixels: 37 * 23)))
    }

    /// Found by fuzzing: a GIF with neither a global nor a local colour table
    /// decoded to palette indices without a palette.
    func testGIFWithoutAColourTableIsRefused() throws {
        let bytes = try FileBytes.read(Repo.fixtures + "/fuzz/regressions/gif/crash-no-colour-table")
        XCTAssertThrowsError(try ImageReader.decode(bytes, path: "x.gif")) { error in
            XCTAssertTrue("\(error)".contains("x.gif") && "\(error)".contains("no colour table"), "\(error)")
        }
    }

    func testErrorsNameTheFile() {
        let path = Repo.fixtures + "/awkward/truncated.png"
        do {
            _ = try ImageReader.read(path)
            XCTFail("decoded a truncated file")
        } catch {
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(path + ": truncated PNG"), text)
            XCTAssertFalse(text.contains("\n"))
        }
    }
}
