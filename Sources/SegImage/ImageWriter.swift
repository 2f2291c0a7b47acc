import CSegCodecs
import SegFiles

/// What an image holds, which decides whether lossy formats are allowed.
public enum ImageContent: Sendable {
    /// Photographs, micrographs, probability maps: any format.
    case image
    /// Class indices or mask values: lossless formats only.
    case labels
}

/// TIFF compression schemes we write.
public enum TIFFCompression: Int32, Sendable, CaseIterable {
    case none = 0, deflate = 1, lzw = 2, packBits = 3
}

/// Encoder settings for one output format.
public enum OutputFormat: Sendable, Equatable {
    /// PNG with compression level 0…9. `filtered: false` skips row filters
    /// and, for 8-bit images, compresses with libdeflate instead of zlib
    /// (several times faster, and as small for label maps of few values).
    case png(level: Int = 6, filtered: Bool = true)
    /// TIFF (all pages share the compression; Deflate by default).
    case tiff(TIFFCompression = .deflate)
    /// JPEG at quality 1…100 (images only).
    case jpeg(quality: Int = 95, progressive: Bool = false)

    /// Fast PNG settings for label maps: level 1, no row filters, libdeflate.
    public static let labelPNG = OutputFormat.png(level: 1, filtered: false)

    /// The format family.
    public var format: ImageFormat {
        switch self {
        case .png: return .png
        case .tiff: return .tiff
        case .jpeg: return .jpeg
        }
    }
}

/// Encodes images to bytes and writes them atomically.
public enum ImageWriter {
    /// Encodes and atomically writes `image` to `path`.
    public static func write(_ image: Image, to path: String, as format: OutputFormat,
                             content: ImageContent = .image, overwrite: Bool = true) throws {
        let bytes = try encode(image, as: format, content: content, path: path)
        try AtomicFile.write(bytes, to: path, overwrite: overwrite)
    }

    /// Encodes `image` in memory; `path` is only used in error messages.
    public static func encode(_ image: Image, as format: OutputFormat, content: ImageContent = .image,
                              path: String = "<memory>") throws -> [UInt8] {
        switch format {
        case .png(let level, let filtered): return try encodePNG(image, level: level, filtered: filtered, path: path)
        case .tiff(let compression): return try encodeTIFF([image], compression: compression, path: path)
        case .jpeg(let quality, let progressive):
            return try encodeJPEG(image, quality: quality, progressive: progressive, content: content, path: path)
        }
    }

    /// Writes several same-format pages into one multi-page TIFF.
    public static func writeTIFFStack(_ pages: [Image], to path: String, compression: TIFFCompression = .deflate) throws {
        try AtomicFile.write(encodeTIFF(pages, compression: compression, path: path), to: path)
    }

    // MARK: - formats

    static func encodePNG(_ image: Image, level: Int, filtered: Bool, path: String) throws -> [UInt8] {
        if !filtered, case .uint8 = image.samples, image.sourceBitDepth == 8 {
            return try encodeFastPNG(image, level: level, path: path)
        }
        let depth: Int32
        switch image.samples {
        case .uint16: depth = 16
        case .uint8:
            let lowDepth = (image.colorModel == .gray || image.colorModel == .palette) && [1, 2, 4].contains(image.sourceBitDepth)
            depth = lowDepth ? Int32(image.sourceBitDepth) : 8
        }
        if depth < 8 { try checkRange(image, max: image.maxSampleValue, path: path) }
        return try runEncoder(image, format: "PNG", path: path) { pixels, palette, count, out, size, message, cap in
            seg_png_encode(pixels, UInt32(image.width), UInt32(image.height), segColor(image.colorModel), depth,
                           palette, count, Int32(level), filtered ? 0 : 1, out, size, message, cap)
        }
    }

    /// Unfiltered 8-bit PNG through libdeflate (the label-map fast path).
    static func encodeFastPNG(_ image: Image, level: Int, path: String) throws -> [UInt8] {
        try runEncoder(image, format: "PNG", path: path) { pixels, palette, count, out, size, message, cap in
            seg_png_fast_encode(pixels, UInt32(image.width), UInt32(image.height), segColor(image.colorModel),
                                palette, count, Int32(level), out, size, message, cap)
        }
    }

    static func encodeTIFF(_ pages: [Image], compression: TIFFCompression, path: String) throws -> [UInt8] {
        try assembleTIFF(pageCount: pages.count, path: path) { encoder, index, message in
            let page = pages[index]
            if page.sourceBitDepth < 8 && page.colorModel != .palette {
                throw ImageError(.cannotEncode, path: path, "TIFF output needs 8- or 16-bit samples (this image has \(page.sourceBitDepth)-bit values)")
            }
            let palette = try paletteBytes(page, path: path)
            return withSampleBytes(page) { pixels in
                palette.withUnsafeBufferPointer { pal in
                    message.with {
                        seg_tiff_encoder_add_page(encoder, pixels, UInt32(page.width), UInt32(page.height),
                                                  segColor(page.colorModel), page.is16Bit ? 16 : 8,
                                                  pal.baseAddress, Int32(page.palette.count), compression.rawValue, $0, $1)
                    }
                }
            }
        }
    }

    /// Creates a TIFF encoder, lets `addPage` add each page, and returns the file's bytes.
    static func assembleTIFF(pageCount: Int, path: String,
                             addPage: (OpaquePointer?, Int, inout MessageBuffer) throws -> SegStatus) throws -> [UInt8] {
        guard pageCount > 0 else { throw ImageError(.cannotEncode, path: path, "a TIFF needs at least one page") }
        var message = MessageBuffer()
        var encoder: OpaquePointer?
        try ImageReader.check(message.with { seg_tiff_encoder_create(&encoder, $0, $1) }, message, format: "TIFF", path: path)
        defer { seg_tiff_encoder_destroy(encoder) }
        for index in 0..<pageCount {
            try check(try addPage(encoder, index, &message), message, path: path)
        }
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status = message.with { seg_tiff_encoder_finish(encoder, &out, &size, $0, $1) }
        return try finish(status, out, size, message, format: "TIFF", path: path)
    }

    static func encodeJPEG(_ image: Image, quality: Int, progressive: Bool, content: ImageContent, path: String) throws -> [UInt8] {
        if content == .labels || image.colorModel == .palette {
            throw ImageError(.cannotEncode, path: path,
                             "refusing to write a label map as JPEG: JPEG compression changes label values (0/255 becomes 1, 2, 253, 254…); write PNG or TIFF")
        }
        guard !image.is16Bit, image.sourceBitDepth == 8, image.colorModel == .gray || image.colorModel == .rgb else {
            throw ImageError(.cannotEncode, path: path, "JPEG output needs 8-bit gray or RGB without alpha")
        }
        return try runEncoder(image, format: "JPEG", path: path) { pixels, _, _, out, size, message, cap in
            seg_jpeg_encode(pixels, UInt32(image.width), UInt32(image.height), Int32(image.channels),
                            Int32(quality), progressive ? 1 : 0, out, size, message, cap)
        }
    }

    // MARK: - helpers

    /// A shim encoder call: pixels, palette bytes and entry count in; the
    /// malloc'd output, its size and a message out.
    private typealias ShimEncoder = (UnsafePointer<UInt8>, UnsafePointer<UInt8>?, Int32,
                                     UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>,
                                     UnsafeMutablePointer<CChar>, Int) -> SegStatus

    /// Runs one shim encoder over `image` and returns the encoded bytes.
    private static func runEncoder(_ image: Image, format: String, path: String, _ call: ShimEncoder) throws -> [UInt8] {
        let palette = try paletteBytes(image, path: path)
        var message = MessageBuffer()
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status = withSampleBytes(image) { pixels in
            palette.withUnsafeBufferPointer { pal in
                message.with { call(pixels, pal.baseAddress, Int32(image.palette.count), &out, &size, $0, $1) }
            }
        }
        return try finish(status, out, size, message, format: format, path: path)
    }

    private static func withSampleBytes<R>(_ image: Image, _ body: (UnsafePointer<UInt8>) -> R) -> R {
        switch image.samples {
        case .uint8(let a): return a.withUnsafeBufferPointer { body($0.baseAddress ?? UnsafePointer(bitPattern: 1)!) }
        case .uint16(let a):
            return a.withUnsafeBytes { body(($0.baseAddress ?? UnsafeRawPointer(bitPattern: 2)!).assumingMemoryBound(to: UInt8.self)) }
        }
    }

    private static func paletteBytes(_ image: Image, path: String) throws -> [UInt8] {
        guard image.colorModel == .palette else { return [] }
        guard (1...256).contains(image.palette.count) else {
            throw ImageError(.cannotEncode, path: path, "a palette image needs 1 to 256 palette entries (has \(image.palette.count))")
        }
        return image.palette.flatMap { [$0.r, $0.g, $0.b, $0.a] }
    }

    private static func checkRange(_ image: Image, max: Int, path: String) throws {
        guard case .uint8(let a) = image.samples, let top = a.max(), Int(top) > max else { return }
        throw ImageError(.cannotEncode, path: path, "value \(top) does not fit in \(image.sourceBitDepth) bits")
    }

    private static func segColor(_ model: Image.ColorModel) -> SegColor {
        switch model {
        case .gray: return .SEG_COLOR_GRAY
        case .grayAlpha: return .SEG_COLOR_GRAY_ALPHA
        case .rgb: return .SEG_COLOR_RGB
        case .rgba: return .SEG_COLOR_RGBA
        case .palette: return .SEG_COLOR_PALETTE
        }
    }

    private static func check(_ status: SegStatus, _ message: MessageBuffer, path: String) throws {
        guard status != .SEG_OK else { return }
        throw ImageError(.cannotEncode, path: path, "cannot encode: \(message.text)")
    }

    private static func finish(_ status: SegStatus, _ out: UnsafeMutablePointer<UInt8>?, _ size: Int,
                               _ message: MessageBuffer, format: String, path: String) throws -> [UInt8] {
        defer { seg_free(out) }
        try check(status, message, path: path)
        guard let out else { throw ImageError(.cannotEncode, path: path, "\(format) encoder returned no data") }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }
}
