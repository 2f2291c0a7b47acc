import Foundation
import SegImage
import SegTestSupport
import XCTest
@testable import SegMetrics

/// The instance scores against stardist 0.9.2 (`matching`,
/// `matching_dataset`) and HoVer-Net's `stats_utils.py` on the hand-made
/// 16-bit label maps and on ISBI 2012 (components of the labels against
/// components of the eroded, thresholded EM images), from
/// Fixtures/metrics/instance/generate.py: counts exactly, float64 values to
/// 1e-9, stardist's float32 IoU sums and means to 1e-6.
final class InstanceAgreementTests: XCTestCase {
    func testHandMadeCases() throws { try check("edge") }
    func testISBI() throws { try check("isbi") }

    /// `segeval --metrics match` on the hand-made maps: the dataset values are
    /// stardist's `matching_dataset` (by_image False, and True under
    /// `--aggregate image`), three shards merge to the single run byte for
    /// byte, the per-image CSV names its columns `KEY@τ`, and bad thresholds
    /// are usage errors.
    func testCommandLine() throws {
        let dir = try makeTemporaryDirectory(self)
        let base = Repo.root + "/Fixtures/metrics/instance"
        let data = try Data(contentsOf: URL(fileURLWithPath: base + "/expected.json"))
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let sets = try XCTUnwrap(((root["models"] as? [String: Any])?["edge"] as? [String: Any])?["dataset"] as? [String: Any])
        let args = ["--pred", base + "/pred", "--gt", base + "/gt", "--metrics", "match", "--format", "json"]
        for (aggregate, name) in [("dataset", "by_image_false"), ("image", "by_image_true")] {
            let run = try runTool("segeval", args + ["--aggregate", aggregate])
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertFalse(run.stderr.contains("warning"), "16-bit label maps are not binarised: \(run.stderr)")
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let expected = try XCTUnwrap(sets[name] as? [String: Any])
            for tau in ["0.5", "0.75", "0.9"] {
                let want = try XCTUnwrap(expected[tau] as? [String: Any])
                for (key, reference) in [("precision", "precision"), ("recall", "recall"), ("F1", "f1"), ("accuracy", "accuracy"), ("PQ", "panoptic_quality"),
                                         ("SQ", "mean_matched_score"), ("RQ", "f1")] {
                    XCTAssertEqual(object["\(key)@\(tau)"] as? Double ?? .nan, try XCTUnwrap(want[reference] as? Double), accuracy: 1e-6, "\(aggregate) \(key)@\(tau)")
                }
                if aggregate == "dataset" {
                    for key in ["TP", "FP", "FN"] { XCTAssertEqual(object["\(key)@\(tau)"] as? Double, (want[key.lowercased()] as? Int).map(Double.init), "\(key)@\(tau)") }
                }
            }
        }
        let single = try runTool("segeval", args)
        for i in 0..<3 {
            let r = try runTool("segeval", args.dropLast(2) + ["--shard", "\(i)/3", "--state", "\(dir)/s\(i).state"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let merged = try runTool("segeval", ["merge", "\(dir)/s1.state", "\(dir)/s2.state", "\(dir)/s0.state", "--format", "json"])
        XCTAssertEqual(merged.status, 0, merged.stderr)
        XCTAssertEqual(merged.stdout, single.stdout)
        let csv = try runTool("segeval", args.dropLast(2) + ["--iou-thresholds", "0.5,0.8", "--per-image", "\(dir)/per-image.csv", "--worst-by", "F1@0.8"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let header = try String(contentsOfFile: "\(dir)/per-image.csv", encoding: .utf8).split(separator: "\n")[0]
        XCTAssertTrue(header.contains("F1@0.5,F1@0.8"), String(header))
        XCTAssertFalse(header.contains("@0.75"), String(header))
        XCTAssertEqual(try runTool("segeval", args + ["--iou-thresholds", "0.5,1.5"]).status, 64)
        XCTAssertEqual(try runTool("segeval", args + ["--connectivity", "6"]).status, 64)
    }

    /// `--overlays` under `--metrics match` draws the instance overlay (GT
    /// outlines, matched objects green) of the objects the family reads; a
    /// colour ground truth asked for label ids is an input error naming the
    /// file, and a bad `--rand-convention` a usage error.
    func testInstanceOverlaysAndColourGroundTruth() throws {
        let dir = try makeTemporaryDirectory(self)
        let base = Repo.root + "/Fixtures/metrics/instance"
        let run = try runTool("segeval", ["--pred", base + "/pred", "--gt", base + "/gt", "--metrics", "match", "--overlays", dir + "/over"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let name = "merged.png"
        let overlay = try ImageReader.read(dir + "/over/" + name)
        guard case .uint8(let rgb) = overlay.samples else { return XCTFail("an 8-bit overlay") }
        let gt = try ImageReader.read(base + "/gt/" + name), pred = try ImageReader.read(base + "/pred/" + name)
        guard case .uint16(let g) = gt.samples, case .uint16(let p) = pred.samples else { return XCTFail("16-bit label maps") }
        let expected = InstanceOverlay.image(gt: InstanceLabels(ids: g, width: gt.width, height: gt.height),
                                             prediction: InstanceLabels(ids: p, width: gt.width, height: gt.height), tau: 0.5)
        XCTAssertEqual(overlay.samples, expected.samples, "the overlay of the objects the family reads, at the first τ")
        let colours = Set(stride(from: 0, to: rgb.count, by: 3).map { RGBA(rgb[$0], rgb[$0 + 1], rgb[$0 + 2]) })
        XCTAssertTrue(colours.contains(InstanceOverlay.outline) && colours.contains(InstanceOverlay.merge), "outlines and the merge of merged.png")

        let colour = Image(width: 2, height: 1, colorModel: .rgb, samples: .uint8([255, 0, 0, 0, 0, 255]))
        try FileManager.default.createDirectory(atPath: dir + "/rgb/gt", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/rgb/pred", withIntermediateDirectories: true)
        try ImageWriter.write(colour, to: dir + "/rgb/gt/a.png", as: .png(level: 3, filtered: true))
        try ImageWriter.write(Image(width: 2, height: 1, colorModel: .gray, samples: .uint8([255, 0])), to: dir + "/rgb/pred/a.png", as: .png(level: 3, filtered: true))
        let args = ["--pred", dir + "/rgb/pred", "--gt", dir + "/rgb/gt", "--metrics", "match", "--gt-colors", "gray"]
        let refused = try runTool("segeval", args + ["--gt-instances", "labels"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains(dir + "/rgb/gt/a.png") && refused.stderr.contains("--gt-instances components"), refused.stderr)
        XCTAssertEqual(try runTool("segeval", args + ["--gt-instances", "components"]).status, 0)
        XCTAssertEqual(try runTool("segeval", args + ["--rand-convention", "skimage,matlab"]).status, 64)
        XCTAssertEqual(try runTool("segeval", args + ["--rand-convention", "fiji,fiji"]).status, 64)
    }

    /// 32-bit integer TIFF label maps (signed, as tifffile writes stardist's
    /// int32 labels) score exactly as the 16-bit PNGs holding the same ids.
    func testThirtyTwoBitTIFFLabelMaps() throws {
        let dir = try makeTemporaryDirectory(self)
        let base = Repo.root + "/Fixtures/metrics/instance"
        for side in ["gt", "pred"] { try FileManager.default.createDirectory(atPath: "\(dir)/\(side)", withIntermediateDirectories: true) }
        for name in ["many", "touching", "sparse-ids"] {
            let gt = try ImageReader.read("\(base)/gt/\(name).png")
            guard case .uint16(let ids) = gt.samples else { return XCTFail("16-bit fixture") }
            let tiff = labelTIFF32(ids.map { UInt32($0) }, width: gt.width, height: gt.height, signed: true)
            try Data(tiff).write(to: URL(fileURLWithPath: "\(dir)/gt/\(name).tif"))
            try FileManager.default.copyItem(atPath: "\(base)/pred/\(name).png", toPath: "\(dir)/pred/\(name).png")
        }
        let fromTIFF = try runTool("segeval", ["--pred", dir + "/pred", "--gt", dir + "/gt", "--metrics", "match,rand,vi", "--rand-convention", "skimage", "--format", "json"])
        XCTAssertEqual(fromTIFF.status, 0, fromTIFF.stderr)
        try FileManager.default.removeItem(atPath: dir + "/gt")
        try FileManager.default.createDirectory(atPath: dir + "/gt", withIntermediateDirectories: true)
        for name in ["many", "touching", "sparse-ids"] { try FileManager.default.copyItem(atPath: "\(base)/gt/\(name).png", toPath: "\(dir)/gt/\(name).png") }
        let fromPNG = try runTool("segeval", ["--pred", dir + "/pred", "--gt", dir + "/gt", "--metrics", "match,rand,vi", "--rand-convention", "skimage", "--format", "json"])
        XCTAssertEqual(fromPNG.status, 0, fromPNG.stderr)
        XCTAssertEqual(fromTIFF.stdout, fromPNG.stdout)
        XCTAssertTrue(fromTIFF.stdout.contains("\"F1@0.5\""))
    }

    /// `--empty-gt match=…` on the hand-made maps with an empty GT (gt-empty:
    /// predictions only; both-empty): `one` scores 0/0 as 1 and a
    /// prediction without GT 0, `nan` leaves 0/0 undefined, `skip` leaves
    /// both images out — of the per-image means and of the summed counts;
    /// the default is stardist's (every ratio 0, AJI undefined when both are empty).
    func testEmptyGroundTruthConventions() throws {
        let dir = try makeTemporaryDirectory(self)
        let base = Repo.root + "/Fixtures/metrics/instance"
        func run(_ extra: [String], _ name: String) throws -> (rows: [String: [String: String]], json: [String: Any]) {
            let csv = "\(dir)/\(name).csv"
            let r = try runTool("segeval", ["--pred", base + "/pred", "--gt", base + "/gt", "--metrics", "match", "--iou-thresholds", "0.5",
                                            "--per-image", csv, "--format", "json"] + extra)
            XCTAssertEqual(r.status, 0, r.stderr)
            let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            var rows: [String: [String: String]] = [:]
            for line in lines.dropFirst() { rows[line[0]] = Dictionary(uniqueKeysWithValues: zip(lines[0], line)) }
            return (rows, try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]))
        }
        let stardist = try run([], "default"), one = try run(["--empty-gt", "match=one"], "one")
        let nan = try run(["--empty-gt", "match=nan"], "nan"), skip = try run(["--empty-gt", "match=skip"], "skip")
        XCTAssertEqual(stardist.rows["both-empty"]?["F1@0.5"], "0.0")
        XCTAssertEqual(stardist.rows["both-empty"]?["AJI"], "")
        XCTAssertEqual(one.rows["both-empty"]?["F1@0.5"], "1.0")
        XCTAssertEqual(one.rows["both-empty"]?["AJI"], "1.0")
        XCTAssertEqual(one.rows["gt-empty"]?["F1@0.5"], "0.0", "predictions without GT score 0")
        XCTAssertEqual(nan.rows["both-empty"]?["F1@0.5"], "")
        XCTAssertEqual(nan.rows["gt-empty"]?["precision@0.5"], "0.0")
        for name in ["both-empty", "gt-empty"] {
            XCTAssertEqual(skip.rows[name]?["F1@0.5"], "", name)
            XCTAssertEqual(skip.rows[name]?["FP@0.5"], "", name)
        }
        XCTAssertEqual(one.rows["touching"], stardist.rows["touching"], "images with GT objects are untouched")
        // Summed counts: only skip changes them (by the gt-empty image's false positives).
        let fpDefault = try XCTUnwrap(stardist.json["FP@0.5"] as? Double), fpSkip = try XCTUnwrap(skip.json["FP@0.5"] as? Double)
        XCTAssertEqual(fpDefault - fpSkip, try XCTUnwrap(Double(try XCTUnwrap(stardist.rows["gt-empty"]?["FP@0.5"]))))
        XCTAssertEqual(one.json["F1@0.5"] as? Double, stardist.json["F1@0.5"] as? Double)
        // Every image skipped: nothing is scored (null), not stardist's 0 of empty sums.
        for side in ["gt", "pred"] {
            try FileManager.default.createDirectory(atPath: "\(dir)/empty/\(side)", withIntermediateDirectories: true)
            for name in ["gt-empty", "both-empty"] { try FileManager.default.copyItem(atPath: "\(base)/\(side)/\(name).png", toPath: "\(dir)/empty/\(side)/\(name).png") }
        }
        let allSkipped = try runTool("segeval", ["--pred", dir + "/empty/pred", "--gt", dir + "/empty/gt", "--metrics", "match", "--empty-gt", "match=skip", "--format", "json"])
        XCTAssertEqual(allSkipped.status, 0, allSkipped.stderr)
        let skippedJSON = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(allSkipped.stdout.utf8)) as? [String: Any])
        XCTAssertTrue(skippedJSON["F1@0.5"] is NSNull, allSkipped.stdout)
        let mean = try run(["--empty-gt", "match=one", "--aggregate", "image"], "mean")
        let f1s = mean.rows.values.compactMap { Double($0["F1@0.5"] ?? "") }
        XCTAssertEqual(try XCTUnwrap(mean.json["F1@0.5"] as? Double), f1s.reduce(0, +) / Double(f1s.count), accuracy: 1e-12)
    }

    private func check(_ model: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Repo.root + "/Fixtures/metrics/instance/expected.json"))
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let thresholds = try XCTUnwrap((root["options"] as? [String: Any])?["thresholds"] as? [Double])
        let models = try XCTUnwrap(root["models"] as? [String: Any]), fixture = try XCTUnwrap(models[model] as? [String: Any])
        let images = try XCTUnwrap(fixture["images"] as? [String: Any]), order = try XCTUnwrap(fixture["order"] as? [String])
        var dataset = thresholds.map { _ in InstanceMatching() }
        var perImageMeans = thresholds.map { _ in [String: Double]() }
        for name in order {
            let expected = try XCTUnwrap(images[name] as? [String: Any])
            let (gt, prediction) = try pair(model, name)
            XCTAssertEqual(gt.count, expected["n_true"] as? Int, "\(name) GT objects")
            XCTAssertEqual(prediction.count, expected["n_pred"] as? Int, "\(name) predicted objects")
            let overlap = InstanceOverlap(gt: gt, prediction: prediction)
            let stardist = try XCTUnwrap(expected["stardist"] as? [String: Any])
            for (t, tau) in thresholds.enumerated() {
                let want = try XCTUnwrap(stardist[String(tau)] as? [String: Any], "\(name) τ \(tau)")
                let got = InstanceMatching(overlap, tau: tau)
                compare(got, want, "\(model) \(name) τ \(tau)")
                dataset[t].add(got)
                for (key, value) in Self.ratios(got) { perImageMeans[t][key, default: 0] += value / Double(order.count) }
            }
            let hovernet = try XCTUnwrap(expected["hovernet"] as? [String: Any])
            let pq = HoVerNetQuality(overlap, tau: 0.5)
            for (key, value) in [("aji", AggregatedJaccardIndex.aji(overlap)), ("aji_plus", AggregatedJaccardIndex.ajiPlus(overlap)),
                                 ("dq", pq.detectionQuality), ("sq", pq.segmentationQuality), ("pq", pq.panopticQuality)] {
                // null: the reference raised or returned NaN for empty maps (docs/metrics.md says what SegKit gives).
                guard let want = hovernet[key] as? Double else { continue }
                XCTAssertEqual(value, want, accuracy: 1e-9 * max(1, abs(want)), "\(model) \(name) HoVer-Net \(key)")
            }
            if let tp = hovernet["tp"] as? Int {
                XCTAssertEqual([pq.truePositives, pq.falsePositives, pq.falseNegatives], [tp, hovernet["fp"] as? Int ?? -1, hovernet["fn"] as? Int ?? -1], "\(name) HoVer-Net counts")
            }
            // scikit-image on the same label maps; its precision is Fiji's recall (scikit-image#6485).
            let skimage = try XCTUnwrap(expected["skimage"] as? [String: Any], "\(name): no scikit-image values")
            let are = try XCTUnwrap(skimage["adapted_rand_error"] as? [String: Any]), vi = try XCTUnwrap(skimage["variation_of_information"] as? [String: Any])
            let rand = RandScores.adaptedRand(overlap), information = RandScores.variationOfInformation(overlap)
            for (label, got, want) in [("ARE", 1 - rand.fScore, are["error"]), ("ARE precision", rand.recall, are["precision"]),
                                       ("ARE recall", rand.precision, are["recall"]),
                                       ("VI split", information.split, vi["split"]), ("VI merge", information.merge, vi["merge"])] {
                if let w = want as? Double { XCTAssertEqual(got, w, accuracy: 1e-9, "\(model) \(name) scikit-image \(label)") }
                else { XCTAssertTrue(got.isNaN, "\(model) \(name) scikit-image \(label): NaN (null) expected, got \(got)") }
            }
        }
        let sets = try XCTUnwrap(fixture["dataset"] as? [String: Any])
        let summed = try XCTUnwrap(sets["by_image_false"] as? [String: Any]), averaged = try XCTUnwrap(sets["by_image_true"] as? [String: Any])
        for (t, tau) in thresholds.enumerated() {
            compare(dataset[t], try XCTUnwrap(summed[String(tau)] as? [String: Any]), "\(model) dataset τ \(tau)")
            let want = try XCTUnwrap(averaged[String(tau)] as? [String: Any])
            for (key, value) in perImageMeans[t] {
                XCTAssertEqual(value, try XCTUnwrap(want[key] as? Double), accuracy: Self.float32Keys.contains(key) ? 1e-6 : 1e-9, "\(model) by image τ \(tau) \(key)")
            }
        }
    }

    /// stardist's values stored as float32 (its IoUs), compared to 1e-6.
    static let float32Keys: Set<String> = ["mean_true_score", "mean_matched_score", "panoptic_quality"]

    /// The scores stardist averages over images with `by_image=True`.
    static func ratios(_ m: InstanceMatching) -> [String: Double] {
        ["precision": m.precision, "recall": m.recall, "accuracy": m.accuracy, "f1": m.f1,
         "mean_true_score": m.meanTrueIoU, "mean_matched_score": m.meanMatchedIoU, "panoptic_quality": m.panopticQuality]
    }

    private func compare(_ got: InstanceMatching, _ want: [String: Any], _ what: String) {
        XCTAssertEqual(got.truePositives, want["tp"] as? Int, "\(what) tp")
        XCTAssertEqual(got.falsePositives, want["fp"] as? Int, "\(what) fp")
        XCTAssertEqual(got.falseNegatives, want["fn"] as? Int, "\(what) fn")
        XCTAssertEqual(got.gtCount, want["n_true"] as? Int, "\(what) n_true")
        XCTAssertEqual(got.predictionCount, want["n_pred"] as? Int, "\(what) n_pred")
        for (key, value) in Self.ratios(got) {
            guard let w = want[key] as? Double else { XCTFail("\(what): no \(key)"); continue }
            XCTAssertEqual(value, w, accuracy: Self.float32Keys.contains(key) ? 1e-6 : 1e-12, "\(what) \(key)")
        }
    }

    /// The two object maps of one image, read as the generator made them.
    private func pair(_ model: String, _ name: String) throws -> (InstanceLabels, InstanceLabels) {
        if model == "edge" {
            func read(_ side: String) throws -> InstanceLabels {
                let image = try ImageReader.read(Repo.root + "/Fixtures/metrics/instance/\(side)/\(name).png")
                guard case .values16(let ids)? = image.labelPlane() else { throw XCTSkip("\(name): not a 16-bit label map") }
                return InstanceLabels(ids: ids, width: image.width, height: image.height)
            }
            return (try read("gt"), try read("pred"))
        }
        let base = Repo.root + "/../shared/datasets/isbi2012/train"
        let label = try ImageReader.read("\(base)/label/\(name).png"), image = try ImageReader.read("\(base)/image/\(name).png")
        let w = label.width, h = label.height
        let gt = ConnectedComponents.label(label.grayLevels8().map { $0 > 128 ? 1 : 0 }, width: w, height: h, connectivity: .four)
        // scipy.ndimage.binary_erosion(image > 127, iterations=2, border_value=0), cross structure.
        var mask = PackedMask(values: image.grayLevels8(), inside: 128...255, width: w, height: h)
        for _ in 0..<2 { mask = mask.eroded() }
        let prediction = ConnectedComponents.label(mask.bytes(), width: w, height: h, connectivity: .four)
        return (gt, prediction)
    }
}
