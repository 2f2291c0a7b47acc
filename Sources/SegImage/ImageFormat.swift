/// The file formats SegImage reads or writes.
public enum ImageFormat: String, Sendable, CaseIterable {
    case png, jpeg, tiff, gif

    /// Identifies a format from the first bytes of a file (never from its
    /// name). Returns nil for anything we do not read.
    public static func detect<C: Collection>(_ bytes: C) -> ImageFormat? where C.Element == UInt8 {
        let head = Array(bytes.prefix(8))
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.starts(with: [0x49, 0x49, 0x2A, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2A])
            || head.starts(with: [0x49, 0x49, 0x2B, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2B]) { return .tiff }
        if head.starts(with: Array("GIF87a".utf8)) || head.starts(with: Array("GIF89a".utf8)) { return .gif }
        return nil
    }

    /// Names formats we recognise but do not read, for a more useful error.
    static func describeUnknown(_ bytes: [UInt8]) -> String {
        let head = Array(bytes.prefix(12))
        if head.starts(with: Array("BM".utf8)) { return "BMP images are not supported (convert to PNG)" }
        if head.count >= 12, head.starts(with: Array("RIFF".utf8)), Array(head[8..<12]) == Array("WEBP".utf8) {
            return "WebP images are not supported (convert to PNG)"
        }
        if head.starts(with: [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50]) || head.starts(with: [0xFF, 0x4F, 0xFF, 0x51]) {
            return "JPEG 2000 images are not supported"
        }
        if head.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) { return "a NumPy .npy array, not an image" }
        let printable = head.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if printable { return "not an image (the file contains text)" }
        return "not an image (unrecognised content)"
    }

    /// The usual file extension for writing this format.
    public var fileExtension: String {
        switch self {
        case .png: return "png"
        case .jpeg: return "jpg"
        case .tiff: return "tif"
        case .gif: return "gif"
        }
    }
}
