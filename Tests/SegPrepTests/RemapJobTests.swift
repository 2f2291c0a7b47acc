import Foundation
import XCTest
import SegCore
@testable import SegImage
@testable import SegPrep

final class RemapJobTests: XCTestCase {
    private func write(_ values: [UInt8], _ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try ImageWriter.write(gray(values, width: 2), to: path, as: .png())
    }

    func testCellFixturesMatchCountsFromTheGenerator() throws {
        let out = try makeTemporaryDirectory(self)
        var options = RemapOptions()
        options.outputDirectory = out
        let summary = try RemapJob.run(try InputFiles.collect([Repo.fixtures + "/cells/label"]), options: options)
        XCTAssertEqual(summary.files.count, 20)
        XCTAssertTrue(summary.failed.isEmpty)
        // label-counts.json was computed by numpy in Fixtures/generate.py.
        let data = try Data(contentsOf: URL(fileURLWithPath: Repo.fixtures + "/cells/label-counts.json"))
        let counts = try JSONDecoder().decode([String: [String: Int]].self, from: data)
        for report in summary.files {
            let name = (report.input as NSString).lastPathComponent
            let expected = counts[name]!
            XCTAssertEqual(report.before, Histogram([0: expected["0"]!, 255: expected["255"]!]), name)
            let written = try ImageReader.read(out + "/" + name)
            XCTAssertEqual(written.colorModel, .gray)
            let s = samples8(written)
            XCTAssertEqual(s.filter { $0 == 0 }.count, expected["0"]!)
            XCTAssertEqual(s.filter { $0 == 1 }.count, expected["255"]!)
        }
        XCTAssertEqual(listing(out).count, 20)
    }

    func testMirrorsTreeAndWritesPalettePNGs() throws {
        let root = try makeTemporaryDirectory(self)
        try write([0, 255, 255, 0], root + "/in/a/1.png")
        try write([255, 255, 0, 0], root + "/in/b/c/2.png")
        var options = RemapOptions()
        options.outputDirectory = root + "/out"
        options.palette = Palettes.voc
        let summary = try RemapJob.run(try InputFiles.collect([root + "/in"]), options: options)
        XCTAssertEqual(summary.succeeded, 2)
        XCTAssertEqual(listing(root + "/out"), ["a/1.png", "b/c/2.png"])
        let image = try ImageReader.read(root + "/out/b/c/2.png")
        XCTAssertEqual(image.colorModel, .palette)
        XCTAssertEqual(samples8(image), [1, 1, 0, 0])
        XCTAssertEqual(image.palette[1], RGBA(128, 0, 0))
    }

    func testPlanRefusesCollisionsOverwritesAndNonPNGInPlace() throws {
        let root = try makeTemporaryDirectory(self)
        try write([0, 255], root + "/x/7.png")
        try ImageWriter.write(gray([0, 255]), to: root + "/x/7.tif", as: .tiff())
        var options = RemapOptions()
        options.outputDirectory = root + "/out"
        XCTAssertThrowsError(try RemapJob.plan(try InputFiles.collect([root + "/x"]), options: options)) {
            XCTAssertTrue("\($0)".contains("would both be written"), "\($0)")
        }
        options.outputDirectory = root + "/x"
        XCTAssertThrowsError(try RemapJob.plan(try InputFiles.collect([root + "/x/7.png"]), options: options)) {
            XCTAssertTrue("\($0)".contains("overwrite an input"), "\($0)")
        }
        options.outputDirectory = nil
        options.inPlace = true
        XCTAssertThrowsError(try RemapJob.plan(try InputFiles.collect([root + "/x/7.tif"]), options: options))
        options.inPlace = false
        XCTAssertThrowsError(try RemapJob.plan(try InputFiles.collect([root + "/x/7.png"]), options: options)) {
            XCTAssertTrue("\($0)".contains("`out`"), "\($0)")
        }
    }

    func testStopsAtFirstBadFileUnlessKeepGoing() throws {
        let root = try makeTemporaryDirectory(self)
        try write([0, 255], root + "/in/1.png")
        try write([0, 128], root + "/in/2.png")   // unexpected 128
        try write([255, 0], root + "/in/3.png")
        let files = try InputFiles.collect([root + "/in"])
        var options = RemapOptions()
        options.outputDirectory = root + "/stop"
        options.workers = 1
        let stopped = try RemapJob.run(files, options: options)
        XCTAssertEqual(stopped.files.map { ($0.input as NSString).lastPathComponent }, ["1.png", "2.png"])
        XCTAssertEqual(stopped.skipped, 1)
        XCTAssertEqual(listing(root + "/stop"), ["1.png"])
        XCTAssertTrue(stopped.failed[0].error!.contains("unexpected label values 128 (1 px)"))

        options.outputDirectory = root + "/all"
        options.keepGoing = true
        options.workers = 2
        let all = try RemapJob.run(files, options: options)
        XCTAssertEqual(all.files.count, 3)
        XCTAssertEqual(all.failed.count, 1)
        XCTAssertEqual(listing(root + "/all"), ["1.png", "3.png"])
        XCTAssertEqual(all.after, Histogram([0: 2, 1: 2]))
    }

    func testDryRunWritesNothingAndCountsEverything() throws {
        let root = try makeTemporaryDirectory(self)
        try write([0, 255, 255, 255], root + "/in/1.png")
        var options = RemapOptions()
        options.dryRun = true
        let summary = try RemapJob.run(try InputFiles.collect([root + "/in"]), options: options)
        XCTAssertEqual(summary.before, Histogram([0: 1, 255: 3]))
        XCTAssertEqual(listing(root), ["in/1.png"])
        let table = RemapReport.perFileTable(summary)
        XCTAssertEqual(table.rows, [[root + "/in/1.png", "0", "1", "0"], [root + "/in/1.png", "255", "3", "1"]])
    }

    func testFailedWriteLeavesNoPartialOutput() throws {
        let root = try makeTemporaryDirectory(self)
        try write([0, 255], root + "/in/1.png")
        // The output folder's place is taken by a file: nothing can be written.
        _ = FileManager.default.createFile(atPath: root + "/blocked", contents: Data([1]))
        var options = RemapOptions()
        options.outputDirectory = root + "/blocked/out"
        let summary = try RemapJob.run(try InputFiles.collect([root + "/in"]), options: options)
        XCTAssertEqual(summary.failed.count, 1)
        XCTAssertTrue(summary.failed[0].writeFailed)
        XCTAssertEqual(listing(root), ["blocked", "in/1.png"])
    }

    func testInPlaceRewritesInputs() throws {
        let root = try makeTemporaryDirectory(self)
        try write([0, 255, 255, 0], root + "/1.png")
        var options = RemapOptions()
        options.inPlace = true
        _ = try RemapJob.run(try InputFiles.collect([root]), options: options)
        XCTAssertEqual(samples8(try ImageReader.read(root + "/1.png")), [0, 1, 1, 0])
        XCTAssertEqual(listing(root), ["1.png"])
    }
}
