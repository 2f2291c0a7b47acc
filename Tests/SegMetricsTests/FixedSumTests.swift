import XCTest
@testable import SegMetrics

final class FixedSumTests: XCTestCase {
    /// Any order and any split into parts gives the same bits.
    func testOrderIndependent() {
        var values: [Double] = []
        var x: UInt64 = 12345
        for _ in 0..<1000 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            values.append(Double(x >> 11) / Double(1 << 53))
        }
        var forward = FixedSum(), backward = FixedSum(), a = FixedSum(), b = FixedSum()
        for v in values { forward.add(v) }
        for v in values.reversed() { backward.add(v) }
        for (i, v) in values.enumerated() { if i % 3 == 0 { a.add(v) } else { b.add(v) } }
        b.merge(a)
        XCTAssertEqual(forward, backward)
        XCTAssertEqual(forward, b)
        XCTAssertEqual(forward.count, 1000)
        // And it is the sum: compare with a compensated sum.
        var s = 0.0, c = 0.0
        for v in values { let y = v - c; let t = s + y; c = (t - s) - y; s = t }
        XCTAssertEqual(forward.value, s, accuracy: 1e-12)
    }

    func testMeanOfNothingIsNaN() {
        XCTAssertTrue(FixedSum().mean.isNaN)
        var s = FixedSum()
        s.add(0.25); s.add(0.75)
        XCTAssertEqual(s.mean, 0.5)
    }
}
