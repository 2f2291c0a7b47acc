import SegImage

/// Mirror flips, named as the seed tutorials' `cv2.flip` codes: `h` = code 1
/// (left–right), `v` = code 0 (top–bottom), `hv` = code −1 (both).
public enum Flip: String, Sendable, CaseIterable {
    case h, v, hv
}

extension Image {
    /// The image mirrored; an exact permutation of pixels.
    public func flipped(_ flip: Flip) -> Image {
        let w = width, h = height
        return permuted(width: w, height: h) { x, y in
            switch flip {
            case .h: return (w - 1 - x, y)
            case .v: return (x, h - 1 - y)
            case .hv: return (w - 1 - x, h - 1 - y)
            }
        }
    }

    /// Dihedral variant k (0…7) of the image: for k ≥ 4 the image is first
    /// transposed (x ↔ y), then rotated 90° clockwise k mod 4 times. k = 0 is
    /// the identity; the eight variants are all the symmetries of a square.
    public func dihedral(_ k: Int) -> Image {
        precondition((0..<8).contains(k), "dihedral variant must be 0…7")
        var result = self
        if k >= 4 {
            result = result.permuted(width: height, height: width) { x, y in (y, x) }
        }
        for _ in 0..<(k % 4) {
            let h = result.height
            result = result.permuted(width: result.height, height: result.width) { x, y in (y, h - 1 - x) }
        }
        return result
    }

    /// A new image of the given size whose pixel (x, y) is this image's pixel `source(x, y)`.
    func permuted(width newWidth: Int, height newHeight: Int, _ source: (Int, Int) -> (Int, Int)) -> Image {
        let ch = channels
        func gather<T>(_ s: [T]) -> [T] {
            var out = [T]()
            out.reserveCapacity(s.count)
            for y in 0..<newHeight {
                for x in 0..<newWidth {
                    let (sx, sy) = source(x, y)
                    let base = (sy * width + sx) * ch
                    for c in 0..<ch { out.append(s[base + c]) }
                }
            }
            return out
        }
        let samples: Samples
        switch self.samples {
        case .uint8(let s): samples = .uint8(gather(s))
        case .uint16(let s): samples = .uint16(gather(s))
        }
        return Image(width: newWidth, height: newHeight, colorModel: colorModel, samples: samples,
                     sourceBitDepth: sourceBitDepth, palette: palette)
    }
}
