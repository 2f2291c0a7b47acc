import Foundation
import XCTest
@testable import SegImage

/// Decodes every file of the real datasets in ../shared/datasets and checks
/// the facts their READMEs state (measured independently of SegKit).
final class RealDatasetTests: XCTestCase {
    private func files(_ dir: String) throws -> [String] {
        let root = Repo.shared + "/" + dir
        guard FileManager.default.fileExists(atPath: root) else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("missing \(root)") }
            throw XCTSkip("shared datasets not present at \(root)")
        }
        return try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasSuffix(".png") }.sorted()
            .map { root + "/" + $0 }
    }

    func testISBI2012DecodesWithStatedLabelCounts() throws {
        var zeros = 0, fullScale = 0
        for dir in ["isbi2012/train/image", "isbi2012/test/image", "isbi2012/train/label"] {
            let paths = try files(dir)
            XCTAssertEqual(paths.count, 30, dir)
            for path in paths {
                let image = try ImageReader.read(path)
                XCTAssertEqual(image.width, 512)
                XCTAssertEqual(image.height, 512)
                XCTAssertEqual(image.colorModel, .gray)
                XCTAssertEqual(image.sourceBitDepth, 8)
                guard dir.hasSuffix("label"), case .uint8(let s) = image.samples else { continue }
                let z = s.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
                let f = s.reduce(0) { $0 + ($1 == 255 ? 1 : 0) }
                XCTAssertEqual(z + f, s.count, "\(path) has values other than 0 and 255")
                zeros += z
                fullScale += f
            }
        }
        XCTAssertEqual(zeros, 1_727_250)
        XCTAssertEqual(fullScale, 6_137_070)
    }

    func testSOD300MasksAndMapsDecodeWithStatedFacts() throws {
        let gts = try files("sod300/gt")
        XCTAssertEqual(gts.count, 300)
        var oneBit = 0, eightBit = 0, landscape = 0, portrait = 0, background = 0, foreground = 0
        var sizes: [String: (Int, Int)] = [:]
        for path in gts {
            let image = try ImageReader.read(path)
            XCTAssertEqual(image.colorModel, .gray, path)
            if image.sourceBitDepth == 1 { oneBit += 1 } else if image.sourceBitDepth == 8 { eightBit += 1 }
            if (image.width, image.height) == (481, 321) { landscape += 1 }
            if (image.width, image.height) == (321, 481) { portrait += 1 }
            let gray = image.grayLevels8()
            let fg = gray.reduce(0) { $0 + ($1 == 255 ? 1 : 0) }
            let bg = gray.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
            XCTAssertEqual(fg + bg, gray.count, "\(path) is not binary")
            foreground += fg
            background += bg
            sizes[(path as NSString).lastPathComponent] = (image.width, image.height)
        }
        XCTAssertEqual(oneBit, 298)
        XCTAssertEqual(eightBit, 2)
        XCTAssertEqual(landscape, 214)
        XCTAssertEqual(portrait, 86)
        XCTAssertEqual(background, 33_410_042)
        XCTAssertEqual(foreground, 12_910_258)
        for model in ["Amulet", "DSS", "PiCANet"] {
            let maps = try files("sod300/pred/" + model)
            XCTAssertEqual(maps.count, 300)
            for path in maps {
                let image = try ImageReader.read(path)
                XCTAssertEqual(image.colorModel, .gray, path)
                XCTAssertEqual(image.sourceBitDepth, 8, path)
                let size = sizes[(path as NSString).lastPathComponent]
                XCTAssertEqual(size?.0, image.width, path)
                XCTAssertEqual(size?.1, image.height, path)
            }
        }
    }
}
