import ArgumentParser
@testable import SegCLI
import SegCore
import SegFiles
import SegImage
import SegMetrics
import SegModel
import SegPrep
import XCTest

/// One error model: every library error declares its category, and one
/// mapping gives each category the same exit code in every tool.
final class ErrorModelTests: XCTestCase {
    func testEachCategoryHasItsDocumentedExitCode() {
        XCTAssertEqual(ExitStatus(.badInput).rawValue, 1)
        XCTAssertEqual(ExitStatus(.outputNotWritten).rawValue, 2)
        XCTAssertEqual(ExitStatus(.gateFailed).rawValue, 3)
        XCTAssertEqual(ExitStatus(.usage).rawValue, 64)
        XCTAssertEqual(Set(FailureCategory.allCases.map { ExitStatus($0) }).count, FailureCategory.allCases.count)
    }

    func testLibraryErrorsDeclareWhatTheyAre() {
        let cases: [(Error, FailureCategory)] = [
            (FileError(.exists, path: "a.png", "already exists (refusing to overwrite)"), .outputNotWritten),
            (FileError(.writeFailed, path: "a.png", "write failed"), .outputNotWritten),
            (FileError(.unreadable, path: "a.png", "cannot open"), .badInput),
            (ImageError(.pageOutOfRange, path: "v.tif", "page 3 does not exist"), .badInput),
            (ImageError(.cannotEncode, path: "a.jpg", "JPEG output needs 8-bit gray or RGB"), .outputNotWritten),
            (ImageError(.corrupt, path: "a.png", "corrupt PNG"), .badInput),
            (PrepError("too few units"), .badInput),
            (PrepError("bad ratio", .usage), .usage),
            (EvalError(.usage, "no predictions"), .usage),
            (EvalError(.input, "size mismatch"), .badInput),
            (ModelError(path: "w.safetensors", "not a safetensors file"), .badInput),
            (RemapPlanError("no output folder"), .usage),
            (MappingSyntaxError("not a pair"), .usage),
            (ManifestError("bad line"), .badInput),
            (ColorTableError("bad colour"), .usage),
            (InputListError("missing"), .badInput),
        ]
        for (error, category) in cases {
            XCTAssertEqual(FailureCategory.of(error), category, "\(error)")
            XCTAssertEqual(ExitStatus(for: error), ExitStatus(category), "\(error)")
        }
        struct Foreign: Error {}
        XCTAssertEqual(ExitStatus(for: Foreign()), .badInput)
    }

    func testAnExistingOutputGetsTheForceHintFromTheCommandLine() {
        XCTAssertEqual(CommandLineTool.hint(for: FileError(.exists, path: "out", "already holds train.txt (refusing to overwrite)")),
                       "pass --force to replace")
        XCTAssertNil(CommandLineTool.hint(for: FileError(.writeFailed, path: "out", "write failed")))
    }

    func testAnExistingOutputIsTheSameFailureWhereverItIsMet() throws {
        let dir = NSTemporaryDirectory() + "segkit-error-model-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write([1], to: dir + "/x.png")
        XCTAssertThrowsError(try AtomicFile.write([2], to: dir + "/x.png", overwrite: false)) { error in
            XCTAssertEqual(ExitStatus(for: error), .outputNotWritten)
        }
        XCTAssertThrowsError(try ImageWriter.write(Image.gray8(width: 1, height: 1, pixels: [0]), to: dir + "/x.png", as: .png(), overwrite: false)) { error in
            XCTAssertEqual(ExitStatus(for: error), .outputNotWritten)
        }
    }
}
