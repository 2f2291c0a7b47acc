import Foundation
import SegCore
import XCTest
@testable import SegImage
@testable import SegPrep

/// Hand-computed cases for every mapping.
final class RemapperTests: XCTestCase {
    private func run(_ mapping: ValueMapping, _ image: Image) throws -> [UInt8] {
        try Remapper(mapping: mapping).remap(image, path: "t.png").output
    }

    func testDefaultMapsZeroAnd255AndTreatsOneBitTheSame() throws {
        XCTAssertEqual(try run(.binary, gray([0, 255, 255, 0])), [0, 1, 1, 0])
        let oneBit = Image(width: 4, height: 1, colorModel: .gray, samples: .uint8([0, 1, 1, 0]), sourceBitDepth: 1)
        XCTAssertEqual(try run(.binary, oneBit), [0, 1, 1, 0])
        let result = try Remapper(mapping: .binary).remap(gray([0, 255, 255, 0, 255]), path: "t.png")
        XCTAssertEqual(result.before, Histogram([0: 2, 255: 3]))
        XCTAssertEqual(result.after, Histogram([0: 2, 1: 3]))
    }

    func testTwoValueFastPathAtEveryLengthAndStrayPosition() throws {
        // Lengths around the 8-byte word size, masks drawn from a fixed LCG; 0 → 0 and 255 → 1 by definition.
        var state: UInt64 = 1
        for length in 1...41 {
            var values: [UInt8] = []
            for _ in 0..<length {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                values.append(state >> 63 == 0 ? 0 : 255)
            }
            let result = try Remapper(mapping: .binary).remap(gray(values), path: "t.png")
            XCTAssertEqual(result.output, values.map { $0 == 255 ? 1 : 0 }, "length \(length)")
            XCTAssertEqual(result.before, Histogram([0: values.filter { $0 == 0 }.count, 255: values.filter { $0 == 255 }.count]))
            for stray in [0, length / 2, length - 1] {
                var bad = values
                bad[stray] = 254
                XCTAssertThrowsError(try Remapper(mapping: .binary).remap(gray(bad), path: "t.png"), "stray at \(stray) of \(length)") { error in
                    XCTAssertEqual((error as? RemapError)?.unexpected, Histogram([254: 1]))
                }
            }
        }
        // Any two listed values and outputs, e.g. 7 → 200 and 9 → 3.
        XCTAssertEqual(try run(.table([7: 200, 9: 3], unmapped: nil), gray([7, 9, 9, 7, 7, 9, 7, 9, 9, 7, 7])),
                       [200, 3, 3, 200, 200, 3, 200, 3, 3, 200, 200])
    }

    func testUnexpectedValuesNameFileValuesAndCounts() {
        XCTAssertThrowsError(try run(.binary, gray([0, 255, 254, 254, 1, 0]))) { error in
            guard let error = error as? RemapError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.kind, .unexpectedValues)
            XCTAssertEqual(error.unexpected, Histogram([254: 2, 1: 1]))
            XCTAssertTrue(error.description.hasPrefix("t.png: unexpected label values 254 (2 px), 1 (1 px)"), error.description)
        }
    }

    func testThreshold() throws {
        XCTAssertEqual(try run(.threshold(128), gray([0, 127, 128, 255, 1])), [0, 0, 1, 1, 0])
        let deep = Image(width: 3, height: 1, colorModel: .gray, samples: .uint16([0, 999, 1000]))
        XCTAssertEqual(try run(.threshold(1000), deep), [0, 0, 1])
    }

    func testExplicitMapWithAndWithoutUnmapped() throws {
        let pairs = try MappingParser.pairs("0:0,255:1,128:255")
        XCTAssertEqual(try run(.table(pairs, unmapped: nil), gray([0, 128, 255])), [0, 255, 1])
        XCTAssertThrowsError(try run(.table(pairs, unmapped: nil), gray([0, 3])))
        XCTAssertEqual(try run(.table(pairs, unmapped: 7), gray([0, 3, 255, 200])), [0, 7, 1, 7])
    }

    func testNearestSnapsAndBreaksTiesDownward() throws {
        XCTAssertEqual(try run(.nearest([0: 0, 255: 1]), gray([0, 1, 127, 128, 254, 255])), [0, 0, 0, 1, 1, 1])
        XCTAssertEqual(try run(.nearest([0: 0, 10: 1]), gray([5, 6, 4])), [0, 1, 0])
    }

    func testVisualSpreadsClassesOverGrey() throws {
        XCTAssertEqual(try run(.visual(classes: 2), gray([0, 1])), [0, 255])
        // 255·1/2 = 127.5 rounds to 128; 255·2/2 = 255.
        XCTAssertEqual(try run(.visual(classes: 3), gray([0, 1, 2])), [0, 128, 255])
        // 255·c/4 for c = 1, 2, 3: 63.75 → 64, 127.5 → 128, 191.25 → 191.
        XCTAssertEqual(try run(.visual(classes: 5), gray([1, 2, 3, 4])), [64, 128, 191, 255])
        XCTAssertThrowsError(try run(.visual(classes: 3), gray([3])))
    }

    func testColourMasksFromRGBAndPalette() throws {
        let table: [UInt32: UInt8] = [0x000000: 0, 0x800000: 1, 0x008000: 2]
        let rgb = Image(width: 3, height: 1, colorModel: .rgb, samples: .uint8([0, 0, 0, 128, 0, 0, 0, 128, 0]))
        XCTAssertEqual(try run(.colors(table, unmapped: nil), rgb), [0, 1, 2])
        let palette = Image(width: 3, height: 1, colorModel: .palette, samples: .uint8([2, 1, 0]),
                            palette: [RGBA(0, 128, 0), RGBA(128, 0, 0), RGBA(0, 0, 0)])
        XCTAssertEqual(try run(.colors(table, unmapped: nil), palette), [0, 1, 2], "palette maps through its colours")
        let stray = Image(width: 2, height: 1, colorModel: .rgb, samples: .uint8([0, 0, 0, 1, 2, 3]))
        XCTAssertThrowsError(try run(.colors(table, unmapped: nil), stray)) { error in
            XCTAssertTrue("\(error)".contains("1,2,3 (1 px)"), "\(error)")
        }
        XCTAssertEqual(try run(.colors(table, unmapped: 255), stray), [0, 255])
    }

    func testRGBWithoutColourTable() throws {
        let grayish = Image(width: 2, height: 1, colorModel: .rgb, samples: .uint8([255, 255, 255, 0, 0, 0]))
        XCTAssertEqual(try run(.binary, grayish), [1, 0], "R = G = B is grey")
        let coloured = Image(width: 2, height: 1, colorModel: .rgb, samples: .uint8([255, 0, 0, 0, 0, 0]))
        XCTAssertThrowsError(try run(.binary, coloured)) { error in
            XCTAssertEqual((error as? RemapError)?.kind, .colorMask)
        }
    }

    func testPaletteIndicesAreTheValues() throws {
        let image = try ImageReader.read(Repo.fixtures + "/awkward/labels-palette.png")
        let result = try Remapper(mapping: .table([0: 0, 1: 1, 2: 2, 255: 255], unmapped: nil)).remap(image, path: "p")
        XCTAssertEqual(result.before.values, [0, 1, 2, 255])
        XCTAssertEqual(result.output, samples8(image))
    }

    func testGrayAlphaIgnoresAlpha() throws {
        let image = Image(width: 2, height: 1, colorModel: .grayAlpha, samples: .uint8([255, 0, 0, 255]))
        XCTAssertEqual(try run(.binary, image), [1, 0])
    }
}

final class MappingParserTests: XCTestCase {
    func testPairs() throws {
        XCTAssertEqual(try MappingParser.pairs("0:0, 255:1"), [0: 0, 255: 1])
        for bad in ["", "0", "0:", "a:1", "0:256", "-1:0", "0:1,0:2", "0:1,,"] {
            XCTAssertThrowsError(try MappingParser.pairs(bad), bad)
        }
    }

    func testColourTablesInTextAndJSON() throws {
        let text = """
        # colour -> class
        0,0,0 -> 0
        #800000 -> 1   # dark red
        0, 128, 0 -> 2

        """
        XCTAssertEqual(try ColorTable.parse(text, source: "c.txt"), [0: 0, 0x800000: 1, 0x008000: 2])
        XCTAssertEqual(try ColorTable.parse(##"{"0,0,0": 0, "#E0E0C0": 255}"##, source: "c.json"), [0: 0, 0xE0E0C0: 255])
        XCTAssertThrowsError(try ColorTable.parse("1,2 -> 3", source: "c.txt")) { XCTAssertTrue("\($0)".contains("c.txt:1")) }
        XCTAssertThrowsError(try ColorTable.parse("1,2,3 -> 300", source: "c.txt"))
        XCTAssertThrowsError(try ColorTable.parse("1,2,3 -> 1\n1,2,3 -> 2", source: "c.txt"))
        XCTAssertThrowsError(try ColorTable.parse("{\"1,2,3\": \"x\"}", source: "c.json"))
        XCTAssertThrowsError(try ColorTable.parse("# nothing\n", source: "c.txt"))
    }

    func testVOCPaletteKnownEntries() {
        XCTAssertEqual(Palettes.voc[0], RGBA(0, 0, 0))
        XCTAssertEqual(Palettes.voc[1], RGBA(128, 0, 0))
        XCTAssertEqual(Palettes.voc[2], RGBA(0, 128, 0))
        XCTAssertEqual(Palettes.voc[3], RGBA(128, 128, 0))
        XCTAssertEqual(Palettes.voc[15], RGBA(192, 128, 128))
        XCTAssertEqual(Palettes.voc[255], RGBA(224, 224, 192))
    }
}
