import Foundation
import SegFiles
import SegCore
import SegFuzzing
import SegImage
import SegTestSupport
import XCTest

/// Replays every committed fuzz reproducer and seed (Fixtures/fuzz) and the
/// hostile corpus through the fuzz targets' checks, in a normal build: what
/// once broke a property must keep holding it.
final class FuzzRegressionTests: XCTestCase {
    func testCommittedReproducersAndSeeds() throws {
        var replayed = 0
        for (target, check) in FuzzChecks.targets.sorted(by: { $0.key < $1.key }) {
            for folder in ["regressions", "seeds"] {
                let path = Repo.fixtures + "/fuzz/\(folder)/\(target)"
                for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                    XCTAssertNoThrow(try check(try FileBytes.read(path + "/" + name)), "\(target): \(folder)/\(name)")
                    replayed += 1
                }
            }
        }
        XCTAssertGreaterThanOrEqual(replayed, 9)
    }

    func testHostileImagesThroughTheDecoderChecks() throws {
        let formats: [String: ImageFormat] = ["png": .png, "jpg": .jpeg, "tif": .tiff, "gif": .gif]
        for item in try HostileCorpus.images() {
            for format in formats.values {
                XCTAssertNoThrow(try FuzzChecks.decoder(format, item.bytes), item.name)
            }
        }
    }

    /// The first finding (a txt manifest whose only path is a byte-order mark
    /// after a blank line): the path cannot be written to a txt manifest.
    func testTxtManifestRefusesALeadingByteOrderMark() throws {
        let entries = try Manifest.parse("\n\u{FEFF}", format: .txt, source: "t")
        XCTAssertEqual(entries, [ManifestEntry(image: "\u{FEFF}", label: nil)])
        XCTAssertThrowsError(try Manifest.render(entries, format: .txt))
        XCTAssertNoThrow(try FuzzChecks.manifest(Array("\n\u{FEFF}".utf8)))
    }

    /// The second finding: a CSV row with an empty image path parsed to an
    /// entry that rendered as a blank line and vanished. Empty image paths are
    /// now an error in CSV and JSON; an empty JSON label means no label, as in CSV.
    func testEmptyImagePathsAreRefused() throws {
        XCTAssertThrowsError(try Manifest.parse("image,label0\n,12\n", format: .csv, source: "m.csv")) { error in
            XCTAssertTrue("\(error)".contains("m.csv:2"), "\(error)")
        }
        XCTAssertThrowsError(try Manifest.parse(#"[{"image": "", "label": "a.png"}]"#, format: .json, source: "m.json"))
        XCTAssertThrowsError(try Manifest.parse(#"[""]"#, format: .json, source: "m.json"))
        XCTAssertEqual(try Manifest.parse(#"[{"image": "a.png", "label": ""}]"#, format: .json, source: "m.json"),
                       [ManifestEntry(image: "a.png", label: nil)])
        XCTAssertEqual(try Manifest.parse("image,label\na.png,\n", format: .csv, source: "m.csv"), [ManifestEntry(image: "a.png", label: nil)])
    }

    /// The third finding: a quote followed by a combining mark (one Swift
    /// Character that is not `"`) was not doubled when a CSV cell was quoted, so
    /// the cell ended early when read back.
    func testCSVQuotesEveryQuoteScalar() throws {
        let cell = "a\"\u{05BF}b,c"
        XCTAssertEqual(CSV.quote(cell), "\"a\"\"\u{05BF}b,c\"")
        let entries = [ManifestEntry(image: "x\"\u{301}.png", label: "y,\"\u{05BF}.png")]
        XCTAssertEqual(try Manifest.parse(try Manifest.render(entries, format: .csv), format: .csv, source: "m.csv"), entries)
    }
}
