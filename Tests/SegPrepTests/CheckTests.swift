import Foundation
import XCTest
import SegCore
@testable import SegImage
@testable import SegPrep

/// `check` must find each planted problem, and nothing in clean data.
final class CheckTests: XCTestCase {
    /// A dataset of 6 cell pairs under root/images and root/labels, split 4/2 into root/split.
    private func makeDataset() throws -> String {
        let root = try makeTemporaryDirectory(self)
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/images", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/labels", withIntermediateDirectories: true)
        for k in 0..<6 {
            try fm.copyItem(atPath: Repo.fixtures + "/cells/image/\(k).png", toPath: root + "/images/\(k).png")
            try fm.copyItem(atPath: Repo.fixtures + "/cells/label/\(k).png", toPath: root + "/labels/\(k).png")
        }
        var options = SplitJobOptions(images: root + "/images", labels: root + "/labels", out: root + "/split")
        options.split.ratio = try RatioSpec.parse("4")
        _ = try SplitJob.run(options)
        return root
    }

    private func check(_ arguments: [String], _ configure: (inout CheckOptions) -> Void = { _ in }) throws -> CheckReport {
        try runCheck(arguments, configure)
    }

    private func kinds(_ report: CheckReport) -> [Finding.Kind] { report.findings.map(\.kind) }

    func testCleanDatasetAndManifestsHaveNoFindings() throws {
        let root = try makeDataset()
        let report = try check([root, root + "/split"])
        XCTAssertEqual(report.findings, [])
        XCTAssertEqual(report.splits.map(\.name), [root, "train", "val"])
        XCTAssertEqual(report.splits[1].entries, 4)
        XCTAssertEqual(report.splits[1].sizes, ["256x256": 4])
        // Class pixels of the 4 training labels, from the generator's numpy counts.
        let data = try Data(contentsOf: URL(fileURLWithPath: Repo.fixtures + "/cells/label-counts.json"))
        let counts = try JSONDecoder().decode([String: [String: Int]].self, from: data)
        let zeros = (0..<4).reduce(0) { $0 + counts["\($1).png"]!["0"]! }
        XCTAssertEqual(report.splits[1].classPixels.counts[0], zeros)
        XCTAssertEqual(report.splits[1].classPixels.total, 4 * 256 * 256)
    }

    func testMissingLabelIsFound() throws {
        let root = try makeDataset()
        try FileManager.default.removeItem(atPath: root + "/labels/5.png")
        let report = try check([root + "/split"])
        XCTAssertEqual(kinds(report), [.missing])
        XCTAssertTrue(report.findings[0].message.contains("labels/5.png"))
        let folder = try check([root])
        XCTAssertEqual(kinds(folder), [.unpaired])
    }

    func testSizeMismatchIsFound() throws {
        let root = try makeDataset()
        let small = Image.gray8(width: 10, height: 8, pixels: [UInt8](repeating: 255, count: 80))
        try ImageWriter.write(small, to: root + "/labels/2.png", as: .png())
        let report = try check([root + "/split"], { $0.verifyHashes = false })
        XCTAssertEqual(kinds(report), [.sizeMismatch])
        XCTAssertTrue(report.findings[0].message.contains("256x256"))
        XCTAssertTrue(report.findings[0].message.contains("10x8"))
    }

    func testStrayValueIsFoundWithItsCount() throws {
        let root = try makeDataset()
        var label = try ImageReader.read(root + "/labels/1.png")
        guard case .uint8(var pixels) = label.samples else { return XCTFail() }
        pixels[0] = 254; pixels[1] = 254; pixels[2] = 3
        label.samples = .uint8(pixels)
        try ImageWriter.write(label, to: root + "/labels/1.png", as: .png())
        let report = try check([root + "/split"], { $0.verifyHashes = false })
        XCTAssertEqual(kinds(report), [.unexpectedValues])
        XCTAssertTrue(report.findings[0].message.contains("254 (2 px), 3 (1 px)"), report.findings[0].message)
        let explicit = try check([root + "/split"], { $0.verifyHashes = false; $0.classes = [0, 254, 255, 3] })
        XCTAssertEqual(kinds(explicit), [])
    }

    func testChangedFilesAreCaughtBySplitHashes() throws {
        let root = try makeDataset()
        var label = try ImageReader.read(root + "/labels/1.png")
        guard case .uint8(var pixels) = label.samples else { return XCTFail() }
        pixels[0] = 255 - pixels[0]
        label.samples = .uint8(pixels)
        try ImageWriter.write(label, to: root + "/labels/1.png", as: .png())
        XCTAssertEqual(kinds(try check([root + "/split"])), [.hashMismatch])
    }

    func testCopiedImageUnderAnotherNameLeaksAcrossSplits() throws {
        let root = try makeDataset()
        // Val's 4.png is replaced by a copy of train's 0.png (its label too): same content, another name.
        try FileManager.default.removeItem(atPath: root + "/images/4.png")
        try FileManager.default.copyItem(atPath: root + "/images/0.png", toPath: root + "/images/4.png")
        let report = try check([root + "/split"], { $0.verifyHashes = false })
        XCTAssertEqual(kinds(report), [.leakContent])
        XCTAssertTrue(report.findings[0].message.contains("0.png") && report.findings[0].message.contains("4.png"))
        XCTAssertEqual(report.findings[0].splits, ["train", "val"])
    }

    func testSameFileInTwoSplitsAndDuplicatesInOne() throws {
        let root = try makeDataset()
        let train = try String(contentsOfFile: root + "/split/train.txt", encoding: .utf8)
        let first = train.split(separator: "\n")[0]
        try (train + first + "\n").write(toFile: root + "/split/train.txt", atomically: true, encoding: .utf8)
        let val = try String(contentsOfFile: root + "/split/val.txt", encoding: .utf8)
        try (val + first + "\n").write(toFile: root + "/split/val.txt", atomically: true, encoding: .utf8)
        let report = try check([root + "/split"])
        XCTAssertEqual(Set(kinds(report)), [.duplicateFile, .leakFile])
    }

    func testGroupLeakage() throws {
        let root = try makeDataset()
        // Groups by the first digit pair parity is not possible with names 0..5; use one group for all.
        let report = try check([root + "/split"], { $0.groupBy = "^(\\d)" })
        XCTAssertEqual(kinds(report), [])
        let all = try check([root + "/split"], { $0.groupBy = "(png)" })
        XCTAssertEqual(kinds(all), [.leakGroup])
    }

    func testMixedConventionsAreFound() throws {
        let root = try makeDataset()
        var label = try ImageReader.read(root + "/labels/3.png")
        guard case .uint8(let pixels) = label.samples else { return XCTFail() }
        label.samples = .uint8(pixels.map { $0 == 255 ? 1 : 0 })
        try ImageWriter.write(label, to: root + "/labels/3.png", as: .png())
        let report = try check([root + "/split"], { $0.verifyHashes = false })
        XCTAssertEqual(kinds(report), [.mixedConventions])
    }

    func testMalformedManifestLine() throws {
        let root = try makeDataset()
        try "a\tb\tc\n".write(toFile: root + "/split/val.txt", atomically: true, encoding: .utf8)
        let report = try check([root + "/split"])
        XCTAssertEqual(kinds(report), [.manifest])
        XCTAssertTrue(report.findings[0].message.contains("val.txt:1"))
    }

    func testManifestParsingFormats() throws {
        XCTAssertEqual(try Manifest.parse("a.png\tb.png\r\n\nc.png\n", format: .txt, source: "m"),
                       [ManifestEntry(image: "a.png", label: "b.png"), ManifestEntry(image: "c.png", label: nil)])
        XCTAssertEqual(try Manifest.parse("image,label\n\"x,1.png\",y.png\n", format: .csv, source: "m"),
                       [ManifestEntry(image: "x,1.png", label: "y.png")])
        XCTAssertEqual(try Manifest.parse(#"[{"image": "a", "label": "b"}, "c"]"#, format: .json, source: "m"),
                       [ManifestEntry(image: "a", label: "b"), ManifestEntry(image: "c", label: nil)])
        XCTAssertThrowsError(try Manifest.render([ManifestEntry(image: "a\tb", label: nil)], format: .txt))
        XCTAssertEqual(Manifest.relativePath(from: "/d/splits", to: "/d/images/7.png"), "../images/7.png")
        XCTAssertEqual(Manifest.relativePath(from: "/d", to: "/d/images/7.png"), "images/7.png")
    }
}
