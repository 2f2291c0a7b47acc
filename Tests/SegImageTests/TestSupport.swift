import Foundation
import SegCore
import SegFiles
import XCTest
@_exported import SegTestSupport
@testable import SegImage

/// Paths of the codec fixtures (the rest is `Repo` from SegTestSupport).
enum Paths {
    static let codecs = Repo.fixtures + "/codecs"
}

/// One entry of Fixtures/codecs/manifest.json (written by Fixtures/generate.py).
struct CodecFixture: Decodable {
    let file: String
    let format: String
    let color: String
    let depth: Int
    let kind: String
    let width: Int
    let height: Int
    let entries: Int?
    let tableSize: Int?
    let alpha: Bool?
    let raw: String?
    let pages: Int?

    static func all() throws -> [CodecFixture] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Paths.codecs + "/manifest.json"))
        return try JSONDecoder().decode([CodecFixture].self, from: data)
    }
}

/// The generator's documented patterns, recomputed here independently.
enum Pattern {
    static func sample(x: Int, y: Int, c: Int, depth: Int, page: Int = 0) -> Int {
        if depth == 16 { return (263 * x + 1031 * y + 4099 * c + 1000 * page) % 65536 }
        return (3 * x + 5 * y + 71 * c) % (1 << depth)
    }

    static func samples(width: Int, height: Int, channels: Int, depth: Int, page: Int = 0) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(width * height * channels)
        for y in 0..<height { for x in 0..<width { for c in 0..<channels {
            out.append(sample(x: x, y: y, c: c, depth: depth, page: page))
        } } }
        return out
    }

    static func index(x: Int, y: Int, entries: Int) -> Int { (x + 2 * y) % entries }

    static func paletteEntry(_ i: Int, alpha: Bool) -> RGBA {
        RGBA(UInt8(37 * i % 256), UInt8(91 * i % 256), UInt8(151 * i % 256), alpha && i % 3 == 1 ? 128 : 255)
    }
}

extension Image {
    /// Samples widened to Int, for comparisons.
    var intSamples: [Int] {
        switch samples {
        case .uint8(let a): return a.map(Int.init)
        case .uint16(let a): return a.map(Int.init)
        }
    }
}

/// Standard CRC-32 (for building hostile PNG headers by hand).
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for b in bytes {
        crc ^= UInt32(b)
        for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

func bigEndian32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }


/// An error with a kind and a message: ImageError and FileError.
protocol KindedError: CategorizedError {
    associatedtype Kind: Hashable
    var kind: Kind { get }
    var message: String { get }
}
extension ImageError: KindedError {}
extension FileError: KindedError {}

/// Asserts that `body` throws an `E` of one of `kinds` with a message (and,
/// when given, a failure of `category`).
func assertError<E: KindedError>(_ type: E.Type, _ kinds: Set<E.Kind>, category: FailureCategory? = nil, _ message: String = "",
                                 file: StaticString, line: UInt, _ body: () throws -> Any) {
    do {
        _ = try body()
        XCTFail("expected \(E.self) \(kinds) \(message)", file: file, line: line)
    } catch let error as E {
        XCTAssertTrue(kinds.contains(error.kind), "got \(error.kind): \(error) \(message)", file: file, line: line)
        if let category { XCTAssertEqual(error.category, category, file: file, line: line) }
        XCTAssertFalse(error.message.isEmpty, file: file, line: line)
    } catch {
        XCTFail("unexpected error type \(error)", file: file, line: line)
    }
}

/// Asserts that `body` throws a FileError of one of `kinds`, a failure of `category`.
func assertFileError(_ kinds: Set<FileError.Kind>, category: FailureCategory, file: StaticString = #filePath, line: UInt = #line,
                     _ body: () throws -> Any) {
    assertError(FileError.self, kinds, category: category, file: file, line: line, body)
}

/// Asserts that `body` throws an ImageError of one of `kinds`.
func assertImageError(_ kinds: Set<ImageError.Kind>, _ message: String = "", file: StaticString = #filePath, line: UInt = #line,
                      _ body: () throws -> Any) {
    assertError(ImageError.self, kinds, message, file: file, line: line, body)
}
