import Foundation
import SegCore
import XCTest
@testable import SegMetrics

/// Shards merged give exactly what one run gives.
final class MergeTests: XCTestCase {
    func testShardsMergeToTheSingleRunBitForBit() throws {
        let gt = Repo.root + "/Fixtures/metrics/edge/gt", pred = Repo.root + "/Fixtures/metrics/edge/pred"
        var job = EvalJob()
        job.gt = [gt]
        job.predictions = [pred]
        job.config.gtColors = .gray  // the edge set has a colour GT, read as the reference tools read it
        job.workers = 2
        let single = try job.run().states[0]
        var parts: [EvalState] = []
        for i in [2, 0, 1] {
            var shard = job
            shard.shard = Shard(index: i, count: 3)
            shard.workers = 1
            parts.append(try shard.run().states[0])
        }
        XCTAssertLessThan(parts[0].images, single.images)
        var merged = parts[0]
        try merged.merge(parts[1])
        XCTAssertFalse(merged.isComplete)
        XCTAssertThrowsError(try merged.merge(parts[0]), "the same shard twice")
        try merged.merge(parts[2])
        XCTAssertTrue(merged.isComplete)
        var expected = single
        expected.shards = [Shard(index: 0, count: 3), Shard(index: 1, count: 3), Shard(index: 2, count: 3)]
        XCTAssertEqual(merged, expected)
        // And through the state file.
        let dir = try makeTemporaryDirectory(self)
        try EvalState.write([merged], to: dir + "/m.state")
        let back = try EvalState.read(dir + "/m.state")
        XCTAssertEqual(back, [merged])
        XCTAssertEqual(EvalReport.render([EvalResults(back[0])], format: .json),
                       EvalReport.render([EvalResults(single)], format: .json))
    }

    func testStatesOfDifferentOptionsDoNotMerge() throws {
        var job = EvalJob()
        job.gt = [Repo.root + "/Fixtures/metrics/edge/gt"]
        job.predictions = [Repo.root + "/Fixtures/metrics/edge/pred"]
        job.config.gtColors = .gray
        job.shard = Shard(index: 0, count: 2)
        var a = try job.run().states[0]
        job.shard = Shard(index: 1, count: 2)
        job.config.threshold = 0.6
        let b = try job.run().states[0]
        XCTAssertThrowsError(try a.merge(b))
    }
}
