import Foundation
import SegFiles
import SegCore
import SegImage
import SegTestSupport
import XCTest

/// Manifests with missing files or CRLF line endings, paths with UTF-8 and
/// spaces, and a symlink loop inside an input folder, through every command
/// that reads them.
final class PathAndManifestTests: XCTestCase {
    let limits = ResourceLimits()
    static let cellsModel = Repo.fixtures + "/models/cells-unet.safetensors"

    /// A small dataset of `count` cell pairs under `folder` with the given names.
    func makeDataset(_ folder: String, names: [String]) throws {
        for sub in ["images", "labels"] { try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true) }
        for (index, name) in names.enumerated() {
            try FileManager.default.copyItem(atPath: Repo.fixtures + "/cells/image/\(index).png", toPath: folder + "/images/" + name)
            try FileManager.default.copyItem(atPath: Repo.fixtures + "/cells/label/\(index).png", toPath: folder + "/labels/" + name)
        }
    }

    /// Output files named `-` or without a folder: segeval's per-image CSV
    /// and state file are written where asked (Foundation's
    /// `deletingLastPathComponent` trapped on `-`, so this crashed), and
    /// nested output folders are made.
    func testOutputPathsWithoutAFolderAndNestedOnes() throws {
        let root = try makeTemporaryDirectory(self)
        try makeDataset(root, names: ["a.png", "b.png"])
        let run = try runTool("segeval", ["--pred", root + "/labels", "--gt", root + "/labels", "--per-image", "-", "--state", "s.state"],
                              in: root, limits: limits)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(try String(contentsOfFile: root + "/-", encoding: .utf8).hasPrefix("key,"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/s.state"))
        let nested = try runTool("segeval", ["--pred", root + "/labels", "--gt", root + "/labels", "--per-image", root + "/out/deeper/per-image.csv"],
                                 limits: limits)
        XCTAssertEqual(nested.status, 0, nested.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/out/deeper/per-image.csv"))
    }

    func testManifestWithMissingFilesNamesThem() throws {
        let root = try makeTemporaryDirectory(self)
        try makeDataset(root, names: ["a.png", "b.png"])
        let manifest = root + "/pairs.txt"
        try "images/a.png\tlabels/a.png\nimages/gone.png\tlabels/gone.png\nimages/b.png\tlabels/b.png\n".write(toFile: manifest, atomically: true, encoding: .utf8)
        let runs: [(String, [String], String?)] = [
            ("segprep", ["check", manifest], nil),
            ("segprep", ["augment", "--manifest", manifest, "--flip", "h", "--out", root + "/aug"], root + "/aug"),
            ("segeval", ["--pred", root + "/labels", "--manifest", manifest], nil),
            ("segpredict", ["--weights", Self.cellsModel, "--input", manifest, "--out", root + "/pred"], nil),
        ]
        for (tool, arguments, out) in runs {
            let run = try runTool(tool, arguments, limits: limits)
            XCTAssertEqual(run.status, 1, "\(tool) \(arguments[0]): \(run.stderr)")
            XCTAssertTrue((run.stdout + run.stderr).contains("gone.png"), "\(tool) \(arguments[0]) does not name the missing file:\n\(run.stdout)\(run.stderr)")
            if let out { XCTAssertEqual(listing(out), [], "\(tool) left output after failing") }
        }
    }

    func testAugmentedSetIsAllOrNothing() throws {
        let root = try makeTemporaryDirectory(self)
        try makeDataset(root, names: ["a.png", "b.png", "c.png", "d.png"])
        let whole = try FileBytes.read(root + "/images/c.png")
        try Data(whole[..<(whole.count / 2)]).write(to: URL(fileURLWithPath: root + "/images/c.png"))
        try "keep me".write(toFile: root + "/notes.txt", atomically: true, encoding: .utf8)
        let run = try runTool("segprep", ["augment", "--images", root + "/images", "--labels", root + "/labels", "--d4-all",
                                          "--out", root + "/aug"], limits: limits)
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("c.png"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/aug"), "the pairs that worked were removed with their folders")
        // An output folder holding other files keeps them.
        try FileManager.default.createDirectory(atPath: root + "/aug2", withIntermediateDirectories: true)
        try "mine".write(toFile: root + "/aug2/README", atomically: true, encoding: .utf8)
        let again = try runTool("segprep", ["augment", "--images", root + "/images", "--labels", root + "/labels", "--d4-all",
                                            "--out", root + "/aug2"], limits: limits)
        XCTAssertEqual(again.status, 1)
        XCTAssertEqual(listing(root + "/aug2"), ["README"])
    }

    func testCRLFManifestsWorkLikeLF() throws {
        let root = try makeTemporaryDirectory(self)
        try makeDataset(root, names: ["a.png", "b.png"])
        let manifest = root + "/pairs.txt"
        try "images/a.png\tlabels/a.png\r\nimages/b.png\tlabels/b.png\r\n".write(toFile: manifest, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Manifest.read(manifest).map(\.image), [root + "/images/a.png", root + "/images/b.png"])
        let check = try runTool("segprep", ["check", manifest], limits: limits)
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        let augment = try runTool("segprep", ["augment", "--manifest", manifest, "--flip", "h", "--out", root + "/aug"], limits: limits)
        XCTAssertEqual(augment.status, 0, augment.stderr)
        XCTAssertEqual(listing(root + "/aug"), ["images/a_flip-h.png", "images/b_flip-h.png", "labels/a_flip-h.png", "labels/b_flip-h.png", "manifest.txt"])
        let eval = try runTool("segeval", ["--pred", root + "/labels", "--manifest", manifest, "--format", "json"], limits: limits)
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertTrue(eval.stdout.contains("\"images\" : 2") || eval.stdout.contains("\"images\": 2"), eval.stdout)
        let predict = try runTool("segpredict", ["--weights", Self.cellsModel, "--input", manifest, "--out", root + "/pred"], limits: limits)
        XCTAssertEqual(predict.status, 0, predict.stderr)
        XCTAssertEqual(listing(root + "/pred"), ["a.png", "b.png"], "no carriage return in output names")
    }

    func testUTF8AndSpacesInPaths() throws {
        let root = try makeTemporaryDirectory(self) + "/données brutes"
        let names = ["ça va 1.png", "日本 2.png", "naïve  two spaces.png"]
        try makeDataset(root, names: names)
        let remap = try runTool("segprep", ["remap", root + "/labels", "--out", root + "/remapped"], limits: limits)
        XCTAssertEqual(remap.status, 0, remap.stderr)
        XCTAssertEqual(listing(root + "/remapped"), names.sorted())
        let split = try runTool("segprep", ["split", "--images", root + "/images", "--labels", root + "/labels", "--ratio", "2,1",
                                            "--out", root + "/split"], limits: limits)
        XCTAssertEqual(split.status, 0, split.stderr)
        let train = try Manifest.read(root + "/split/train.txt") + Manifest.read(root + "/split/val.txt")
        XCTAssertEqual(Set(train.map { ($0.image as NSString).lastPathComponent }), Set(names))
        XCTAssertTrue(train.allSatisfy { FileManager.default.fileExists(atPath: $0.image) && FileManager.default.fileExists(atPath: $0.label!) })
        let check = try runTool("segprep", ["check", root + "/split"], limits: limits)
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        let augment = try runTool("segprep", ["augment", "--manifest", root + "/split/train.txt", "--flip", "v", "--out", root + "/aug"], limits: limits)
        XCTAssertEqual(augment.status, 0, augment.stderr)
        let eval = try runTool("segeval", ["--pred", root + "/labels", "--gt", root + "/labels", "--format", "csv"], limits: limits)
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let predict = try runTool("segpredict", ["--weights", Self.cellsModel, "--input", "-", "--out", root + "/pred"],
                                  stdin: names.map { root + "/images/" + $0 }.joined(separator: "\n") + "\n", limits: limits)
        XCTAssertEqual(predict.status, 0, predict.stderr)
        XCTAssertEqual(listing(root + "/pred"), names.sorted())
        XCTAssertEqual(Set(predict.stdout.split(separator: "\n").map { ($0 as NSString).lastPathComponent }), Set(names))
    }

    func testSymlinkLoopInAnInputFolder() throws {
        let root = try makeTemporaryDirectory(self)
        try makeDataset(root, names: ["a.png", "b.png"])
        for sub in ["images", "labels"] {
            try FileManager.default.createSymbolicLink(atPath: root + "/\(sub)/loop", withDestinationPath: ".")
            try FileManager.default.createDirectory(atPath: root + "/\(sub)/deeper", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: root + "/\(sub)/deeper/up", withDestinationPath: "..")
        }
        let remap = try runTool("segprep", ["remap", root + "/labels", "--out", root + "/remapped"], limits: limits)
        XCTAssertEqual(remap.status, 0, remap.stderr)
        XCTAssertEqual(listing(root + "/remapped"), ["a.png", "b.png"], "each file once, loops not followed twice")
        let split = try runTool("segprep", ["split", "--images", root + "/images", "--labels", root + "/labels", "--ratio", "1,1",
                                            "--out", root + "/split"], limits: limits)
        XCTAssertEqual(split.status, 0, split.stderr)
        XCTAssertEqual(try Manifest.read(root + "/split/train.txt").count + Manifest.read(root + "/split/val.txt").count, 2)
        let eval = try runTool("segeval", ["--pred", root + "/labels", "--gt", root + "/labels", "--format", "json"], limits: limits)
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let predict = try runTool("segpredict", ["--weights", Self.cellsModel, "--input", root + "/images", "--out", root + "/pred"], limits: limits)
        XCTAssertEqual(predict.status, 0, predict.stderr)
        XCTAssertEqual(listing(root + "/pred"), ["a.png", "b.png"])
    }
}
