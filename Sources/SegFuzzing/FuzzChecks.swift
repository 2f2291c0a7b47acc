import Foundation
import SegCore
import SegImage
import SegModel
import SegPrep

/// A property a fuzz input broke: the parser accepted something it then
/// contradicted (a round trip that changed the data, two decoders that
/// disagree). Crashes, hangs and sanitizer reports are findings too, but
/// those stop the process by themselves.
public struct FuzzViolation: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The fuzz targets' bodies, shared by the libFuzzer executables
/// (`Sources/Fuzz/*`) and the regression tests that replay every committed
/// reproducer and seed. Each takes arbitrary bytes; rejecting them with a
/// typed error is fine, anything else must hold the stated property.
public enum FuzzChecks {
    /// The targets, by the name `scripts/fuzz` and `Fixtures/fuzz/` use.
    public static let targets: [String: @Sendable ([UInt8]) throws -> Void] = [
        "png": { try decoder(.png, $0) },
        "jpeg": { try decoder(.jpeg, $0) },
        "tiff": { try decoder(.tiff, $0) },
        "gif": { try decoder(.gif, $0) },
        "safetensors": safeTensors,
        "manifest": manifest,
        "colors": colors,
        "map": map,
    ]

    /// Decoding limit while fuzzing: big enough for every seed, small enough
    /// that a header claiming a huge image cannot exhaust libFuzzer's memory cap.
    static let fuzzOptions = DecodeOptions(maxPixels: 1 << 22)

    /// Image decoders: bytes of the target's format either decode to a
    /// consistent image or give an `ImageError`. PNGs the libdeflate fast path
    /// accepts must decode to the same pixels through libpng; every decoded
    /// image must survive a PNG or TIFF round trip through our encoder.
    public static func decoder(_ format: ImageFormat, _ bytes: [UInt8]) throws {
        guard ImageFormat.detect(bytes) == format else { return }
        var pages: [Image] = []
        do {
            try ImageReader.forEachPage(bytes: bytes, path: "fuzz", options: fuzzOptions) { index, _, image in
                if index < 4 { pages.append(image) }
            }
        } catch is ImageError {
            if format == .tiff {  // single pages may still decode; they must be consistent too
                if let image = try? ImageReader.decode(bytes, path: "fuzz", options: fuzzOptions) { pages = [image] }
            }
        }
        for image in pages {
            try consistent(image)
            try roundTrip(image)
        }
        if format == .png, let fast = pages.first {
            var slow = fuzzOptions
            slow.fastPNG = false
            if let reference = try? ImageReader.decode(bytes, path: "fuzz", options: slow), reference != fast {
                throw FuzzViolation("PNG fast path and libpng disagree (\(fast.width)×\(fast.height) \(fast.colorModel))")
            }
        }
    }

    /// Sizes, sample counts and palette agree with each other.
    static func consistent(_ image: Image) throws {
        guard image.width > 0, image.height > 0 else { throw FuzzViolation("decoded an empty \(image.width)×\(image.height) image") }
        guard image.samples.count == image.width * image.height * image.channels else {
            throw FuzzViolation("\(image.samples.count) samples for \(image.width)×\(image.height)×\(image.channels)")
        }
        if image.colorModel == .palette && image.palette.isEmpty { throw FuzzViolation("palette image without a palette") }
    }

    /// Encodes small decoded images losslessly and decodes them again.
    static func roundTrip(_ image: Image) throws {
        guard image.pixelCount <= 1 << 16 else { return }
        // The encoders' fidelity is checked on the stored indices: a TIFF colour
        // map is padded to 2^bits entries, which may turn a palette gray.
        var raw = DecodeOptions()
        raw.grayPalettes = false
        for format in [OutputFormat.png(level: 1), .tiff(.deflate)] {
            guard let encoded = try? ImageWriter.encode(image, as: format) else { continue }
            let decoded: Image
            do { decoded = try ImageReader.decode(encoded, path: "round trip", options: raw) } catch {
                throw FuzzViolation("our own \(format) encoding of a decoded image does not decode: \(error)")
            }
            guard decoded.width == image.width, decoded.height == image.height, decoded.samples == image.samples else {
                throw FuzzViolation("\(format) round trip changed the pixels of a \(image.width)×\(image.height) \(image.colorModel) image")
            }
        }
    }

    /// safetensors: a file that parses yields every floating tensor at its
    /// stated size (or a typed error for non-finite values), and building a
    /// network from it either works or names the problem.
    public static func safeTensors(_ bytes: [UInt8]) throws {
        guard let file = try? SafeTensors(bytes: bytes, path: "fuzz") else { return }
        for entry in file.entries.values where entry.dtype.isFloat {
            guard let values = try? file.floats(entry.name) else { continue }
            guard values.count == entry.count else {
                throw FuzzViolation("tensor \(entry.name): \(values.count) values for shape \(entry.shape)")
            }
        }
        _ = try? LoadedModel(file)
    }

    /// Manifests: whatever parses renders back (when representable in the
    /// format) to text that parses to the same entries.
    public static func manifest(_ bytes: [UInt8]) throws {
        let text = String(decoding: bytes, as: UTF8.self)
        for format in ManifestFormat.allCases {
            guard let entries = try? Manifest.parse(text, format: format, source: "fuzz") else { continue }
            guard let rendered = try? Manifest.render(entries, format: format) else { continue }
            let again: [ManifestEntry]
            do { again = try Manifest.parse(rendered, format: format, source: "rendered") } catch {
                throw FuzzViolation("\(format) manifest rendered from parsed entries does not parse: \(error)")
            }
            guard again == entries else { throw FuzzViolation("\(format) manifest changed in a parse/render round trip") }
        }
    }

    /// `--colors` tables: a parsed table written as text lines parses to the same table.
    public static func colors(_ bytes: [UInt8]) throws {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let table = try? ColorTable.parse(text, source: "fuzz") else { return }
        let lines = table.keys.sorted().map { "\(ColorTable.text($0)) -> \(table[$0]!)" }.joined(separator: "\n")
        let again: [UInt32: UInt8]
        do { again = try ColorTable.parse(lines, source: "rendered") } catch {
            throw FuzzViolation("colour table rendered from a parsed table does not parse: \(error)")
        }
        guard again == table else { throw FuzzViolation("colour table changed in a round trip") }
    }

    /// `--map` pairs and value lists: parsed values are in range and survive a round trip.
    public static func map(_ bytes: [UInt8]) throws {
        let text = String(decoding: bytes, as: UTF8.self)
        if let pairs = try? MappingParser.pairs(text) {
            guard pairs.keys.allSatisfy({ (0...65535).contains($0) }) else { throw FuzzViolation("--map accepted a source outside 0…65535") }
            let rendered = pairs.keys.sorted().map { "\($0):\(pairs[$0]!)" }.joined(separator: ",")
            guard (try? MappingParser.pairs(rendered)) == pairs else { throw FuzzViolation("--map pairs changed in a round trip") }
        }
        if let values = try? MappingParser.values(text) {
            guard values.allSatisfy({ (0...65535).contains($0) }) else { throw FuzzViolation("a value list accepted a value outside 0…65535") }
            let rendered = values.map(String.init).joined(separator: ",")
            guard (try? MappingParser.values(rendered)) == values else { throw FuzzViolation("a value list changed in a round trip") }
        }
    }
}

/// The libFuzzer entry point's body: runs target `name` on one input and
/// stops the process on a violated property, which libFuzzer reports as a
/// crash and saves the input for.
public enum FuzzEntry {
    public static func run(_ name: String, _ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        do { try FuzzChecks.targets[name]!(bytes) } catch {
            fatalError("fuzz target \(name): \(error)")
        }
        return 0
    }
}
