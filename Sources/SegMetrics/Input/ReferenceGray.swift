import SegCore
import SegImage

/// 8-bit gray levels exactly as OpenCV's `imread(path, IMREAD_GRAYSCALE)`
/// gives them, which is how the reference tools read masks and maps.
///
/// OpenCV lets the codec library do the conversion, so it depends on the
/// format: for PNG, libpng's `png_set_rgb_to_gray` gives
/// `(9797 R + 19234 G + 3737 B) >> 15` (16-bit: the same with rounding on
/// the 16-bit values, then the high byte); 16-bit gray keeps its high byte;
/// for TIFF (and others) OpenCV's own BT.601 conversion
/// `(4899 R + 9617 G + 1868 B + 8192) >> 14` applies (``Image/grayLevels8()``).
/// Colour JPEG is decoded straight to libjpeg's gray (see ``DecodeOptions/grayJPEG``).
/// Palette images give their indices (a class, not a colour).
public enum ReferenceGray {
    /// The 8-bit gray levels of `image` as OpenCV reads a file of `format`.
    public static func levels(_ image: Image, format: ImageFormat) -> [UInt8] {
        guard image.colorModel != .palette else { return image.grayLevels8() }
        let n = image.pixelCount, ch = image.channels
        switch image.samples {
        case .uint8(let s):
            guard format == .png, ch >= 3 else { return image.grayLevels8() }
            var out = [UInt8](repeating: 0, count: n)
            for i in 0..<n {
                let r = Int(s[i * ch]), g = Int(s[i * ch + 1]), b = Int(s[i * ch + 2])
                out[i] = UInt8((9797 * r + 19234 * g + 3737 * b) >> 15)
            }
            return out
        case .uint16(let s):
            // 16-bit gray keeps its high byte (PNG and TIFF alike); 16-bit RGB
            // PNG goes through libpng's 16-bit conversion first.
            guard ch < 3 || format == .png else { return image.grayLevels8() }
            if ch == 1 {
                // The common case, in one loop the compiler vectorises.
                return s.map { UInt8(truncatingIfNeeded: $0 >> 8) }
            }
            var out = [UInt8](repeating: 0, count: n)
            for i in 0..<n {
                if ch >= 3 {
                    let r = Int(s[i * ch]), g = Int(s[i * ch + 1]), b = Int(s[i * ch + 2])
                    out[i] = UInt8(((9797 * r + 19234 * g + 3737 * b + 16384) >> 15) >> 8)
                } else {
                    out[i] = UInt8(s[i * ch] >> 8)
                }
            }
            return out
        }
    }
}
