import Foundation
import SegImage
import SegTestSupport
import XCTest

/// Every command against the hostile corpus: a clear one-line message naming
/// the file, a documented non-zero code, bounded time and memory (60 s and
/// 4 GiB of address space per run), and no partial output — or, where the
/// damage cannot be detected, success with outputs that decode.
final class HostileCorpusTests: XCTestCase {
    static let cellsModel = Repo.fixtures + "/models/cells-unet.safetensors"
    let limits = ResourceLimits()

    /// The commands one image goes through, each writing into `out`.
    func commands(for file: String, name: String, root: String, out: String) throws -> [(String, [String])] {
        let manifest = root + "/pairs.txt"
        try (name + "\t" + name + "\n").write(toFile: manifest, atomically: true, encoding: .utf8)
        // The same file as its own label, in a labels folder, for split.
        let labels = root + "/labels"
        if !FileManager.default.fileExists(atPath: labels + "/" + name) {
            try FileManager.default.createDirectory(atPath: labels, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: file, toPath: labels + "/" + name)
        }
        var list: [(String, [String])] = [
            ("segprep", ["remap", file, "--out", out + "/remap"]),
            ("segprep", ["split", "--images", root + "/in", "--labels", labels, "--ratio", "1,0", "--out", out + "/split"]),
            ("segprep", ["check", manifest]),
            ("segprep", ["augment", "--manifest", manifest, "--flip", "h", "--out", out + "/augment"]),
            ("segeval", ["--pred", root + "/in", "--gt", root + "/in", "--format", "json"]),
            ("segpredict", ["--weights", Self.cellsModel, "--input", file, "--out", out + "/predict", "--convert"]),
        ]
        if name.hasSuffix(".tif") { list.append(("segprep", ["unstack", file, "--out", out + "/unstack"])) }
        return list
    }

    func testEveryCommandOnEveryBrokenImage() throws {
        let cases = try HostileCorpus.images()
        XCTAssertGreaterThan(cases.count, 80)
        var rejected = 0, accepted = 0
        for item in cases {
            let root = try makeTemporaryDirectory(self)
            try FileManager.default.createDirectory(atPath: root + "/in", withIntermediateDirectories: true)
            let file = root + "/in/" + item.name
            try Data(item.bytes).write(to: URL(fileURLWithPath: file))
            for (tool, arguments) in try commands(for: file, name: item.name, root: root, out: root + "/out") {
                let run = try runTool(tool, arguments, in: root + "/in", limits: limits)
                let what = "\(tool) \(arguments[0]) on \(item.name)"
                assertClean(run, what, naming: item.name, out: arguments.outputFolder)
                if run.status == 0 {
                    accepted += 1
                    // split reads headers only (sizes); damage past the header is check's job.
                    let headerOnly = arguments[0] == "split" && (item.name.hasPrefix("truncated-") || item.name.hasPrefix("palette-"))
                    XCTAssertFalse(item.expectation == .reject && !headerOnly, "\(what) accepted a broken file: \(run.stdout)\(run.stderr)")
                } else {
                    rejected += 1
                }
                if item.name == "label-16bit.png" && arguments[0] == "remap" {
                    XCTAssertEqual(run.status, 1, "remap must refuse 16-bit 0/65535 labels under the 0/255 mapping")
                    XCTAssertTrue(run.stderr.contains("65535"), run.stderr)
                }
            }
        }
        // The corpus is mostly broken files; if nearly everything passed, the test is not testing.
        XCTAssertGreaterThan(rejected, accepted * 3, "rejected \(rejected), accepted \(accepted)")
    }

    func testTenThousandPageTIFF() throws {
        let root = try makeTemporaryDirectory(self)
        try FileManager.default.createDirectory(atPath: root + "/in", withIntermediateDirectories: true)
        let file = root + "/in/stack.tif"
        try HostileCorpus.writeManyPages(10_000, to: file)
        XCTAssertEqual(try ImageReader.pageCount(file), 10_000)
        for (tool, arguments) in try commands(for: file, name: "stack.tif", root: root, out: root + "/out") {
            let run = try runTool(tool, arguments, in: root + "/in", limits: limits)
            assertClean(run, "\(tool) \(arguments[0]) on a 10 000-page TIFF", naming: "stack.tif", out: arguments.outputFolder)
            if arguments[0] == "unstack" {
                XCTAssertEqual(run.status, 0, run.stderr)
                XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root + "/out/unstack").count, 10_000)
            }
        }
    }

    func testBrokenWeightFiles() throws {
        let cases = try HostileCorpus.weights()
        for item in cases {
            let root = try makeTemporaryDirectory(self)
            let weights = root + "/" + item.name
            try Data(item.bytes).write(to: URL(fileURLWithPath: weights))
            let run = try runTool("segpredict", ["--weights", weights, "--input", Repo.fixtures + "/cells/image/0.png", "--out", root + "/out"],
                                  limits: limits)
            assertClean(run, "segpredict with \(item.name)", naming: item.name, out: root + "/out")
            XCTAssertEqual(run.status, 1, "\(item.name): \(run.stderr)")
        }
        // The poisoned values are named as such, not as a generic parse error.
        let root = try makeTemporaryDirectory(self)
        let nan = cases.first { $0.name == "nan-weight.safetensors" }!
        try Data(nan.bytes).write(to: URL(fileURLWithPath: root + "/w.safetensors"))
        let run = try runTool("segpredict", ["--weights", root + "/w.safetensors", "--input", Repo.fixtures + "/cells/image/0.png", "--out", root + "/out"])
        XCTAssertTrue(run.stderr.lowercased().contains("nan") || run.stderr.contains("finite"), run.stderr)
    }

    /// Checks one run of a command on a hostile input.
    func assertClean(_ run: ToolRun, _ what: String, naming name: String, out: String?, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue([0, 1].contains(run.status), "\(what): exit \(run.status) (137 = killed after \(limits.seconds) s)\n\(run.stderr)", file: file, line: line)
        XCTAssertLessThan(run.seconds, Double(limits.seconds), what, file: file, line: line)
        XCTAssertFalse(run.stderr.contains("Fatal error") || run.stderr.contains("Crash") || run.stderr.contains("💣"), "\(what) crashed:\n\(run.stderr)", file: file, line: line)
        if run.status != 0 {
            let errors = run.stderr.split(separator: "\n").filter { $0.contains("error") }
            let report = run.stdout + run.stderr
            XCTAssertTrue(report.contains(name), "\(what): the message does not name the file:\n\(run.stderr)", file: file, line: line)
            XCTAssertLessThanOrEqual(errors.count, 2, "\(what): one message per problem:\n\(run.stderr)", file: file, line: line)
            if let out { XCTAssertEqual(listing(out), [], "\(what) failed but left files", file: file, line: line) }
        } else if let out {
            for path in listing(out) where path.hasSuffix(".png") || path.hasSuffix(".tif") {
                XCTAssertNoThrow(try ImageReader.read(out + "/" + path), "\(what) wrote an undecodable \(path)", file: file, line: line)
            }
            XCTAssertFalse(listing(out).contains { ($0 as NSString).lastPathComponent.hasPrefix(".") }, "\(what) left a temporary file",
                           file: file, line: line)
        }
    }
}

extension Array where Element == String {
    /// The value of `--out`, if the command line has one.
    var outputFolder: String? { firstIndex(of: "--out").map { self[$0 + 1] } }
}
