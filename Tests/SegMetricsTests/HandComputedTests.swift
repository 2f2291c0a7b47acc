import Foundation
import XCTest
@testable import SegMetrics
import SegImage

/// Confusion-matrix metrics on tiny cases worked out by hand from mmseg's definitions.
final class HandComputedTests: XCTestCase {
    /// Four classes, an ignored pixel, class 2 never predicted, class 3 absent from the GT.
    ///
    ///     gt   0 0 1 1 | 0 2 1 255 | 0 0 1 1
    ///     pred 0 1 1 1 | 0 0 1 3   | 0 3 0 1
    ///
    /// Non-ignored pixels (11): class 0 label 5, pred 5, I 3; class 1 label 5,
    /// pred 5, I 4; class 2 label 1, pred 0, I 0; class 3 label 0, pred 1, I 0.
    func testFourClassesWithIgnoreAbsentAndNeverPredicted() throws {
        let dir = try makeTemporaryDirectory(self)
        try writeGray([0, 0, 1, 1, 0, 2, 1, 255, 0, 0, 1, 1], width: 4, to: dir + "/gt/a.png")
        try writeGray([0, 1, 1, 1, 0, 0, 1, 3, 0, 3, 0, 1], width: 4, to: dir + "/pred/a.png")
        var job = evalJob(dir)
        job.config.classes = 4
        let r = EvalResults(try job.run().states[0])
        func list(_ name: String) -> [Double] { r.perClass.first { $0.name == name }!.values }
        XCTAssertEqual(r.value("aAcc")!, 7.0 / 11, accuracy: 1e-15)
        XCTAssertEqual(list("IoU")[0], 3.0 / 7, accuracy: 1e-15)
        XCTAssertEqual(list("IoU")[1], 4.0 / 6, accuracy: 1e-15)
        XCTAssertEqual(list("IoU")[2], 0)
        XCTAssertEqual(list("IoU")[3], 0, "predicted but absent from the GT: IoU 0, counted")
        XCTAssertEqual(list("Acc")[2], 0)
        XCTAssertTrue(list("Acc")[3].isNaN, "absent from the GT: Acc 0/0")
        XCTAssertTrue(list("Precision")[2].isNaN, "never predicted: precision 0/0")
        XCTAssertEqual(list("Precision")[3], 0)
        XCTAssertEqual(list("Dice")[0], 0.6, accuracy: 1e-15)
        XCTAssertEqual(list("Dice")[1], 0.8, accuracy: 1e-15)
        XCTAssertEqual(list("Fscore")[0], 0.6, accuracy: 1e-15)
        XCTAssertTrue(list("Fscore")[2].isNaN && list("Fscore")[3].isNaN)
        XCTAssertEqual(r.value("mIoU")!, (3.0 / 7 + 4.0 / 6) / 4, accuracy: 1e-15)
        XCTAssertEqual(r.value("mAcc")!, (0.6 + 0.8 + 0) / 3, accuracy: 1e-15)
        XCTAssertEqual(r.value("mDice")!, (0.6 + 0.8) / 4, accuracy: 1e-15)
        XCTAssertEqual(r.value("mFscore")!, 0.7, accuracy: 1e-15)
    }

    /// Two binary images: A (gt 1 1 0 0, pred 1 0 0 0) and B (all background).
    /// Per image: A IoU1 = 1/2, IoU0 = 2/3; B IoU1 = 0/0, IoU0 = 4/4.
    func testImageAggregationAndEmptyGTConventions() throws {
        let dir = try makeTemporaryDirectory(self)
        try writeGray([255, 255, 0, 0], width: 2, to: dir + "/gt/a.png")
        try writeGray([255, 0, 0, 0], width: 2, to: dir + "/pred/a.png")
        try writeGray([0, 0, 0, 0], width: 2, to: dir + "/gt/b.png")
        try writeGray([0, 0, 0, 0], width: 2, to: dir + "/pred/b.png")
        func run(_ aggregate: Aggregation, _ empty: EmptyGTConvention) throws -> EvalResults {
            var job = evalJob(dir)
            job.config.aggregate = aggregate
            job.config.confusionEmptyGT = empty
            return EvalResults(try job.run().states[0])
        }
        let dataset = try run(.dataset, .nan)
        XCTAssertEqual(dataset.value("mIoU")!, (0.5 + 6.0 / 7) / 2, accuracy: 1e-15)
        XCTAssertEqual(try run(.image, .nan).value("mIoU")!, (0.5 + 2.0 / 3 + 1) / 3, accuracy: 1e-15)
        XCTAssertEqual(try run(.image, .zero).value("mIoU")!, (0.5 + 2.0 / 3 + 1 + 0) / 4, accuracy: 1e-15)
        XCTAssertEqual(try run(.image, .one).value("mIoU")!, (0.5 + 2.0 / 3 + 1 + 1) / 4, accuracy: 1e-15)
        XCTAssertEqual(try run(.image, .skip).value("mIoU")!, (0.5 + 2.0 / 3 + 1) / 3, accuracy: 1e-15)
        let image = try run(.image, .nan)
        XCTAssertEqual(image.perClass.first { $0.name == "IoU" }!.values[1], 0.5, "class 1 defined in one image only")
        XCTAssertEqual(image.value("aAcc")!, (0.75 + 1) / 2, accuracy: 1e-15)
    }

    /// Soft predictions: v/255 >= 0.5 means v >= 128; GT binarised at > 128.
    func testThresholdsOnTheEightBitScale() throws {
        let dir = try makeTemporaryDirectory(self)
        try writeGray([0, 255, 128, 129, 255, 0], width: 6, to: dir + "/gt/a.png")
        try writeGray([127, 128, 0, 255, 200, 10], width: 6, to: dir + "/pred/a.png")
        var job = evalJob(dir)
        job.config.salient.sMeasure = false
        let state = try job.run().states[0]
        // gt classes 0 1 0 1 1 0 ; pred classes 0 1 0 1 1 0
        XCTAssertEqual(state.confusion.counts, [3, 0, 0, 3])
        XCTAssertEqual(state.nonBinaryImages, 1, "128 and 129 are not 0/255")
        job.config.threshold = 0.51   // 128/255 = 0.50196 < 0.51
        XCTAssertEqual(try job.run().states[0].confusion.counts, [3, 0, 1, 2])
    }

    /// A 0/1 class-index GT must not be read as a 0/255 mask (everything background).
    func testZeroOneGroundTruthIsReadAsClasses() throws {
        let dir = try makeTemporaryDirectory(self)
        try writeGray([0, 1, 1, 0], width: 2, to: dir + "/gt/a.png")
        try writeGray([0, 255, 255, 0], width: 2, to: dir + "/pred/a.png")
        var job = evalJob(dir)
        XCTAssertEqual(try job.run().states[0].confusion.counts, [2, 0, 0, 2])
        job.config.gtValues = .binary
        XCTAssertThrowsError(try job.run()) { error in
            XCTAssertTrue("\(error)".contains("0/1 values"), "\(error)")
        }
    }
}

/// Review regressions: conventions at the edges.
final class ConventionEdgeTests: XCTestCase {
    /// P = R = 0 with both maps non-empty is no match, not a 0/0: F = 0 under
    /// `one` and `zero`, NaN (mmseg) under `nan`.
    func testFScoreOfDisjointMasks() {
        var m = ConfusionMatrix(classes: 2)
        m.add(gt: 1, pred: 0, count: 2)
        m.add(gt: 0, pred: 1, count: 3)
        XCTAssertEqual(ClassScores(m, beta: 1, empty: .one).fscore[1], 0)
        XCTAssertEqual(ClassScores(m, beta: 1, empty: .zero).fscore[1], 0)
        XCTAssertNil(ClassScores(m, beta: 1, empty: .nan).fscore[1])
    }

    func testEmptyGTParsing() throws {
        XCTAssertEqual(try EmptyGTConvention.parse("skip"), EmptyGTChoice(confusion: .skip, salient: .skip, instance: .skip))
        XCTAssertEqual(try EmptyGTConvention.parse("iou=skip,salient=one"), EmptyGTChoice(confusion: .skip, salient: .one))
        XCTAssertEqual(try EmptyGTConvention.parse("sod=nan,match=one"), EmptyGTChoice(salient: .nan, instance: .one))
        XCTAssertThrowsError(try EmptyGTConvention.parse("iou=maybe"))
        XCTAssertThrowsError(try EmptyGTConvention.parse("dice=zero"))
    }

    /// 16-bit class-index ground truth with the one-pass path (no S, no wF).
    func testSixteenBitIndexGroundTruth() throws {
        let dir = try makeTemporaryDirectory(self)
        let gt = Image(width: 4, height: 1, colorModel: .gray, samples: .uint16([0, 1, 1, 0]))
        try FileManager.default.createDirectory(atPath: dir + "/gt", withIntermediateDirectories: true)
        try ImageWriter.write(gt, to: dir + "/gt/a.png", as: .png(level: 1, filtered: false))
        try writeGray([0, 255, 255, 0], width: 4, to: dir + "/pred/a.png")
        var job = evalJob(dir)
        job.config.gtValues = .index
        job.config.salient.sMeasure = false
        job.config.salient.weightedF = false
        XCTAssertEqual(try job.run().states[0].confusion.counts, [2, 0, 0, 2])
    }

    /// A 1×1 image cannot have an E-measure (N − 1 = 0): an error, not a crash.
    func testOnePixelImageIsAnError() throws {
        let dir = try makeTemporaryDirectory(self)
        try writeGray([255], width: 1, to: dir + "/gt/a.png")
        try writeGray([200], width: 1, to: dir + "/pred/a.png")
        let job = evalJob(dir)
        XCTAssertThrowsError(try job.run()) { XCTAssertTrue("\($0)".contains("too few pixels"), "\($0)") }
    }

    /// mmseg's pitfall: a 0/255 mask read with 255 as the ignore index loses
    /// its foreground. segeval still follows the convention asked for, but says so.
    func testZero255MaskReadAsIndicesIsFlagged() throws {
        let dir = try makeTemporaryDirectory(self)
        try writeGray([0, 255, 255, 0], width: 2, to: dir + "/gt/a.png")
        try writeGray([0, 1, 1, 0], width: 2, to: dir + "/pred/a.png")
        var job = evalJob(dir)
        job.config.classes = 3
        let outcome = try job.run()
        XCTAssertEqual(outcome.states[0].onlyIgnoreImages, 1)
        XCTAssertEqual(outcome.states[0].confusion.total, 2, "the two 255 pixels are ignored")
        XCTAssertTrue(outcome.warnings.contains { "\($0)".contains("`numClasses` 2 `gtValues` binary") }, "\(outcome.warnings)")
        job.config.classes = 2
        let binary = try job.run()
        XCTAssertEqual(binary.states[0].onlyIgnoreImages, 0)
        XCTAssertEqual(binary.states[0].confusion.counts, [2, 0, 0, 2])
    }
}

/// Colour files become exactly the gray OpenCV's IMREAD_GRAYSCALE returns.
final class ReferenceGrayTests: XCTestCase {
    /// Fixtures/metrics/jpeg/generate.py saved OpenCV's reading of a colour JPEG.
    func testColourJPEGIsLibjpegsYChannel() throws {
        let dir = Repo.root + "/Fixtures/metrics/jpeg"
        let inputs = try PairEvaluator.load(gtPath: dir + "/opencv-gray.png", predPath: dir + "/colour.jpg", config: EvalConfig())
        let expected = try ImageReader.read(dir + "/opencv-gray.png").grayLevels8()
        XCTAssertEqual(inputs.prediction.levels8, expected)
        // The plain RGB decode converted by BT.601 differs somewhere (why the gray path exists).
        let rgb = try ImageReader.read(dir + "/colour.jpg")
        XCTAssertEqual(rgb.colorModel, .rgb)
        XCTAssertNotEqual(ReferenceGray.levels(rgb, format: .jpeg), expected)
    }
}

/// Found by the AddressSanitizer run in CI: the weighted-F workspace keeps the
/// size of the largest image so far, and the error fill of a smaller image
/// that followed read past the end of its ground truth.
final class WeightedFWorkspaceTests: XCTestCase {
    func testFillSeesExactlyTheCurrentImageAfterALargerOne() {
        let workspace = WeightedFWorkspace()
        var sizes: [Int] = []
        let big = [UInt8](repeating: 0, count: 64).enumerated().map { $0.offset % 3 == 0 ? UInt8(1) : 0 }
        let small: [UInt8] = [1, 0, 0, 1, 0, 0]
        for (gt, width, height) in [(big, 8, 8), (small, 3, 2)] {
            let score = WeightedFMeasure.score(gt: gt, width: width, height: height, beta: 1, workspace: workspace) { e in
                sizes.append(e.count)
                for i in e.indices { e[i] = 0 }  // a perfect prediction
            }
            XCTAssertEqual(score, 1, accuracy: 1e-12, "zero error everywhere is a weighted F of 1")
        }
        XCTAssertEqual(sizes, [64, 6])
    }
}

/// SVG labels are escaped scalar by scalar (the CSV finding's twin).
final class SVGEscapeTests: XCTestCase {
    func testMarkupCharactersFollowedByCombiningMarksAreEscaped() {
        XCTAssertEqual(LineChart.escape("<\u{301}a & \"\u{05BF}>"), "&lt;\u{301}a &amp; &quot;\u{05BF}&gt;")
    }
}
