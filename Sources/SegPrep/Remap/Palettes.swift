import SegImage

/// Colour tables for palette label PNGs.
public enum Palettes {
    /// The PASCAL VOC colour map (class 0 black, 1 dark red, 2 dark green, …,
    /// 255 = (224, 224, 192)), built by the standard bit-interleaving rule.
    public static let voc: [RGBA] = (0..<256).map { index in
        var r = 0, g = 0, b = 0, c = index
        for shift in stride(from: 7, through: 0, by: -1) {
            r |= (c & 1) << shift
            g |= (c >> 1 & 1) << shift
            b |= (c >> 2 & 1) << shift
            c >>= 3
        }
        return RGBA(UInt8(r), UInt8(g), UInt8(b))
    }

    /// The VOC map with the given class colours taking precedence.
    public static func voc(overriding colors: [UInt8: UInt32]) -> [RGBA] {
        var table = voc
        for (cls, packed) in colors {
            table[Int(cls)] = RGBA(UInt8(packed >> 16 & 0xFF), UInt8(packed >> 8 & 0xFF), UInt8(packed & 0xFF))
        }
        return table
    }
}
