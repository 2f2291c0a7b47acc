import CSegCodecs
import SegFiles

/// Multi-page 32-bit float gray TIFF files: data such as displacement
/// fields (`augment --save-fields`), readable by tifffile, ImageJ and OpenCV.
public enum FloatTIFF {
    /// One page of floats, row-major.
    public struct Page: Sendable, Equatable {
        public var width: Int
        public var height: Int
        public var values: [Float]

        public init(width: Int, height: Int, values: [Float]) {
            precondition(values.count == width * height)
            self.width = width
            self.height = height
            self.values = values
        }
    }

    /// Writes the pages atomically, Deflate-compressed unless told otherwise.
    /// (Deflate saves little on noisy floats: a 512² probability map shrinks by
    /// about 13 % and takes some 30 ms to compress, which is why `segpredict`
    /// writes its maps with `.none`.)
    public static func write(_ pages: [Page], to path: String, compression: TIFFCompression = .deflate) throws {
        let bytes = try ImageWriter.assembleTIFF(pageCount: pages.count, path: path) { encoder, index, message in
            let page = pages[index]
            return page.values.withUnsafeBytes { raw in
                message.with {
                    seg_tiff_encoder_add_page(encoder, raw.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt32(page.width),
                                              UInt32(page.height), .SEG_COLOR_GRAY, 32, nil, 0, compression.rawValue, $0, $1)
                }
            }
        }
        try AtomicFile.write(bytes, to: path)
    }

    /// Reads every page; each must be 32-bit float gray.
    public static func read(_ path: String) throws -> [Page] {
        try decode(ImageReader.fileBytes(path), path: path)
    }

    /// True when `bytes` are a TIFF whose first page holds 32-bit float
    /// samples (read by ``decode(_:path:)``, not by ``ImageReader``).
    public static func isFloat(_ bytes: [UInt8]) -> Bool {
        guard ImageFormat.detect(bytes) == .tiff else { return false }
        return bytes.withUnsafeBufferPointer { buf -> Bool in
            var decoder: OpaquePointer?
            var count: UInt32 = 0
            var message = MessageBuffer()
            guard message.with({ seg_tiff_open(buf.baseAddress, buf.count, &decoder, &count, $0, $1) }) == .SEG_OK else { return false }
            defer { seg_tiff_close(decoder) }
            var info = SegInfo()
            guard count > 0, message.with({ seg_tiff_select(decoder, 0, UInt64(1 << 30), &info, $0, $1) }) == .SEG_OK else { return false }
            return info.sample_bytes == 4 && info.sample_format == 2
        }
    }

    /// ``read(_:)`` for a file already in memory; `path` names it in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> [Page] {
        guard try ImageReader.detect(bytes, path: path) == .tiff else {
            throw ImageError(.unsupported, path: path, "not a TIFF file")
        }
        var pages: [Page] = []
        try bytes.withUnsafeBufferPointer { buf in
            var decoder: OpaquePointer?
            var count: UInt32 = 0
            var message = MessageBuffer()
            try ImageReader.check(message.with { seg_tiff_open(buf.baseAddress, buf.count, &decoder, &count, $0, $1) },
                                  message, format: "TIFF", path: path)
            defer { seg_tiff_close(decoder) }
            for index in 0..<Int(count) {
                var info = SegInfo()
                try ImageReader.check(message.with { seg_tiff_select(decoder, UInt32(index), UInt64(1 << 30), &info, $0, $1) },
                                      message, format: "TIFF", path: path, page: index)
                guard info.sample_bytes == 4 && info.sample_format == 2 else {
                    throw ImageError(.unsupported, path: path, "page \(index) is not 32-bit float")
                }
                let n = Int(info.width) * Int(info.height)
                var values = [Float](repeating: 0, count: n)
                let status = values.withUnsafeMutableBytes { raw in
                    message.with { seg_tiff_read(decoder, raw.baseAddress!.assumingMemoryBound(to: UInt8.self), raw.count, $0, $1) }
                }
                try ImageReader.check(status, message, format: "TIFF", path: path, page: index)
                pages.append(Page(width: Int(info.width), height: Int(info.height), values: values))
            }
        }
        return pages
    }
}
