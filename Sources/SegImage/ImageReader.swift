import CSegCodecs
import SegFiles

/// Limits and strictness applied while decoding.
public struct DecodeOptions: Sendable, Equatable {
    /// Largest width × height accepted; checked from the header before any
    /// pixel memory is allocated (stops decompression bombs). Default 2^28.
    public var maxPixels: Int
    /// When true (default), any libjpeg warning, such as "Premature end of
    /// JPEG file" for a truncated file, is an error instead of grey filler.
    public var strictJPEG: Bool
    /// Decode well-formed non-interlaced PNGs with the libdeflate fast path
    /// (identical pixels, about twice as fast); anything unusual still goes
    /// through libpng. Off only to compare the two in tests.
    public var fastPNG: Bool
    /// Decode colour JPEG straight to libjpeg's gray output (its Y channel),
    /// which is exactly what OpenCV's `IMREAD_GRAYSCALE` returns; the
    /// evaluator reads masks and maps this way. Off by default (RGB).
    public var grayJPEG = false
    /// Read a palette image whose used entries are all gray (r = g = b) as the
    /// 8-bit gray image it shows (``Image/grayPaletteResolved()``): how 0/255
    /// masks saved as GIF or palette PNG are meant, and how Pillow opens a
    /// gray-ramp GIF (mode `L`). Colour palettes stay label maps (VOC). On by
    /// default in every tool; off only to look at the raw indices.
    public var grayPalettes = true

    /// The limit handed to the decoders: `maxPixels`, but never more than
    /// 64 GiB of samples could need (8 bytes a pixel), whatever the caller set,
    /// so that no header can make a codec allocate and clear a huge buffer.
    var pixelLimit: UInt64 { UInt64(max(0, min(maxPixels, ImageReader.maxAllocation / 8))) }

    public init(maxPixels: Int = 1 << 28, strictJPEG: Bool = true, fastPNG: Bool = true) {
        self.maxPixels = maxPixels
        self.strictJPEG = strictJPEG
        self.fastPNG = fastPNG
    }
}

/// Decodes PNG, JPEG, TIFF (any page) and GIF (first frame) from files or
/// memory, detecting the format from the content.
public enum ImageReader {
    /// Reads and decodes one image file (page `page` of a multi-page TIFF).
    public static func read(_ path: String, page: Int = 0, options: DecodeOptions = DecodeOptions()) throws -> Image {
        try decode(fileBytes(path), path: path, page: page, options: options)
    }

    /// Decodes an image held in memory; `path` is only used in error messages.
    public static func decode(_ bytes: [UInt8], path: String, page: Int = 0,
                              options: DecodeOptions = DecodeOptions()) throws -> Image {
        let image = try decodeStored(bytes, path: path, page: page, options: options)
        return options.grayPalettes ? image.grayPaletteResolved() : image
    }

    /// The image as stored (palette indices kept), before the gray-palette rule.
    private static func decodeStored(_ bytes: [UInt8], path: String, page: Int, options: DecodeOptions) throws -> Image {
        let format = try detect(bytes, path: path)
        if page != 0 && format != .tiff {
            throw ImageError(.pageOutOfRange, path: path, "page \(page) requested, but a \(format.rawValue.uppercased()) file has only one page")
        }
        return try bytes.withUnsafeBufferPointer { buf -> Image in
            switch format {
            case .png: return try decodePNG(buf, path: path, options: options)
            case .jpeg: return try decodeJPEG(buf, path: path, options: options)
            case .gif: return try decodeGIF(buf, path: path, options: options)
            case .tiff:
                var result: Image?
                try withTIFF(buf, path: path) { decoder, pages in
                    guard page >= 0 && page < pages else {
                        throw ImageError(.pageOutOfRange, path: path, "page \(page) does not exist (the file has \(pages) page\(pages == 1 ? "" : "s"))")
                    }
                    result = try decodeTIFFPage(decoder, page: page, path: path, options: options)
                }
                return result!
            }
        }
    }

    /// The size and layout of an image read from its header only (no pixels
    /// are decoded), for planning and reports.
    public static func info(_ path: String, page: Int = 0, options: DecodeOptions = DecodeOptions()) throws -> ImageInfo {
        let bytes = try fileBytes(path)
        let format = try detect(bytes, path: path)
        var info = SegInfo()
        var message = MessageBuffer()
        let limit = options.pixelLimit
        var pages = 1
        try bytes.withUnsafeBufferPointer { buf in
            switch format {
            case .png:
                if seg_png_fast_decode(buf.baseAddress, buf.count, limit, &info, nil, 0) != .SEG_OK {
                    var decoder: OpaquePointer?
                    try check(message.with { seg_png_open(buf.baseAddress, buf.count, limit, &decoder, &info, $0, $1) },
                              message, format: "PNG", path: path)
                    seg_png_close(decoder)
                }
            case .jpeg:
                var decoder: OpaquePointer?
                try check(message.with { seg_jpeg_open(buf.baseAddress, buf.count, limit, options.grayJPEG ? 1 : 0, &decoder, &info, $0, $1) },
                          message, format: "JPEG", path: path)
                seg_jpeg_close(decoder)
            case .gif:
                try check(message.with { seg_gif_decode(buf.baseAddress, buf.count, limit, &info, nil, 0, $0, $1) },
                          message, format: "GIF", path: path)
            case .tiff:
                try withTIFF(buf, path: path) { decoder, count in
                    pages = count
                    guard page >= 0 && page < count else {
                        throw ImageError(.pageOutOfRange, path: path, "page \(page) does not exist (the file has \(count))")
                    }
                    try check(message.with { seg_tiff_select(decoder, UInt32(page), limit, &info, $0, $1) },
                              message, format: "TIFF", path: path, page: page)
                }
            }
        }
        return ImageInfo(format: format, width: Int(info.width), height: Int(info.height),
                         colorModel: colorModel(info.color), sourceBitDepth: Int(info.source_bit_depth), pageCount: pages)
    }

    /// Number of pages (TIFF directories); 1 for the other formats.
    public static func pageCount(_ path: String) throws -> Int {
        let bytes = try fileBytes(path)
        let format = try detect(bytes, path: path)
        guard format == .tiff else { return 1 }
        var count = 0
        try bytes.withUnsafeBufferPointer { buf in
            try withTIFF(buf, path: path) { _, pages in count = pages }
        }
        return count
    }

    /// Decodes every page of a file in order, handing each to `body` without
    /// keeping the others in memory (how a TIFF stack is unstacked).
    public static func forEachPage(_ path: String, options: DecodeOptions = DecodeOptions(),
                                   _ body: (_ index: Int, _ count: Int, Image) throws -> Void) throws {
        try forEachPage(bytes: fileBytes(path), path: path, options: options, body)
    }

    /// ``forEachPage(_:options:_:)`` for a file already in memory.
    public static func forEachPage(bytes: [UInt8], path: String, options: DecodeOptions = DecodeOptions(),
                                   _ body: (_ index: Int, _ count: Int, Image) throws -> Void) throws {
        let format = try detect(bytes, path: path)
        if format != .tiff {
            try body(0, 1, decode(bytes, path: path, options: options))
            return
        }
        try bytes.withUnsafeBufferPointer { buf in
            try withTIFF(buf, path: path) { decoder, pages in
                for page in 0..<pages {
                    let image = try decodeTIFFPage(decoder, page: page, path: path, options: options)
                    try body(page, pages, options.grayPalettes ? image.grayPaletteResolved() : image)
                }
            }
        }
    }

    /// The detected format, or a typed error explaining why there is none.
    public static func detect(_ bytes: [UInt8], path: String) throws -> ImageFormat {
        if bytes.isEmpty { throw ImageError(.empty, path: path, "file is empty (0 bytes)") }
        guard let format = ImageFormat.detect(bytes) else {
            throw ImageError(.notAnImage, path: path, ImageFormat.describeUnknown(bytes))
        }
        return format
    }

    // MARK: - per-format decoding

    private static func decodePNG(_ buf: UnsafeBufferPointer<UInt8>, path: String, options: DecodeOptions) throws -> Image {
        var info = SegInfo()
        let limit = options.pixelLimit
        if options.fastPNG && seg_png_fast_decode(buf.baseAddress, buf.count, limit, &info, nil, 0) == .SEG_OK {
            let (image, status) = allocate(info) { pixels, size in
                var again = SegInfo()
                return seg_png_fast_decode(buf.baseAddress, buf.count, limit, &again, pixels, size)
            }
            if status == .SEG_OK { return image }
        }
        var decoder: OpaquePointer?
        var message = MessageBuffer()
        try check(message.with { seg_png_open(buf.baseAddress, buf.count, options.pixelLimit, &decoder, &info, $0, $1) },
                  message, format: "PNG", path: path)
        defer { seg_png_close(decoder) }
        return try makeImage(info, path: path) { pixels, size in
            message.with { seg_png_read(decoder, pixels, size, $0, $1) }
        } failure: { status in try check(status, message, format: "PNG", path: path) }
    }

    private static func decodeJPEG(_ buf: UnsafeBufferPointer<UInt8>, path: String, options: DecodeOptions) throws -> Image {
        var info = SegInfo()
        var decoder: OpaquePointer?
        var message = MessageBuffer()
        try check(message.with { seg_jpeg_open(buf.baseAddress, buf.count, options.pixelLimit, options.grayJPEG ? 1 : 0, &decoder, &info, $0, $1) },
                  message, format: "JPEG", path: path)
        defer { seg_jpeg_close(decoder) }
        var warnings: Int32 = 0
        return try makeImage(info, path: path) { pixels, size in
            message.with { seg_jpeg_read(decoder, pixels, size, options.strictJPEG ? 1 : 0, &warnings, $0, $1) }
        } failure: { status in try check(status, message, format: "JPEG", path: path) }
    }

    private static func decodeGIF(_ buf: UnsafeBufferPointer<UInt8>, path: String, options: DecodeOptions) throws -> Image {
        var info = SegInfo()
        var message = MessageBuffer()
        try check(message.with { seg_gif_decode(buf.baseAddress, buf.count, options.pixelLimit, &info, nil, 0, $0, $1) },
                  message, format: "GIF", path: path)
        return try makeImage(info, path: path) { pixels, size in
            var again = SegInfo()
            return message.with { seg_gif_decode(buf.baseAddress, buf.count, options.pixelLimit, &again, pixels, size, $0, $1) }
        } failure: { status in try check(status, message, format: "GIF", path: path) }
    }

    private static func withTIFF(_ buf: UnsafeBufferPointer<UInt8>, path: String,
                                 _ body: (OpaquePointer?, Int) throws -> Void) throws {
        var decoder: OpaquePointer?
        var pages: UInt32 = 0
        var message = MessageBuffer()
        try check(message.with { seg_tiff_open(buf.baseAddress, buf.count, &decoder, &pages, $0, $1) },
                  message, format: "TIFF", path: path)
        defer { seg_tiff_close(decoder) }
        try body(decoder, Int(pages))
    }

    private static func decodeTIFFPage(_ decoder: OpaquePointer?, page: Int, path: String, options: DecodeOptions) throws -> Image {
        var info = SegInfo()
        var message = MessageBuffer()
        try check(message.with { seg_tiff_select(decoder, UInt32(page), options.pixelLimit, &info, $0, $1) },
                  message, format: "TIFF", path: path, page: page)
        if info.sample_bytes == 4 && info.sample_format == 2 {
            throw ImageError(.unsupported, path: path, "page \(page) holds 32-bit float samples (a probability map or a data field), not image levels; segeval reads float probability maps as predictions")
        }
        if info.sample_bytes == 4 { return try labelMap32(decoder, info: info, page: page, path: path) }
        return try makeImage(info, path: path) { pixels, size in
            message.with { seg_tiff_read(decoder, pixels, size, $0, $1) }
        } failure: { status in try check(status, message, format: "TIFF", path: path, page: page) }
    }

    /// A 32-bit integer label map (one gray sample; unsigned or signed, as
    /// stardist, cellpose and tifffile write instance labels). Its ids are
    /// kept exactly: the image is read as a 16-bit label map when every id
    /// fits (0 … 65535); larger or negative ids are refused with their value.
    private static func labelMap32(_ decoder: OpaquePointer?, info: SegInfo, page: Int, path: String) throws -> Image {
        let width = Int(info.width), height = Int(info.height)
        guard width * height <= maxAllocation / 4 else {
            throw ImageError(.tooLarge, path: path, "page \(page): \(width)x\(height) 32-bit labels exceed the memory limit")
        }
        var raw = [UInt32](repeating: 0, count: width * height)
        var message = MessageBuffer()
        let status = raw.withUnsafeMutableBytes { bytes in
            message.with { seg_tiff_read(decoder, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes.count, $0, $1) }
        }
        try check(status, message, format: "TIFF", path: path, page: page)
        let signed = info.sample_format == 1
        if signed, let negative = raw.first(where: { Int32(bitPattern: $0) < 0 }) {
            throw ImageError(.unsupported, path: path, "page \(page): a 32-bit label map with the negative id \(Int32(bitPattern: negative)); object ids are 0 (background) and positive integers")
        }
        let largest = raw.max() ?? 0
        guard largest <= UInt32(UInt16.max) else {
            throw ImageError(.unsupported, path: path, "page \(page): a 32-bit label map with ids up to \(largest); ids above 65535 are not supported (renumber the objects 1 … n, e.g. skimage.segmentation.relabel_sequential, and save as 16-bit)")
        }
        return Image(width: width, height: height, colorModel: .gray, samples: .uint16(raw.map { UInt16(truncatingIfNeeded: $0) }), sourceBitDepth: 16)
    }

    // MARK: - helpers

    /// Allocates the pixel storage `info` describes, lets `fill` decode into
    /// it, and turns a failed status into a typed error with `failure`.
    private static func makeImage(_ info: SegInfo, path: String,
                                  fill: (UnsafeMutablePointer<UInt8>, Int) -> SegStatus,
                                  failure: (SegStatus) throws -> Void) throws -> Image {
        let (image, status) = allocate(info, fill: fill)
        try failure(status)
        return image
    }

    /// Allocates the pixel storage `info` describes and lets `fill` decode into it.
    private static func allocate(_ info: SegInfo, fill: (UnsafeMutablePointer<UInt8>, Int) -> SegStatus) -> (Image, SegStatus) {
        let width = Int(info.width), height = Int(info.height), channels = Int(info.channels)
        // Headers are checked against the pixel limit before this point; this
        // guards the arithmetic itself against any limit a caller may set.
        let (pixels, o1) = width.multipliedReportingOverflow(by: height)
        let (count, o2) = pixels.multipliedReportingOverflow(by: channels)
        let (bytes, o3) = count.multipliedReportingOverflow(by: Int(info.sample_bytes))
        if o1 || o2 || o3 || bytes > maxAllocation {
            return (Image(width: 0, height: 0, colorModel: .gray, samples: .uint8([])), .SEG_ERR_TOO_LARGE)
        }
        if info.sample_bytes == 4 {  // float TIFF pages are data, not images: FloatTIFF reads them
            return (Image(width: 0, height: 0, colorModel: .gray, samples: .uint8([])), .SEG_ERR_UNSUPPORTED)
        }
        let model = colorModel(info.color)
        let palette = paletteEntries(info)
        if info.sample_bytes == 2 {
            var status = SegStatus.SEG_OK
            let samples = [UInt16](unsafeUninitializedCapacity: count) { buf, initialized in
                status = buf.withMemoryRebound(to: UInt8.self) { fill($0.baseAddress!, count * 2) }
                initialized = count
            }
            return (Image(width: width, height: height, colorModel: model, samples: .uint16(samples),
                          sourceBitDepth: 16, palette: palette), status)
        }
        var status = SegStatus.SEG_OK
        let samples = [UInt8](unsafeUninitializedCapacity: count) { buf, initialized in
            status = fill(buf.baseAddress!, count)
            initialized = count
        }
        return (Image(width: width, height: height, colorModel: model, samples: .uint8(samples),
                      sourceBitDepth: Int(info.source_bit_depth), palette: palette), status)
    }

    private static func colorModel(_ c: SegColor) -> Image.ColorModel {
        switch c {
        case .SEG_COLOR_GRAY: return .gray
        case .SEG_COLOR_GRAY_ALPHA: return .grayAlpha
        case .SEG_COLOR_RGB: return .rgb
        case .SEG_COLOR_RGBA: return .rgba
        case .SEG_COLOR_PALETTE: return .palette
        }
    }

    private static func paletteEntries(_ info: SegInfo) -> [RGBA] {
        let n = Int(info.palette_size)
        guard n > 0 else { return [] }
        var p = info.palette
        return withUnsafeBytes(of: &p) { raw in
            (0..<n).map { i in RGBA(raw[4 * i], raw[4 * i + 1], raw[4 * i + 2], raw[4 * i + 3]) }
        }
    }

    /// The most pixel memory one image may take (64 GiB), whatever maxPixels says.
    static let maxAllocation = 1 << 36

    /// The whole file, with a read failure reported as an ``ImageError``.
    static func fileBytes(_ path: String) throws -> [UInt8] {
        do { return try FileBytes.read(path) } catch let error as FileError { throw ImageError(error) }
    }

    /// Turns a shim status into a typed error (no-op for success).
    static func check(_ status: SegStatus, _ message: MessageBuffer, format: String, path: String, page: Int? = nil) throws {
        let text = message.text.isEmpty ? "the image is too large to decode" : message.text
        let where_ = page.map { " (page \($0))" } ?? ""
        switch status {
        case .SEG_OK: return
        case .SEG_ERR_TRUNCATED: throw ImageError(.truncated, path: path, "truncated \(format)\(where_): \(text)")
        case .SEG_ERR_CORRUPT: throw ImageError(.corrupt, path: path, "corrupt \(format)\(where_): \(text)")
        case .SEG_ERR_UNSUPPORTED: throw ImageError(.unsupported, path: path, "unsupported \(format)\(where_): \(text)")
        case .SEG_ERR_TOO_LARGE: throw ImageError(.tooLarge, path: path, "\(format)\(where_) too large: \(text)")
        case .SEG_ERR_MEMORY: throw ImageError(.outOfMemory, path: path, "out of memory decoding \(format): \(text)")
        case .SEG_ERR_ARGUMENT, .SEG_FALLBACK: throw ImageError(.unsupported, path: path, "\(format)\(where_): \(text)")
        }
    }
}

/// What an image header says.
public struct ImageInfo: Sendable, Equatable {
    public let format: ImageFormat
    public let width: Int
    public let height: Int
    public let colorModel: Image.ColorModel
    public let sourceBitDepth: Int
    public let pageCount: Int
}

/// A C string buffer the shim writes its messages into.
struct MessageBuffer {
    private var storage = [CChar](repeating: 0, count: 512)

    mutating func with<R>(_ body: (UnsafeMutablePointer<CChar>, Int) -> R) -> R {
        storage.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
    }

    var text: String {
        storage.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
