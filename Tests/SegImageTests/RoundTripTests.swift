import Foundation
import SegCore
import XCTest
@testable import SegImage

/// Encode → decode round trips for every format and depth we write.
final class RoundTripTests: XCTestCase {
    private func pattern(_ model: Image.ColorModel, depth: Int, width: Int = 37, height: Int = 23) -> Image {
        let values = Pattern.samples(width: width, height: height, channels: model.channels, depth: depth)
        let samples: Image.Samples = depth == 16 ? .uint16(values.map { UInt16($0) }) : .uint8(values.map { UInt8($0) })
        return Image(width: width, height: height, colorModel: model, samples: samples, sourceBitDepth: depth)
    }

    func testPNGRoundTripsEveryColourModelAndDepth() throws {
        var cases: [(Image.ColorModel, Int)] = [(.gray, 1), (.gray, 2), (.gray, 4)]
        for model in [Image.ColorModel.gray, .grayAlpha, .rgb, .rgba] { cases += [(model, 8), (model, 16)] }
        for (model, depth) in cases {
            let image = pattern(model, depth: depth)
            for format in [OutputFormat.png(), .labelPNG, .png(level: 9, filtered: true)] {
                let bytes = try ImageWriter.encode(image, as: format)
                XCTAssertEqual(ImageFormat.detect(bytes), .png)
                let back = try ImageReader.decode(bytes, path: "mem")
                XCTAssertEqual(back, image, "\(model) \(depth)-bit \(format)")
            }
        }
    }

    func testPalettePNGRoundTripKeepsIndicesAndPalette() throws {
        for (depth, entries) in [(1, 2), (2, 4), (4, 16), (8, 256), (8, 3)] {
            var indices: [UInt8] = []
            for y in 0..<23 { for x in 0..<37 { indices.append(UInt8(Pattern.index(x: x, y: y, entries: entries))) } }
            let palette = (0..<entries).map { Pattern.paletteEntry($0, alpha: true) }
            let image = Image(width: 37, height: 23, colorModel: .palette, samples: .uint8(indices),
                              sourceBitDepth: depth, palette: palette)
            let back = try ImageReader.decode(ImageWriter.encode(image, as: .png()), path: "mem")
            XCTAssertEqual(back, image, "palette \(depth)-bit, \(entries) entries")
            if depth == 8 {  // the libdeflate label path writes 8-bit palette PNGs too
                let fast = try ImageReader.decode(ImageWriter.encode(image, as: .labelPNG), path: "mem")
                XCTAssertEqual(fast, image, "fast palette, \(entries) entries")
            }
        }
    }

    func testTIFFRoundTripsEveryCompression() throws {
        for model in [Image.ColorModel.gray, .grayAlpha, .rgb, .rgba] {
            for depth in [8, 16] {
                let image = pattern(model, depth: depth)
                for compression in TIFFCompression.allCases {
                    let bytes = try ImageWriter.encode(image, as: .tiff(compression))
                    XCTAssertEqual(ImageFormat.detect(bytes), .tiff)
                    XCTAssertEqual(try ImageReader.decode(bytes, path: "mem"), image, "\(model) \(depth) \(compression)")
                }
            }
        }
    }

    func testTIFFStackWritesAndReadsEveryPage() throws {
        let dir = try makeTemporaryDirectory(self)
        let pages = (0..<5).map { page -> Image in
            let values = Pattern.samples(width: 20, height: 10, channels: 1, depth: 16, page: page)
            return Image(width: 20, height: 10, colorModel: .gray, samples: .uint16(values.map { UInt16($0) }))
        }
        try ImageWriter.writeTIFFStack(pages, to: dir + "/stack.tif")
        XCTAssertEqual(try ImageReader.pageCount(dir + "/stack.tif"), 5)
        var read: [Image] = []
        try ImageReader.forEachPage(dir + "/stack.tif") { _, _, image in read.append(image) }
        XCTAssertEqual(read, pages)
    }

    func testJPEGRoundTripIsCloseAndProgressiveIsMarked() throws {
        var gray: [UInt8] = []
        for y in 0..<48 { for x in 0..<64 { gray.append(UInt8(2 * x + y)) } }
        let image = Image.gray8(width: 64, height: 48, pixels: gray)
        for progressive in [false, true] {
            let bytes = try ImageWriter.encode(image, as: .jpeg(quality: 95, progressive: progressive))
            XCTAssertEqual(ImageFormat.detect(bytes), .jpeg)
            // SOF2 (0xFFC2) marks a progressive JPEG, SOF0 (0xFFC0) a baseline one.
            let marker: [UInt8] = progressive ? [0xFF, 0xC2] : [0xFF, 0xC0]
            XCTAssertTrue(zip(bytes, bytes.dropFirst()).contains { [$0.0, $0.1] == marker })
            let back = try ImageReader.decode(bytes, path: "mem")
            XCTAssertEqual(back.width, 64)
            let meanError = zip(back.intSamples, gray).map { abs($0.0 - Int($0.1)) }.reduce(0, +) / gray.count
            XCTAssertLessThanOrEqual(meanError, 2)
        }
    }

    func testJPEGRefusesLabelMaps() {
        let labels = Image.gray8(width: 4, height: 4, pixels: [UInt8](repeating: 1, count: 16))
        assertImageError([.cannotEncode]) { try ImageWriter.encode(labels, as: .jpeg(), content: .labels) }
        do { _ = try ImageWriter.encode(labels, as: .jpeg(), content: .labels) } catch { XCTAssertEqual(FailureCategory.of(error), .outputNotWritten) }
        let palette = Image(width: 1, height: 1, colorModel: .palette, samples: .uint8([0]), palette: [RGBA(0, 0, 0)])
        assertImageError([.cannotEncode]) { try ImageWriter.encode(palette, as: .jpeg()) }
        do {
            _ = try ImageWriter.encode(labels, as: .jpeg(), content: .labels, path: "out.jpg")
        } catch let error as ImageError {
            XCTAssertTrue(error.description.contains("out.jpg"))
            XCTAssertTrue(error.description.contains("changes label values"))
        } catch { XCTFail("\(error)") }
    }
}
