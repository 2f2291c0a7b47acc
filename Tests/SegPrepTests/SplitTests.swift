import Foundation
import SegFiles
import XCTest
import SegCore
@testable import SegImage
@testable import SegPrep

/// Hand-computed split plans and exact manifests.
final class SplitPlanTests: XCTestCase {
    private func pairs(_ names: [String]) -> [DatasetPair] {
        names.map { name in
            let file = InputFile(path: "/d/img/" + name, relativePath: name)
            return DatasetPair(key: Pairing.key(name, suffix: nil)!, image: file,
                               label: InputFile(path: "/d/lbl/" + name, relativePath: name))
        }
    }

    private func names(_ plan: SplitPlan, _ split: Int) -> [String] {
        plan.splits[split].map { plan.pairs[$0].image.relativePath }
    }

    func testRatioCountsTakeTheFirstPairsInNaturalOrder() throws {
        // The lung-CT tutorial's img_t_v[:188] on 200 files named 0..199.
        let all = pairs((0..<200).map { "\($0).png" })
        var options = SplitOptions()
        options.ratio = try RatioSpec.parse("188")
        let plan = try Splitter.plan(all, options: options)
        XCTAssertEqual(names(plan, 0), (0..<188).map { "\($0).png" })
        XCTAssertEqual(names(plan, 1), (188..<200).map { "\($0).png" })
        XCTAssertEqual(plan.splits[2], [])
        options.ratio = try RatioSpec.parse("188,7")
        let three = try Splitter.plan(all, options: options)
        XCTAssertEqual(three.splits.map(\.count), [188, 7, 5])
        XCTAssertEqual(names(three, 2), ["195.png", "196.png", "197.png", "198.png", "199.png"])
    }

    func testFractionsUseLargestRemainder() throws {
        // 10 units at 0.7/0.15/0.15: quotas 7, 1.5, 1.5 → 7, 1, 1 and one left over; the tie goes to val.
        XCTAssertEqual(try RatioSpec.parse("0.7,0.15,0.15").sizes(total: 10), [7, 2, 1])
        // 7 units at 0.5/0.25/0.25: 3.5, 1.75, 1.75 → 3, 1, 1 + 2 left: the .75s first (val, test).
        XCTAssertEqual(try RatioSpec.parse("0.5,0.25,0.25").sizes(total: 7), [3, 2, 2])
        // 0.8 → the rest is val: 11 units → 8.8, 2.2 → 8, 2, +1 to train.
        XCTAssertEqual(try RatioSpec.parse("0.8").sizes(total: 11), [9, 2, 0])
        XCTAssertEqual(try RatioSpec.parse("0.7,0.2").sizes(total: 10), [7, 2, 1])
        XCTAssertEqual(try RatioSpec.parse("1").sizes(total: 4), [4, 0, 0])
        for total in [1, 2, 3, 17, 101] {
            XCTAssertEqual(try RatioSpec.parse("0.33,0.33,0.34").sizes(total: total).reduce(0, +), total)
        }
        for bad in ["0.7,0.2,0.2", "1.5", "a", "1,2,3,4", "-3", "0.9,0.2"] {
            XCTAssertThrowsError(try RatioSpec.parse(bad), bad)
        }
        XCTAssertThrowsError(try RatioSpec.parse("188").sizes(total: 30))
        XCTAssertThrowsError(try RatioSpec.parse("10,10,5").sizes(total: 30))
    }

    func testGroupsNeverSplitAndRatiosApplyToGroups() throws {
        // 3 patients with 4, 1 and 3 slices; 2 groups to train, 1 to val.
        let all = pairs(["P1_0.png", "P1_1.png", "P1_2.png", "P1_3.png", "P2_0.png", "P3_0.png", "P3_1.png", "P3_2.png"])
        var options = SplitOptions()
        options.ratio = try RatioSpec.parse("2")
        options.groupBy = "^(P\\d+)_"
        let plan = try Splitter.plan(all, options: options)
        XCTAssertEqual(names(plan, 0), ["P1_0.png", "P1_1.png", "P1_2.png", "P1_3.png", "P2_0.png"])
        XCTAssertEqual(names(plan, 1), ["P3_0.png", "P3_1.png", "P3_2.png"])
        XCTAssertEqual(plan.unitCounts, [2, 1, 0])
        options.groupBy = "^(Q\\d+)_"
        XCTAssertThrowsError(try Splitter.plan(all, options: options)) { XCTAssertTrue("\($0)".contains("8 image path")) }
    }

    func testFoldsFollowKFoldSizesAndRespectGroups() throws {
        let all = pairs((0..<7).map { "\($0).png" })
        var options = SplitOptions()
        options.folds = 3
        let plan = try Splitter.plan(all, options: options)
        // sklearn KFold sizes for 7 items in 3 folds: 3, 2, 2, contiguous.
        XCTAssertEqual(plan.folds!, [[0, 1, 2], [3, 4], [5, 6]])
        let grouped = pairs(["A_0.png", "A_1.png", "B_0.png", "C_0.png", "C_1.png", "C_2.png"])
        options.groupBy = "^(\\w)_"
        let byGroup = try Splitter.plan(grouped, options: options)
        XCTAssertEqual(byGroup.folds!, [[0, 1], [2], [3, 4, 5]])
        options.folds = 4
        XCTAssertThrowsError(try Splitter.plan(grouped, options: options))
    }

    func testStratifySpreadsForegroundAndEmptyImages() throws {
        // 10 pairs: the first 6 have no foreground, the last 4 do. 50/50 split.
        let all = pairs((0..<10).map { "\($0).png" })
        let measures = (0..<10).map { PairMeasure(pixels: 100, foreground: $0 < 6 ? 0 : 30) }
        var options = SplitOptions()
        options.ratio = try RatioSpec.parse("0.5")
        options.stratify = StratifySpec(bins: 1)
        let plan = try Splitter.plan(all, options: options, measures: measures)
        // Without stratification train would be 0…4 (5 empty); with it each split gets 3 empty and 2 with foreground.
        XCTAssertEqual(plan.splits[0], [0, 2, 4, 6, 8])
        XCTAssertEqual(plan.splits[1], [1, 3, 5, 7, 9])
        XCTAssertEqual(StratifySpec(bins: 4).stratum(0), 0)
        XCTAssertEqual(StratifySpec(bins: 4).stratum(0.1), 1)
        XCTAssertEqual(StratifySpec(bins: 4).stratum(0.5), 3)
        XCTAssertEqual(StratifySpec(bins: 4).stratum(1.0), 4)
    }

    func testProportionalInterleavingKeepsExactSizes() {
        XCTAssertEqual(Splitter.proportional([2, 1]), [0, 1, 0])
        // Deficits target·(k+1) − assigned·n with n = 5: k=0 (3,1,1) → 0; k=1 (1,2,2) → 1 (tie to the
        // earlier); k=2 (4,−2,3) → 0; k=3 (2,full,4) → 2; k=4 → 0.
        XCTAssertEqual(Splitter.proportional([3, 1, 1]), [0, 1, 0, 2, 0])
        let big = Splitter.proportional([70, 15, 15])
        XCTAssertEqual(big.filter { $0 == 0 }.count, 70)
        XCTAssertEqual(big.filter { $0 == 2 }.count, 15)
    }

    func testPairingByStemAcrossExtensionsAndSuffixes() {
        let images = [InputFile(path: "/i/7.jpg", relativePath: "7.jpg"), InputFile(path: "/i/10.jpg", relativePath: "10.jpg"),
                      InputFile(path: "/i/2.jpg", relativePath: "2.jpg"), InputFile(path: "/i/a/3.png", relativePath: "a/3.png")]
        let labels = [InputFile(path: "/l/7_mask.png", relativePath: "7_mask.png"), InputFile(path: "/l/2_mask.png", relativePath: "2_mask.png"),
                      InputFile(path: "/l/a/3_mask.png", relativePath: "a/3_mask.png"), InputFile(path: "/l/9.png", relativePath: "9.png")]
        let pairing = Pairing(images: images, labels: labels, labelSuffix: "_mask")
        XCTAssertEqual(pairing.pairs.map(\.image.relativePath), ["2.jpg", "7.jpg", "a/3.png"])
        XCTAssertEqual(pairing.pairs.map { $0.label!.relativePath }, ["2_mask.png", "7_mask.png", "a/3_mask.png"])
        XCTAssertEqual(pairing.unpairedImages.map(\.relativePath), ["10.jpg"])
        XCTAssertEqual(pairing.unpairedLabels.map(\.relativePath), ["9.png"])
        let clash = Pairing(images: [InputFile(path: "/i/7.jpg", relativePath: "7.jpg"), InputFile(path: "/i/7.png", relativePath: "7.png")],
                            labels: [], labelSuffix: nil)
        XCTAssertEqual(clash.ambiguous.count, 1)
    }
}

/// The split job end to end on the fixtures, through the library.
final class SplitJobTests: XCTestCase {
    private func run(_ out: String, _ configure: (inout SplitJobOptions) throws -> Void = { _ in }) throws -> SplitReport {
        var options = SplitJobOptions(images: Repo.fixtures + "/cells/image", labels: Repo.fixtures + "/cells/label", out: out)
        try configure(&options)
        return try SplitJob.run(options)
    }

    private func canonicalEntries(_ manifest: String) throws -> [String] {
        try Manifest.read(manifest).map { entry in
            ([entry.image] + (entry.label.map { [$0] } ?? [])).map { URL(fileURLWithPath: $0).standardizedFileURL.path }
                .joined(separator: "\t")
        }
    }

    func testGoldenShuffleWithSeed7() throws {
        let out = try makeTemporaryDirectory(self)
        _ = try run(out) { $0.split.ratio = try RatioSpec.parse("0.75"); $0.split.seed = 7 }
        // Fixtures/split-golden/*.txt come from an independent Python implementation of the documented algorithm.
        for split in ["train", "val"] {
            XCTAssertEqual(try canonicalEntries(out + "/\(split).txt"),
                           try canonicalEntries(Repo.fixtures + "/split-golden/\(split).txt"), split)
        }
    }

    func testByteIdenticalAcrossRunsAndThreadCounts() throws {
        let root = try makeTemporaryDirectory(self)
        var outputs: [[String: [UInt8]]] = []
        for (i, workers) in [1, 2, 2].enumerated() {
            let out = root + "/run\(i)"
            let report = try run(out) {
                $0.split.ratio = try RatioSpec.parse("0.6,0.2,0.2")
                $0.split.seed = 42
                $0.split.stratify = StratifySpec(bins: 3)
                $0.workers = workers
            }
            var files: [String: [UInt8]] = [:]
            for name in report.written where name != "split.json" { files[name] = try FileBytes.read(out + "/" + name) }
            outputs.append(files)
        }
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertEqual(outputs[1], outputs[2])
        XCTAssertEqual(outputs[0].keys.sorted(), ["test.txt", "train.txt", "val.txt"])
    }

    func testManifestFormatsAndRelativePaths() throws {
        let root = try makeTemporaryDirectory(self)
        _ = try run(root + "/txt") { $0.split.ratio = try RatioSpec.parse("18") }
        let txt = String(decoding: try FileBytes.read(root + "/txt/val.txt"), as: UTF8.self)
        let relative = Manifest.relativePath(from: URL(fileURLWithPath: root + "/txt").resolvingSymlinksInPath().path,
                                             to: URL(fileURLWithPath: Repo.fixtures).resolvingSymlinksInPath().path)
        XCTAssertEqual(txt, "\(relative)/cells/image/18.png\t\(relative)/cells/label/18.png\n\(relative)/cells/image/19.png\t\(relative)/cells/label/19.png\n")
        _ = try run(root + "/csv") { $0.split.ratio = try RatioSpec.parse("18"); $0.format = .csv; $0.absolute = true }
        let csv = String(decoding: try FileBytes.read(root + "/csv/val.csv"), as: UTF8.self)
        XCTAssertTrue(csv.hasPrefix("image,label\n/"), csv)
        _ = try run(root + "/json") { $0.split.ratio = try RatioSpec.parse("18"); $0.format = .json }
        let json = try Manifest.read(root + "/json/val.json")
        XCTAssertEqual(json.count, 2)
        XCTAssertTrue(FileManager.default.fileExists(atPath: json[0].label!))
        // split.json records the hashes of the data files.
        let record = try JSONSerialization.jsonObject(with: Data(FileBytes.read(root + "/txt/split.json"))) as! [String: Any]
        let hashes = record["files"] as! [String: String]
        XCTAssertEqual(hashes.count, 40)
        XCTAssertEqual(hashes["\(relative)/cells/label/0.png"], SHA256.hex(try FileBytes.read(Repo.fixtures + "/cells/label/0.png")))
    }

    func testRefusesToOverwriteWithoutForceAndTestImagesAreImageOnly() throws {
        let out = try makeTemporaryDirectory(self)
        _ = try run(out) { $0.testImages = Repo.fixtures + "/cells/image" }
        // Existing manifests are a FileError .exists, to which every tool adds "pass --force to replace" (SegCLITests).
        XCTAssertThrowsError(try run(out)) { XCTAssertEqual(($0 as? FileError)?.kind, .exists, "\($0)") }
        _ = try run(out) { $0.force = true; $0.testImages = Repo.fixtures + "/cells/image" }
        let test = try Manifest.read(out + "/test.txt")
        XCTAssertEqual(test.count, 20)
        XCTAssertNil(test[0].label)
    }

    func testUnpairedFilesFailUnlessAllowed() throws {
        let root = try makeTemporaryDirectory(self)
        try FileManager.default.createDirectory(atPath: root + "/img", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/lbl", withIntermediateDirectories: true)
        for k in 0..<3 { try FileManager.default.copyItem(atPath: Repo.fixtures + "/cells/image/\(k).png", toPath: root + "/img/\(k).png") }
        for k in 1..<4 { try FileManager.default.copyItem(atPath: Repo.fixtures + "/cells/label/\(k).png", toPath: root + "/lbl/\(k).png") }
        var options = SplitJobOptions(images: root + "/img", labels: root + "/lbl", out: root + "/out")
        XCTAssertThrowsError(try SplitJob.run(options)) { error in
            XCTAssertTrue("\(error)".contains("0.png") && "\(error)".contains("3.png"), "\(error)")
        }
        options.allowUnpaired = true
        let report = try SplitJob.run(options)
        XCTAssertEqual(report.plan.pairs.count, 2)
        XCTAssertEqual(report.unpairedImages.count, 1)
        XCTAssertEqual(report.unpairedLabels.count, 1)
    }

    func testFoldsWriteManifestsAndNNUNetSplits() throws {
        let out = try makeTemporaryDirectory(self)
        _ = try run(out) { $0.split.folds = 4 }
        let splits = try JSONSerialization.jsonObject(with: Data(FileBytes.read(out + "/splits_final.json"))) as! [[String: [String]]]
        XCTAssertEqual(splits.count, 4)
        XCTAssertEqual(splits[0]["val"], ["0", "1", "2", "3", "4"])
        XCTAssertEqual(splits[3]["val"], ["15", "16", "17", "18", "19"])
        XCTAssertEqual(splits[1]["train"]!.count, 15)
        for f in 0..<4 {
            let val = try Manifest.read(out + "/fold\(f)/val.txt")
            XCTAssertEqual(val.count, 5)
            XCTAssertTrue(FileManager.default.fileExists(atPath: val[0].image), val[0].image)
        }
    }
}
