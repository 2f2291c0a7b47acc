import Foundation
import SegCore
import SegImage
import SegTestSupport
import XCTest
@testable import SegMetrics

/// The distance family against MONAI 1.6.1, MedPy 0.5.2 and Metrics
/// Reloaded, Boundary IoU against Metrics Reloaded and boundary-iou-api, and
/// BF against the DAVIS 2017 code (Fixtures/metrics/distance/generate.py):
/// every image's value under every convention, to 1e-9 (MONAI computes in
/// float32: 1e-6 relative), and the dataset means.
final class DistanceAgreementTests: XCTestCase {
    static let distanceKeys = ["HD", "HD95", "ASSD", "MASD", "ASD", "NSD"]

    /// Hand-computed: a 3×3 square against the same square moved one column right.
    func testHandComputedSquares() {
        var gt = [UInt8](repeating: 0, count: 7 * 7), pred = gt
        for y in 2...4 { for x in 2...4 { gt[y * 7 + x] = 1; pred[y * 7 + x + 1] = 1 } }
        var o = DistanceOptions()
        let s = DistanceScores(prediction: pred, gt: gt, width: 7, height: 7, options: o)
        // Surfaces: 8 pixels each (the centre is interior). Prediction → GT: the
        // right column (3 px) and the pixel over GT's interior centre are 1 away,
        // the other 4 lie on GT's surface; GT → prediction likewise.
        XCTAssertEqual(s.hd, 1)
        XCTAssertEqual(s.asd, 4.0 / 8, accuracy: 1e-15)
        XCTAssertEqual(s.assd, 8.0 / 16, accuracy: 1e-15)
        XCTAssertEqual(s.nsd, 1)
        o.spacing = Spacing(row: 2, column: 0.5)
        XCTAssertEqual(DistanceScores(prediction: pred, gt: gt, width: 7, height: 7, options: o).hd, 0.5, "columns are 0.5 wide")
        let empty = [UInt8](repeating: 0, count: 49)
        o = DistanceOptions()
        XCTAssertEqual(DistanceScores(prediction: empty, gt: gt, width: 7, height: 7, options: o).hd, .infinity, "MONAI: a miss is inf")
        o.emptyDistance = try! EmptyDistance(parsing: "max")
        XCTAssertEqual(DistanceScores(prediction: empty, gt: gt, width: 7, height: 7, options: o).hd95, 98.0.squareRoot(), accuracy: 1e-12)
    }

    /// The exact transform against brute force on random masks with anisotropic
    /// pixels: small dense ones (the local search) and wide sparse ones (rows
    /// that fall back to the lower envelope).
    func testDistanceTransformIsExact() {
        var rng = SystemRandomNumberGenerator()
        for trial in 0..<30 {
            let wide = trial >= 20
            let w = wide ? Int.random(in: 100...260, using: &rng) : Int.random(in: 1...23, using: &rng)
            let h = wide ? Int.random(in: 1...12, using: &rng) : Int.random(in: 1...19, using: &rng)
            // Wide and sparse: searches run long; wide and dense: rows exhaust their search budget.
            let rarity = wide ? (trial % 2 == 0 ? 400 : 3) : (trial % 2 == 0 ? 9 : 40)
            let features = (0..<(w * h)).map { _ in UInt8(Int.random(in: 0..<rarity, using: &rng) == 0 ? 1 : 0) }
            let spacing = Spacing(row: Double.random(in: 0.3...2, using: &rng), column: Double.random(in: 0.3...2, using: &rng))
            guard let d = EuclideanDistanceTransform.distances(features: features, width: w, height: h, spacing: spacing) else {
                XCTAssertFalse(features.contains(1)); continue
            }
            for i in 0..<(w * h) {
                var best = Double.infinity
                for j in 0..<(w * h) where features[j] != 0 {
                    let dy = Double(i / w - j / w) * spacing.row, dx = Double(i % w - j % w) * spacing.column
                    best = min(best, (dy * dy + dx * dx).squareRoot())
                }
                XCTAssertEqual(d[i], best, accuracy: 1e-12 * max(best, 1), "trial \(trial) pixel \(i)")
            }
        }
    }

    /// Sparse queries (a few per row, as surfaces of real masks give) on
    /// wide images: windows fill only part of a row, grown left and right
    /// as the queries move; against brute force, unit and anisotropic pixels.
    func testSparseQueriesAreExact() {
        var rng = SeededGenerator(seed: 11)
        for trial in 0..<12 {
            let w = Int.random(in: 150...400, using: &rng), h = Int.random(in: 5...30, using: &rng)
            let spacing = trial % 2 == 0 ? Spacing.unit : Spacing(row: 0.7, column: 1.3)
            let features = (0..<(w * h)).filter { _ in Int.random(in: 0..<(trial < 6 ? 60 : 900), using: &rng) == 0 }.map { Int32($0) }
            let queries = (0..<(w * h)).filter { _ in Int.random(in: 0..<25, using: &rng) == 0 }.map { Int32($0) }
            guard !features.isEmpty else { continue }
            let got = EuclideanDistanceTransform(features: features, width: w, height: h, spacing: spacing).distances(at: queries)
            for (n, q) in queries.enumerated() {
                var best = Double.infinity
                for f in features {
                    let dy = Double(Int(q) / w - Int(f) / w) * spacing.row, dx = Double(Int(q) % w - Int(f) % w) * spacing.column
                    best = min(best, (dy * dy + dx * dx).squareRoot())
                }
                XCTAssertEqual(got[n], best, accuracy: 1e-12 * max(best, 1), "trial \(trial) query \(q)")
            }
        }
    }

    /// The vertical pass both ways: every column's offset to the nearest
    /// feature at or below (stored) and at or above (swept down), at widths
    /// that are and are not multiples of the 16-column steps and 64-bit words.
    func testVerticalPassGivesEachColumnsNearestFeatureRows() {
        var rng = SeededGenerator(seed: 12)
        for (w, h) in [(300, 60), (70, 9), (64, 5), (16, 3), (1, 7)] {
            let features = (0..<(w * h)).filter { _ in Int.random(in: 0..<40, using: &rng) == 0 }.map { Int32($0) }
            let transform = EuclideanDistanceTransform(features: features, width: w, height: h, spacing: .unit)
            let rows = (0..<w).map { c in features.filter { Int($0) % w == c }.map { Int($0) / w } }
            let above = VerticalSweep(stride: transform.stride)
            defer { above.deallocate() }
            transform.features.words.withUnsafeBufferPointer { words in
                for y in 0..<h {
                    above.step(words.baseAddress! + y * transform.features.stride)
                    for c in 0..<w {
                        let below = transform.below[y * transform.stride + c], up = above.offsets[c]
                        if let nearest = rows[c].filter({ $0 >= y }).min() { XCTAssertEqual(Int(below), nearest - y, "\(w)×\(h) row \(y) column \(c)") }
                        else { XCTAssertGreaterThanOrEqual(below, EuclideanDistanceTransform.far) }
                        if let nearest = rows[c].filter({ $0 <= y }).max() { XCTAssertEqual(Int(up), y - nearest, "\(w)×\(h) row \(y) column \(c)") }
                        else { XCTAssertGreaterThanOrEqual(up, EuclideanDistanceTransform.far) }
                    }
                }
            }
        }
    }

    /// Selection gives what sorting gives, at every rank, with duplicates,
    /// for doubles and floats, and the pair gives the next order statistic:
    /// small sets (sorted directly) and large ones (radix passes), with
    /// surface-like distances (square roots of integers), zeros and +inf.
    func testSelectionMatchesSorting() {
        var rng = SeededGenerator(seed: 7)
        for n in [1, 2, 3, 7, 50, 301, 4000] {
            var values = (0..<n).map { _ in Double(Int.random(in: 0..<(n / 3 + 2), using: &rng)).squareRoot() }
            if n > 100 { values[3] = .infinity; values[5] = 0 }
            let sorted = values.sorted(), floats = values.map { Float($0) }, sortedFloats = floats.sorted()
            for k in (n > 500 ? Array(stride(from: 0, to: n, by: 37)) + [n - 1] : Array(0..<n)) {
                XCTAssertEqual(Percentile.selectPair(values, k).0, sorted[k], "n \(n) k \(k)")
                XCTAssertEqual(Percentile.selectPair(floats, k).0, sortedFloats[k], "float n \(n) k \(k)")
                let pair = Percentile.selectPair(values, k)
                XCTAssertEqual(pair.0, sorted[k])
                XCTAssertEqual(pair.1, sorted[min(k + 1, n - 1)], "next after n \(n) k \(k)")
            }
            XCTAssertEqual(Percentile.linear(values, 95), { let p = Double(n - 1) * 0.95, l = Int(p), u = min(l + 1, n - 1), t = p - Double(l)
                if sorted[l] == sorted[u] { return sorted[l] }
                return t >= 0.5 ? sorted[u] - (sorted[u] - sorted[l]) * (1 - t) : sorted[l] + (sorted[u] - sorted[l]) * t }())
        }
    }

    /// More than two classes: each foreground class against the rest, as
    /// the binary scores of its two masks; the scalar is their mean.
    func testClassesOneVersusRest() throws {
        let dir = try makeTemporaryDirectory(self)
        let w = 24, h = 18
        var gt = [UInt8](repeating: 0, count: w * h), pred = gt
        for y in 2..<9 { for x in 3..<11 { gt[y * w + x] = 1; pred[(y + 1) * w + x + 2] = 1 } }
        for y in 10..<16 { for x in 12..<22 { gt[y * w + x] = 2 } }
        for y in 11..<16 { for x in 13..<20 { pred[y * w + x] = 2 } }
        try writeGray(gt, width: w, to: "\(dir)/gt/a.png")
        try writeGray(pred, width: w, to: "\(dir)/pred/a.png")
        var job = evalJob(dir)
        job.config.classes = 3
        try MetricSelection(parsing: "distance").apply(to: &job.config)
        let values = MetricRegistry.values(try job.run().states[0])
        var means: [String: [Double]] = [:]
        for c in 1...2 {
            let scores = DistanceScores(prediction: pred.map { $0 == c ? 1 : 0 }, gt: gt.map { $0 == c ? 1 : 0 }, width: w, height: h, options: DistanceOptions())
            for key in Self.distanceKeys + ["BIoU", "BF"] {
                XCTAssertEqual(values.lists[key + "_per_class"]?[c] ?? .nan, scores.value(key), accuracy: 1e-12, "class \(c) \(key)")
                means[key, default: []].append(scores.value(key))
            }
        }
        for (key, pair) in means { XCTAssertEqual(values.scalars[key] ?? .nan, (pair[0] + pair[1]) / 2, accuracy: 1e-12, key) }
        XCTAssertTrue(values.lists["HD_per_class"]![0].isNaN, "class 0 is the rest")
    }

    /// A soft map read from its 8-bit levels (the class packed straight from
    /// the run of levels above the threshold) and the same map as 16-bit
    /// levels (through the class map) score alike, and the run is the one
    /// the threshold gives.
    func testEightBitLevelRunsAndSixteenBitClassMapsAgree() throws {
        let dir = try makeTemporaryDirectory(self)
        let w = 70, h = 40
        var rng = SeededGenerator(seed: 5)
        var gt = [UInt8](repeating: 0, count: w * h), soft = gt
        for y in 5..<30 { for x in 8..<50 { gt[y * w + x] = 255 } }
        for i in soft.indices {
            let y = i / w, x = i % w
            let inside = (7..<33).contains(y) && (10..<55).contains(x)
            soft[i] = UInt8(clamping: (inside ? 170 : 60) + Int.random(in: -70...70, using: &rng))
        }
        try writeGray(gt, width: w, to: "\(dir)/gt/a.png")
        try writeGray(soft, width: w, to: "\(dir)/pred8/a.png")
        try FileManager.default.createDirectory(atPath: "\(dir)/pred16", withIntermediateDirectories: true)
        let wide = Image(width: w, height: h, colorModel: .gray, samples: .uint16(soft.map { UInt16($0) * 257 }))
        try ImageWriter.write(wide, to: "\(dir)/pred16/a.png", as: .png(level: 1, filtered: false))
        func scores(_ pred: String) throws -> MetricValues {
            var job = evalJob(dir)
            job.predictions = [dir + "/" + pred]
            try MetricSelection(parsing: "distance").apply(to: &job.config)
            return MetricRegistry.values(try job.run().states[0])
        }
        let eight = try scores("pred8"), sixteen = try scores("pred16")
        for key in Self.distanceKeys + ["BIoU", "BF"] {
            XCTAssertEqual(eight.scalars[key] ?? .nan, sixteen.scalars[key] ?? .nan, key)
        }
        let expected = DistanceScores(prediction: soft.map { $0 >= 128 ? 1 : 0 }, gt: gt.map { $0 > 128 ? 1 : 0 }, width: w, height: h, options: DistanceOptions())
        XCTAssertEqual(eight.scalars["HD95"] ?? .nan, expected.hd95, accuracy: 1e-12)
        XCTAssertEqual(eight.scalars["ASSD"] ?? .nan, expected.assd, accuracy: 1e-12)
    }

    func testEdgeCases() throws { try check("edge", every: 1) }
    func testAnisotropicSpacing() throws { try check("edge-aniso", every: 1) }
    func testISBI() throws { try check("isbi", every: 1) }
    func testSOD300() throws { try check("sod300-DSS", every: 3) }

    /// The command line: infinite values as "inf", empty masks counted in the
    /// JSON and named in a warning, `--empty-distance max` scoring a miss, and
    /// three shards merging to the single run.
    func testCommandLineEmptyMasksAndShards() throws {
        let dir = try makeTemporaryDirectory(self)
        let gt = Repo.root + "/Fixtures/metrics/distance/gt", pred = Repo.root + "/Fixtures/metrics/distance/pred"
        let run = try runTool("segeval", ["--pred", pred, "--gt", gt, "--metrics", "distance", "--format", "json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["HD"] as? String, "inf", "a missed structure under MONAI's convention")
        let conventions = try XCTUnwrap((object["conventions"] as? [String: Any])?["distance"] as? [String: Any])
        XCTAssertEqual(conventions["reference"] as? String, "MONAI 1.6")
        XCTAssertEqual(conventions["empty_images"] as? [String: [Int]], ["gt": [1], "prediction": [1], "both": [1]])
        XCTAssertTrue(run.stderr.contains("HD95 is undefined for 3 of 9 images (empty masks), left out of its mean; --empty-distance max scores them"), run.stderr)

        let scored = try runTool("segeval", ["--pred", pred, "--gt", gt, "--metrics", "hd", "--empty-distance", "max", "--format", "csv"])
        XCTAssertEqual(scored.status, 0, scored.stderr)
        XCTAssertTrue(scored.stderr.contains("HD95 is undefined for 1 of 9 images"), "only the both-empty image: \(scored.stderr)")
        XCTAssertFalse(scored.stdout.contains("inf"), scored.stdout)
        XCTAssertEqual(try runTool("segeval", ["--pred", pred, "--gt", gt, "--empty-distance", "worst"]).status, 64)
        XCTAssertEqual(try runTool("segeval", ["--pred", pred, "--gt", gt, "--spacing", "0,1"]).status, 64)

        let single = try runTool("segeval", ["--pred", pred, "--gt", gt, "--metrics", "distance", "--spacing", "0.7,1.3", "--format", "json"])
        for i in 0..<3 {
            let r = try runTool("segeval", ["--pred", pred, "--gt", gt, "--metrics", "distance", "--spacing", "0.7,1.3", "--shard", "\(i)/3", "--state", "\(dir)/s\(i).state"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let merged = try runTool("segeval", ["merge", "\(dir)/s2.state", "\(dir)/s0.state", "\(dir)/s1.state", "--format", "json"])
        XCTAssertEqual(merged.status, 0, merged.stderr)
        XCTAssertEqual(merged.stdout, single.stdout)
    }

    /// Every `every`-th image of a model under the three conventions and both
    /// Boundary IoU definitions.
    private func check(_ name: String, every: Int) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Repo.root + "/Fixtures/metrics/distance/expected.json"))
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let model = try XCTUnwrap((root["models"] as? [String: [String: Any]])?[name])
        let gtDir = Repo.root + "/" + (model["gt"] as! String), predDir = Repo.root + "/" + (model["pred"] as! String)
        guard FileManager.default.fileExists(atPath: gtDir) else { throw XCTSkip("\(gtDir) is not available (../shared/datasets)") }
        let spacing = model["spacing"] as! [Double]
        let images = model["images"] as! [String: [String: Any]]
        let keys = images.keys.sorted(by: NaturalOrder.less).enumerated().filter { $0.offset % every == 0 }.map(\.element)
        let gtFiles = keys.map { gtDir + "/" + $0 + ".png" }
        for convention in DistanceConvention.allCases {
            for biou in BoundaryIoUDefinition.allCases where convention == .monai || biou == .metricsreloaded {
                var job = EvalJob()
                job.gt = gtFiles
                job.predictions = [predDir]
                job.allowMissing = true
                try MetricSelection(parsing: "distance").apply(to: &job.config)
                var o = DistanceOptions()
                o.convention = convention
                o.spacing = Spacing(row: spacing[0], column: spacing[1])
                o.boundaryIoU = biou
                job.config.distance = o
                job.workers = 2
                job.keepImageResults = true
                let outcome = try job.run()
                XCTAssertEqual(outcome.imageResults[0].count, keys.count, name)
                var perImage: [String: [Double]] = [:]
                for result in outcome.imageResults[0] {
                    let want = try XCTUnwrap(images[result.key], result.key)
                    let got = try XCTUnwrap(result.families["distance"]?.values.scalars)
                    let what = "\(name) \(result.key) \(convention) \(biou)"
                    let reference = want[convention.rawValue] as! [String: Any]
                    for key in Self.distanceKeys {
                        expect(got[key], reference[key], "\(what) \(key)", relative: convention == .monai ? 1e-6 : 1e-9)
                        perImage[key, default: []].append(got[key] ?? .nan)
                    }
                    let wantBIoU = biou == .cheng ? want["BIoU_cheng"] : (want["metricsreloaded"] as! [String: Any])["BIoU"]
                    expect(got["BIoU"], wantBIoU, "\(what) BIoU", relative: 1e-12)
                    expect(got["BF"], want["BF"], "\(what) BF", relative: 1e-12)
                }
                // Dataset values: the mean of the defined per-image values, inf when one is inf.
                let dataset = MetricRegistry.values(outcome.states[0])
                for key in Self.distanceKeys {
                    let values = perImage[key]!.filter { !$0.isNaN }
                    let want = values.contains(.infinity) ? Double.infinity : values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
                    let got = try XCTUnwrap(dataset.scalars[key])
                    if want.isNaN || want.isInfinite { XCTAssertEqual(got.isNaN, want.isNaN, key); XCTAssertEqual(got.isInfinite, want.isInfinite, key) } else {
                        XCTAssertEqual(got, want, accuracy: 1e-9 * max(1, want), "\(name) \(convention) dataset \(key)")
                    }
                }
            }
        }
    }

    private func expect(_ got: Double?, _ want: Any?, _ what: String, relative: Double, file: StaticString = #filePath, line: UInt = #line) {
        let got = got ?? .nan
        switch want {
        case let v as Double:
            XCTAssertEqual(got, v, accuracy: relative * max(1, abs(v)), what, file: file, line: line)
        case let s as String:
            XCTAssertEqual(got, s == "inf" ? .infinity : -.infinity, what, file: file, line: line)
        default:
            XCTAssertTrue(got.isNaN, "\(what): expected undefined, got \(got)", file: file, line: line)
        }
    }
}
