import Foundation
import XCTest

/// Paths of the repository, its fixtures and the shared datasets beside it.
public enum Repo {
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    public static let fixtures = root + "/Fixtures"
    public static let shared = root + "/../shared/datasets"
}

/// A fresh temporary directory removed at the end of the test.
public func makeTemporaryDirectory(_ test: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "segkit-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}
