import Foundation
import XCTest
import SegCore
@testable import SegImage
@testable import SegPrep

/// Regressions for defects found in review of augment: each fails on the code before its fix.
final class AugmentReviewRegressionTests: XCTestCase {
    private func write(_ image: Image, _ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try ImageWriter.write(image, to: path, as: .png())
    }

    private func square(_ value: (Int, Int) -> UInt8, size: Int = 32) -> Image {
        var pixels: [UInt8] = []
        for y in 0..<size { for x in 0..<size { pixels.append(value(x, y)) } }
        return Image.gray8(width: size, height: size, pixels: pixels)
    }

    func testCollidingOutputNamesAreRefusedBeforeWriting() throws {
        let root = try makeTemporaryDirectory(self)
        for key in ["x", "x_flip-h"] {
            try write(square { x, _ in UInt8(x * 4) }, root + "/i/\(key).png")
            try write(square { x, _ in x < 16 ? 0 : 255 }, root + "/l/\(key).png")
        }
        let inputs = try AugmentJob.inputs(images: root + "/i", labels: root + "/l")
        var options = AugmentOptions(out: root + "/out")
        options.copies = 8
        options.flip = .random
        options.elastic = .defaultSimard
        options.seed = 1
        XCTAssertThrowsError(try AugmentJob.run(inputs, options: options)) { XCTAssertTrue("\($0)".contains("would both write"), "\($0)") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/out"))
    }

    func testPaletteImagesAreResampledByNearestNeighbour() throws {
        let root = try makeTemporaryDirectory(self)
        var indices: [UInt8] = []
        for y in 0..<48 { for x in 0..<48 { indices.append((x / 8 + y / 8) % 2 == 0 ? 0 : 3) } }
        let palette = [RGBA(0, 0, 0), RGBA(255, 255, 255), RGBA(255, 0, 0), RGBA(0, 0, 255)]
        try write(Image(width: 48, height: 48, colorModel: .palette, samples: .uint8(indices), palette: palette), root + "/i/p.png")
        try write(Image.gray8(width: 48, height: 48, pixels: indices.map { $0 == 3 ? 255 : 0 }), root + "/l/p.png")
        var options = AugmentOptions(out: root + "/out")
        options.elastic = .simard(alpha: 200, sigma: 4)
        _ = try AugmentJob.run(try AugmentJob.inputs(images: root + "/i", labels: root + "/l"), options: options)
        let out = try ImageReader.read(root + "/out/images/p_elastic-000.png")
        XCTAssertEqual(out.colorModel, .palette)
        XCTAssertEqual(Set(out.intSamples), [0, 3], "no blended indices")
    }

    func testLabelFillOnOneBitAndPaletteLabels() throws {
        let root = try makeTemporaryDirectory(self)
        try write(square { x, y in UInt8((x + y) * 3) }, root + "/i/a.png")
        let oneBit = Image(width: 32, height: 32, colorModel: .gray, samples: .uint8((0..<1024).map { UInt8(($0 % 32) < 16 ? 0 : 1) }),
                           sourceBitDepth: 1)
        try write(oneBit, root + "/l/a.png")
        var options = AugmentOptions(out: root + "/out")
        options.elastic = .grid(nodes: 3, std: 30)
        options.border = .constant
        options.labelFill = 77
        options.seed = 3
        _ = try AugmentJob.run(try AugmentJob.inputs(images: root + "/i", labels: root + "/l"), options: options)
        let label = try ImageReader.read(root + "/out/labels/a_elastic-000.png")
        XCTAssertEqual(label.sourceBitDepth, 8)
        XCTAssertTrue(Set(label.intSamples).isSubset(of: [0, 255, 77]))
        XCTAssertTrue(Set(label.intSamples).contains(77), "a 30 px grid pulls in border pixels")

        let palette = Image(width: 32, height: 32, colorModel: .palette, samples: .uint8((0..<1024).map { UInt8(($0 % 32) < 16 ? 0 : 1) }),
                            sourceBitDepth: 1, palette: [RGBA(0, 0, 0), RGBA(128, 0, 0)])
        try write(palette, root + "/l/a.png")
        options.labelFill = 255
        options.force = true
        _ = try AugmentJob.run(try AugmentJob.inputs(images: root + "/i", labels: root + "/l"), options: options)
        let paletteOut = try ImageReader.read(root + "/out/labels/a_elastic-000.png")
        XCTAssertEqual(paletteOut.colorModel, .palette)
        XCTAssertEqual(paletteOut.palette.count, 256)
        XCTAssertEqual(paletteOut.palette[255], RGBA(224, 224, 192))
        XCTAssertEqual(Set(paletteOut.intSamples), [0, 1, 255])
    }

    func testForceReplacesTheEarlierSetWhole() throws {
        let root = try makeTemporaryDirectory(self)
        try write(square { x, _ in UInt8(x * 4) }, root + "/i/a.png")
        try write(square { x, _ in x < 16 ? 0 : 255 }, root + "/l/a.png")
        let inputs = try AugmentJob.inputs(images: root + "/i", labels: root + "/l")
        var options = AugmentOptions(out: root + "/out")
        options.elastic = .defaultSimard
        options.copies = 3
        _ = try AugmentJob.run(inputs, options: options)
        XCTAssertEqual(listing(root + "/out").count, 7)
        options = AugmentOptions(out: root + "/out")
        options.flip = .fixed(.h)
        options.force = true
        _ = try AugmentJob.run(inputs, options: options)
        XCTAssertEqual(listing(root + "/out"), ["images/a_flip-h.png", "labels/a_flip-h.png", "manifest.txt"])
    }

    func testNoPairsIsAnInputError() throws {
        let root = try makeTemporaryDirectory(self)
        XCTAssertThrowsError(try AugmentJob.run([], options: AugmentOptions(out: root + "/out"))) {
            XCTAssertEqual(($0 as? PrepError)?.category, .badInput)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/out/manifest.txt"))
    }

    func testHugeDisplacementsDoNotTrap() {
        let image = square { x, y in UInt8(x + y) }
        let far = DisplacementField(width: 32, height: 32, dx: [Float](repeating: 1e30, count: 1024), dy: [Float](repeating: -.infinity, count: 1024))
        for interpolation in Interpolation.allCases {
            for border in Border.allCases {
                XCTAssertEqual(image.warped(by: far, interpolation: interpolation, border: border, fill: 9).width, 32)
            }
        }
    }
}
