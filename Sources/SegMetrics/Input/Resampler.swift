import SegImage

/// Resizes prediction images (every channel, 8- or 16-bit).
public enum Resampler {
    /// `image` resampled to `width` × `height` with OpenCV's geometry.
    public static func resize(_ image: Image, width: Int, height: Int, mode: ResizeMode) -> Image {
        switch image.samples {
        case .uint8(let s):
            return Image(width: width, height: height, colorModel: image.colorModel,
                         samples: .uint8(resample(s, image, width, height, mode)),
                         sourceBitDepth: image.sourceBitDepth, palette: image.palette)
        case .uint16(let s):
            return Image(width: width, height: height, colorModel: image.colorModel,
                         samples: .uint16(resample(s, image, width, height, mode)),
                         sourceBitDepth: image.sourceBitDepth, palette: image.palette)
        }
    }

    private static func resample<T: FixedWidthInteger>(_ s: [T], _ image: Image, _ w: Int, _ h: Int, _ mode: ResizeMode) -> [T] {
        let ch = image.channels, sw = image.width, sh = image.height
        var out = [T](repeating: 0, count: w * h * ch)
        let sx = Double(sw) / Double(w), sy = Double(sh) / Double(h)
        // Palette indices are classes: never blend them.
        let nearest = mode == .nearest || image.colorModel == .palette
        for y in 0..<h {
            for x in 0..<w {
                let o = (y * w + x) * ch
                if nearest {
                    let xs = min(Int(Double(x) * sx), sw - 1), ys = min(Int(Double(y) * sy), sh - 1)
                    for c in 0..<ch { out[o + c] = s[(ys * sw + xs) * ch + c] }
                    continue
                }
                let fx = (Double(x) + 0.5) * sx - 0.5, fy = (Double(y) + 0.5) * sy - 0.5
                let x0f = fx.rounded(.down), y0f = fy.rounded(.down)
                let ax = fx - x0f, ay = fy - y0f
                let x0 = min(max(Int(x0f), 0), sw - 1), x1 = min(max(Int(x0f) + 1, 0), sw - 1)
                let y0 = min(max(Int(y0f), 0), sh - 1), y1 = min(max(Int(y0f) + 1, 0), sh - 1)
                for c in 0..<ch {
                    let v00 = Double(s[(y0 * sw + x0) * ch + c]), v01 = Double(s[(y0 * sw + x1) * ch + c])
                    let v10 = Double(s[(y1 * sw + x0) * ch + c]), v11 = Double(s[(y1 * sw + x1) * ch + c])
                    let top = v00 + (v01 - v00) * ax, bottom = v10 + (v11 - v10) * ax
                    let v = (top + (bottom - top) * ay).rounded()
                    out[o + c] = T(min(max(v, 0), Double(T.max)))
                }
            }
        }
        return out
    }
}
