import SegCore
import XCTest
@testable import SegMetrics

/// The packed (64 pixels to a word) surfaces, boundaries and disk dilations
/// against their pixel-by-pixel definitions, on widths that are and are not
/// multiples of 64 and radii that shift by whole words.
final class PackedMaskTests: XCTestCase {
    /// Seeded masks of a given size and density (fraction of set pixels).
    private func randomMask(_ w: Int, _ h: Int, density: Double, _ rng: inout SeededGenerator) -> [UInt8] {
        (0..<(w * h)).map { _ in Double.random(in: 0..<1, using: &rng) < density ? 1 : 0 }
    }

    private let sizes = [(1, 1), (1, 7), (7, 1), (3, 3), (63, 5), (64, 4), (65, 6), (127, 3), (128, 2), (130, 9), (200, 1)]

    func testPackingAndPixelsMatchTheLabels() {
        var rng = SeededGenerator(seed: 1)
        for (w, h) in sizes {
            let labels = (0..<(w * h)).map { _ in UInt8.random(in: 0...3, using: &rng) }
            for member in UInt8(0)...3 {
                let mask = ClassMask(labels: labels, member: member, width: w, height: h)
                XCTAssertEqual(mask.pixels(), labels.indices.filter { labels[$0] == member }.map { Int32($0) }, "\(w)×\(h) class \(member)")
                XCTAssertEqual(mask.isEmpty, !labels.contains(member))
            }
        }
    }

    func testErosionSurfaceIsMaskMinusCrossErosion() {
        var rng = SeededGenerator(seed: 2)
        for (w, h) in sizes {
            for density in [0.3, 0.8, 1.0] {
                let m = randomMask(w, h, density: density, &rng)
                func at(_ y: Int, _ x: Int) -> Bool { y >= 0 && x >= 0 && y < h && x < w && m[y * w + x] != 0 }
                let want = (0..<(w * h)).filter { i in
                    let y = i / w, x = i % w
                    return at(y, x) && !(at(y - 1, x) && at(y + 1, x) && at(y, x - 1) && at(y, x + 1))
                }.map { Int32($0) }
                XCTAssertEqual(ClassMask(mask: m, width: w, height: h).erosionSurface().pixels(), want, "\(w)×\(h) density \(density)")
            }
        }
    }

    /// DAVIS `_seg2bmap` for a mask the image's size: e, s, se comparisons,
    /// outside = background, last row eastwards only, last column southwards only.
    func testDavisBoundaryFollowsSeg2bmap() {
        var rng = SeededGenerator(seed: 3)
        for (w, h) in sizes {
            for density in [0.5, 1.0] {
                let m = randomMask(w, h, density: density, &rng)
                func at(_ y: Int, _ x: Int) -> Bool { y < h && x < w && m[y * w + x] != 0 }
                let want = (0..<(w * h)).filter { i in
                    let y = i / w, x = i % w
                    let here = at(y, x), e = at(y, x + 1), s = at(y + 1, x), se = at(y + 1, x + 1)
                    if y == h - 1 && x == w - 1 { return false }
                    if y == h - 1 { return here != e }
                    if x == w - 1 { return here != s }
                    return here != e || here != s || here != se
                }.map { Int32($0) }
                XCTAssertEqual(ClassMask(mask: m, width: w, height: h).davisBoundary().pixels(), want, "\(w)×\(h) density \(density)")
            }
        }
    }

    /// Dilation by skimage's disk (dy² + dx² ≤ r²), including radii of a
    /// word and more, against brute force.
    func testDiskDilationMatchesBruteForce() {
        var rng = SeededGenerator(seed: 4)
        for (w, h) in [(1, 1), (9, 9), (65, 7), (130, 5), (150, 80)] {
            let m = randomMask(w, h, density: 0.01, &rng)
            let packed = PackedMask(values: m, inside: 1...1, width: w, height: h)
            for r in [0, 1, 2, 6, 63, 64, 65, 70] where r <= max(w, h) + 2 {
                let set = m.indices.filter { m[$0] != 0 }
                let want = (0..<(w * h)).filter { i in
                    set.contains { j in
                        let dy = i / w - j / w, dx = i % w - j % w
                        return dy * dy + dx * dx <= r * r
                    }
                }.map { Int32($0) }
                XCTAssertEqual(packed.dilated(byDiskOfRadius: r).pixels(), want, "\(w)×\(h) radius \(r)")
            }
        }
    }

    /// Boundary F from the packed dilation equals counting, per boundary
    /// pixel, whether the other boundary has a pixel within the radius.
    func testBoundaryFCountsMatchesWithinTheRadius() {
        var rng = SeededGenerator(seed: 5)
        let w = 140, h = 90
        // Blocky masks (random 7×7 cells), so the boundaries are contours rather than noise.
        func blocky(_ density: Double) -> [UInt8] {
            let cells = randomMask(20, 13, density: density, &rng)
            return (0..<(w * h)).map { i in cells[(i / w / 7) * 20 + (i % w) / 7] }
        }
        let p = blocky(0.5), g = blocky(0.6)
        let predB = ClassMask(mask: p, width: w, height: h).davisBoundary().pixels(), gtB = ClassMask(mask: g, width: w, height: h).davisBoundary().pixels()
        let r = Int((0.008 * Double(w * w + h * h).squareRoot()).rounded(.up))
        func matched(_ from: [Int32], _ to: [Int32]) -> Int {
            from.filter { i in to.contains { j in
                let dy = Int(i) / w - Int(j) / w, dx = Int(i) % w - Int(j) % w
                return dy * dy + dx * dx <= r * r
            } }.count
        }
        let precision = Double(matched(predB, gtB)) / Double(predB.count), recall = Double(matched(gtB, predB)) / Double(gtB.count)
        let want = 2 * precision * recall / (precision + recall)
        let got = DistanceScores(prediction: p, gt: g, width: w, height: h, options: DistanceOptions(), parts: .boundaryF).boundaryF
        XCTAssertEqual(got, want, accuracy: 1e-15)
    }
}
