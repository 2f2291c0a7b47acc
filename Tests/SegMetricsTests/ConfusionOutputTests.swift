import Foundation
import XCTest
@testable import SegMetrics

/// The full confusion matrix in the JSON (`confusion_matrix`, rows ground
/// truth) and as a heat map with `--plot`.
final class ConfusionOutputTests: XCTestCase {
    func testMatrixInJSONAndHeatmap() throws {
        let dir = try makeTemporaryDirectory(self)
        // Three classes on 3×2 images: GT row-major, prediction row-major.
        try writeGray([0, 1, 2, 2, 1, 0], width: 3, to: "\(dir)/gt/a.png")
        try writeGray([0, 2, 2, 1, 1, 0], width: 3, to: "\(dir)/pred/a.png")
        let run = try runTool("segeval", ["--pred", "\(dir)/pred", "--gt", "\(dir)/gt", "--num-classes", "3",
                                          "--format", "json", "--plot", "\(dir)/plots"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        // GT 0 → 0, 0; GT 1 → 2, 1; GT 2 → 2, 1.
        XCTAssertEqual(object["confusion_matrix"] as? [[Int]], [[2, 0, 0], [0, 1, 1], [0, 1, 1]])
        let svg = try String(contentsOfFile: "\(dir)/plots/confusion.svg", encoding: .utf8)
        XCTAssertTrue(svg.contains("<title>GT 1, predicted 2: 1 pixels (0.5000 of the row)</title>"), svg)
        XCTAssertTrue(svg.contains("<title>GT 0, predicted 0: 2 pixels (1.0000 of the row)</title>"), svg)
        XCTAssertEqual(svg.components(separatedBy: "<rect ").count - 1, 1 + 9, "the background and one cell per (GT, prediction)")
        XCTAssertTrue(svg.hasPrefix("<svg ") && svg.hasSuffix("</svg>\n"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(dir)/plots/pr.svg"), "no curves for three classes")

        let distanceOnly = try runTool("segeval", ["--pred", "\(dir)/pred", "--gt", "\(dir)/gt", "--num-classes", "3",
                                                   "--metrics", "hd", "--plot", "\(dir)/other"])
        XCTAssertEqual(distanceOnly.status, 64, "nothing to plot")
        XCTAssertTrue(distanceOnly.stderr.contains("or the confusion matrix (iou)"), distanceOnly.stderr)
    }
}
