import Foundation
import SegImage
import SegTestSupport
import XCTest

@testable import SegModel

// Runs the built executables: left out of the unit-test build (SEGKIT_UNIT_TESTS=1, docs/testing.md).
#if !SEGKIT_UNIT_TESTS
/// The U-Net trained on the real ISBI 2012 training set (`Fixtures/models/train_isbi.py`)
/// predicts the 30 test images; the PyTorch model's own predictions, made by
/// the same script from the stored weights, are the reference. The same for
/// the smp Unet (ResNet-18 encoder) that script trains with `--arch smp-unet`,
/// read from its save_pretrained folder.
final class ISBIAcceptanceTests: XCTestCase {
    static let images = Repo.shared + "/isbi2012/test/image"

    func testThirtyTestImagesMatchPyTorch() throws {
        try check(weights: Repo.fixtures + "/models/isbi-unet.safetensors", reference: Repo.fixtures + "/models/isbi-reference")
    }

    func testSMPUnetTrainedOnISBIMatchesPyTorch() throws {
        try check(weights: Repo.fixtures + "/models/isbi-smp-unet", reference: Repo.fixtures + "/models/isbi-smp-reference")
    }

    private func check(weights: String, reference: String) throws {
        guard FileManager.default.fileExists(atPath: Self.images) else { throw XCTSkip("ISBI 2012 not found at \(Self.images)") }
        let png = try makeTemporaryDirectory(self), tiff = try makeTemporaryDirectory(self)
        var r = try runTool("segpredict", ["--weights", weights, "--input", Self.images, "--out", png])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("30 of 30 images"), r.stderr)
        r = try runTool("segpredict", ["--weights", weights, "--input", Self.images, "--out", tiff, "--format", "tiff32"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let probe = try SafeTensors(contentsOf: reference + "/probe.safetensors")
        var worstFloat: Float = 0, worstLevel = 0, foreground = 0
        for n in 0..<30 {
            // Probabilities on every 8th row and column, to 1e-4.
            let page = try FloatTIFF.read("\(tiff)/\(n).tif")[0]
            XCTAssertEqual([page.width, page.height], [512, 512])
            let expected = try probe.floats("\(n)")
            XCTAssertEqual(expected.count, 64 * 64)
            for y in 0..<64 {
                for x in 0..<64 { worstFloat = max(worstFloat, abs(page.values[(8 * y) * 512 + 8 * x] - expected[y * 64 + x])) }
            }
            // The 8-bit maps, every pixel, within one level (rounding of values within 1e-4 of a half level).
            guard case .uint8(let ours) = try ImageReader.read("\(png)/\(n).png").samples,
                  case .uint8(let theirs) = try ImageReader.read("\(reference)/\(n).png").samples else { return XCTFail("not 8-bit") }
            XCTAssertEqual(ours.count, theirs.count)
            worstLevel = max(worstLevel, zip(ours, theirs).map { abs(Int($0) - Int($1)) }.max()!)
            foreground += ours.filter { $0 >= 128 }.count
        }
        XCTAssertLessThanOrEqual(worstFloat, 1e-4, "max |difference| of probabilities")
        XCTAssertLessThanOrEqual(worstLevel, 1)
        // A trained model, not a constant: ISBI is about 78 % cell interior.
        let share = Double(foreground) / Double(30 * 512 * 512)
        XCTAssertTrue((0.6...0.9).contains(share), "foreground share \(share)")
    }
}
#endif
