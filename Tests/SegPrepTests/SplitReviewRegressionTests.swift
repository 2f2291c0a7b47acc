import Foundation
import SegFiles
import XCTest
import SegCore
@testable import SegImage
@testable import SegPrep

/// Regressions for defects found in review of split/check: each fails on the code before its fix.
final class SplitReviewRegressionTests: XCTestCase {
    private let fm = FileManager.default

    /// images/P1/0..2.png, images/P2/3..5.png and the same under labels/.
    private func patientDataset() throws -> String {
        let root = try makeTemporaryDirectory(self)
        for k in 0..<6 {
            let patient = k < 3 ? "P1" : "P2"
            for kind in ["image", "label"] {
                try fm.createDirectory(atPath: root + "/\(kind)s/\(patient)", withIntermediateDirectories: true)
                try fm.copyItem(atPath: Repo.fixtures + "/cells/\(kind)/\(k).png", toPath: root + "/\(kind)s/\(patient)/\(k).png")
            }
        }
        return root
    }

    private func check(_ arguments: [String], _ configure: (inout CheckOptions) -> Void = { _ in }) throws -> CheckReport {
        try runCheck(arguments, configure)
    }

    func testGroupPatternWithASlashFindsFolderGroups() throws {
        let root = try patientDataset()
        var options = SplitJobOptions(images: root + "/images", labels: root + "/labels", out: root + "/s")
        options.split.ratio = try RatioSpec.parse("4")  // P2 lands in both splits
        _ = try SplitJob.run(options)
        let report = try check([root + "/s"]) { $0.groupBy = "^(P\\d+)/" }
        XCTAssertEqual(report.findings.map(\.kind), [.leakGroup])
        XCTAssertTrue(report.findings[0].message.contains("'P2'"))
        let unmatched = try check([root + "/s"]) { $0.groupBy = "^(Q\\d+)/" }
        XCTAssertEqual(Set(unmatched.findings.map(\.kind)), [.ungrouped])
    }

    func testHashesAreVerifiedInFoldsAndWithATrailingSlash() throws {
        let root = try patientDataset()
        var options = SplitJobOptions(images: root + "/images", labels: root + "/labels", out: root + "/f")
        options.split.folds = 3
        _ = try SplitJob.run(options)
        options.out = root + "/r"
        options.split.folds = nil
        _ = try SplitJob.run(options)
        let label = root + "/labels/P1/0.png"
        var image = try ImageReader.read(label)
        guard case .uint8(var pixels) = image.samples else { return XCTFail() }
        pixels[0] = 255 - pixels[0]
        image.samples = .uint8(pixels)
        try ImageWriter.write(image, to: label, as: .png())
        XCTAssertTrue(try check([root + "/f"]).findings.contains { $0.kind == .hashMismatch })
        XCTAssertTrue(try check([root + "/r/"]).findings.contains { $0.kind == .hashMismatch })
    }

    func testDecimalFractionsRoundExactly() throws {
        // 0.85 × 10 = 8.5 and 0.15 × 10 = 1.5: a true tie, so the earlier split (train) gets the unit.
        XCTAssertEqual(try RatioSpec.parse("0.85").sizes(total: 10), [9, 1, 0])
        XCTAssertEqual(try RatioSpec.parse("0.7,0.15").sizes(total: 10), [7, 2, 1])
        XCTAssertEqual(try RatioSpec.parse("0.7,0.15,0.15").sizes(total: 10), [7, 2, 1])
        XCTAssertEqual(try RatioSpec.parse(".5").sizes(total: 3), [2, 1, 0])
        XCTAssertThrowsError(try RatioSpec.parse("0.5."))
        XCTAssertThrowsError(try RatioSpec.parse("1e-1"))
    }

    func testUnexpectedValuesAreListedInAFixedOrder() throws {
        let root = try makeTemporaryDirectory(self)
        try fm.createDirectory(atPath: root + "/images", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/labels", withIntermediateDirectories: true)
        try fm.copyItem(atPath: Repo.fixtures + "/cells/image/0.png", toPath: root + "/images/0.png")
        var label = try ImageReader.read(Repo.fixtures + "/cells/label/0.png")
        guard case .uint8(var pixels) = label.samples else { return XCTFail() }
        for (i, v) in [9, 3, 7, 5, 4, 4].enumerated() { pixels[i] = UInt8(v) }
        label.samples = .uint8(pixels)
        try ImageWriter.write(label, to: root + "/labels/0.png", as: .png())
        let message = try check([root]).findings[0].message
        XCTAssertTrue(message.contains("4 (2 px), 3 (1 px), 5 (1 px), 7 (1 px), 9 (1 px)"), message)
    }

    func testLineBreaksInPathsAndByteOrderMarks() throws {
        XCTAssertThrowsError(try Manifest.render([ManifestEntry(image: "a\r\nb.png", label: "c.png")], format: .txt))
        let csv = try Manifest.render([ManifestEntry(image: "a\r\nb.png", label: "c.png")], format: .csv)
        XCTAssertEqual(try Manifest.parse(csv, format: .csv, source: "m"), [ManifestEntry(image: "a\r\nb.png", label: "c.png")])
        XCTAssertEqual(try Manifest.parse("\u{FEFF}a.png\tb.png\n", format: .txt, source: "m"), [ManifestEntry(image: "a.png", label: "b.png")])
        XCTAssertEqual(try Manifest.parse("\u{FEFF}image,label\na,b\n", format: .csv, source: "m"), [ManifestEntry(image: "a", label: "b")])
        XCTAssertEqual(try Manifest.parse("a.png\tb.png  \n", format: .txt, source: "m"), [ManifestEntry(image: "a.png", label: "b.png")])
    }

    func testForceReplacesAWholeEarlierSplit() throws {
        let root = try patientDataset()
        var options = SplitJobOptions(images: root + "/images", labels: root + "/labels", out: root + "/s")
        options.split.folds = 3
        _ = try SplitJob.run(options)
        options.split.folds = nil
        options.format = .csv
        XCTAssertThrowsError(try SplitJob.run(options)) { XCTAssertEqual(FailureCategory.of($0), .outputNotWritten) }
        options.force = true
        _ = try SplitJob.run(options)
        XCTAssertEqual(listing(root + "/s"), ["split.json", "train.csv", "val.csv"])
        XCTAssertEqual(try check([root + "/s"]).findings, [])
    }

    func testLargeSeedsAreRecordedExactly() throws {
        let root = try patientDataset()
        var options = SplitJobOptions(images: root + "/images", labels: root + "/labels", out: root + "/s")
        options.split.seed = UInt64.max
        _ = try SplitJob.run(options)
        let text = String(decoding: try FileBytes.read(root + "/s/split.json"), as: UTF8.self)
        XCTAssertTrue(text.contains("\"seed\" : 18446744073709551615"), text)
    }

    func testContentLeakIsReportedForEverySplitPair() throws {
        let root = try patientDataset()
        try fm.createDirectory(atPath: root + "/m", withIntermediateDirectories: true)
        try fm.copyItem(atPath: root + "/images/P1/0.png", toPath: root + "/images/copy.png")
        try "../images/P1/0.png\n".write(toFile: root + "/m/train.txt", atomically: true, encoding: .utf8)
        try "../images/P1/0.png\n".write(toFile: root + "/m/val.txt", atomically: true, encoding: .utf8)
        try "../images/copy.png\n".write(toFile: root + "/m/test.txt", atomically: true, encoding: .utf8)
        let findings = try check([root + "/m"]).findings
        XCTAssertEqual(findings.filter { $0.kind == .leakFile }.map(\.splits), [["train", "val"]])
        XCTAssertEqual(findings.filter { $0.kind == .leakContent }.map(\.splits), [["train", "test"], ["val", "test"]])
    }

    func testCheckRefusesNonManifestFiles() throws {
        XCTAssertThrowsError(try Checker.sources([Repo.fixtures + "/cells/image/0.png"])) {
            XCTAssertEqual(($0 as? PrepError)?.category, .usage)
        }
    }
}
