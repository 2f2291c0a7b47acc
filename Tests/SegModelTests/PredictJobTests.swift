import Foundation
import SegCore
import SegImage
import SegTestSupport
import XCTest

@testable import SegModel

/// `PredictJob.run` writes each image while the next one is predicted: the
/// outcome must still be what a strictly sequential run gives.
final class PredictJobTests: XCTestCase {
    private func job(keepGoing: Bool) throws -> PredictJob {
        let model = try LoadedModel(path: Repo.fixtures + "/models/cells-unet.safetensors")
        let settings = try ResolvedPreprocessing(model.preprocessing(), network: model.network)
        var job = PredictJob(predictor: Predictor(model: model, settings: settings, compute: try Compute(workers: 2)))
        job.keepGoing = keepGoing
        job.mask = true
        return job
    }

    /// Items 0…4 of the cells fixture; item 2's output lies under a regular
    /// file, so writing it fails.
    private func items(_ out: String) throws -> [PredictJob.Item] {
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: out + "/blocked"))
        return (0..<5).map { i in
            PredictJob.Item(input: Repo.fixtures + "/cells/image/\(i).png", output: out + (i == 2 ? "/blocked/2.png" : "/\(i).png"))
        }
    }

    func testAWriteFailureStopsTheRunEvenWithKeepGoing() throws {
        for keepGoing in [false, true] {
            let out = try makeTemporaryDirectory(self)
            let items = try items(out)
            let announced = ResultSlots<Bool>(count: items.count)
            let summary = try job(keepGoing: keepGoing).run(items, wrote: { item in
                announced.set(items.firstIndex(of: item)!, true)
            })
            XCTAssertEqual(summary.written.map(\.output), [items[0].output, items[1].output], "keepGoing \(keepGoing)")
            XCTAssertEqual(summary.failures.count, 1)
            XCTAssertTrue(PredictJob.isWriteFailure(summary.failures[0]), "\(summary.failures[0])")
            XCTAssertEqual(announced.values.map { $0 ?? false }, [true, true, false, false, false])
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).sorted(), ["0.png", "1.png", "blocked"],
                           "the image predicted while the failing write ran is not written")
        }
    }

    func testAnUnreadableInputIsSkippedWithKeepGoingAndEveryOtherImageIsWritten() throws {
        let out = try makeTemporaryDirectory(self)
        let broken = out + "/broken.png"
        try Data("not a PNG".utf8).write(to: URL(fileURLWithPath: broken))
        var items = (0..<4).map { PredictJob.Item(input: Repo.fixtures + "/cells/image/\($0).png", output: out + "/maps/\($0).png") }
        items.insert(PredictJob.Item(input: broken, output: out + "/maps/broken.png"), at: 1)
        let summary = try job(keepGoing: true).run(items)
        XCTAssertEqual(summary.written.map(\.output), items.enumerated().filter { $0.offset != 1 }.map(\.element.output))
        XCTAssertEqual(summary.failures.count, 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out + "/maps").sorted(), ["0.png", "1.png", "2.png", "3.png"])
    }

    /// Probability maps are written uncompressed (Deflate costs a tenth of a
    /// prediction's time and saves little on noisy floats): the file holds
    /// every float of the page, and reads back as the probabilities.
    func testFloatMapsAreWrittenUncompressed() throws {
        let out = try makeTemporaryDirectory(self)
        var job = try job(keepGoing: false)
        job.mask = false
        job.format = .tiff32
        let item = PredictJob.Item(input: Repo.fixtures + "/cells/image/0.png", output: out + "/0.tif")
        XCTAssertEqual(try job.run([item]).written, [item])
        let size = try FileManager.default.attributesOfItem(atPath: item.output)[.size] as! Int
        XCTAssertGreaterThanOrEqual(size, 256 * 256 * 4)
        let want = try job.predictor.probabilities(ImageReader.read(item.input))
        XCTAssertEqual(try FloatTIFF.read(item.output)[0].values, want.values)
    }
}
