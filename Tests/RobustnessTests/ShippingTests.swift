import Foundation
import SegFiles
import SegImage
import SegTestSupport
import XCTest

/// `--version` and `--shard`, the pieces a cluster install relies on.
final class ShippingTests: XCTestCase {
    func testVersionNamesTheReleaseAndARealCommit() throws {
        let version = try String(contentsOfFile: Repo.root + "/VERSION", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        for tool in ["segprep", "segeval", "segpredict"] {
            let run = try runTool(tool, ["--version"])
            XCTAssertEqual(run.status, 0)
            let line = run.stdout.trimmingCharacters(in: .newlines)
            XCTAssertTrue(line.hasPrefix(version + " (commit "), line)
            let commit = line.dropFirst(version.count + 9).dropLast().replacingOccurrences(of: "-dirty", with: "")
            guard FileManager.default.fileExists(atPath: Repo.root + "/.git") else { continue }
            let git = try runProcess("/usr/bin/git", ["-C", Repo.root, "cat-file", "-e", commit + "^{commit}"])
            XCTAssertEqual(git.status, 0, "\(tool) --version names \(commit), which is not a commit of this repository")
        }
    }

    /// Three shards of remap and of segpredict write exactly the files of one
    /// whole run, byte for byte, each file once.
    func testShardsTogetherWriteWhatOneRunWrites() throws {
        let root = try makeTemporaryDirectory(self)
        let model = Repo.fixtures + "/models/cells-unet.safetensors"
        let commands: [(String, [String])] = [
            ("segprep", ["remap", Repo.fixtures + "/cells/label"]),
            ("segpredict", ["--weights", model, "--input", Repo.fixtures + "/cells/image", "--threads", "1"]),
        ]
        for (tool, arguments) in commands {
            let whole = root + "/\(tool)-whole", parts = root + "/\(tool)-parts"
            XCTAssertEqual(try runTool(tool, arguments + ["--out", whole]).status, 0)
            var counts: [Int] = []
            for i in 0..<3 {
                let run = try runTool(tool, arguments + ["--out", parts, "--shard", "\(i)/3"])
                XCTAssertEqual(run.status, 0, run.stderr)
                counts.append(listing(parts).count - counts.reduce(0, +))
            }
            XCTAssertEqual(counts, [7, 7, 6], "\(tool): positions i, i+3, … of 20 inputs")
            XCTAssertEqual(listing(parts), listing(whole))
            for name in listing(whole) {
                XCTAssertEqual(try FileBytes.read(parts + "/" + name), try FileBytes.read(whole + "/" + name), "\(tool): \(name)")
            }
            let bad = try runTool(tool, arguments + ["--out", parts, "--shard", "3/3"])
            XCTAssertEqual(bad.status, 64, bad.stderr)
        }
    }
}
