import Foundation
import SegCore
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

/// What a command-line run printed and returned.
public struct ToolRun: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// Wall-clock time of the run.
    public let seconds: Double
    public init(status: Int32, stdout: String, stderr: String, seconds: Double) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds
    }
}

/// Bounds for a run: killed (exit 137) after `seconds`, and an address-space
/// limit so that a runaway allocation fails instead of exhausting the machine.
/// The memory limit is skipped under AddressSanitizer, whose shadow memory
/// needs terabytes of address space (`SEGKIT_NO_MEMORY_LIMIT` set).
public struct ResourceLimits: Sendable {
    public var seconds: Int
    public var memoryKiB: Int
    public init(seconds: Int = 60, memoryKiB: Int = 4 << 20) {
        self.seconds = seconds
        self.memoryKiB = memoryKiB
    }
    var shellPrefix: String {
        ProcessInfo.processInfo.environment["SEGKIT_NO_MEMORY_LIMIT"] == nil ? "ulimit -v \(memoryKiB); " : ""
    }
}

/// Runs one of the package's built executables (found beside the test bundle)
/// as a user or a CI pipeline would: arguments, optional stdin, optional
/// working directory; stdout and stderr captured separately. Every run also
/// checks that the command left its inputs byte for byte unchanged (``InputGuard``).
@discardableResult
public func runTool(_ name: String, _ arguments: [String], stdin: String? = nil, in directory: String? = nil,
                    limits: ResourceLimits? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> ToolRun {
    let guarded = InputGuard(arguments: arguments, stdin: stdin, directory: directory)
    defer { guarded.verify("\(name) \(arguments.prefix(3).joined(separator: " "))", file: file, line: line) }
    if let limits {
        return try runProcess("/bin/bash", ["-c", limits.shellPrefix + "exec timeout -s KILL \(limits.seconds) \"$0\" \"$@\"", toolPath(name)] + arguments,
                              stdin: stdin, in: directory)
    }
    return try runProcess(toolPath(name), arguments, stdin: stdin, in: directory)
}

/// Runs any program with arguments, optional stdin and working directory, and
/// captures its status, stdout, stderr and wall-clock time (``runTool`` for
/// the package's tools; shell scripts and `git` in the tests directly).
public func runProcess(_ executable: String, _ arguments: [String], stdin: String? = nil, in directory: String? = nil) throws -> ToolRun {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let started = Date()
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    // Drain stderr on another thread so a chatty run cannot fill one pipe while we wait on the other.
    let errBox = DataBox()
    let reader = Thread { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while errBox.data == nil { usleep(1000) }
    return ToolRun(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                   stderr: String(decoding: errBox.data!, as: UTF8.self), seconds: Date().timeIntervalSince(started))
}

/// Every file below `folder` (relative paths, sorted; empty when it does not exist).
public func listing(_ folder: String) -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
    var files: [String] = []
    while let item = walker.nextObject() as? String {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder + "/" + item, isDirectory: &isFolder), !isFolder.boolValue { files.append(item) }
    }
    return files.sorted()
}

/// Path of a built executable of the package.
public func toolPath(_ name: String) -> String { Bundle.main.bundleURL.appendingPathComponent(name).path }

private final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Data?
    var data: Data? {
        get { lock.lock(); defer { lock.unlock() }; return value }
        set { lock.lock(); value = newValue; lock.unlock() }
    }
}

/// An uncompressed little-endian TIFF of one page of 32-bit gray samples
/// (`signed`: SampleFormat 2, else 1).
public func labelTIFF32(_ values: [UInt32], width: Int, height: Int, signed: Bool) -> [UInt8] {
    func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    func u32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
    let tags: [(tag: Int, type: Int, value: Int)] = [
        (256, 4, width), (257, 4, height), (258, 3, 32), (259, 3, 1), (262, 3, 1),
        (273, 4, 0), (277, 3, 1), (278, 4, height), (279, 4, values.count * 4), (339, 3, signed ? 2 : 1),
    ]
    let ifdOffset = 8, ifdSize = 2 + 12 * tags.count + 4, dataOffset = ifdOffset + ifdSize
    var bytes: [UInt8] = [0x49, 0x49, 42, 0] + u32(ifdOffset) + u16(tags.count)
    for t in tags {
        let value = t.tag == 273 ? dataOffset : t.value
        bytes += u16(t.tag) + u16(t.type) + u32(1) + (t.type == 3 ? u16(value) + [0, 0] : u32(value))
    }
    bytes += u32(0)
    for v in values { bytes += u32(Int(v)) }
    return bytes
}
