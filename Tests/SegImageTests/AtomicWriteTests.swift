import Foundation
import SegFiles
import XCTest
@testable import SegImage
#if canImport(Glibc)
import Glibc
#endif

/// Writes land whole under the final name or not at all.
final class AtomicWriteTests: XCTestCase {
    private func listing(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    func testWriteCreatesOnlyTheFinalFileWithNormalPermissions() throws {
        let dir = try makeTemporaryDirectory(self)
        let image = Image.gray8(width: 3, height: 2, pixels: [0, 1, 2, 3, 4, 5])
        try ImageWriter.write(image, to: dir + "/a.png", as: .png())
        XCTAssertEqual(listing(dir), ["a.png"])
        XCTAssertEqual(try ImageReader.read(dir + "/a.png"), image)
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/a.png")
        let mode = (attributes[.posixPermissions] as? Int) ?? 0
        XCTAssertNotEqual(mode & 0o044, 0, "group/other can read, as with a plain create")
    }

    func testRefusesToOverwriteWhenAsked() throws {
        let dir = try makeTemporaryDirectory(self)
        try AtomicFile.write([1, 2, 3], to: dir + "/x.bin")
        assertFileError([.exists], category: .outputNotWritten) { try AtomicFile.write([9], to: dir + "/x.bin", overwrite: false) }
        XCTAssertEqual(try FileBytes.read(dir + "/x.bin"), [1, 2, 3])
    }

    func testFailedWriteLeavesNoPartialFileAndKeepsTheOldOne() throws {
        let dir = try makeTemporaryDirectory(self)
        try AtomicFile.write([7, 7, 7], to: dir + "/keep.bin")
        // A file-size limit makes write() fail part-way (EFBIG), like a full disk.
        signal(SIGXFSZ, SIG_IGN)
        var old = rlimit()
        getrlimit(Int32(RLIMIT_FSIZE.rawValue), &old)
        var limited = old
        limited.rlim_cur = 4096
        setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limited)
        defer { setrlimit(Int32(RLIMIT_FSIZE.rawValue), &old) }
        let big = [UInt8](repeating: 0xAB, count: 100_000)
        assertFileError([.writeFailed], category: .outputNotWritten) { try AtomicFile.write(big, to: dir + "/new.bin") }
        assertFileError([.writeFailed], category: .outputNotWritten) { try AtomicFile.write(big, to: dir + "/keep.bin") }
        setrlimit(Int32(RLIMIT_FSIZE.rawValue), &old)
        XCTAssertEqual(listing(dir), ["keep.bin"], "no partial or temporary file is left")
        XCTAssertEqual(try FileBytes.read(dir + "/keep.bin"), [7, 7, 7])
    }

    func testMissingDirectoryIsAWriteError() throws {
        let dir = try makeTemporaryDirectory(self)
        assertFileError([.writeFailed], category: .outputNotWritten) { try AtomicFile.write([1], to: dir + "/no/such/dir/x.png") }
    }
}
