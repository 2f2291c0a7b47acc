import Foundation
import XCTest
import SegImage

enum Repo {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let shared = root + "/../shared/datasets"
}

func makeTemporaryDirectory(_ test: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "segeval-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

/// Writes an 8-bit gray PNG (creating folders).
func writeGray(_ values: [UInt8], width: Int, to path: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try ImageWriter.write(Image.gray8(width: width, height: values.count / width, pixels: values), to: path, as: .png(level: 1, filtered: false))
}
