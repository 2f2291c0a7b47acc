import SegCore

/// A decoded raster image: pixel samples exactly as stored in the file, plus
/// what is needed to interpret them (colour model, source bit depth, palette).
///
/// Samples are interleaved row-major (`(y * width + x) * channels + c`).
/// Sub-byte sources are **not rescaled**: a 1-bit gray PNG decodes to the
/// values 0 and 1 (`sourceBitDepth == 1`), a palette image to its raw
/// indices. Use ``grayLevels8()`` for the 0…255 view that viewers and OpenCV
/// show (1-bit 0/1 becomes 0/255), and ``labelPlane()`` for the single-channel
/// label values that `remap` and `segeval` compare.
public struct Image: Sendable, Equatable {
    /// How samples map to colour.
    public enum ColorModel: String, Sendable, Equatable, CaseIterable {
        case gray, grayAlpha, rgb, rgba, palette

        /// Samples per pixel.
        public var channels: Int {
            switch self {
            case .gray, .palette: return 1
            case .grayAlpha: return 2
            case .rgb: return 3
            case .rgba: return 4
            }
        }
    }

    /// Sample storage: one byte per sample for sources of 1 to 8 bits, native
    /// `UInt16` for 16-bit sources.
    public enum Samples: Sendable, Equatable {
        case uint8([UInt8])
        case uint16([UInt16])

        /// Number of samples stored.
        public var count: Int {
            switch self {
            case .uint8(let a): return a.count
            case .uint16(let a): return a.count
            }
        }
    }

    public var width: Int
    public var height: Int
    public var colorModel: ColorModel
    public var samples: Samples
    /// Bits per sample in the source file (1, 2, 4, 8 or 16).
    public var sourceBitDepth: Int
    /// Palette entries for `.palette` images (empty otherwise).
    public var palette: [RGBA]

    /// Creates an image, checking that the sample count matches the geometry.
    public init(width: Int, height: Int, colorModel: ColorModel, samples: Samples,
                sourceBitDepth: Int? = nil, palette: [RGBA] = []) {
        precondition(width >= 0 && height >= 0, "negative image size")
        precondition(samples.count == width * height * colorModel.channels, "sample count does not match the image size")
        self.width = width
        self.height = height
        self.colorModel = colorModel
        self.samples = samples
        if case .uint16 = samples { self.sourceBitDepth = sourceBitDepth ?? 16 } else { self.sourceBitDepth = sourceBitDepth ?? 8 }
        self.palette = palette
    }

    /// Convenience: an 8-bit single-channel gray image.
    public static func gray8(width: Int, height: Int, pixels: [UInt8]) -> Image {
        Image(width: width, height: height, colorModel: .gray, samples: .uint8(pixels))
    }

    /// Samples per pixel.
    public var channels: Int { colorModel.channels }
    /// Number of pixels.
    public var pixelCount: Int { width * height }
    /// True when samples are stored as `UInt16`.
    public var is16Bit: Bool { if case .uint16 = samples { return true } else { return false } }
    /// The largest value a sample of this image's source depth can hold.
    public var maxSampleValue: Int { (1 << sourceBitDepth) - 1 }

    /// A single-channel 8-bit gray view on the usual 0…255 scale:
    /// sub-byte gray values are spread to full range (1-bit 0/1 → 0/255,
    /// 2-bit → 0, 85, 170, 255), 16-bit values are scaled by 255/65535 with
    /// rounding, alpha is dropped, and RGB becomes OpenCV-compatible BT.601 luma
    /// `(4899 R + 9617 G + 1868 B + 8192) >> 14`. Palette images are returned
    /// as their raw indices (an index is a class, not a brightness).
    public func grayLevels8() -> [UInt8] {
        if case .uint8(let s) = samples, channels == 1, sourceBitDepth == 8 { return s }
        let n = pixelCount
        let ch = channels
        var out = [UInt8](repeating: 0, count: n)
        switch samples {
        case .uint8(let s):
            let scale = (colorModel == .palette || sourceBitDepth >= 8) ? 1 : 255 / maxSampleValue
            s.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    if ch >= 3 {
                        for i in 0..<n {
                            let r = Int(src[i * ch]), g = Int(src[i * ch + 1]), b = Int(src[i * ch + 2])
                            dst[i] = UInt8((4899 * r + 9617 * g + 1868 * b + 8192) >> 14)
                        }
                    } else {
                        for i in 0..<n { dst[i] = UInt8(Int(src[i * ch]) * scale) }
                    }
                }
            }
        case .uint16(let s):
            s.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    for i in 0..<n {
                        let v: Int
                        if ch >= 3 {
                            let r = Int(src[i * ch]), g = Int(src[i * ch + 1]), b = Int(src[i * ch + 2])
                            v = (4899 * r + 9617 * g + 1868 * b + 8192) >> 14
                        } else {
                            v = Int(src[i * ch])
                        }
                        dst[i] = UInt8((v * 255 + 32767) / 65535)
                    }
                }
            }
        }
        return out
    }
}

/// One palette entry.
public struct RGBA: Sendable, Equatable, Hashable {
    public var r: UInt8, g: UInt8, b: UInt8, a: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) {
        self.r = r; self.g = g; self.b = b; self.a = a
    }
}

extension Image {
    /// True for a palette image whose every used entry is gray (r = g = b):
    /// a gray image stored with a palette (0/255 masks saved as GIF or as a
    /// two-entry palette PNG, gray-ramp palettes). False for colour palettes
    /// (VOC label maps), whose indices are classes, and when an index has no
    /// palette entry.
    public var hasGrayPalette: Bool {
        guard colorModel == .palette, case .uint8(let s) = samples else { return false }
        var used = [Bool](repeating: false, count: 256)
        s.withUnsafeBufferPointer { p in for v in p { used[Int(v)] = true } }
        for index in 0..<256 where used[index] {
            guard index < palette.count else { return false }
            let e = palette[index]
            guard e.r == e.g, e.g == e.b else { return false }
        }
        return true
    }

    /// The one rule every tool reads palettes by: a palette image whose used
    /// entries are all gray becomes the 8-bit gray image it shows (each pixel
    /// the gray level of its entry); any other image is returned unchanged.
    public func grayPaletteResolved() -> Image {
        guard hasGrayPalette, case .uint8(let s) = samples else { return self }
        let levels = palette.map(\.r) + [UInt8](repeating: 0, count: max(0, 256 - palette.count))
        let gray = ByteLookup(levels).apply(s)
        return Image(width: width, height: height, colorModel: .gray, samples: .uint8(gray), sourceBitDepth: 8)
    }
}
