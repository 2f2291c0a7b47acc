import SegCore
import XCTest
@testable import SegModel

/// The activation pool reuses freed buffers but never keeps more than the
/// most that was ever in use at once, so peak memory is what the network needs.
final class BufferPoolTests: XCTestCase {
    func testFreedBuffersAreReusedBySize() {
        let pool = BufferPool()
        let a = pool.take(bytes: 4096)
        pool.give(a, bytes: 4096)
        XCTAssertEqual(pool.held, 4096)
        XCTAssertEqual(pool.take(bytes: 4096), a, "a freed buffer of the same size comes back")
        XCTAssertEqual(pool.held, 0)
        XCTAssertEqual(pool.inUse, 4096)
        pool.give(a, bytes: 4096)
    }

    func testKeptPlusInUseNeverExceedsTheHighWaterMark() {
        let pool = BufferPool()
        var generator = SeededGenerator(seed: 5)
        var outstanding: [(UnsafeMutableRawPointer, Int)] = []
        let sizes = [64, 4096, 65_536, 1 << 20, 3 << 20]
        var maxInUse = 0
        for _ in 0..<2_000 {
            if outstanding.isEmpty || Bool.random(using: &generator) {
                let bytes = sizes.randomElement(using: &generator)!
                let pointer = pool.take(bytes: bytes)
                XCTAssertEqual(Int(bitPattern: pointer) % (bytes >= 2 << 20 ? 2 << 20 : 64), 0, "aligned")
                outstanding.append((pointer, bytes))
            } else {
                let (pointer, bytes) = outstanding.remove(at: Int.random(in: 0..<outstanding.count, using: &generator))
                pool.give(pointer, bytes: bytes)
            }
            maxInUse = max(maxInUse, outstanding.reduce(0) { $0 + $1.1 })
            XCTAssertEqual(pool.inUse, outstanding.reduce(0) { $0 + $1.1 })
            XCTAssertEqual(pool.highWater, maxInUse)
            XCTAssertLessThanOrEqual(pool.inUse + pool.held, pool.highWater)
        }
        for (pointer, bytes) in outstanding { pool.give(pointer, bytes: bytes) }
    }
}
