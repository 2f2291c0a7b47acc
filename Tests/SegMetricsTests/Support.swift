import Foundation
import XCTest
@_exported import SegTestSupport
import SegImage
import SegMetrics


/// Writes an 8-bit gray PNG (creating folders).
func writeGray(_ values: [UInt8], width: Int, to path: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try ImageWriter.write(Image.gray8(width: width, height: values.count / width, pixels: values), to: path, as: .png(level: 1, filtered: false))
}

/// An evaluation job over `DIR/gt` and `DIR/pred` with default conventions.
func evalJob(_ dir: String) -> EvalJob {
    var job = EvalJob()
    job.gt = [dir + "/gt"]
    job.predictions = [dir + "/pred"]
    // The reference tools read colour masks as OpenCV's gray; segeval does so only when asked.
    job.config.gtColors = .gray
    return job
}
