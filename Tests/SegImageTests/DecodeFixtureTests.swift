import Foundation
import SegFiles
import SegCore
import XCTest
@testable import SegImage

/// Decodes files written by independent encoders (pypng, Pillow, tifffile)
/// and compares every sample with the generator's documented pattern.
final class DecodeFixtureTests: XCTestCase {
    func testEveryCodecFixtureDecodesToItsPattern() throws {
        let fixtures = try CodecFixture.all()
        XCTAssertGreaterThan(fixtures.count, 60)
        for f in fixtures {
            let path = Paths.codecs + "/" + f.file
            if f.kind == "unsupported" {
                assertImageError([.unsupported], f.file) { try ImageReader.read(path) }
                continue
            }
            let image = try ImageReader.read(path)
            XCTAssertEqual(image.width, f.width, f.file)
            XCTAssertEqual(image.height, f.height, f.file)
            XCTAssertEqual(image.sourceBitDepth, f.depth, f.file)
            XCTAssertEqual(image.is16Bit, f.depth == 16, f.file)
            switch f.kind {
            case "pattern":
                let model = Image.ColorModel(rawValue: f.color)!
                XCTAssertEqual(image.colorModel, model, f.file)
                let pages = f.pages ?? 1
                XCTAssertEqual(try ImageReader.pageCount(path), pages, f.file)
                for page in 0..<pages {
                    let decoded = page == 0 ? image : try ImageReader.read(path, page: page)
                    let expected = Pattern.samples(width: f.width, height: f.height, channels: model.channels,
                                                   depth: f.depth, page: page)
                    XCTAssertEqual(decoded.intSamples, expected, "\(f.file) page \(page)")
                }
            case "palette":
                XCTAssertEqual(image.colorModel, .palette, f.file)
                let n = f.entries!
                XCTAssertEqual(image.palette.count, f.tableSize ?? n, f.file)
                for i in 0..<n {
                    XCTAssertEqual(image.palette[i], Pattern.paletteEntry(i, alpha: f.alpha ?? false), "\(f.file) entry \(i)")
                }
                var expected: [Int] = []
                for y in 0..<f.height { for x in 0..<f.width { expected.append(Pattern.index(x: x, y: y, entries: n)) } }
                XCTAssertEqual(image.intSamples, expected, f.file)
            case "jpeg":
                let raw = try FileBytes.read(Paths.codecs + "/" + f.raw!)
                XCTAssertEqual(image.colorModel, f.color == "gray" ? .gray : .rgb, f.file)
                XCTAssertEqual(image.intSamples, raw.map(Int.init), "\(f.file) differs from Pillow's decode")
            default:
                XCTFail("unknown fixture kind \(f.kind)")
            }
        }
    }

    func testOneBitMaskDecodesToIndicesAndGrayLevels() throws {
        let oneBit = try ImageReader.read(Repo.fixtures + "/awkward/mask-1bit.png")
        let eightBit = try ImageReader.read(Repo.fixtures + "/awkward/mask-8bit.png")
        XCTAssertEqual(oneBit.sourceBitDepth, 1)
        XCTAssertEqual(Set(oneBit.intSamples), [0, 1], "1-bit PNG keeps 0/1 indices")
        XCTAssertEqual(eightBit.sourceBitDepth, 8)
        XCTAssertEqual(Set(eightBit.intSamples), [0, 255])
        XCTAssertEqual(oneBit.grayLevels8(), eightBit.grayLevels8(), "1-bit 0/1 and 8-bit 0/255 are the same mask")
        // A disk of radius 20 centred at (48, 32): strict inequality as in the generator.
        var inside = 0
        for y in 0..<64 { for x in 0..<96 where (x - 48) * (x - 48) + (y - 32) * (y - 32) < 400 { inside += 1 } }
        XCTAssertEqual(oneBit.intSamples.filter { $0 == 1 }.count, inside)
    }

    func testPalettePNGKeepsRawIndices() throws {
        let image = try ImageReader.read(Repo.fixtures + "/awkward/labels-palette.png")
        XCTAssertEqual(image.colorModel, .palette)
        XCTAssertEqual(Set(image.intSamples), [0, 1, 2, 255])
        XCTAssertEqual(image.palette[1], RGBA(128, 0, 0))
        XCTAssertEqual(image.palette[255], RGBA(224, 224, 192))
        // Column 40, row 0 is outside the disk and in the class-1 band.
        XCTAssertEqual(image.intSamples[40], 1)
    }

    func testMultiPageTIFFPagesAndForEachPage() throws {
        let path = Repo.fixtures + "/awkward/volume-16bit.tif"
        XCTAssertEqual(try ImageReader.pageCount(path), 3)
        var seen: [Int] = []
        try ImageReader.forEachPage(path) { index, count, image in
            XCTAssertEqual(count, 3)
            XCTAssertEqual(image.colorModel, .gray)
            XCTAssertTrue(image.is16Bit)
            // Background pixel (0, 0) is 1000 * page, the disk centre 40000 + 1000 * page.
            XCTAssertEqual(image.intSamples[0], 1000 * index)
            XCTAssertEqual(image.intSamples[32 * 96 + 48], 40000 + 1000 * index)
            seen.append(index)
        }
        XCTAssertEqual(seen, [0, 1, 2])
        assertImageError([.pageOutOfRange]) { try ImageReader.read(path, page: 3) }
        do { _ = try ImageReader.read(path, page: 3) } catch { XCTAssertEqual(FailureCategory.of(error), .badInput) }
        assertImageError([.pageOutOfRange]) { try ImageReader.read(Repo.fixtures + "/awkward/mask-8bit.png", page: 1) }
    }

    func testGIFFirstFrameAsIndices() throws {
        var raw = DecodeOptions()
        raw.grayPalettes = false
        let image = try ImageReader.read(Repo.fixtures + "/awkward/mask.gif", options: raw)
        let mask = try ImageReader.read(Repo.fixtures + "/awkward/mask-1bit.png")
        XCTAssertEqual(image.colorModel, .palette)
        XCTAssertEqual(image.intSamples, mask.intSamples)
        XCTAssertEqual(image.palette[1], RGBA(255, 255, 255))
        // By default its black/white palette makes it the gray mask it shows (issue 13).
        let shown = try ImageReader.read(Repo.fixtures + "/awkward/mask.gif")
        XCTAssertEqual(shown.colorModel, .gray)
        XCTAssertEqual(shown.labelPlane(), .values8(mask.grayLevels8()))
    }

    func testRGBGrayLevelsUseOpenCVLuma() {
        // Hand-computed: (4899*200 + 9617*100 + 1868*50 + 8192) >> 14 = 2043092 >> 14 = 124
        // (cv2.cvtColor(BGR 50,100,200 → GRAY) also gives 124).
        let image = Image(width: 1, height: 1, colorModel: .rgb, samples: .uint8([200, 100, 50]))
        XCTAssertEqual(image.grayLevels8(), [124])
        let two = Image(width: 4, height: 1, colorModel: .gray, samples: .uint8([0, 1, 2, 3]), sourceBitDepth: 2)
        XCTAssertEqual(two.grayLevels8(), [0, 85, 170, 255])
    }
}
