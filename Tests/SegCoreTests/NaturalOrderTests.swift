import Foundation
import XCTest
import SegTestSupport
@testable import SegCore

final class NaturalOrderTests: XCTestCase {
    func testNumbersSortByValue() {
        XCTAssertEqual(NaturalOrder.sorted(["10.png", "2.png", "1.png", "0.png", "21.png", "3.png"]),
                       ["0.png", "1.png", "2.png", "3.png", "10.png", "21.png"])
    }

    func testMixedPathsAndLeadingZeros() {
        XCTAssertEqual(NaturalOrder.sorted(["b/1.png", "a/10.png", "a/9.png", "img007.png", "img7.png", "img08.png", "IMG1.png"]),
                       ["IMG1.png", "a/9.png", "a/10.png", "b/1.png", "img7.png", "img007.png", "img08.png"])
        XCTAssertEqual(NaturalOrder.sorted(["x99999999999999999999999.png", "x100000000000000000000000.png", "x2.png"]),
                       ["x2.png", "x99999999999999999999999.png", "x100000000000000000000000.png"])
        XCTAssertFalse(NaturalOrder.less("a", "a"))
        XCTAssertTrue(NaturalOrder.less("a", "a1"))
    }
}

final class InputFilesTests: XCTestCase {
    private func makeTree() throws -> String {
        let root = try makeTemporaryDirectory(self)
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/sub/deeper", withIntermediateDirectories: true)
        for name in ["10.png", "2.PNG", "1.jpg", "notes.txt", ".hidden.png", "sub/3.tif", "sub/deeper/4.gif"] {
            _ = fm.createFile(atPath: root + "/" + name, contents: Data([1]))
        }
        try fm.createSymbolicLink(atPath: root + "/sub/loop", withDestinationPath: root)  // a symlink loop
        return root
    }

    func testDirectoriesAreScannedRecursivelyInNaturalOrder() throws {
        let root = try makeTree()
        let files = try InputFiles.collect([root])
        XCTAssertEqual(files.map(\.relativePath), ["1.jpg", "2.PNG", "10.png", "sub/3.tif", "sub/deeper/4.gif"])
        XCTAssertEqual(files[0].path, root + "/1.jpg")
    }

    func testStandardInputListAndBase() throws {
        let root = try makeTree()
        let list = "\(root)/10.png\r\n\n\(root)/sub/3.tif\n"
        let files = try InputFiles.collect(["-"], base: root, readStdin: { list })
        XCTAssertEqual(files.map(\.relativePath), ["10.png", "sub/3.tif"])
        let plain = try InputFiles.collect(["-"], readStdin: { list })
        XCTAssertEqual(plain.map(\.relativePath), ["10.png", "3.tif"])
        XCTAssertThrowsError(try InputFiles.collect(["-", "-"], readStdin: { list }))
        XCTAssertThrowsError(try InputFiles.collect([root + "/missing.png"])) { error in
            XCTAssertTrue("\(error)".contains("missing.png"))
        }
    }

    func testStemAndExtension() {
        XCTAssertEqual(InputFiles.stem("a/b/7_mask.png"), "7_mask")
        XCTAssertEqual(InputFiles.stem("archive.tar.gz"), "archive.tar")
        XCTAssertEqual(InputFiles.fileExtension("X.TIFF"), "tiff")
        XCTAssertEqual(InputFiles.fileExtension(".bashrc"), "")
    }
}

final class TableTests: XCTestCase {
    func testRenderings() {
        let table = Table(columns: ["value", "pixels"], rows: [["0", "12"], ["255", "7"], ["a,b", "x\"y"]])
        XCTAssertEqual(table.csv(), "value,pixels\n0,12\n255,7\n\"a,b\",\"x\"\"y\"\n")
        let numeric = Table(columns: ["value", "pixels"], rows: [["0", "12"], ["255", "7"]])
        XCTAssertEqual(numeric.text(), "value  pixels\n    0      12\n  255       7\n")
        XCTAssertEqual(JSONText.encode(numeric.objects()), "[\n  {\n    \"pixels\" : 12,\n    \"value\" : 0\n  },\n  {\n    \"pixels\" : 7,\n    \"value\" : 255\n  }\n]\n")
    }
}
