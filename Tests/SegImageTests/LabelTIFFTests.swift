import Foundation
import SegFiles
import SegTestSupport
import XCTest
@testable import SegImage

/// 32-bit integer TIFF label maps (what stardist, cellpose and tifffile
/// write for instances): read exactly as 16-bit label maps when every id
/// fits, refused with the offending id otherwise. The files are written
/// byte by byte here (uncompressed, one strip), so the test does not rely
/// on SegKit's own encoder.
final class LabelTIFFTests: XCTestCase {
    func testIdsThatFitSixteenBitsReadExactly() throws {
        let ids: [UInt32] = [0, 7, 7, 65535, 300, 0]
        for signed in [false, true] {
            let image = try ImageReader.decode(labelTIFF32(ids, width: 3, height: 2, signed: signed), path: "labels.tif")
            XCTAssertEqual(image.colorModel, .gray)
            XCTAssertEqual(image.samples, .uint16(ids.map { UInt16($0) }), "signed \(signed)")
            XCTAssertEqual(image.sourceBitDepth, 16)
        }
    }

    func testLargeAndNegativeIdsAreRefusedByValue() {
        assertImageError([.unsupported]) {
            try ImageReader.decode(labelTIFF32([0, 70000], width: 2, height: 1, signed: false), path: "big.tif")
        }
        do {
            _ = try ImageReader.decode(labelTIFF32([0, 70000], width: 2, height: 1, signed: false), path: "big.tif")
        } catch {
            XCTAssertTrue("\(error)".contains("big.tif") && "\(error)".contains("70000"), "\(error)")
        }
        do {
            _ = try ImageReader.decode(labelTIFF32([0, UInt32(bitPattern: -5)], width: 2, height: 1, signed: true), path: "neg.tif")
            XCTFail("a negative id is refused")
        } catch {
            XCTAssertTrue("\(error)".contains("-5"), "\(error)")
        }
    }
}
