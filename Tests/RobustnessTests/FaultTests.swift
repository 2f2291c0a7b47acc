import Foundation
import SegFiles
import SegCore
import SegImage
import SegTestSupport
import XCTest

/// Kills (SIGINT, SIGKILL) at random moments, a full disk (a small tmpfs) and
/// a file-size limit (`ulimit -f`) for every command that writes files: no
/// partial file may ever appear under a final name, and a full disk is a
/// clear write error (exit 2).
final class FaultTests: XCTestCase {
    /// A command writing into `out`, reading the workload under `data`.
    struct Command: Sendable {
        let name: String
        let tool: String
        /// Size of the full-disk tmpfs: a few outputs fit, not all (every file takes at least a 4 KiB page).
        var diskKiB = 48
        let arguments: @Sendable (_ data: String, _ out: String) -> [String]
    }

    static let commands: [Command] = [
        Command(name: "remap", tool: "segprep") { data, out in ["remap", data + "/labels", "--out", out, "--jobs", "1"] },
        Command(name: "split", tool: "segprep", diskKiB: 8) { data, out in
            ["split", "--images", data + "/images", "--labels", data + "/labels", "--ratio", "0.6,0.2,0.2", "--shuffle", "--seed", "1", "--out", out]
        },
        Command(name: "augment", tool: "segprep") { data, out in
            ["augment", "--images", data + "/images", "--labels", data + "/labels", "--elastic", "--copies", "2", "--out", out]
        },
        Command(name: "unstack", tool: "segprep") { data, out in ["unstack", data + "/stack.tif", "--out", out] },
        Command(name: "segeval", tool: "segeval") { data, out in
            ["--pred", data + "/labels", "--gt", data + "/labels", "--overlays", out + "/overlays", "--per-image", out + "/per-image.csv",
             "--state", out + "/state.json", "--curves", out + "/curves.csv", "--plot", out + "/plots"]
        },
        Command(name: "segpredict", tool: "segpredict") { data, out in
            ["--weights", Repo.fixtures + "/models/cells-unet.safetensors", "--input", data + "/images", "--out", out, "--threads", "1"]
        },
    ]

    /// 60 cell pairs (the 20 fixtures three times) and a 300-page TIFF, shared by all tests.
    static let workload: String = {
        let root = NSTemporaryDirectory() + "segkit-faults-" + UUID().uuidString
        let fm = FileManager.default
        for sub in ["images", "labels"] {
            try! fm.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true)
            for copy in 0..<3 {
                for i in 0..<20 {
                    try! fm.copyItem(atPath: Repo.fixtures + "/cells/\(sub == "images" ? "image" : "label")/\(i).png",
                                     toPath: root + "/\(sub)/c\(copy)-\(i).png")
                }
            }
        }
        let page = try! ImageReader.read(Repo.fixtures + "/cells/label/0.png")
        try! ImageWriter.writeTIFFStack(Array(repeating: page, count: 300), to: root + "/stack.tif")
        return root
    }()

    override class func tearDown() {
        try? FileManager.default.removeItem(atPath: workload)
    }

    func testKillingAnyCommandLeavesOnlyWholeFiles() throws {
        var random = SeededGenerator(seed: 20261122)
        for command in Self.commands {
            var interrupted = 0
            for trial in 0..<10 {
                let out = try makeTemporaryDirectory(self) + "/out"
                let guarded = InputGuard(arguments: command.arguments(Self.workload, out), stdin: nil, directory: nil)
                defer { guarded.verify("\(command.name) killed") }
                XCTAssertGreaterThan(guarded.count, 0, "the workload's files are guarded")
                let process = Process()
                process.executableURL = URL(fileURLWithPath: toolPath(command.tool))
                process.arguments = command.arguments(Self.workload, out)
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                usleep(useconds_t(10_000 + Int(random.next() % 400_000)))
                let signal = trial % 2 == 0 ? SIGINT : SIGKILL
                kill(process.processIdentifier, signal)
                process.waitUntilExit()
                if process.terminationReason == .uncaughtSignal || process.terminationStatus != 0 { interrupted += 1 }
                let what = "\(command.name) killed by \(signal == SIGINT ? "SIGINT" : "SIGKILL") (trial \(trial))"
                assertOnlyWholeFiles(out, what, temporariesAllowed: signal == SIGKILL)
            }
            XCTAssertGreaterThan(interrupted, 0, "\(command.name) was never interrupted; the test proved nothing")
        }
    }

    func testFileSizeLimitIsAWriteError() throws {
        for command in Self.commands {
            let out = try makeTemporaryDirectory(self) + "/out"
            let arguments = command.arguments(Self.workload, out)
            let guarded = InputGuard(arguments: arguments, stdin: nil, directory: nil)
            defer { guarded.verify("\(command.name) under ulimit -f") }
            // 1 KiB: smaller than the outputs of every command, so the first one written fails.
            let run = try shell("ulimit -f 1; exec \"$@\"", [toolPath(command.tool)] + arguments)
            XCTAssertEqual(run.status, 2, "\(command.name) under ulimit -f: \(run.stderr)")
            XCTAssertTrue(run.stderr.contains(out) || run.stderr.contains("File too large"), "\(command.name): \(run.stderr)")
            assertOnlyWholeFiles(out, "\(command.name) under ulimit -f", temporariesAllowed: false)
        }
    }

    func testFullDiskIsAWriteError() throws {
        for command in Self.commands {
            let base = try makeTemporaryDirectory(self)
            let out = base + "/disk", copy = base + "/copy"
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
            // A private small tmpfs: a few outputs fit, the rest do not. What is on it is copied out for checking.
            let script = """
            mount -t tmpfs -o size=\(command.diskKiB)k segkit-full "$1" || exit 99
            shift; out="$1"; copy="$2"; shift 2
            "$@"; code=$?
            cp -a "$out"/. "$copy"/; exit $code
            """
            let guarded = InputGuard(arguments: command.arguments(Self.workload, out + "/o"), stdin: nil, directory: nil)
            defer { guarded.verify("\(command.name) on a full disk") }
            let namespace = getuid() == 0 ? ["-m"] : ["-r", "-m"]
            let run = try shell("exec unshare \(namespace.joined(separator: " ")) bash -c '\(script)' bash \"$@\"",
                                [out, out, copy, toolPath(command.tool)] + command.arguments(Self.workload, out + "/o"))
            if run.status == 99 || run.stderr.contains("unshare:") { throw XCTSkip("cannot mount a tmpfs here: \(run.stderr)") }
            XCTAssertEqual(run.status, 2, "\(command.name) on a full disk: \(run.stderr)")
            XCTAssertTrue(run.stderr.contains("No space left on device"), "\(command.name): \(run.stderr)")
            XCTAssertEqual(run.stderr.split(separator: "\n").filter { $0.contains("error") }.count, 1, "\(command.name): one message:\n\(run.stderr)")
            assertOnlyWholeFiles(copy + "/o", "\(command.name) on a full disk", temporariesAllowed: false)
        }
    }

    /// Every file under `folder` is whole: images decode, JSON parses, text ends with its last line.
    func assertOnlyWholeFiles(_ folder: String, _ what: String, temporariesAllowed: Bool, file: StaticString = #filePath, line: UInt = #line) {
        for name in listing(folder) {
            let path = folder + "/" + name
            if (name as NSString).lastPathComponent.hasPrefix(".") {
                XCTAssertTrue(temporariesAllowed, "\(what) left the temporary file \(name)", file: file, line: line)
                continue
            }
            let bytes = (try? FileBytes.read(path)) ?? []
            switch (name as NSString).pathExtension {
            case "png", "tif":
                XCTAssertNoThrow(try ImageReader.decode(bytes, path: path), "\(what): \(name) is not whole", file: file, line: line)
            case "json":
                XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(bytes)), "\(what): \(name) is not whole", file: file, line: line)
            case "svg":
                XCTAssertTrue(String(decoding: bytes, as: UTF8.self).hasSuffix("</svg>\n"), "\(what): \(name) is not whole", file: file, line: line)
            default:
                XCTAssertEqual(bytes.last, UInt8(ascii: "\n"), "\(what): \(name) is not whole", file: file, line: line)
            }
        }
    }

    /// Runs a bash script with arguments ("bash" is its $0; the arguments are "$@").
    func shell(_ script: String, _ arguments: [String]) throws -> ToolRun {
        try runProcess("/bin/bash", ["-c", script, "bash"] + arguments)
    }
}
