import Foundation
import SegFiles
import XCTest
@testable import SegImage
import SegCore

// Runs the built executables: left out of the unit-test build (SEGKIT_UNIT_TESTS=1, docs/testing.md).
#if !SEGKIT_UNIT_TESTS
/// Runs the built `segprep` binary as a user would.
final class EndToEndTests: XCTestCase {
    static var binary: String {
        Bundle.main.bundleURL.appendingPathComponent("segprep").path
    }

    @discardableResult
    func segprep(_ arguments: [String], stdin: String? = nil, in directory: String? = nil) throws -> ToolRun {
        try runTool("segprep", arguments, stdin: stdin, in: directory)
    }

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            XCTFail("segprep binary not built at \(Self.binary)")
            throw XCTSkip("no binary")
        }
    }

    func testRemapsFixtureLabelsWithSummaryOnStderr() throws {
        let out = try makeTemporaryDirectory(self)
        let run = try segprep(["remap", Repo.fixtures + "/cells/label", "--out", out])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "", "data channel stays empty without --format")
        XCTAssertTrue(run.stderr.contains("remapped 20 of 20 files (0 failed), 1310720 pixels"), run.stderr)
        XCTAssertEqual(listing(out).count, 20)
        XCTAssertFalse(run.stderr.contains("\r"), "no progress bar when stderr is not a terminal")
    }

    func testJSONReportOnStdout() throws {
        let out = try makeTemporaryDirectory(self)
        let run = try segprep(["remap", Repo.fixtures + "/awkward/mask-1bit.png", Repo.fixtures + "/awkward/mask-8bit.png",
                               "--out", out, "--format", "json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(object["succeeded"] as? Int, 2)
        let after = object["after"] as! [[String: Any]]
        // Two copies of the same disk mask: 2 x 4899 background and 2 x 1245 foreground pixels.
        XCTAssertEqual(after.map { $0["pixels"] as! Int }, [9798, 2490])
        XCTAssertEqual(after.map { $0["value"] as! Int }, [0, 1])
    }

    func testUnexpectedValuesFailWithOneLineAndNoOutput() throws {
        let out = try makeTemporaryDirectory(self)
        let run = try segprep(["remap", Repo.fixtures + "/awkward/mask-via-jpeg.png", "--out", out])
        XCTAssertEqual(run.status, 1)
        let errorLines = run.stderr.split(separator: "\n").filter { $0.contains("error:") }
        XCTAssertEqual(errorLines.count, 1)
        XCTAssertTrue(errorLines[0].contains("mask-via-jpeg.png: unexpected label values"), run.stderr)
        XCTAssertEqual(listing(out), [])
        // The user's ways out all work.
        for fix in [["--threshold", "128"], ["--nearest"], ["--map", "0:0,255:1", "--unmapped", "255"]] {
            let ok = try segprep(["remap", Repo.fixtures + "/awkward/mask-via-jpeg.png", "--out", out, "--force"] + fix)
            XCTAssertEqual(ok.status, 0, "\(fix): \(ok.stderr)")
        }
    }

    /// A second run into a folder that holds its outputs refuses before writing
    /// anything (exit 2, naming the first file), as split, augment and unstack do;
    /// --force replaces them.
    func testExistingOutputsNeedForce() throws {
        let out = try makeTemporaryDirectory(self)
        let labels = Repo.fixtures + "/cells/label"
        XCTAssertEqual(try segprep(["remap", labels, "--out", out]).status, 0)
        let first = try Data(contentsOf: URL(fileURLWithPath: out + "/0.png"))
        let again = try segprep(["remap", labels, "--out", out, "--map", "0:1,255:0"])
        XCTAssertEqual(again.status, 2)
        XCTAssertTrue(again.stderr.contains("/0.png: already exists, as do 19 more of the outputs (refusing to overwrite); pass --force to replace"), again.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/0.png")), first)
        let forced = try segprep(["remap", labels, "--out", out, "--map", "0:1,255:0", "--force"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/0.png")), first)
    }

    func testStdinListAndBase() throws {
        let out = try makeTemporaryDirectory(self)
        let list = (0..<3).map { Repo.fixtures + "/cells/label/\($0).png" }.joined(separator: "\n") + "\n"
        let run = try segprep(["remap", "-", "--out", out, "--base", Repo.fixtures + "/cells"], stdin: list)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(listing(out), ["label/0.png", "label/1.png", "label/2.png"])
    }

    func testKeepGoingAndExitCodes() throws {
        let root = try makeTemporaryDirectory(self)
        for name in ["mask-8bit.png", "truncated.png", "mask-1bit.png"] {
            try FileManager.default.copyItem(atPath: Repo.fixtures + "/awkward/" + name, toPath: root + "/" + name)
        }
        let going = try segprep(["remap", root, "--out", root + "/out", "--keep-going"])
        XCTAssertEqual(going.status, 1)
        XCTAssertTrue(going.stderr.contains("truncated.png: truncated PNG"), going.stderr)
        XCTAssertEqual(listing(root + "/out"), ["mask-1bit.png", "mask-8bit.png"])
        let usage = try segprep(["remap", root, "--threshold", "3", "--map", "0:1"])
        XCTAssertEqual(usage.status, 64)
        let noOut = try segprep(["remap", root + "/mask-8bit.png"])
        XCTAssertEqual(noOut.status, 64)
        XCTAssertTrue(noOut.stderr.contains("--out"), noOut.stderr)
        let missing = try segprep(["remap", root + "/nope.png", "--out", root + "/o2"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("nope.png"))
    }

    func testInputsAreNeverOverwrittenWithoutInPlace() throws {
        let root = try makeTemporaryDirectory(self)
        try FileManager.default.copyItem(atPath: Repo.fixtures + "/awkward/mask-8bit.png", toPath: root + "/m.png")
        let before = try FileBytes.read(root + "/m.png")
        let run = try segprep(["remap", root, "--out", root])
        XCTAssertEqual(run.status, 64)
        XCTAssertEqual(try FileBytes.read(root + "/m.png"), before)
        let inPlace = try segprep(["remap", root + "/m.png", "--in-place"])
        XCTAssertEqual(inPlace.status, 0, inPlace.stderr)
        XCTAssertEqual(Set(samples8(try ImageReader.read(root + "/m.png"))), [0, 1])
    }

    func testDryRunPrintsHistogramsAndWritesNothing() throws {
        let root = try makeTemporaryDirectory(self)
        let run = try segprep(["remap", Repo.fixtures + "/awkward/mask-1bit.png", "--dry-run", "--format", "csv"], in: root)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "file,value,pixels,output\n\(Repo.fixtures)/awkward/mask-1bit.png,0,4899,0\n\(Repo.fixtures)/awkward/mask-1bit.png,255,1245,1\n")
        XCTAssertEqual(listing(root), [])
    }

    func testColourMaskToPaletteAndBackToVisual() throws {
        let out = try makeTemporaryDirectory(self)
        let run = try segprep(["remap", Repo.fixtures + "/awkward/mask-rgb.png", "--colors", Repo.fixtures + "/awkward/colors.txt",
                               "--palette", "--out", out])
        XCTAssertEqual(run.status, 0, run.stderr)
        let palette = try ImageReader.read(out + "/mask-rgb.png")
        let reference = try ImageReader.read(Repo.fixtures + "/awkward/labels-palette.png")
        XCTAssertEqual(palette.samples, reference.samples, "colours map to the same classes as the palette fixture")
        XCTAssertEqual(palette.palette[1], RGBA(128, 0, 0))
        let visual = try segprep(["remap", Repo.fixtures + "/cells/label/0.png", "--out", out + "/a"])
        XCTAssertEqual(visual.status, 0)
        let back = try segprep(["remap", out + "/a/0.png", "--visual", "--out", out + "/b"])
        XCTAssertEqual(back.status, 0, back.stderr)
        XCTAssertEqual(try ImageReader.read(out + "/b/0.png"), try ImageReader.read(Repo.fixtures + "/cells/label/0.png"),
                       "0/255 → 0/1 → 0/255 round trip")
    }

    func testUnstackWritesEveryPage() throws {
        let out = try makeTemporaryDirectory(self)
        let run = try segprep(["unstack", Repo.fixtures + "/awkward/volume-16bit.tif", "--out", out])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(listing(out), ["volume-16bit_00.png", "volume-16bit_01.png", "volume-16bit_02.png"])
        for page in 0..<3 {
            let image = try ImageReader.read(out + "/volume-16bit_0\(page).png")
            XCTAssertEqual(image, try ImageReader.read(Repo.fixtures + "/awkward/volume-16bit.tif", page: page))
        }
        let again = try segprep(["unstack", Repo.fixtures + "/awkward/volume-16bit.tif", "--out", out])
        XCTAssertEqual(again.status, 2, "refuses to overwrite without --force")
    }

    func testInPlaceProcessesAFileReachedTwiceOnlyOnce() throws {
        let root = try makeTemporaryDirectory(self)
        try FileManager.default.copyItem(atPath: Repo.fixtures + "/awkward/mask-8bit.png", toPath: root + "/a.png")
        let run = try segprep(["remap", root, root + "/a.png", "--in-place", "--nearest"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let values = samples8(try ImageReader.read(root + "/a.png"))
        XCTAssertEqual(values.filter { $0 == 1 }.count, 1245, "remapped once, not remapped again to all zeros")
    }

    func testWithoutKeepGoingOnlyTheFirstErrorIsReported() throws {
        let root = try makeTemporaryDirectory(self)
        for name in ["1.png", "2.png", "3.png", "4.png"] {
            try FileManager.default.copyItem(atPath: Repo.fixtures + "/awkward/mask-via-jpeg.png", toPath: root + "/" + name)
        }
        let run = try segprep(["remap", root, "--out", root + "/out", "--jobs", "2"])
        XCTAssertEqual(run.status, 1)
        let errors = run.stderr.split(separator: "\n").filter { $0.contains("error:") }
        XCTAssertEqual(errors.count, 1, run.stderr)
        XCTAssertTrue(errors[0].contains("/1.png:"), run.stderr)
    }

    func testSplitAndCheckISBI2012() throws {
        let isbi = Repo.shared + "/isbi2012"
        guard FileManager.default.fileExists(atPath: isbi) else { throw XCTSkip("no shared datasets") }
        let root = try makeTemporaryDirectory(self)
        let arguments = ["split", "--images", isbi + "/train/image", "--labels", isbi + "/train/label", "--ratio", "0.7,0.3",
                         "--shuffle", "--seed", "7", "--stratify", "fg:4", "--test-images", isbi + "/test/image"]
        let first = try segprep(arguments + ["--out", root + "/a"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, ["train.txt", "val.txt", "test.txt", "split.json"].map { root + "/a/" + $0 + "\n" }.joined())
        XCTAssertTrue(first.stderr.contains("split 30 pairs and 30 test images"), first.stderr)
        let again = try segprep(arguments + ["--out", root + "/a"])
        XCTAssertEqual(again.status, 2, "refuses to overwrite")
        _ = try segprep(arguments + ["--out", root + "/b"])
        for name in ["train.txt", "val.txt", "test.txt"] {
            let a = try FileBytes.read(root + "/a/" + name), b = try FileBytes.read(root + "/b/" + name)
            XCTAssertEqual(a, b, name)
        }
        XCTAssertEqual(try Manifest.read(root + "/a/train.txt").count, 21)
        let check = try segprep(["check", root + "/a", isbi + "/train", "--format", "json"])
        XCTAssertEqual(check.status, 0, check.stdout)
        let report = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(report["ok"] as? Bool, true)
        let splits = report["splits"] as! [[String: Any]]
        XCTAssertEqual(splits.map { $0["name"] as! String }, ["train", "val", "test", isbi + "/train"])
        // The dataset folder's class pixels are the README's stated totals.
        let classes = splits[3]["class_pixels"] as! [String: Int]
        XCTAssertEqual(classes, ["0": 1_727_250, "255": 6_137_070])
    }

    func testSplitAndCheckSOD300WithGroupsAndPlantedLeak() throws {
        let sod = Repo.shared + "/sod300"
        guard FileManager.default.fileExists(atPath: sod) else { throw XCTSkip("no shared datasets") }
        let root = try makeTemporaryDirectory(self)
        let run = try segprep(["split", "--images", sod + "/pred/DSS", "--labels", sod + "/gt", "--out", root + "/s",
                               "--ratio", "0.6,0.2,0.2", "--group-by", "^(\\d\\d)", "--format", "csv"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let check = try segprep(["check", root + "/s", "--group-by", "^(\\d\\d)"])
        XCTAssertEqual(check.status, 0, check.stdout)
        XCTAssertTrue(check.stdout.hasPrefix("no findings"), check.stdout)
        // 1-bit and 8-bit SOD masks are one binary convention: no mixed-conventions finding above.
        // Plant a leak: the first val image also listed in train.
        let val = try String(contentsOfFile: root + "/s/val.csv", encoding: .utf8).split(separator: "\n")
        try (try String(contentsOfFile: root + "/s/train.csv", encoding: .utf8) + val[1] + "\n")
            .write(toFile: root + "/s/train.csv", atomically: true, encoding: .utf8)
        let leaked = try segprep(["check", root + "/s", "--group-by", "^(\\d\\d)"])
        XCTAssertEqual(leaked.status, 1)
        XCTAssertTrue(leaked.stdout.contains("leak-file: the same file is in both train"), leaked.stdout)
        XCTAssertTrue(leaked.stdout.contains("leak-group: group"), leaked.stdout)
    }

    func testSplitAndCheckExitCodes() throws {
        let root = try makeTemporaryDirectory(self)
        _ = FileManager.default.createFile(atPath: root + "/afile", contents: Data([1]))
        let images = Repo.fixtures + "/cells/image", labels = Repo.fixtures + "/cells/label"
        let blocked = try segprep(["split", "--images", images, "--labels", labels, "--out", root + "/afile/sub"])
        XCTAssertEqual(blocked.status, 2, blocked.stderr)
        let both = try segprep(["split", "--images", images, "--labels", labels, "--out", root + "/o", "--folds", "3", "--ratio", "0.8"])
        XCTAssertEqual(both.status, 64)
        let tooMany = try segprep(["split", "--images", images, "--labels", labels, "--out", root + "/o", "--ratio", "30"])
        XCTAssertEqual(tooMany.status, 1, tooMany.stderr)
        let badRatio = try segprep(["split", "--images", images, "--labels", labels, "--out", root + "/o", "--ratio", "0.5,0.6"])
        XCTAssertEqual(badRatio.status, 64)
        let notManifest = try segprep(["check", images + "/0.png"])
        XCTAssertEqual(notManifest.status, 64)
        XCTAssertTrue(notManifest.stderr.contains("not a manifest"), notManifest.stderr)
    }

    func testAugmentTheISBITrainManifestThenCheckIt() throws {
        let isbi = Repo.shared + "/isbi2012"
        guard FileManager.default.fileExists(atPath: isbi) else { throw XCTSkip("no shared datasets") }
        let root = try makeTemporaryDirectory(self)
        let split = try segprep(["split", "--images", isbi + "/train/image", "--labels", isbi + "/train/label", "--out", root + "/split",
                                 "--ratio", "24"])
        XCTAssertEqual(split.status, 0, split.stderr)
        let augment = try segprep(["augment", "--manifest", root + "/split/train.txt", "--out", root + "/aug", "--copies", "2",
                                   "--elastic", "--flip", "random", "--seed", "7", "--include-originals", "--preview", root + "/sheet.png"])
        XCTAssertEqual(augment.status, 0, augment.stderr)
        XCTAssertEqual(augment.stdout, root + "/aug/manifest.txt\n")
        XCTAssertTrue(augment.stderr.contains("augmented 24 pairs into 48 new pairs"), augment.stderr)
        let manifest = try Manifest.read(root + "/aug/manifest.txt")
        XCTAssertEqual(manifest.count, 72)
        let sheet = try ImageReader.read(root + "/sheet.png")
        XCTAssertEqual(sheet.colorModel, .rgb)
        XCTAssertGreaterThan(sheet.width, 3 * 192)
        // The augmented set (originals + copies) passes check: files decode, sizes match, labels stay 0/255.
        let check = try segprep(["check", root + "/aug/manifest.txt", "--classes", "0,255"])
        XCTAssertEqual(check.status, 0, check.stdout)
        XCTAssertTrue(check.stdout.hasPrefix("no findings"), check.stdout)
        let usage = try segprep(["augment", "--manifest", root + "/split/train.txt", "--out", root + "/x"])
        XCTAssertEqual(usage.status, 64, "no operation chosen")
        for bad in [["--elastic", "--alpha", "nan"], ["--elastic", "--sigma", "inf"], ["--flip", "h", "--copies", "3"],
                    ["--flip", "h", "--interp", "bicubic"]] {
            let run = try segprep(["augment", "--manifest", root + "/split/train.txt", "--out", root + "/x"] + bad)
            XCTAssertEqual(run.status, 64, "\(bad): \(run.stderr)")
        }
        _ = FileManager.default.createFile(atPath: root + "/afile", contents: Data([1]))
        let blocked = try segprep(["augment", "--manifest", root + "/split/train.txt", "--out", root + "/afile", "--flip", "h"])
        XCTAssertEqual(blocked.status, 2, blocked.stderr)
    }
}
#endif
