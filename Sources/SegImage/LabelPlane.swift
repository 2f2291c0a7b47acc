/// The single-channel label values of a mask, as `remap` and `segeval`
/// compare them.
///
/// - 1-, 2- and 4-bit gray become the 0…255 scale (a 1-bit 0/1 mask and an
///   8-bit 0/255 mask give the same plane); 8-bit gray is taken as is.
/// - 16-bit gray stays 16-bit.
/// - Palette images give their raw indices (the index is the class). Images read
///   through ``ImageReader`` with the default ``DecodeOptions/grayPalettes`` arrive
///   here already gray when every used palette entry is gray (see
///   ``Image/grayPaletteResolved()``), so only colour palettes reach this rule.
/// - Alpha is ignored. RGB whose three channels are equal everywhere is gray;
///   other RGB is a colour mask (see ``Image/colorPlane()``).
public enum LabelPlane: Sendable, Equatable {
    case values8([UInt8])
    case values16([UInt16])

    /// Number of pixels.
    public var count: Int {
        switch self {
        case .values8(let v): return v.count
        case .values16(let v): return v.count
        }
    }
}

extension Image {
    /// The label values of this image, or nil for an RGB image with real
    /// colours (which needs a colour table to become labels).
    public func labelPlane() -> LabelPlane? {
        let ch = channels
        switch samples {
        case .uint8(let s):
            if colorModel == .rgb || colorModel == .rgba {
                guard let gray = equalChannels(s, channels: ch) else { return nil }
                return .values8(gray)
            }
            // Palette indices and 8-bit gray as stored; sub-byte gray (and the
            // gray channel of gray+alpha) on the 0…255 scale.
            if ch == 1 && (colorModel == .palette || sourceBitDepth == 8) { return .values8(s) }
            return .values8(grayLevels8())
        case .uint16(let s):
            if colorModel == .rgb || colorModel == .rgba {
                guard let gray = equalChannels(s, channels: ch) else { return nil }
                return .values16(gray)
            }
            return .values16(ch == 1 ? s : firstChannel(s, channels: ch))
        }
    }

    /// Packed `0xRRGGBB` colours of every pixel, for colour-coded masks:
    /// RGB(A) samples directly, palette indices through the palette, gray as
    /// (v, v, v) on the 0…255 scale. Nil for 16-bit images, or when a palette
    /// index has no palette entry.
    public func colorPlane() -> [UInt32]? {
        guard case .uint8(let s) = samples else { return nil }
        let n = pixelCount, ch = channels
        var out = [UInt32](repeating: 0, count: n)
        switch colorModel {
        case .rgb, .rgba:
            for i in 0..<n { out[i] = UInt32(s[i * ch]) << 16 | UInt32(s[i * ch + 1]) << 8 | UInt32(s[i * ch + 2]) }
        case .palette:
            let table = palette.map { UInt32($0.r) << 16 | UInt32($0.g) << 8 | UInt32($0.b) }
            for i in 0..<n {
                let index = Int(s[i])
                guard index < table.count else { return nil }
                out[i] = table[index]
            }
        case .gray, .grayAlpha:
            let gray = grayLevels8()
            for i in 0..<n { out[i] = UInt32(gray[i]) * 0x010101 }
        }
        return out
    }

    private func equalChannels<T: FixedWidthInteger>(_ s: [T], channels ch: Int) -> [T]? {
        let n = pixelCount
        var out = [T](repeating: 0, count: n)
        for i in 0..<n {
            let r = s[i * ch]
            guard s[i * ch + 1] == r, s[i * ch + 2] == r else { return nil }
            out[i] = r
        }
        return out
    }

    private func firstChannel<T: FixedWidthInteger>(_ s: [T], channels ch: Int) -> [T] {
        (0..<pixelCount).map { s[$0 * ch] }
    }
}
