import Foundation
import XCTest
@testable import SegMetrics

/// Every metric against values computed by PySODMetrics 1.6.2 and an
/// independent NumPy implementation of mmseg's formulas
/// (Fixtures/metrics/generate.py), to 1e-9.
final class AgreementTests: XCTestCase {
    static let root = Repo.root
    static let tolerance = 1e-9

    func testEdgeCases() throws { try checkAgreement("Fixtures/metrics/edge/expected.json", curvesPerImage: true) }

    func testSOD300ThreeModels() throws { try checkAgreement("Fixtures/metrics/sod300-expected.json", curvesPerImage: false) }

    func testISBI() throws { try checkAgreement("Fixtures/metrics/isbi-expected.json", curvesPerImage: false) }

    private func checkAgreement(_ file: String, curvesPerImage: Bool) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.root + "/" + file))
        let expected = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(expected["curve_order"] as? String, "index i is threshold 255-i")
        let models = try XCTUnwrap(expected["models"] as? [String: [String: Any]])
        XCTAssertFalse(models.isEmpty)
        for (model, m) in models.sorted(by: { $0.key < $1.key }) {
            let gt = Self.root + "/" + (m["gt"] as! String), pred = Self.root + "/" + (m["pred"] as! String)
            guard FileManager.default.fileExists(atPath: gt) else {
                throw XCTSkip("\(gt) is not available (../shared/datasets)")
            }
            var job = EvalJob()
            job.gt = [gt]
            job.predictions = [pred]
            job.config.gtColors = .gray  // colour GT read as OpenCV's gray, as the reference does
            job.workers = 2
            job.keepImageResults = true
            let outcome = try job.run()
            let state = outcome.states[0]
            let results = EvalResults(state)
            let dataset = m["dataset"] as! [String: Any]
            let images = m["images"] as! [String: [String: Any]]
            XCTAssertEqual(results.images, images.count, model)

            for key in ["MAE", "adpF", "maxF", "meanF", "Sm", "adpEm", "meanEm", "maxEm", "wF", "aAcc", "mIoU", "mAcc", "mDice"] {
                let want = key.hasPrefix("m") && key != "maxF" && key != "meanF" && key != "maxEm" && key != "meanEm" || key == "aAcc"
                    ? (dataset["confusion"] as! [String: Any])[key] : dataset[key]
                expectClose(results.value(key), want, "\(model) \(key)")
            }
            for (name, values) in results.perClass {
                let want = (dataset["confusion"] as! [String: Any])[name] as! [Any]
                for c in 0..<2 { expectClose(values[c], want[c], "\(model) \(name)[\(c)]") }
            }
            let confusion = dataset["confusion"] as! [String: Any]
            for c in 0..<2 {
                XCTAssertEqual(Int(state.confusion.intersection(c)), (confusion["area_intersect"] as! [Int])[c])
                XCTAssertEqual(Int(state.confusion.union(c)), (confusion["area_union"] as! [Int])[c])
                XCTAssertEqual(Int(state.confusion.predicted(c)), (confusion["area_pred"] as! [Int])[c])
                XCTAssertEqual(Int(state.confusion.label(c)), (confusion["area_label"] as! [Int])[c])
            }
            expectCurve(results.fCurve, dataset["F_curve"], "\(model) F curve")
            expectCurve(results.precision, dataset["P_curve"], "\(model) P curve")
            expectCurve(results.recall, dataset["R_curve"], "\(model) R curve")
            expectCurve(results.eCurve, dataset["Em_curve"], "\(model) E curve")

            // The meanPR convention from the same state.
            var meanPR = state
            meanPR.config.salient.fCurve = .meanPR
            let pr = EvalResults(meanPR)
            expectClose(pr.value("maxF"), dataset["maxF_meanPR"], "\(model) maxF meanPR")
            expectClose(pr.value("meanF"), dataset["meanF_meanPR"], "\(model) meanF meanPR")
            expectCurve(pr.fCurve, dataset["F_meanPR_curve"], "\(model) F meanPR curve")

            // The one-pass path taken without S and weighted F gives the same numbers.
            var quick = job
            quick.config.salient.sMeasure = false
            quick.config.salient.weightedF = false
            quick.keepImageResults = false
            let q = EvalResults(try quick.run().states[0])
            for key in ["MAE", "adpF", "maxF", "meanF", "adpEm", "maxEm", "aAcc", "mIoU", "mDice"] {
                XCTAssertEqual(q.value(key)!, results.value(key)!, accuracy: Self.tolerance, "\(model) one-pass \(key)")
            }
            expectCurve(q.fCurve, dataset["F_curve"], "\(model) one-pass F curve")

            // Per-image aggregation of the confusion metrics (torchmetrics/MONAI style).
            var imageJob = job
            imageJob.config.aggregate = .image
            imageJob.config.salient = SalientOptions()
            imageJob.config.salient.mae = false; imageJob.config.salient.fMeasure = false; imageJob.config.salient.sMeasure = false
            imageJob.config.salient.eMeasure = false; imageJob.config.salient.weightedF = false
            imageJob.keepImageResults = false
            let imageResults = EvalResults(try imageJob.run().states[0])
            let confusionImage = dataset["confusion_image"] as! [String: Any]
            expectClose(imageResults.value("mIoU"), confusionImage["mIoU"], "\(model) image mIoU")
            expectClose(imageResults.value("mDice"), confusionImage["mDice"], "\(model) image mDice")
            for c in 0..<2 {
                expectClose(imageResults.perClass.first { $0.name == "IoU" }!.values[c], (confusionImage["IoU"] as! [Any])[c], "\(model) image IoU[\(c)]")
                expectClose(imageResults.perClass.first { $0.name == "Dice" }!.values[c], (confusionImage["Dice"] as! [Any])[c], "\(model) image Dice[\(c)]")
            }

            for r in outcome.imageResults[0] {
                let stem = (r.key as NSString).lastPathComponent
                let want = try XCTUnwrap(images[stem], "\(model): no expected values for \(stem)")
                let s = try XCTUnwrap(r.salient)
                expectClose(s.mae, want["MAE"], "\(model) \(stem) MAE")
                expectClose(s.adaptiveF, want["adpF"], "\(model) \(stem) adpF")
                expectClose(s.sMeasure, want["Sm"], "\(model) \(stem) Sm")
                expectClose(s.adaptiveE, want["adpEm"], "\(model) \(stem) adpEm")
                expectClose(s.weightedF, want["wF"], "\(model) \(stem) wF")
                if curvesPerImage {
                    expectCurve(s.fCurve.map { $0 ?? .nan }, want["F_curve"], "\(stem) F curve")
                    expectCurve(s.precision.map { $0 ?? .nan }, want["P_curve"], "\(stem) P curve")
                    expectCurve(s.recall.map { $0 ?? .nan }, want["R_curve"], "\(stem) R curve")
                    expectCurve(s.eCurve.map { $0 ?? .nan }, want["Em_curve"], "\(stem) E curve")
                }
            }
        }
    }

    /// `want` is a JSON number or null (NaN).
    private func expectClose(_ got: Double?, _ want: Any?, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let g = got ?? .nan
        guard let w = (want as? NSNumber)?.doubleValue else {
            XCTAssertTrue(g.isNaN, "\(what): expected null, got \(g)", file: file, line: line)
            return
        }
        XCTAssertEqual(g, w, accuracy: Self.tolerance, "\(what)", file: file, line: line)
    }

    /// Expected curves are in PySODMetrics' order (index i is threshold 255 − i).
    private func expectCurve(_ got: [Double], _ want: Any?, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let w = want as? [Any], w.count == 256, got.count == 256 else {
            XCTFail("\(what): curve missing", file: file, line: line)
            return
        }
        var worst = 0.0, at = 0
        for t in 0..<256 {
            let e = (w[255 - t] as? NSNumber)?.doubleValue ?? .nan
            let d = e.isNaN && got[t].isNaN ? 0 : abs(got[t] - e)
            if !(d <= worst) { worst = d.isNaN ? .infinity : d; at = t }
        }
        XCTAssertLessThanOrEqual(worst, Self.tolerance, "\(what): worst difference at threshold \(at)", file: file, line: line)
    }
}
