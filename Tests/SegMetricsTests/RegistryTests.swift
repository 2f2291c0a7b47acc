import Foundation
import XCTest
@testable import SegMetrics

/// The metric registry: its declarations are consistent, every output list
/// derived from it keeps the order segeval has always printed, and the
/// table in docs/metrics.md is the registry's.
final class RegistryTests: XCTestCase {
    static let tableStart = "<!-- metric table: MetricRegistry.markdownTable(), checked by RegistryTests -->\n"
    static let tableEnd = "<!-- end of metric table -->"

    func testDocsTableIsTheRegistrys() throws {
        let docs = try String(contentsOfFile: Repo.root + "/docs/metrics.md", encoding: .utf8)
        let start = try XCTUnwrap(docs.range(of: Self.tableStart), "docs/metrics.md lacks the table marker")
        let end = try XCTUnwrap(docs.range(of: Self.tableEnd, range: start.upperBound..<docs.endIndex))
        let table = String(docs[start.upperBound..<end.lowerBound])
        XCTAssertEqual(table, MetricRegistry.markdownTable(), "paste this table into docs/metrics.md:\n" + MetricRegistry.markdownTable())
    }

    func testDeclarationsAreConsistent() {
        let keys = MetricRegistry.metrics.map(\.key)
        XCTAssertEqual(Set(keys).count, keys.count, "metric keys are unique")
        let tokens = MetricRegistry.groups.map(\.token)
        XCTAssertEqual(Set(tokens).count, tokens.count, "group tokens are unique")
        XCTAssertEqual(Set(MetricRegistry.families.map(\.id)).count, MetricRegistry.families.count)
        for f in MetricRegistry.families {
            for m in f.metrics {
                XCTAssertTrue(f.groups.contains { $0.token == m.group }, "\(m) is in a group of its family")
                XCTAssertFalse(m.summary.isEmpty, "\(m) is documented")
                if case .classMean = m.shape { XCTAssertNotNil(f.list(of: m), "\(m) averages a per-class metric of its family") }
                if m.foreground { XCTAssertEqual(m.shape, .perClass) }
                let name = m.shape == .perClass ? m.key + "_1" : m.shape == .perThreshold ? m.key + "@0.5" : m.key
                XCTAssertNotNil(MetricRegistry.column(named: name), "\(m) is found by name")
            }
            for m in f.perImage + f.worstByDefaults { XCTAssertTrue(f.metrics.contains(m), "\(m) is declared by \(f.id)") }
            for m in f.worstByDefaults { XCTAssertTrue(f.perImage.contains(m), "--worst-by default \(m) is a per-image column") }
        }
        XCTAssertEqual(ClassScores.listNames, ["IoU", "Acc", "Dice", "Precision", "Recall", "Fscore"], "state files key imageSums by these")
    }

    /// The lists as segeval printed them before the registry (byte-identical
    /// outputs), with the binary Se, Sp and MCC after the class means (issue 15).
    func testDerivedListsKeepTheirOrder() throws {
        let config = EvalConfig()
        XCTAssertEqual(EvalResults.metricNames(config: config),
                       ["MAE", "maxF", "meanF", "adpF", "Sm", "maxEm", "meanEm", "adpEm", "wF", "aAcc", "mIoU", "mAcc", "mDice", "mPrecision",
                        "mRecall", "mFscore", "Se", "Sp", "MCC", "IoU_0", "IoU_1", "Acc_0", "Acc_1", "Dice_0", "Dice_1", "Precision_0", "Precision_1",
                        "Recall_0", "Recall_1", "Fscore_0", "Fscore_1"])
        XCTAssertEqual(PerImageRow.metricColumns(config: config),
                       ["MAE", "adpF", "maxF", "meanF", "Sm", "adpEm", "maxEm", "meanEm", "wF", "aAcc", "mIoU", "mDice", "IoU_0", "IoU_1", "Dice_0", "Dice_1"])
        XCTAssertEqual(MetricRegistry.defaultComparison(config: config), ["mIoU", "mDice", "IoU_1", "Dice_1", "MAE", "maxF", "Sm", "meanEm", "wF"])
        XCTAssertEqual(MetricRegistry.foregroundColumns(config: config).map(\.key), ["IoU_1", "Dice_1"])
        XCTAssertEqual(MetricRegistry.curveGroups, ["f", "e"])
        XCTAssertTrue(MetricRegistry.isLowerBetter("MAE"))
        XCTAssertFalse(MetricRegistry.isLowerBetter("IoU_1"))
        XCTAssertEqual(MetricRegistry.column(named: "Dice_3")?.classIndex, 3)
        XCTAssertNil(MetricRegistry.column(named: "IoU"), "a per-class metric is named by class")
        XCTAssertNil(MetricRegistry.column(named: "nonsense"))

        func selected(_ text: String, classes: Int = 2) throws -> EvalConfig {
            var c = EvalConfig()
            c.classes = classes
            try MetricSelection(parsing: text).apply(to: &c)
            return c
        }
        XCTAssertEqual(MetricRegistry.defaultWorstBy(config: config), "mIoU")
        XCTAssertEqual(MetricRegistry.defaultWorstBy(config: try selected("mae,wf")), "wF")
        XCTAssertEqual(MetricRegistry.defaultWorstBy(config: try selected("f")), "maxF")
        XCTAssertEqual(MetricRegistry.defaultWorstBy(config: try selected("mae")), "maxF", "falls back to the last default, which validation then refuses")
        let three = try selected("iou", classes: 3)
        XCTAssertEqual(EvalResults.metricNames(config: three).prefix(7), ["aAcc", "mIoU", "mAcc", "mDice", "mPrecision", "mRecall", "mFscore"])
        XCTAssertFalse(EvalResults.metricNames(config: three).contains("MCC"), "Se, Sp and MCC are binary-only")
        XCTAssertEqual(MetricRegistry.defaultComparison(config: three), ["mIoU", "mDice"], "no foreground entries for three classes")
        XCTAssertFalse(MetricRegistry.hasCurves(config: three))
        XCTAssertEqual(PerImageRow.metricColumns(config: try selected(" S , iou")).prefix(2), ["Sm", "aAcc"])
    }

    func testOptionValuesParseOnceWithSegevalsMessages() throws {
        XCTAssertThrowsError(try MetricSelection(parsing: "iou,xyz")) {
            XCTAssertEqual("\($0)", "unknown metric group 'xyz' (use iou, mae, f, s, e, wf, auc, hd, assd, nsd, biou, bf, match, rand, vi, distance)")
        }
        var c = EvalConfig()
        c.classes = 3
        XCTAssertThrowsError(try MetricSelection(parsing: "iou,mae").apply(to: &c)) {
            XCTAssertEqual("\($0)", "salient-object metrics (mae, f, s, e, wf) need two classes")
        }
        XCTAssertEqual(try GateBounds(parsing: "mIoU=0.8, maxF = 0.5").bounds, [GateBound(metric: "mIoU", bound: 0.8), GateBound(metric: "maxF", bound: 0.5)])
        XCTAssertThrowsError(try GateBounds(parsing: "mIoU=inf")) {
            XCTAssertEqual("\($0)", "bad bound 'mIoU=inf': expected METRIC=VALUE, e.g. mIoU=0.80")
        }
        XCTAssertEqual(MetricNames(parsing: "adpF,, IoU_1").names, ["adpF", "IoU_1"])
    }

    /// Every column a run reports is computed by its family (a declared
    /// metric whose value code is missing would print NaN).
    func testFamiliesComputeEveryDeclaredMetric() throws {
        var job = evalJob(Repo.root + "/Fixtures/metrics/edge")
        XCTAssertEqual(MetricRegistry.reportMetrics(config: job.config).scalars.map(\.key).filter { ["AUC", "AP"].contains($0) }, [],
                       "families with their own kernel are opt-in: the default output is what it was")
        try MetricSelection(parsing: MetricRegistry.groups.map(\.token).joined(separator: ",")).apply(to: &job.config)
        var connectomics = ConnectomicsOptions()
        connectomics.conventions = RandConvention.allCases
        job.config.connectomics = connectomics
        job.keepImageResults = true
        let outcome = try job.run()
        let config = job.config
        let values = MetricRegistry.values(outcome.states[0])
        let report = MetricRegistry.reportMetrics(config: config)
        for m in report.scalars {
            for column in MetricRegistry.columns(of: m, config: config) { XCTAssertNotNil(values.scalars[column.key], "dataset \(column.key)") }
        }
        for m in report.lists { XCTAssertEqual(values.lists[m.key]?.count, config.classes, "dataset \(m)") }
        XCTAssertEqual(report.scalars.count + report.lists.count, MetricRegistry.metrics.filter { !$0.multiClassOnly }.count,
                       "every group computes everything for two classes but the multi-class breakdowns (every convention on)")
        let image = MetricRegistry.values(outcome.imageResults[0][0], config: config)
        for column in MetricRegistry.perImageColumns(config: config) {
            XCTAssertTrue(column.classIndex == nil ? image.scalars[column.key] != nil : image.lists[column.metric.key] != nil, "image \(column.key)")
        }
    }
}
