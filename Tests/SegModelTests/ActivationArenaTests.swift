import SegCore
import XCTest
@testable import SegModel

/// The planned activation arena: buffers alive at the same time never share
/// memory, the block is no larger than needed, and whatever a pass does
/// differently from the plan falls back to the pool without harm.
final class ActivationArenaTests: XCTestCase {
    typealias Lifetime = ActivationArena.Lifetime

    func testBuffersWithDisjointLifetimesShareMemory() {
        // A [0, 2) and C [2, 4) never coexist; B [1, 3) overlaps both.
        let layout = ActivationArena.layout([Lifetime(bytes: 100, start: 0, end: 2), Lifetime(bytes: 100, start: 1, end: 3),
                                             Lifetime(bytes: 100, start: 2, end: 4)])
        XCTAssertEqual(layout.offsets, [0, 128, 0])
        XCTAssertEqual(layout.size, 256)
    }

    func testCoexistingBuffersNeverOverlapAndEscapingOnesAreNotPlanned() {
        var generator = SeededGenerator(seed: 31)
        for _ in 0..<50 {
            var lifetimes: [Lifetime] = []
            var open: [Int] = []
            var event = 0
            for _ in 0..<120 {
                if open.isEmpty || Bool.random(using: &generator) {
                    open.append(lifetimes.count)
                    lifetimes.append(Lifetime(bytes: Int.random(in: 1...5000, using: &generator), start: event, end: nil))
                } else {
                    lifetimes[open.remove(at: Int.random(in: 0..<open.count, using: &generator))].end = event
                }
                event += 1
            }
            let layout = ActivationArena.layout(lifetimes)
            var mostLive = 0
            for t in 0..<event {
                let live = lifetimes.indices.filter { lifetimes[$0].start <= t && t < (lifetimes[$0].end ?? Int.max) && lifetimes[$0].end != nil }
                mostLive = max(mostLive, live.reduce(0) { $0 + (lifetimes[$1].bytes + 63) / 64 * 64 })
                for a in live {
                    for b in live where a < b {
                        let (oa, ob) = (layout.offsets[a]!, layout.offsets[b]!)
                        XCTAssertTrue(oa + lifetimes[a].bytes <= ob || ob + lifetimes[b].bytes <= oa, "buffers \(a) and \(b) overlap at event \(t)")
                    }
                }
            }
            for (i, lifetime) in lifetimes.enumerated() {
                XCTAssertEqual(layout.offsets[i] == nil, lifetime.end == nil, "only buffers released in the pass are planned")
                if let offset = layout.offsets[i] { XCTAssertEqual(offset % 64, 0) }
            }
            XCTAssertGreaterThanOrEqual(layout.size, mostLive)
            XCTAssertLessThanOrEqual(layout.size, mostLive * 3 / 2, "greedy by size stays near the most memory live at once")
        }
    }

    /// A pass of feature maps as a network makes them: temporaries freed in
    /// the pass, an output that outlives it.
    private func pass(_ compute: Compute, side: Int, seed: Float) -> FeatureMap {
        compute.pass {
            let a = FeatureMap(channels: 4, height: side, width: side, values: [Float](repeating: seed, count: 4 * side * side))
            var b: FeatureMap? = FeatureMap(channels: 8, height: side, width: side)
            for i in 0..<b!.count { b!.data[i] = a.data[i % a.count] + 1 }
            let c = FeatureMap(channels: 2, height: side, width: side)
            for i in 0..<c.count { c.data[i] = b!.data[i] * 2 }
            b = nil
            let out = FeatureMap(channels: 1, height: side, width: side)
            for i in 0..<out.count { out.data[i] = c.data[i] + c.data[c.count - 1 - i] }
            return out
        }
    }

    func testLaterPassesFollowThePlanAndOutputsSurviveThem() throws {
        let compute = try Compute(workers: 1)
        let arena = try XCTUnwrap(compute.arena)
        let first = pass(compute, side: 400, seed: 1)
        XCTAssertEqual(arena.plannedTakes, 0, "the first pass records")
        let second = pass(compute, side: 400, seed: 2)
        XCTAssertEqual(arena.plannedTakes, 3, "a, b and c from the block; the output, which outlives its pass, from the pool")
        let third = pass(compute, side: 400, seed: 3)
        XCTAssertEqual(arena.plannedTakes, 6)
        // (seed + 1) · 2, twice.
        XCTAssertEqual(Set(first.values), [8])
        XCTAssertEqual(Set(second.values), [12])
        XCTAssertEqual(Set(third.values), [16])
        // Another size: the pass leaves the plan at its first buffer, gives the idle block back, runs
        // on the pool, and is the new plan, in a block of its own size.
        let large = arena.blockBytes
        let other = pass(compute, side: 240, seed: 1)
        XCTAssertEqual(arena.plannedTakes, 6)
        XCTAssertEqual(Set(other.values), [8])
        XCTAssertGreaterThan(large, 0)
        XCTAssertLessThan(arena.blockBytes, large)
        _ = pass(compute, side: 240, seed: 1)
        XCTAssertEqual(arena.plannedTakes, 9)
    }

    /// Memory stays bounded by the larger pass when sizes change: the old
    /// block is gone before the new pass's first buffer is taken from the pool.
    func testAPassOfAnotherSizeDoesNotKeepTheOldBlock() throws {
        let compute = try Compute(workers: 1)
        let arena = try XCTUnwrap(compute.arena)
        _ = pass(compute, side: 400, seed: 1)
        _ = pass(compute, side: 400, seed: 1)
        XCTAssertGreaterThan(arena.blockBytes, 0)
        compute.pass {
            let map = FeatureMap(channels: 4, height: 300, width: 300)
            XCTAssertEqual(arena.blockBytes, 0, "released as soon as the pass leaves the plan")
            map.data[0] = 1
        }
    }

    func testPassesInsideAPassAndWithoutPlanningRunOnThePool() throws {
        let compute = try Compute(workers: 1)
        let arena = try XCTUnwrap(compute.arena)
        for _ in 0..<3 {
            let out = compute.pass { pass(compute, side: 16, seed: 0) }
            XCTAssertEqual(Set(out.values), [4])
        }
        XCTAssertEqual(arena.plannedTakes, 6, "the outer pass plans; the inner one is part of it")
        let plain = try Compute(workers: 1, plansActivations: false)
        XCTAssertNil(plain.arena)
        XCTAssertEqual(Set(pass(plain, side: 16, seed: 0).values), [4])
    }
}
