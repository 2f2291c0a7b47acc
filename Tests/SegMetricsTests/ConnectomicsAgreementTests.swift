import Foundation
import SegImage
import XCTest
@testable import SegMetrics

/// The ISBI 2012 challenge's scores per slice and threshold against the
/// NumPy port of Fiji's RandError, VariationOfInformation and PixelError
/// (Fixtures/metrics/connectomics/generate.py, checked there against an
/// independent computation): V_rand with and without border thinning, V_info
/// likewise, the pixel-similarity counts, on the hand-made cases and the 30
/// ISBI 2012 training slices (labels against the EM images as probabilities).
final class ConnectomicsAgreementTests: XCTestCase {
    func testHandMadeCases() throws {
        let root = try Self.fixture()
        let cases = try XCTUnwrap(((root["models"] as? [String: Any])?["edge"] as? [String: Any])?["cases"] as? [String: Any])
        let inputs = try XCTUnwrap(root["cases"] as? [String: Any])
        for (name, value) in cases.sorted(by: { $0.key < $1.key }) {
            let model = try XCTUnwrap(value as? [String: Any]), input = try XCTUnwrap(inputs[name] as? [String: Any])
            let gts = try XCTUnwrap(input["gt"] as? [String]), preds = try XCTUnwrap(input["pred"] as? [String])
            let slices = try XCTUnwrap(model["slice_results"] as? [[String: Any]])
            for (s, result) in slices.enumerated() {
                try check(gt: Repo.root + "/" + gts[s], pred: Repo.root + "/" + preds[s], expected: result, "\(name)[\(s)]")
            }
        }
    }

    func testISBI() throws {
        let root = try Self.fixture()
        let isbi = try XCTUnwrap((root["models"] as? [String: Any])?["isbi"] as? [String: Any])
        let slices = try XCTUnwrap(isbi["slice_results"] as? [[String: Any]])
        let base = Repo.root + "/../shared/datasets/isbi2012/train"
        // Every third slice keeps the test quick; the generator covers all 30.
        for result in slices.enumerated().filter({ $0.offset % 3 == 0 }).map(\.element) {
            let name = try XCTUnwrap(result["name"] as? String)
            try check(gt: "\(base)/label/\(name).png", pred: "\(base)/image/\(name).png", expected: result, "ISBI \(name)")
        }
    }

    /// `segeval --metrics rand,vi` on stacks (the images of a run are the
    /// slices): the 30 ISBI slices, three slices with a merge and a split,
    /// and two slices one of which has no GT foreground (Fiji's summed V_rand
    /// is then 0), with and without thinning, against the port's stack values.
    func testCommandLineStacks() throws {
        let root = try Self.fixture()
        let models = try XCTUnwrap(root["models"] as? [String: Any])
        let cases = try XCTUnwrap((models["edge"] as? [String: Any])?["cases"] as? [String: Any])
        let inputs = try XCTUnwrap(root["cases"] as? [String: Any])
        let dir = try makeTemporaryDirectory(self)
        var stacks: [(String, String, String, [String: Any])] = [
            ("isbi", Repo.root + "/../shared/datasets/isbi2012/train/image", Repo.root + "/../shared/datasets/isbi2012/train/label",
             try XCTUnwrap((models["isbi"] as? [String: Any])?["fiji"] as? [String: Any])),
        ]
        for name in ["stack3", "stack_empty_slice"] {
            let input = try XCTUnwrap(inputs[name] as? [String: Any])
            for (side, key) in [("gt", "gt"), ("pred", "pred")] {
                try FileManager.default.createDirectory(atPath: "\(dir)/\(name)/\(side)", withIntermediateDirectories: true)
                for (z, path) in try XCTUnwrap(input[key] as? [String]).enumerated() {
                    try FileManager.default.copyItem(atPath: Repo.root + "/" + path, toPath: "\(dir)/\(name)/\(side)/z\(z).png")
                }
            }
            stacks.append((name, "\(dir)/\(name)/pred", "\(dir)/\(name)/gt", try XCTUnwrap((cases[name] as? [String: Any])?["fiji"] as? [String: Any])))
        }
        for (name, pred, gt, fiji) in stacks {
            for thinning in [true, false] {
                let run = try runTool("segeval", ["--pred", pred, "--gt", gt, "--metrics", "rand,vi", "--format", "json"] + (thinning ? [] : ["--no-thinning"]))
                XCTAssertEqual(run.status, 0, run.stderr)
                let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
                let rand = try XCTUnwrap(fiji[thinning ? "vrand_thinning" : "vrand"] as? [String: Any])
                let info = try XCTUnwrap(fiji[thinning ? "vinfo_thinning" : "vinfo"] as? [String: Any])
                let pixel = try XCTUnwrap(fiji["pixel"] as? [String: Any])
                let what = "\(name) thinning \(thinning)"
                XCTAssertEqual(object["VRand"] as? Double ?? .nan, try XCTUnwrap(rand["max_fscore"] as? Double), accuracy: 1e-12, what)
                XCTAssertEqual(object["VRand_threshold"] as? Double, rand["threshold"] as? Double, what)
                XCTAssertEqual(object["VInfo"] as? Double ?? .nan, try XCTUnwrap(info["max_fscore"] as? Double), accuracy: 1e-10, what)
                XCTAssertEqual(object["VInfo_threshold"] as? Double, info["threshold"] as? Double, what)
                XCTAssertEqual(object["PixelError"] as? Double ?? .nan, try XCTUnwrap(pixel["pixel_error"] as? Double), accuracy: 1e-12, what)
            }
        }
    }

    /// `--rand-convention skimage` against scikit-image 0.25's
    /// `adapted_rand_error` and `variation_of_information` (the generator's
    /// inputs: GT components of > 128, prediction components of v/255 > 0.5,
    /// GT 0 ignored) on every hand-made slice and the 30 ISBI slices, per
    /// image (the CSV) and as the mean over images (the JSON); an empty GT is
    /// undefined (empty in the CSV), as scikit-image's NaN, and left out of the mean.
    func testScikitImageConvention() throws {
        let root = try Self.fixture()
        let models = try XCTUnwrap(root["models"] as? [String: Any])
        let inputs = try XCTUnwrap(root["cases"] as? [String: Any])
        let dir = try makeTemporaryDirectory(self)
        var expected: [String: [String: Any]] = [:]
        for side in ["gt", "pred"] { try FileManager.default.createDirectory(atPath: "\(dir)/cases/\(side)", withIntermediateDirectories: true) }
        for (name, value) in try XCTUnwrap((models["edge"] as? [String: Any])?["cases"] as? [String: Any]) {
            let input = try XCTUnwrap(inputs[name] as? [String: Any])
            let slices = try XCTUnwrap((value as? [String: Any])?["slice_results"] as? [[String: Any]])
            for (z, result) in slices.enumerated() {
                for (side, key) in [("gt", "gt"), ("pred", "pred")] {
                    let path = try XCTUnwrap((input[key] as? [String])?[z])
                    try FileManager.default.copyItem(atPath: Repo.root + "/" + path, toPath: "\(dir)/cases/\(side)/\(name)_\(z).png")
                }
                expected["\(name)_\(z)"] = try XCTUnwrap(result["skimage"] as? [String: Any])
            }
        }
        let isbi = try XCTUnwrap(models["isbi"] as? [String: Any])
        var isbiExpected: [String: [String: Any]] = [:]
        for result in try XCTUnwrap(isbi["slice_results"] as? [[String: Any]]) {
            isbiExpected[try XCTUnwrap(result["name"] as? String)] = try XCTUnwrap(result["skimage"] as? [String: Any])
        }
        let base = Repo.root + "/../shared/datasets/isbi2012/train"
        for (label, pred, gt, want) in [("cases", "\(dir)/cases/pred", "\(dir)/cases/gt", expected), ("isbi", "\(base)/image", "\(base)/label", isbiExpected)] {
            let csv = "\(dir)/\(label).csv"
            let run = try runTool("segeval", ["--pred", pred, "--gt", gt, "--metrics", "rand,vi", "--rand-convention", "skimage",
                                              "--per-image", csv, "--format", "json"])
            XCTAssertEqual(run.status, 0, run.stderr)
            let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let header = try XCTUnwrap(rows.first)
            XCTAssertEqual(Array(header.dropFirst(5)), ["ARE", "ARE_precision", "ARE_recall", "VI_split", "VI_merge"], "Fiji's keys are off under skimage alone")
            XCTAssertEqual(rows.count - 1, want.count)
            var sums = [String: (Double, Int)]()
            for row in rows.dropFirst() {
                let got = Dictionary(uniqueKeysWithValues: zip(header, row))
                let key = try XCTUnwrap(got["key"]), reference = try XCTUnwrap(want[key], key)
                let are = try XCTUnwrap(reference["adapted_rand_error"] as? [String: Any])
                let vi = try XCTUnwrap(reference["variation_of_information"] as? [String: Any])
                // Fiji's orientation: ARE_precision is scikit-image's recall (scikit-image#6485).
                let pairs: [(String, Any?)] = [("ARE", are["error"]), ("ARE_precision", are["recall"]), ("ARE_recall", are["precision"]),
                                               ("VI_split", vi["split"]), ("VI_merge", vi["merge"])]
                for (column, value) in pairs {
                    let text = try XCTUnwrap(got[column])
                    guard let v = value as? Double else { XCTAssertEqual(text, "", "\(label) \(key) \(column) is undefined"); continue }
                    let g = try XCTUnwrap(Double(text), "\(label) \(key) \(column) '\(text)'")
                    XCTAssertEqual(g, v, accuracy: 1e-9, "\(label) \(key) \(column)")
                    sums[column, default: (0, 0)].0 += v
                    sums[column, default: (0, 0)].1 += 1
                }
            }
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            for (column, (sum, count)) in sums {
                XCTAssertEqual(object[column] as? Double ?? .nan, sum / Double(count), accuracy: 1e-9, "\(label) mean \(column)")
            }
            XCTAssertNil(object["VRand"], "V_rand is Fiji's convention")
        }
    }

    /// Shards of the ISBI stack merge to the single run byte for byte, in
    /// both conventions at once (Fiji's stack sums, scikit-image's means);
    /// gates and `--worst-by` take the family's keys.
    func testShardsMergeAndGates() throws {
        let dir = try makeTemporaryDirectory(self)
        let base = Repo.root + "/../shared/datasets/isbi2012/train"
        let args = ["--pred", base + "/image", "--gt", base + "/label", "--metrics", "rand,vi", "--rand-convention", "fiji,skimage"]
        let single = try runTool("segeval", args + ["--format", "json"])
        XCTAssertEqual(single.status, 0, single.stderr)
        for i in 0..<3 {
            let r = try runTool("segeval", args + ["--shard", "\(i)/3", "--state", "\(dir)/s\(i).state"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let merged = try runTool("segeval", ["merge", "\(dir)/s2.state", "\(dir)/s0.state", "\(dir)/s1.state", "--format", "json"])
        XCTAssertEqual(merged.status, 0, merged.stderr)
        XCTAssertEqual(merged.stdout, single.stdout)
        let gated = try runTool("segeval", args + ["--fail-under", "VRand=0.99", "--fail-over", "VI_merge=5", "--worst", "2", "--worst-by", "ARE"])
        XCTAssertEqual(gated.status, 3, gated.stderr)
        XCTAssertTrue(gated.stderr.contains("VRand"), gated.stderr)
        XCTAssertFalse(gated.stderr.contains("VI_merge ="), "VI_merge is below 5: \(gated.stderr)")
    }

    static func fixture() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Repo.root + "/Fixtures/metrics/connectomics/expected.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func check(gt gtPath: String, pred predPath: String, expected: [String: Any], _ what: String) throws {
        let gtImage = try ImageReader.read(gtPath), predImage = try ImageReader.read(predPath)
        let w = gtImage.width, h = gtImage.height
        let gtMask = gtImage.grayLevels8().map { UInt8($0 > 128 ? 1 : 0) }
        let cells = ConnectedComponents.label(gtMask, width: w, height: h, connectivity: .four)
        let levels = predImage.grayLevels8()
        let fiji = try XCTUnwrap(expected["fiji"] as? [String: Any])
        // null in the JSON: NaN in the port (an empty GT's 0/0).
        func series(_ metric: String, _ field: String) throws -> [Double] {
            let list = try XCTUnwrap(((fiji[metric] as? [String: Any])?["per_threshold"] as? [String: Any])?[field] as? [Any], "\(what) \(metric).\(field)")
            return list.map { ($0 as? Double) ?? .nan }
        }
        func same(_ got: Double, _ want: Double, _ tolerance: Double, _ label: String) {
            if want.isNaN { XCTAssertTrue(got.isNaN, "\(label): \(got), expected NaN") } else { XCTAssertEqual(got, want, accuracy: tolerance, label) }
        }
        for thinning in [false, true] {
            let rand = thinning ? "vrand_thinning" : "vrand", info = thinning ? "vinfo_thinning" : "vinfo"
            let (randF, randP, randR) = (try series(rand, "fscore"), try series(rand, "precision"), try series(rand, "recall"))
            let (tp, fp, fn) = (try series(rand, "tp"), try series(rand, "fp"), try series(rand, "fn"))
            let infoF = try series(info, "fscore")
            for (k, t) in ChallengeThresholds.values.enumerated() {
                let proposal = ChallengeScores.segments(levels: levels, scale: 255, threshold: t, thinning: thinning, width: w, height: h)
                let overlap = InstanceOverlap(gt: cells, prediction: proposal.labels)
                let counts = ChallengeScores.randCounts(overlap), score = counts.score
                let at = "\(what) \(rand) t[\(k)]"
                same(counts.tp, tp[k], 1e-9 * max(1, abs(tp[k])), at + " tp")
                same(counts.fp, fp[k], 1e-9 * max(1, abs(fp[k])), at + " fp")
                same(counts.fn, fn[k], 1e-9 * max(1, abs(fn[k])), at + " fn")
                same(score.fScore, randF[k], 1e-12, at + " F")
                same(score.precision, randP[k], 1e-12, at + " precision")
                same(score.recall, randR[k], 1e-12, at + " recall")
                same(ChallengeScores.information(overlap).fScore, infoF[k], 1e-10, "\(what) \(info) t[\(k)] F")
                if !thinning {
                    let pixels = ChallengeScores.pixelCounts(gt: gtMask, cells: proposal.cells)
                    let (ptp, pfp, pfn) = (try series("pixel", "tp"), try series("pixel", "fp"), try series("pixel", "fn"))
                    XCTAssertEqual([pixels.tp, pixels.fp, pixels.fn], [ptp[k], pfp[k], pfn[k]], "\(what) pixel t[\(k)]")
                }
            }
        }
    }
}
