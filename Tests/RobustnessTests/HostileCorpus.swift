import Foundation
import SegFiles
import SegCore
import SegImage
import SegTestSupport

/// Generates the corpus of broken and awkward inputs every command is run
/// against (docs/robustness.md lists it). Deterministic: the same bytes on
/// every run. Valid bases come from `Fixtures/`, written by independent
/// encoders; the damaged and crafted files are made here, byte by byte.
enum HostileCorpus {
    /// What a command must do with a file.
    enum Expectation {
        /// The file is broken: the command must fail with a documented code and a message naming it.
        case reject
        /// The damage may or may not be detectable (a flipped bit in pixel data):
        /// failing cleanly and succeeding with valid outputs are both right.
        case either
    }

    struct Case {
        let name: String
        let bytes: [UInt8]
        let expectation: Expectation
    }

    /// Valid small bases, one per format (gray 8-bit labels where possible, so
    /// that a surviving file is also a valid 0/255 label).
    static let bases: [(String, String)] = [
        ("png", "/awkward/mask-8bit.png"), ("jpg", "/codecs/jpeg-gray.jpg"),
        ("tif", "/codecs/tiff-gray-8-deflate-strips.tif"), ("gif", "/awkward/mask.gif"),
    ]

    /// Every broken image: truncations at many offsets, bit flips, an empty
    /// file, wrong magic, huge claimed sizes, palette indices past the palette,
    /// 16-bit data, a 10 000-page TIFF.
    static func images() throws -> [Case] {
        var cases: [Case] = [Case(name: "empty.png", bytes: [], expectation: .reject)]
        var random = SeededGenerator(seed: 2026)
        for (ext, path) in bases {
            let bytes = try FileBytes.read(Repo.fixtures + path)
            // Truncations: inside the signature, the header, and spread over the data.
            // Cutting the last 8 bytes of a PNG or GIF may only drop the end marker,
            // which some decoders do not need; those cuts are "either".
            var offsets = [1, 4, 8, 12, 20, 33]
            for k in 1...10 { offsets.append(bytes.count * k / 11) }
            for offset in Set(offsets).sorted() where offset < bytes.count {
                let tail = bytes.count - offset <= 16
                cases.append(Case(name: "truncated-\(offset).\(ext)", bytes: Array(bytes[..<offset]),
                                  expectation: tail ? .either : .reject))
            }
            for flip in 0..<8 {
                var damaged = bytes
                let position = Int(random.next() % UInt64(bytes.count))
                damaged[position] ^= UInt8(1 << (random.next() % 8))
                cases.append(Case(name: "bitflip-\(flip)-at-\(position).\(ext)", bytes: damaged, expectation: .either))
            }
        }
        cases.append(Case(name: "wrong-magic.png", bytes: Array("this is not an image\n".utf8), expectation: .reject))
        var zeroed = try FileBytes.read(Repo.fixtures + "/awkward/mask-8bit.png")
        zeroed.replaceSubrange(0..<8, with: [UInt8](repeating: 0, count: 8))
        cases.append(Case(name: "zeroed-signature.png", bytes: zeroed, expectation: .reject))
        cases.append(Case(name: "html-error-page.jpg", bytes: Array("<!DOCTYPE html><title>404</title>".utf8), expectation: .reject))
        cases += [
            Case(name: "huge-1000000x1000000.png", bytes: png(width: 1_000_000, height: 1_000_000, colorType: 0, depth: 8, rows: [[0]]), expectation: .reject),
            Case(name: "huge-65000x65000.jpg", bytes: try jpegClaiming(width: 65000, height: 65000), expectation: .reject),
            Case(name: "huge-2147483647x2147483647.tif", bytes: tiff(width: 0x7FFF_FFFF, height: 0x7FFF_FFFF, pixels: [0]), expectation: .reject),
            Case(name: "huge-65535x65535.gif", bytes: gif(width: 65535, height: 65535, colors: 2, indices: [0]), expectation: .reject),
            Case(name: "zero-width.png", bytes: png(width: 0, height: 4, colorType: 0, depth: 8, rows: []), expectation: .reject),
            Case(name: "palette-index-past-end.png",
                 bytes: png(width: 4, height: 2, colorType: 3, depth: 8, rows: [[0, 1, 7, 200], [1, 0, 1, 0]], palette: [0, 0, 0, 255, 255, 255]),
                 expectation: .reject),
            Case(name: "palette-index-past-end.gif", bytes: gif(width: 4, height: 2, colors: 2, indices: [0, 1, 7, 200, 1, 0, 1, 0]), expectation: .reject),
            // 16-bit where 8-bit labels are expected: remap must name the values; segeval
            // reads 16-bit masks as OpenCV does (docs/metrics.md), so "either" in general.
            Case(name: "no-colour-table.gif", bytes: gif(width: 4, height: 2, colors: 0, indices: [0, 1, 0, 1, 1, 0, 1, 0]), expectation: .reject),
            Case(name: "label-16bit.png", bytes: png(width: 4, height: 2, colorType: 0, depth: 16,
                                                       rows: [[0, 0, 255, 255, 0, 0, 255, 255], [255, 255, 0, 0, 255, 255, 0, 0]]),
                 expectation: .either),
        ]
        return cases
    }

    /// Writes a TIFF of `pages` 1×1 pages (the 10 000-page stack).
    static func writeManyPages(_ pages: Int, to path: String) throws {
        let page = Image.gray8(width: 1, height: 1, pixels: [0])
        try ImageWriter.writeTIFFStack(Array(repeating: page, count: pages), to: path, compression: .none)
    }

    /// Broken weight files, from the bundled cells U-Net: truncations, a header
    /// pointing past the end, a header length of 2^63, NaN and Inf weights.
    static func weights() throws -> [Case] {
        let good = try FileBytes.read(Repo.fixtures + "/models/cells-unet.safetensors")
        var cases: [Case] = [Case(name: "empty.safetensors", bytes: [], expectation: .reject)]
        for offset in [4, 8, 100, good.count / 3, good.count - 1] {
            cases.append(Case(name: "truncated-\(offset).safetensors", bytes: Array(good[..<offset]), expectation: .reject))
        }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(good[i]) << (8 * UInt64(i)) }
        var pastEnd = good
        let beyond = UInt64(good.count)
        for i in 0..<8 { pastEnd[i] = UInt8(truncatingIfNeeded: beyond >> (8 * UInt64(i))) }
        cases.append(Case(name: "header-past-end.safetensors", bytes: pastEnd, expectation: .reject))
        var huge = good
        for i in 0..<8 { huge[i] = i == 7 ? 0x80 : 0 }
        cases.append(Case(name: "header-length-2^63.safetensors", bytes: huge, expectation: .reject))
        let header = String(decoding: good[8..<(8 + Int(length))], as: UTF8.self)
        let dataStart = 8 + Int(length)
        // The first F16 tensor's first value becomes NaN (0x7E00) and then +Inf (0x7C00).
        let first = try firstFloat16Tensor(in: header)
        for (name, bits) in [("nan", UInt16(0x7E00)), ("inf", UInt16(0x7C00))] {
            var poisoned = good
            poisoned[dataStart + first] = UInt8(bits & 0xFF)
            poisoned[dataStart + first + 1] = UInt8(bits >> 8)
            cases.append(Case(name: "\(name)-weight.safetensors", bytes: poisoned, expectation: .reject))
        }
        var offsetsPastEnd = Array(good[..<dataStart])
        offsetsPastEnd += good[dataStart..<(dataStart + (good.count - dataStart) / 2)]
        cases.append(Case(name: "data-cut-in-half.safetensors", bytes: offsetsPastEnd, expectation: .reject))
        cases.append(Case(name: "an-image.safetensors", bytes: try FileBytes.read(Repo.fixtures + "/awkward/mask-8bit.png"), expectation: .reject))
        return cases
    }

    /// Byte offset (within the data section) of the first F16 tensor with data.
    private static func firstFloat16Tensor(in header: String) throws -> Int {
        let json = try JSONSerialization.jsonObject(with: Data(header.utf8)) as! [String: Any]
        let offsets = json.compactMap { key, value -> Int? in
            guard key != "__metadata__", let info = value as? [String: Any], info["dtype"] as? String == "F16",
                  let range = info["data_offsets"] as? [Int], range[1] > range[0] else { return nil }
            return range[0]
        }
        return offsets.min()!
    }

    // MARK: - crafted files

    /// A PNG with the given IHDR and rows (each row's bytes, filter type 0
    /// added here), compressed with stored deflate blocks so that no encoder
    /// is involved; CRCs are correct, so only the content is wrong.
    static func png(width: UInt32, height: UInt32, colorType: UInt8, depth: UInt8, rows: [[UInt8]], palette: [UInt8]? = nil) -> [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        func chunk(_ type: String, _ data: [UInt8]) {
            out += bigEndian(UInt32(data.count))
            let body = Array(type.utf8) + data
            out += body + bigEndian(crc32(body))
        }
        chunk("IHDR", bigEndian(width) + bigEndian(height) + [depth, colorType, 0, 0, 0])
        if let palette { chunk("PLTE", palette) }
        chunk("IDAT", zlibStored(rows.flatMap { [0] + $0 }))
        chunk("IEND", [])
        return out
    }

    /// A JPEG fixture whose SOF marker claims another size.
    static func jpegClaiming(width: UInt16, height: UInt16) throws -> [UInt8] {
        var bytes = try FileBytes.read(Repo.fixtures + "/codecs/jpeg-gray.jpg")
        guard let sof = (0..<(bytes.count - 9)).first(where: { bytes[$0] == 0xFF && (bytes[$0 + 1] == 0xC0 || bytes[$0 + 1] == 0xC2) }) else {
            throw HostileCorpusError("no SOF marker in jpeg-gray.jpg")
        }
        bytes[sof + 5] = UInt8(height >> 8); bytes[sof + 6] = UInt8(height & 0xFF)
        bytes[sof + 7] = UInt8(width >> 8); bytes[sof + 8] = UInt8(width & 0xFF)
        return bytes
    }

    /// A little-endian baseline gray 8-bit TIFF with one uncompressed strip.
    static func tiff(width: UInt32, height: UInt32, pixels: [UInt8]) -> [UInt8] {
        let entries: [(UInt16, UInt16, UInt32)] = [  // tag, type (3 SHORT, 4 LONG), value
            (256, 4, width), (257, 4, height), (258, 3, 8), (259, 3, 1), (262, 3, 1),
            (273, 4, 0), (277, 3, 1), (278, 4, height), (279, 4, UInt32(pixels.count)),
        ]
        let ifdSize = 2 + entries.count * 12 + 4
        let dataOffset = UInt32(8 + ifdSize)
        var out: [UInt8] = [0x49, 0x49, 42, 0] + littleEndian(UInt32(8))
        out += [UInt8(entries.count), 0]
        for (tag, type, value) in entries {
            out += [UInt8(tag & 0xFF), UInt8(tag >> 8), UInt8(type), 0, 1, 0, 0, 0]
            let v = tag == 273 ? dataOffset : value
            out += type == 3 ? [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), 0, 0] : littleEndian(v)
        }
        out += [0, 0, 0, 0] + pixels
        return out
    }

    /// A GIF89a whose global colour table has `colors` entries (a power of two)
    /// but whose pixels may index past it. LZW is written uncompressed: 9-bit
    /// literal codes with a clear code often enough that the width never grows.
    static func gif(width: UInt16, height: UInt16, colors: Int, indices: [UInt8]) -> [UInt8] {
        let sizeBits = max(1, Int(log2(Double(max(colors, 2))))) - 1
        let tableFlag: UInt8 = colors > 0 ? 0x80 | UInt8(sizeBits) : 0  // colors 0: no global colour table
        var out = Array("GIF89a".utf8) + littleEndian16(width) + littleEndian16(height) + [tableFlag, 0, 0]
        for i in 0..<colors { let v = UInt8(255 * i / max(1, colors - 1)); out += [v, v, v] }
        out += [0x2C, 0, 0, 0, 0] + littleEndian16(width) + littleEndian16(height) + [0]
        let minimumCodeSize: UInt8 = 8
        out.append(minimumCodeSize)
        var bits = BitWriter()
        let clear = 256, end = 257
        bits.write(clear, 9)
        for (i, index) in indices.enumerated() {
            if i > 0 && i % 250 == 0 { bits.write(clear, 9) }
            bits.write(Int(index), 9)
        }
        bits.write(end, 9)
        let data = bits.flushed
        for start in stride(from: 0, to: data.count, by: 255) {
            let block = data[start..<min(start + 255, data.count)]
            out.append(UInt8(block.count)); out += block
        }
        out += [0, 0x3B]
        return out
    }

    // MARK: - byte helpers

    private struct BitWriter {
        var bytes: [UInt8] = []
        private var buffer = 0, count = 0
        mutating func write(_ value: Int, _ width: Int) {
            buffer |= value << count; count += width
            while count >= 8 { bytes.append(UInt8(buffer & 0xFF)); buffer >>= 8; count -= 8 }
        }
        var flushed: [UInt8] { count > 0 ? bytes + [UInt8(buffer & 0xFF)] : bytes }
    }

    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let block = Array(data[start..<min(start + 65535, data.count)])
            start += block.count
            let last: UInt8 = start >= data.count ? 1 : 0
            let length = UInt16(block.count)
            out += [last, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)] + block
        } while start < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        return out + bigEndian(b << 16 | a)
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func littleEndian(_ v: UInt32) -> [UInt8] { bigEndian(v).reversed() }
    static func littleEndian16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
}

struct HostileCorpusError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
