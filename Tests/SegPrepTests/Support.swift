import Foundation
import XCTest
import SegImage
@testable import SegPrep

enum Repo {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let fixtures = root + "/Fixtures"
    static let shared = root + "/../shared/datasets"
}

func makeTemporaryDirectory(_ test: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "segprep-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

func gray(_ values: [UInt8], width: Int? = nil) -> Image {
    Image.gray8(width: width ?? values.count, height: width.map { values.count / $0 } ?? 1, pixels: values)
}

func samples8(_ image: Image) -> [UInt8] {
    if case .uint8(let s) = image.samples { return s }
    return []
}

/// Files below `dir`, relative, sorted.
func listing(_ dir: String) -> [String] {
    (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? [])
        .filter { !((dir + "/" + $0) as NSString).isDirectory }.sorted()
}

extension NSString {
    var isDirectory: Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: self as String, isDirectory: &isDir) && isDir.boolValue
    }
}

/// Runs `check` on arguments as the command does, with options adjusted by `configure`.
func runCheck(_ arguments: [String], _ configure: (inout CheckOptions) -> Void = { _ in }) throws -> CheckReport {
    var options = CheckOptions()
    configure(&options)
    let (sources, initial) = try Checker.sources(arguments, labelSuffix: nil)
    return try Checker.run(sources, initialFindings: initial, options: options)
}
