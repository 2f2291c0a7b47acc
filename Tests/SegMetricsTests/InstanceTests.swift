import Foundation
import SegCore
import SegImage
import XCTest
@testable import SegMetrics

/// Instance pieces against definitions: component labelling against a
/// flood fill, the matching against brute force, and hand-computed scores
/// (the reference libraries' values are in InstanceAgreementTests).
final class InstanceTests: XCTestCase {
    /// Components against a flood fill on random masks, at both
    /// connectivities: the same partition, numbered by first pixel in raster order.
    func testComponentsMatchAFloodFill() {
        var rng = SeededGenerator(seed: 3)
        for trial in 0..<40 {
            let w = Int.random(in: 1...40, using: &rng), h = Int.random(in: 1...30, using: &rng)
            let density = [2, 3, 5][trial % 3]
            let mask = (0..<(w * h)).map { _ in UInt8(Int.random(in: 0..<density, using: &rng) == 0 ? 0 : 1) }
            for connectivity in Connectivity.allCases {
                let got = ConnectedComponents.label(mask, width: w, height: h, connectivity: connectivity)
                var want = [Int32](repeating: 0, count: w * h), next: Int32 = 0
                for start in 0..<(w * h) where mask[start] != 0 && want[start] == 0 {
                    next += 1
                    var stack = [start]
                    want[start] = next
                    while let i = stack.popLast() {
                        let y = i / w, x = i % w
                        for dy in -1...1 {
                            for dx in -1...1 where (dy != 0 || dx != 0) && (connectivity == .eight || dy == 0 || dx == 0) {
                                let ny = y + dy, nx = x + dx
                                guard ny >= 0, ny < h, nx >= 0, nx < w else { continue }
                                let j = ny * w + nx
                                if mask[j] != 0 && want[j] == 0 { want[j] = next; stack.append(j) }
                            }
                        }
                    }
                }
                XCTAssertEqual(got.labels, want, "trial \(trial) \(connectivity)")
                XCTAssertEqual(got.count, Int(next))
                XCTAssertEqual(InstanceOverlap(gt: got, prediction: got).gtAreas.reduce(0, +), mask.filter { $0 != 0 }.count)
            }
        }
        // A diagonal pair: two objects at 4, one at 8.
        let diagonal: [UInt8] = [1, 0, 0, 1]
        XCTAssertEqual(ConnectedComponents.label(diagonal, width: 2, height: 2, connectivity: .four).count, 2)
        XCTAssertEqual(ConnectedComponents.label(diagonal, width: 2, height: 2, connectivity: .eight).count, 1)
    }

    /// Arbitrary ids become 1 … n in increasing id order (relabel_sequential).
    func testSequentialRelabelling() {
        let ids: [UInt16] = [0, 65000, 7, 7, 300, 0, 65000, 300]
        let labels = InstanceLabels(ids: ids, width: 4, height: 2)
        XCTAssertEqual(labels.labels, [0, 3, 1, 1, 2, 0, 3, 2])
        XCTAssertEqual(labels.count, 3)
        XCTAssertEqual(InstanceOverlap(gt: labels, prediction: labels).gtAreas, [0, 2, 2, 2])
    }

    /// The matching's weight sum against every matching of small sparse problems.
    func testMatchingIsOptimal() {
        var rng = SeededGenerator(seed: 9)
        for trial in 0..<300 {
            let rows = Int.random(in: 1...5, using: &rng), columns = Int.random(in: 1...5, using: &rng)
            var edges: [MaximumWeightMatching.Edge] = []
            for r in 0..<rows {
                for c in 0..<columns where Int.random(in: 0..<3, using: &rng) > 0 {
                    // Few distinct weights, so that ties occur.
                    edges.append(.init(row: r + 10, column: c + 20, weight: Double(Int.random(in: 1...4, using: &rng)) / 4))
                }
            }
            let chosen = MaximumWeightMatching.solve(edges)
            XCTAssertEqual(Set(chosen.map { edges[$0].row }).count, chosen.count, "a row used twice")
            XCTAssertEqual(Set(chosen.map { edges[$0].column }).count, chosen.count, "a column used twice")
            func best(_ from: Int, _ usedRows: Set<Int>, _ usedColumns: Set<Int>) -> Double {
                guard from < edges.count else { return 0 }
                var value = best(from + 1, usedRows, usedColumns)
                let e = edges[from]
                if !usedRows.contains(e.row) && !usedColumns.contains(e.column) {
                    value = max(value, e.weight + best(from + 1, usedRows.union([e.row]), usedColumns.union([e.column])))
                }
                return value
            }
            XCTAssertEqual(chosen.reduce(0) { $0 + edges[$1].weight }, best(0, [], []), accuracy: 1e-12, "trial \(trial)")
        }
    }

    /// stardist's docstring example: a 10×10 square against itself moved 5
    /// rows (IoU 50/150) is no match at 0.5 and a match at 0.3.
    func testStardistDocstringExample() {
        var gt = [UInt16](repeating: 0, count: 100 * 100), pred = gt
        for y in 10..<20 { for x in 10..<20 { gt[y * 100 + x] = 1; pred[(y + 5) * 100 + x] = 1 } }
        let overlap = InstanceOverlap(gt: InstanceLabels(ids: gt, width: 100, height: 100), prediction: InstanceLabels(ids: pred, width: 100, height: 100))
        let strict = InstanceMatching(overlap, tau: 0.5)
        XCTAssertEqual([strict.truePositives, strict.falsePositives, strict.falseNegatives], [0, 1, 1])
        XCTAssertEqual([strict.precision, strict.recall, strict.f1, strict.panopticQuality], [0, 0, 0, 0])
        let loose = InstanceMatching(overlap, tau: 0.3)
        XCTAssertEqual(loose.truePositives, 1)
        XCTAssertEqual(loose.meanMatchedIoU, 1.0 / 3, accuracy: 1e-15)
        XCTAssertEqual(loose.panopticQuality, 1.0 / 3, accuracy: 1e-15)
    }

    /// Hand-computed AJI: GT objects A (4 px) and B (4 px), one prediction
    /// covering both (8 px) and a spurious one (2 px). AJI pairs both with the
    /// big prediction: (4 + 4) / (8 + 8 + 2); AJI+ pairs one: 4 / (8 + 4 + 2).
    func testAggregatedJaccardHandComputed() {
        let gt: [UInt8] = [1, 1, 2, 2, 0, 0,
                           1, 1, 2, 2, 0, 0]
        let pred: [UInt8] = [5, 5, 5, 5, 0, 9,
                             5, 5, 5, 5, 0, 9]
        let overlap = InstanceOverlap(gt: InstanceLabels(ids: gt, width: 6, height: 2), prediction: InstanceLabels(ids: pred, width: 6, height: 2))
        XCTAssertEqual(AggregatedJaccardIndex.aji(overlap), 8.0 / 18, accuracy: 1e-15)
        XCTAssertEqual(AggregatedJaccardIndex.ajiPlus(overlap), 4.0 / 14, accuracy: 1e-15)
        let pq = HoVerNetQuality(overlap, tau: 0.5)
        XCTAssertEqual([pq.truePositives, pq.falsePositives, pq.falseNegatives], [0, 2, 2], "IoU 0.5 is not above 0.5")
        let stardist = InstanceMatching(overlap, tau: 0.5)
        XCTAssertEqual(stardist.truePositives, 1, "stardist counts IoU ≥ 0.5")
        XCTAssertEqual(stardist.panopticQuality, 0.5 / (1 + 0.5 + 0.5), accuracy: 1e-15)
    }

    /// scikit-image's adapted Rand error and VI, hand-computed on one row:
    /// GT 1 1 1 2 2 0 against proposal 5 5 0 5 7 7 (0 unlabelled). On the five
    /// GT pixels: cells (1,5) = 2, (1,0) = 1, (2,5) = 1, (2,7) = 1; pairs
    /// Σn² − n = 7 − 5 = 2, GT Σa² − n = 13 − 5 = 8, proposal (sizes 3, 1, 1)
    /// Σb² − n = 11 − 5 = 6: skimage's precision 2/8, recall 2/6, error 1 − 2/7.
    func testAdaptedRandAndVIHandComputed() {
        let gt: [UInt8] = [1, 1, 1, 2, 2, 0], proposal: [UInt8] = [5, 5, 0, 5, 7, 7]
        let overlap = InstanceOverlap(gt: InstanceLabels(ids: gt, width: 6, height: 1), prediction: InstanceLabels(ids: proposal, width: 6, height: 1))
        let rand = RandScores.adaptedRand(overlap)
        XCTAssertEqual(rand.recall, 2.0 / 8, accuracy: 1e-15, "skimage's precision is Fiji's recall (scikit-image#6485)")
        XCTAssertEqual(rand.precision, 2.0 / 6, accuracy: 1e-15)
        XCTAssertEqual(1 - rand.fScore, 5.0 / 7, accuracy: 1e-15)
        let vi = RandScores.variationOfInformation(overlap)
        // H(proposal | GT): −Σ p·log₂(n_ij / a_i); H(GT | proposal): −Σ p·log₂(n_ij / b_j).
        XCTAssertEqual(vi.split, -(0.4 * log2(2.0 / 3) + 0.2 * log2(1.0 / 3) + 0.2 * log2(0.5) + 0.2 * log2(0.5)), accuracy: 1e-15)
        XCTAssertEqual(vi.merge, -(0.4 * log2(2.0 / 3) + 0.2 * log2(1.0 / 3)), accuracy: 1e-15)
    }

    /// scikit-image's NaNs: no shared pixel pair makes its precision and
    /// recall 0/0 or 0, and its F-score (so ARE) NaN — GT [1, 2] against one
    /// predicted segment [1, 1]: pairs Σn² − n = 0, GT pairs 0 (P = 0/0),
    /// prediction pairs 2 (R = 0); GT [[1,1],[2,2]] against [[1,2],[1,2]]: P = R = 0.
    func testAdaptedRandIsNaNWithoutSharedPairs() {
        let cases: [([UInt8], [UInt8], Int, Int)] = [([1, 2], [1, 1], 2, 1), ([1, 1, 2, 2], [1, 2, 1, 2], 2, 2)]
        for (gt, prediction, w, h) in cases {
            let overlap = InstanceOverlap(gt: InstanceLabels(ids: gt, width: w, height: h), prediction: InstanceLabels(ids: prediction, width: w, height: h))
            XCTAssertTrue(RandScores.adaptedRand(overlap).fScore.isNaN, "\(gt) vs \(prediction)")
        }
    }

    /// The instance overlay on one hand-made strip (3 rows, objects span all
    /// three; the middle row is checked): A matched exactly (green), B
    /// without a prediction (blue), C and D both wholly inside one predicted
    /// object (a merge: yellow, although it matches C at IoU 0.5), E matched
    /// by a 7-pixel piece (green) with an unmatched 2-pixel piece inside it
    /// (a split: magenta) and an uncovered matched pixel (black), F a
    /// prediction without GT (red); GT outlines white.
    func testInstanceOverlayColours() throws {
        // x:        A 0-5 | B 7-12 | C 14-17, D 18-21 | E 23-32 | F 34-37
        var gtRow = [UInt16](repeating: 0, count: 38), predRow = [UInt16](repeating: 0, count: 38)
        for x in 0...5 { gtRow[x] = 10; predRow[x] = 3 }
        for x in 7...12 { gtRow[x] = 20 }
        for x in 14...17 { gtRow[x] = 30 }
        for x in 18...21 { gtRow[x] = 40 }
        for x in 14...21 { predRow[x] = 8 }
        for x in 23...32 { gtRow[x] = 50 }
        for x in 23...29 { predRow[x] = 1 }
        for x in 31...32 { predRow[x] = 2 }
        for x in 34...37 { predRow[x] = 6 }
        let gt = InstanceLabels(ids: gtRow + gtRow + gtRow, width: 38, height: 3)
        let prediction = InstanceLabels(ids: predRow + predRow + predRow, width: 38, height: 3)
        let image = InstanceOverlay.image(gt: gt, prediction: prediction, tau: 0.5)
        guard case .uint8(let rgb) = image.samples else { return XCTFail("an 8-bit overlay") }
        func colour(_ x: Int) -> RGBA { let i = 3 * (38 + x); return RGBA(rgb[i], rgb[i + 1], rgb[i + 2]) }
        let expected: [(Int, RGBA, String)] = [
            (0, InstanceOverlay.matched, "A at the image edge"), (2, InstanceOverlay.matched, "A"), (5, InstanceOverlay.outline, "A's outline"),
            (6, Overlay.trueNegative, "background"), (9, InstanceOverlay.missed, "B missed"),
            (14, InstanceOverlay.outline, "C's outline"), (15, InstanceOverlay.merge, "C merged"), (17, InstanceOverlay.outline, "C meets D"),
            (19, InstanceOverlay.merge, "D merged"), (25, InstanceOverlay.matched, "E's matched piece"),
            (30, Overlay.trueNegative, "E's uncovered pixel: E is matched"), (31, InstanceOverlay.split, "E's second piece"),
            (35, InstanceOverlay.unmatched, "F, a prediction without GT"),
        ]
        for (x, want, what) in expected { XCTAssertEqual(colour(x), want, "x = \(x): \(what)") }
    }

    /// The overlap table and the areas (run-length kernels that find run
    /// starts sixteen pixels at a time) against counting pixel by pixel, on
    /// random maps of every length from 1 to 70 pixels with short and long
    /// runs, and on a 40 × 40 grid of 40 × 40 objects whose 1600 pairs
    /// overflow the first hash table (the retry path).
    func testOverlapAndAreasAgainstPixelCounts() {
        var generator = SeededGenerator(seed: 16)
        func check(_ g: [UInt16], _ p: [UInt16], width: Int, height: Int, _ what: String) {
            let gt = InstanceLabels(ids: g, width: width, height: height), prediction = InstanceLabels(ids: p, width: width, height: height)
            var shared: [Int: Int] = [:], gtAreas = [Int](repeating: 0, count: gt.count + 1), predAreas = [Int](repeating: 0, count: prediction.count + 1)
            var unlabelled = gtAreas, onGT = predAreas
            for i in g.indices {
                let t = Int(gt.labels[i]), q = Int(prediction.labels[i])
                gtAreas[t] += 1
                predAreas[q] += 1
                if t != 0 && q != 0 { shared[t << 32 | q, default: 0] += 1; onGT[q] += 1 }
                if t != 0 && q == 0 { unlabelled[t] += 1 }
            }
            (gtAreas[0], predAreas[0]) = (0, 0)
            let overlap = InstanceOverlap(gt: gt, prediction: prediction)
            XCTAssertEqual(overlap.gtAreas, gtAreas, what)
            XCTAssertEqual(overlap.predictionAreas, predAreas, what)
            XCTAssertEqual(overlap.gtUnlabelled, unlabelled, what)
            XCTAssertEqual(overlap.predictionOnGT, onGT, what)
            XCTAssertEqual(overlap.pairs, shared.keys.sorted().map { InstanceOverlap.Pair(gt: $0 >> 32, prediction: $0 & 0xFFFF_FFFF, shared: shared[$0]!) }, what)
        }
        for n in 1...70 {
            for runLength in [1, 3, 40] {
                var g: [UInt16] = [], p: [UInt16] = []
                while g.count < n {
                    let length = Int.random(in: 1...runLength, using: &generator)
                    g += Array(repeating: UInt16.random(in: 0...5, using: &generator), count: length)
                }
                while p.count < n {
                    let length = Int.random(in: 1...runLength, using: &generator)
                    p += Array(repeating: UInt16.random(in: 0...5, using: &generator), count: length)
                }
                check(Array(g.prefix(n)), Array(p.prefix(n)), width: n, height: 1, "\(n) pixels, runs up to \(runLength)")
            }
        }
        let grid = (0..<1600).map { UInt16($0 % 40 + 1) }, transposed = (0..<1600).map { UInt16($0 / 40 + 1) }
        check(grid, transposed, width: 40, height: 40, "1600 pairs")
    }

    /// The border thinning's invariants on random masks of every shape from
    /// 1 × 1 to 9 × 9 (single rows and columns included): every cell pixel is
    /// in a basin, cells of different components are in different basins,
    /// 4-adjacent pixels of different basins never touch (a dam, 0, lies
    /// between them), and dams are never cells.
    func testBorderThinningSeparatesBasins() {
        var generator = SeededGenerator(seed: 2012)
        for h in 1...9 {
            for w in 1...9 {
                for _ in 0..<4 {
                    let cells = (0..<(w * h)).map { _ in UInt8(Int.random(in: 0..<3, using: &generator) == 0 ? 0 : 1) }
                    let thinned = BorderThinning.labels(cells: cells, width: w, height: h)
                    let components = ConnectedComponents.label(cells, width: w, height: h, connectivity: .four)
                    var basinOfComponent: [Int32: Int32] = [:], componentOfBasin: [Int32: Int32] = [:]
                    for i in cells.indices {
                        let basin = thinned.labels[i]
                        if cells[i] != 0 {
                            XCTAssertGreaterThan(basin, 0, "\(w)×\(h): a cell pixel on a dam")
                            let component = components.labels[i]
                            XCTAssertEqual(basinOfComponent[component, default: basin], basin, "\(w)×\(h): a component split")
                            XCTAssertEqual(componentOfBasin[basin, default: component], component, "\(w)×\(h): two components in one basin")
                            basinOfComponent[component] = basin
                            componentOfBasin[basin] = component
                        }
                        let x = i % w
                        for j in [x + 1 < w ? i + 1 : -1, i + w < cells.count ? i + w : -1] where j >= 0 {
                            let a = thinned.labels[i], b = thinned.labels[j]
                            XCTAssertFalse(a > 0 && b > 0 && a != b, "\(w)×\(h): basins \(a) and \(b) touch")
                        }
                    }
                    XCTAssertEqual(Set(thinned.labels.filter { $0 > 0 }).count, thinned.count)
                }
            }
        }
    }
}
