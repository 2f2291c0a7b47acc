import Foundation
import XCTest
import SegImage

// Runs the built executables: left out of the unit-test build (SEGKIT_UNIT_TESTS=1, docs/testing.md).
#if !SEGKIT_UNIT_TESTS
/// Runs the built `segeval` binary as a user (or a CI pipeline) would.
final class SegEvalCLITests: XCTestCase {
    static var binary: String { Bundle.main.bundleURL.appendingPathComponent("segeval").path }
    static let edgeGT = Repo.root + "/Fixtures/metrics/edge/gt"
    static let edgePred = Repo.root + "/Fixtures/metrics/edge/pred"

    @discardableResult
    func segeval(_ arguments: [String]) throws -> ToolRun { try runTool("segeval", arguments) }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            XCTFail("segeval binary not built at \(Self.binary)")
            return
        }
    }

    func testJSONHasTheDocumentedKeys() throws {
        let r = try segeval(["--pred", Self.edgePred, "--gt", Self.edgeGT, "--gt-colors", "gray", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let o = try json(r.stdout)
        for key in ["MAE", "maxF", "meanF", "adpF", "Sm", "maxEm", "meanEm", "adpEm", "wF", "aAcc", "mIoU", "mAcc", "mDice"] {
            let v = try XCTUnwrap(o[key] as? Double, key)
            XCTAssertTrue(v >= 0 && v <= 1.01, "\(key) = \(v)")
        }
        XCTAssertEqual((o["IoU"] as? [Double])?.count, 2)
        XCTAssertEqual((o["Dice"] as? [Double])?.count, 2)
        XCTAssertEqual(o["images"] as? Int, 19)
        let conventions = try XCTUnwrap(o["conventions"] as? [String: Any])
        XCTAssertEqual((conventions["confusion"] as? [String: Any])?["aggregate"] as? String, "dataset")
        XCTAssertEqual((conventions["salient"] as? [String: Any])?["f_curve"] as? String, "meanF")
        let pr = try json(try segeval(["--pred", Self.edgePred, "--gt", Self.edgeGT, "--gt-colors", "gray", "--format", "json", "--f-curve", "meanPR", "--metrics", "f"]).stdout)
        XCTAssertEqual((pr["conventions"] as? [String: Any]).flatMap { $0["salient"] as? [String: Any] }?["f_curve"] as? String, "meanPR")
        XCTAssertNil(pr["mIoU"], "groups not asked for are absent")
        XCTAssertNotEqual(pr["maxF"] as? Double, o["maxF"] as? Double)
    }

    func testTableCSVAndMarkdown() throws {
        let table = try segeval(["--pred", Self.edgePred, "--gt", Self.edgeGT, "--gt-colors", "gray", "--gt-colors", "gray"])
        XCTAssertEqual(table.status, 0)
        XCTAssertTrue(table.stdout.contains("maxF") && table.stdout.contains("PySODMetrics"), table.stdout)
        let csv = try segeval(["--pred", Self.edgePred, "--gt", Self.edgeGT, "--gt-colors", "gray", "--format", "csv"])
        let lines = csv.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].hasPrefix("pred,images,MAE,maxF"))
        XCTAssertTrue(lines[0].contains("IoU_1"))
        let md = try segeval(["--pred", Self.edgePred, "--gt", Self.edgeGT, "--gt-colors", "gray", "--format", "markdown"])
        XCTAssertTrue(md.stdout.hasPrefix("| pred | images |"), md.stdout)
    }

    func testMissingAndExtraFilesAreErrorsUnlessAllowed() throws {
        let dir = try makeTemporaryDirectory(self)
        try FileManager.default.copyItem(atPath: Self.edgePred, toPath: dir + "/pred")
        try FileManager.default.removeItem(atPath: dir + "/pred/binary_pred.png")
        let r = try segeval(["--pred", dir + "/pred", "--gt", Self.edgeGT, "--gt-colors", "gray", "--gt-colors", "gray"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("binary_pred.png") && r.stderr.contains("no prediction"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1)
        XCTAssertEqual(r.stdout, "")
        let allowed = try segeval(["--pred", dir + "/pred", "--gt", Self.edgeGT, "--gt-colors", "gray", "--allow-missing", "--format", "json"])
        XCTAssertEqual(allowed.status, 0)
        XCTAssertTrue(allowed.stderr.contains("warning"))
        XCTAssertEqual(try json(allowed.stdout)["images"] as? Int, 18)
    }

    func testSizeMismatchNamesBothFilesAndResizeOptsIn() throws {
        let dir = try makeTemporaryDirectory(self)
        try writeGray([0, 255, 255, 0, 0, 255, 255, 0], width: 4, to: dir + "/gt/a.png")
        try writeGray([0, 0, 255, 255, 255, 255, 0, 0, 0, 0, 255, 255, 255, 255, 0, 0], width: 8, to: dir + "/pred/a.png")
        let r = try segeval(["--pred", dir + "/pred", "--gt", dir + "/gt"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains(dir + "/pred/a.png") && r.stderr.contains(dir + "/gt/a.png") && r.stderr.contains("8x2"), r.stderr)
        let resized = try segeval(["--pred", dir + "/pred", "--gt", dir + "/gt", "--resize-pred", "nearest", "--format", "json", "--metrics", "iou"])
        XCTAssertEqual(resized.status, 0, resized.stderr)
        XCTAssertEqual(try json(resized.stdout)["aAcc"] as? Double, 1, "nearest picks columns 0, 2, 4, 6")
    }

    func testCorruptPredictionIsAOneLineError() throws {
        let dir = try makeTemporaryDirectory(self)
        try writeGray([0, 255, 255, 0], width: 2, to: dir + "/gt/a.png")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.edgePred + "/blobs_smooth_a.png"))
        try FileManager.default.createDirectory(atPath: dir + "/pred", withIntermediateDirectories: true)
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: dir + "/pred/a.png"))
        let r = try segeval(["--pred", dir + "/pred", "--gt", dir + "/gt"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("segeval: error: " + dir + "/pred/a.png"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1)
    }

    func testQualityGates() throws {
        let base = ["--pred", Self.edgePred, "--gt", Self.edgeGT, "--gt-colors", "gray", "--metrics", "iou,mae,f"]
        let pass = try segeval(base + ["--fail-under", "mIoU=0.5,maxF=0.5", "--fail-over", "MAE=0.5"])
        XCTAssertEqual(pass.status, 0, pass.stderr)
        let fail = try segeval(base + ["--fail-under", "mIoU=0.99,maxF=0.5,aAcc=0.999"])
        XCTAssertEqual(fail.status, 3)
        let lines = fail.stderr.split(separator: "\n").filter { $0.contains("gate failed") }
        XCTAssertEqual(lines.count, 2, fail.stderr)
        XCTAssertTrue(lines[0].contains("mIoU") && lines[1].contains("aAcc"), fail.stderr)
        XCTAssertFalse(fail.stdout.isEmpty, "the report is still printed")
        XCTAssertEqual(try segeval(base + ["--fail-under", "Sm=0.5"]).status, 64, "S was not computed")
        XCTAssertEqual(try segeval(base + ["--fail-under", "mIoU"]).status, 64)

        let dir = try makeTemporaryDirectory(self)
        let report = try segeval(base + ["--format", "json"])
        try report.stdout.write(toFile: dir + "/base.json", atomically: true, encoding: .utf8)
        XCTAssertEqual(try segeval(base + ["--baseline", dir + "/base.json"]).status, 0)
        var better = try json(report.stdout)
        better["maxF"] = (better["maxF"] as! Double) + 0.01
        better["MAE"] = (better["MAE"] as! Double) - 0.002
        try JSONSerialization.data(withJSONObject: better).write(to: URL(fileURLWithPath: dir + "/better.json"))
        let dropped = try segeval(base + ["--baseline", dir + "/better.json", "--max-drop", "0.005"])
        XCTAssertEqual(dropped.status, 3)
        XCTAssertTrue(dropped.stderr.contains("maxF dropped"), dropped.stderr)
        XCTAssertFalse(dropped.stderr.contains("MAE"), "a 0.002 rise in MAE is within 0.005")
        XCTAssertEqual(try segeval(base + ["--baseline", dir + "/better.json", "--max-drop", "0.02"]).status, 0)
    }

    func testShardStatesMergeToTheSingleRun() throws {
        let dir = try makeTemporaryDirectory(self)
        let single = try segeval(["--pred", Self.edgePred, "--gt", Self.edgeGT, "--gt-colors", "gray", "--format", "json"])
        for i in 0..<3 {
            let r = try segeval(["--pred", Self.edgePred, "--gt", Self.edgeGT, "--gt-colors", "gray", "--shard", "\(i)/3", "--state", dir + "/s\(i).state", "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertNotNil(try json(r.stdout)["shards"], "a shard says it is partial")
        }
        let merged = try segeval(["merge", dir + "/s2.state", dir + "/s0.state", dir + "/s1.state", "--format", "json"])
        XCTAssertEqual(merged.status, 0, merged.stderr)
        XCTAssertEqual(merged.stdout, single.stdout)
        let partial = try segeval(["merge", dir + "/s0.state", dir + "/s1.state"])
        XCTAssertTrue(partial.stderr.contains("2/3"), partial.stderr)
        XCTAssertEqual(partial.status, 0, "a warning by default")
        let strict = try segeval(["merge", dir + "/s0.state", dir + "/s1.state", "--require-all-shards"])
        XCTAssertEqual(strict.status, 1, strict.stderr)
        XCTAssertTrue(strict.stderr.contains("2/3") && strict.stdout.isEmpty, strict.stderr)
        XCTAssertEqual(try segeval(["merge", dir + "/s2.state", dir + "/s0.state", dir + "/s1.state", "--require-all-shards"]).status, 0)
        XCTAssertEqual(try segeval(["merge", dir + "/s0.state", dir + "/s0.state"]).status, 64)
        XCTAssertEqual(try segeval(["--pred", Self.edgePred, "--gt", Self.edgeGT, "--gt-colors", "gray", "--shard", "3/3"]).status, 64)
    }

    func testPerImageCurvesPlotsAndWorst() throws {
        let dir = try makeTemporaryDirectory(self)
        let amulet = Repo.root + "/Fixtures/metrics/edge/pred"
        let r = try segeval(["--pred", Self.edgePred, "--gt", Self.edgeGT, "--gt-colors", "gray", "--per-image", dir + "/images.csv",
                             "--curves", dir + "/curves.csv", "--plot", dir + "/plots", "--worst", "3", "--worst-by", "wF"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try String(contentsOfFile: dir + "/images.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.count, 20)
        XCTAssertTrue(rows[0].hasPrefix("key,gt,pred,width,height,MAE,adpF,maxF,meanF,Sm"), String(rows[0]))
        XCTAssertTrue(r.stderr.contains("worst 3 by wF"), r.stderr)
        let curves = try String(contentsOfFile: dir + "/curves.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(curves.count, 257)
        XCTAssertEqual(curves[0], "pred,threshold,precision,recall,F,Em")
        let svg = try String(contentsOfFile: dir + "/plots/pr.svg", encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg") && svg.contains("<polyline") && svg.contains("Recall") && svg.contains("pred (maxF"), svg)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/plots/f-threshold.svg"))
        // Two prediction sets on one chart, with a legend entry each.
        let copy = dir + "/other"
        try FileManager.default.copyItem(atPath: amulet, toPath: copy)
        let two = try segeval(["--pred", Self.edgePred, "--pred", copy, "--gt", Self.edgeGT, "--gt-colors", "gray", "--plot", dir + "/two", "--format", "json"])
        XCTAssertEqual(two.status, 0, two.stderr)
        let svg2 = try String(contentsOfFile: dir + "/two/f-threshold.svg", encoding: .utf8)
        XCTAssertEqual(svg2.components(separatedBy: "<polyline").count - 1, 2)
        XCTAssertTrue(svg2.contains("other (maxF"))
        XCTAssertEqual((try json(two.stdout)["results"] as? [Any])?.count, 2)
    }

    func testOverlayColours() throws {
        let dir = try makeTemporaryDirectory(self)
        try writeGray([255, 255, 0, 0], width: 4, to: dir + "/gt/a.png")
        try writeGray([255, 0, 255, 0], width: 4, to: dir + "/pred/a.png")
        let r = try segeval(["--pred", dir + "/pred", "--gt", dir + "/gt", "--overlays", dir + "/over"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let image = try ImageReader.read(dir + "/over/a.png")
        guard case .uint8(let s) = image.samples else { return XCTFail() }
        XCTAssertEqual(image.colorModel, .rgb)
        XCTAssertEqual(Array(s[0..<3]), [0, 200, 0], "true positive green")
        XCTAssertEqual(Array(s[3..<6]), [30, 90, 255], "false negative blue")
        XCTAssertEqual(Array(s[6..<9]), [230, 30, 30], "false positive red")
        XCTAssertEqual(Array(s[9..<12]), [0, 0, 0], "true negative black")
    }

    func testManifestInput() throws {
        let dir = try makeTemporaryDirectory(self)
        let names = ["blobs_smooth_a", "rects_ties"]
        let manifest = names.map { "images/\($0).png\t" + Self.edgeGT + "/\($0).png" }.joined(separator: "\n") + "\n"
        try manifest.write(toFile: dir + "/test.txt", atomically: true, encoding: .utf8)
        let r = try segeval(["--manifest", dir + "/test.txt", "--pred", Self.edgePred, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try json(r.stdout)["images"] as? Int, 2, "the manifest picks 2 of the 19 predictions")
        try (manifest + "images/not_predicted.png\t" + Self.edgeGT + "/rects_ties.png\n").write(toFile: dir + "/test.txt", atomically: true, encoding: .utf8)
        let missing = try segeval(["--manifest", dir + "/test.txt", "--pred", Self.edgePred])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("not_predicted.png"), missing.stderr)
    }
}
#endif
