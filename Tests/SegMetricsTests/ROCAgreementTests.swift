import Foundation
import SegTestSupport
import XCTest
@testable import SegMetrics

/// The ROC/PR family (`--metrics auc`) against scikit-learn's
/// `roc_auc_score` and `average_precision_score` on the same pixels
/// (Fixtures/metrics/roc/generate.py), to 1e-9: pixels pooled over the
/// dataset, per-image means, and every image's own values.
final class ROCAgreementTests: XCTestCase {
    static let tolerance = 1e-9

    /// Hand-computed: scores 0.5, 0.5, 0.2, 0.1 for labels 0, 1, 1, 0 (levels 2, 2, 1, 0).
    func testHandComputedAreasWithTies() {
        let areas = RankingAreas(positives: [0, 1, 1], negatives: [1, 0, 1])
        // ROC points (0,0) → (½,½) → (½,1) → (1,1): ¼·½ + ½ + … = 0.625.
        XCTAssertEqual(areas.auc!, 0.625, accuracy: 1e-15)
        // Thresholds: level 2 (R ½, P ½), level 1 (R 1, P ⅔): ½·½ + ½·⅔.
        XCTAssertEqual(areas.ap!, 0.25 + 1.0 / 3, accuracy: 1e-15)
        XCTAssertNil(RankingAreas(positives: [0, 3], negatives: [0, 0]).auc, "one class: undefined")
        XCTAssertEqual(RankingAreas(positives: [0, 3], negatives: [0, 0]).ap, 1)
        XCTAssertEqual(RankingAreas(positives: [0, 0], negatives: [2, 1]).ap, 0, "no positive: scikit-learn's 0")
        XCTAssertNil(RankingAreas(positives: [0, 0], negatives: [0, 0]).ap, "no pixel")
    }

    func testEveryModelMatchesScikitLearn() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Repo.root + "/Fixtures/metrics/roc/expected.json"))
        let expected = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let models = try XCTUnwrap(expected["models"] as? [String: [String: Any]])
        let folders: [String: (gt: String, pred: String)] = [
            "roc-cases": ("Fixtures/metrics/roc/gt", "Fixtures/metrics/roc/pred"),
            "cells": ("Fixtures/cells/label", "Fixtures/cells/image"),
            "isbi": ("../shared/datasets/isbi2012/train/label", "../shared/datasets/isbi2012/train/image"),
            "sod300-Amulet": ("../shared/datasets/sod300/gt", "../shared/datasets/sod300/pred/Amulet"),
            "sod300-DSS": ("../shared/datasets/sod300/gt", "../shared/datasets/sod300/pred/DSS"),
            "sod300-PiCANet": ("../shared/datasets/sod300/gt", "../shared/datasets/sod300/pred/PiCANet"),
        ]
        XCTAssertEqual(Set(models.keys), Set(folders.keys))
        for (name, model) in models.sorted(by: { $0.key < $1.key }) {
            let (gt, pred) = folders[name]!
            for aggregate in [Aggregation.dataset, .image] {
                var job = EvalJob()
                job.gt = [Repo.root + "/" + gt]
                job.predictions = [Repo.root + "/" + pred]
                try MetricSelection(parsing: "auc,iou").apply(to: &job.config)
                job.config.aggregate = aggregate
                job.workers = 2
                job.keepImageResults = true
                let outcome = try job.run()
                let results = EvalResults(outcome.states[0])
                let want = model[aggregate == .dataset ? "pooled" : "image_mean"] as! [String: Any]
                for key in ["AUC", "AP", "Se", "Sp", "MCC"] { expect(results.value(key), want[key], "\(name) \(aggregate) \(key)") }
                guard aggregate == .dataset else { continue }
                let images = model["images"] as! [String: [String: Any]]
                XCTAssertEqual(outcome.imageResults[0].count, images.count, name)
                for result in outcome.imageResults[0] {
                    let values = MetricRegistry.values(result, config: job.config)
                    for key in ["AUC", "AP", "Se", "Sp", "MCC"] { expect(values.scalars[key], images[result.key]?[key], "\(name) \(result.key) \(key)") }
                }
            }
        }
    }

    /// Three shards' states merge to exactly the single run's report, and the
    /// state file of a run without the family is what it was before kernel
    /// families existed (no `familySums`, no `kernelGroups`).
    func testShardsMergeExactlyAndOtherStatesAreUnchanged() throws {
        let dir = try makeTemporaryDirectory(self)
        let gt = Repo.root + "/Fixtures/metrics/roc/gt", pred = Repo.root + "/Fixtures/metrics/roc/pred"
        let single = try runTool("segeval", ["--pred", pred, "--gt", gt, "--metrics", "auc,iou", "--format", "json"])
        XCTAssertEqual(single.status, 0, single.stderr)
        for i in 0..<3 {
            let r = try runTool("segeval", ["--pred", pred, "--gt", gt, "--metrics", "auc,iou", "--shard", "\(i)/3", "--state", "\(dir)/s\(i).state"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let merged = try runTool("segeval", ["merge", "\(dir)/s1.state", "\(dir)/s2.state", "\(dir)/s0.state", "--format", "json"])
        XCTAssertEqual(merged.status, 0, merged.stderr)
        XCTAssertEqual(merged.stdout, single.stdout)
        XCTAssertTrue(single.stdout.contains("\"AUC\""), single.stdout)

        let plain = try runTool("segeval", ["--pred", pred, "--gt", gt, "--state", "\(dir)/plain.state"])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let state = try String(contentsOfFile: "\(dir)/plain.state", encoding: .utf8)
        XCTAssertFalse(state.contains("familySums") || state.contains("kernelGroups"), state)
        XCTAssertTrue(try String(contentsOfFile: "\(dir)/s0.state", encoding: .utf8).contains("roc.positives"))
    }

    private func expect(_ got: Double?, _ want: Any?, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let want = want as? Double else {
            XCTAssertTrue(got.map(\.isNaN) ?? true, "\(what): expected undefined, got \(String(describing: got))", file: file, line: line)
            return
        }
        guard let got, !got.isNaN else { return XCTFail("\(what): expected \(want), got undefined", file: file, line: line) }
        XCTAssertEqual(got, want, accuracy: Self.tolerance, what, file: file, line: line)
    }
}
