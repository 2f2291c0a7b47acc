import Foundation
import XCTest
@testable import SegMetrics

/// `--roi`: pixels outside the field of view are left out of the confusion
/// and ROC/PR families exactly as ignored pixels; the families that cannot
/// leave pixels out refuse it.
final class FieldOfViewTests: XCTestCase {
    /// Two 6×4 pairs, each with a field of view covering part of the image;
    /// the expected counts and areas come from the inside pixels alone,
    /// counted here by brute force (AUC as the Mann–Whitney statistic).
    func testOnlyPixelsInsideCount() throws {
        let dir = try makeTemporaryDirectory(self)
        let w = 6, h = 4
        var insideGT: [Bool] = [], insideScore: [Int] = []
        var tp = 0, fp = 0, fn = 0, tn = 0
        for (n, seed) in [(0, UInt64(3)), (1, UInt64(11))] {
            var g = SeededValues(seed)
            let gt = (0..<(w * h)).map { _ in g.next() % 3 == 0 ? UInt8(255) : 0 }
            let pred = (0..<(w * h)).map { _ in UInt8(g.next() % 5 * 60) }
            let fov = (0..<(w * h)).map { i in (i % w >= 1 && i % w <= 4 && i / w >= n) ? UInt8(255) : 0 }
            try writeGray(gt, width: w, to: "\(dir)/gt/\(n).png")
            try writeGray(pred, width: w, to: "\(dir)/pred/\(n).png")
            try writeGray(fov, width: w, to: "\(dir)/fov/\(n)_mask.png")
            for i in 0..<(w * h) where fov[i] != 0 {
                let positive = gt[i] == 255, predicted = Double(pred[i]) / 255 >= 0.5
                insideGT.append(positive)
                insideScore.append(Int(pred[i]))
                switch (positive, predicted) {
                case (true, true): tp += 1
                case (false, true): fp += 1
                case (true, false): fn += 1
                case (false, false): tn += 1
                }
            }
        }
        var job = evalJob(dir)
        job.roi = [dir + "/fov"]
        job.roiSuffix = "_mask"
        try MetricSelection(parsing: "iou,auc").apply(to: &job.config)
        let state = try job.run().states[0]
        XCTAssertEqual(state.confusion.counts.map(Int.init), [tn, fp, fn, tp], "rows GT, columns prediction")
        var wins = 0.0, pairs = 0.0
        for (a, sa) in zip(insideGT, insideScore) where a {
            for (b, sb) in zip(insideGT, insideScore) where !b {
                pairs += 1
                wins += sa > sb ? 1 : (sa == sb ? 0.5 : 0)
            }
        }
        XCTAssertEqual(EvalResults(state).value("AUC")!, wins / pairs, accuracy: 1e-12)
    }

    func testFamiliesThatCannotLeavePixelsOutRefuseIt() throws {
        let dir = try makeTemporaryDirectory(self)
        try writeGray([0, 255, 0, 255], width: 2, to: "\(dir)/gt/a.png")
        try writeGray([0, 255, 255, 255], width: 2, to: "\(dir)/pred/a.png")
        try writeGray([255, 255, 0, 255], width: 2, to: "\(dir)/fov/a.png")
        var job = evalJob(dir)
        job.roi = [dir + "/fov"]
        XCTAssertThrowsError(try job.run()) { error in
            XCTAssertEqual((error as? EvalError)?.kind, .usage)
            XCTAssertTrue("\(error)".hasPrefix("salient-object metrics cannot leave pixels out"), "\(error)")
        }
        try MetricSelection(parsing: "iou,hd").apply(to: &job.config)
        XCTAssertThrowsError(try job.run()) { XCTAssertTrue("\($0)".hasPrefix("distance metrics cannot leave pixels out"), "\($0)") }
        try MetricSelection(parsing: "iou").apply(to: &job.config)
        XCTAssertEqual(try job.run().states[0].confusion.counts, [1, 0, 0, 2])

        try writeGray([255, 254, 0, 3], width: 2, to: "\(dir)/fov/a.png")
        XCTAssertThrowsError(try job.run()) { XCTAssertTrue("\($0)".contains("a field-of-view mask holds 4 gray levels (0, 3, 254, 255)"), "JPEG-damaged: \($0)") }
        try writeGray([255, 255, 0, 255, 0, 0], width: 3, to: "\(dir)/fov/a.png")
        XCTAssertThrowsError(try job.run()) { XCTAssertTrue("\($0)".contains("field of view is 3x2 but ground truth"), "\($0)") }
        try FileManager.default.removeItem(atPath: "\(dir)/fov/a.png")
        try writeGray([255, 255, 0, 255], width: 2, to: "\(dir)/fov/b.png")
        XCTAssertThrowsError(try job.run()) { XCTAssertTrue("\($0)".contains("no field-of-view mask with the key 'a'"), "\($0)") }
    }
}

/// A small deterministic generator for test data.
private struct SeededValues {
    var state: UInt64
    init(_ seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int(state >> 33)
    }
}
