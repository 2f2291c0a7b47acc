import Foundation
import SegCore
import XCTest

/// Checksums of every file a command may read, taken before and after each
/// `runTool` run, so that every command in the test suite also tests that
/// inputs are never modified. Inputs are the existing paths among the
/// arguments and stdin lines (folders walked without following links), minus
/// anything at or under the value of an output option. Runs with
/// `--in-place`, which rewrites inputs on request, are not guarded.
public struct InputGuard {
    /// Options whose value is a place the command writes.
    public static let outputOptions: Set<String> = ["--out", "-o", "--preview", "--save-fields", "--curves", "--plot",
                                                     "--per-image", "--overlays", "--state"]
    private var fingerprints: [String: UInt64] = [:]

    /// Fingerprints the inputs of one command line run in `directory`.
    public init(arguments: [String], stdin: String?, directory: String?) {
        guard !arguments.contains("--in-place") else { return }
        let base = directory ?? FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String {
            (path.hasPrefix("/") ? path : base + "/" + path).replacingOccurrences(of: "//", with: "/")
        }
        var outputs: [String] = []
        var candidates: [String] = []
        for (index, argument) in arguments.enumerated() {
            if index > 0, Self.outputOptions.contains(arguments[index - 1]) { outputs.append(absolute(argument)); continue }
            if let eq = argument.firstIndex(of: "="), Self.outputOptions.contains(String(argument[..<eq])) {
                outputs.append(absolute(String(argument[argument.index(after: eq)...]))); continue
            }
            if !argument.hasPrefix("-") || argument.contains("/") { candidates.append(argument) }
        }
        candidates += (stdin ?? "").split(whereSeparator: \.isNewline).map(String.init)
        func isOutput(_ path: String) -> Bool { outputs.contains { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") } }
        for candidate in candidates {
            let path = absolute(candidate)
            guard !isOutput(path) else { continue }
            for file in Self.files(at: path) where !isOutput(file) {
                if let bytes = FileManager.default.contents(atPath: file) {
                    fingerprints[file] = bytes.withUnsafeBytes { XXH64.hash($0) }
                }
            }
        }
    }

    /// Regular files at `path`: the file itself, or every file under a folder.
    private static func files(at path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return [] }
        guard isFolder.boolValue else { return [path] }
        guard let walker = FileManager.default.enumerator(at: URL(fileURLWithPath: path), includingPropertiesForKeys: [.isRegularFileKey],
                                                          options: [], errorHandler: { _, _ in true }) else { return [] }
        var result: [String] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            result.append(url.path)
        }
        return result
    }

    /// Fails the current test for every input whose bytes changed or that disappeared.
    public func verify(_ command: String, file: StaticString = #filePath, line: UInt = #line) {
        for (path, fingerprint) in fingerprints.sorted(by: { $0.key < $1.key }) {
            guard let bytes = FileManager.default.contents(atPath: path) else {
                XCTFail("\(command) removed its input \(path)", file: file, line: line); continue
            }
            if bytes.withUnsafeBytes({ XXH64.hash($0) }) != fingerprint {
                XCTFail("\(command) modified its input \(path)", file: file, line: line)
            }
        }
    }

    /// Number of files being guarded (tests of the guard itself use it).
    public var count: Int { fingerprints.count }
}
