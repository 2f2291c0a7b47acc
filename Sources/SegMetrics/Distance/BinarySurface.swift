/// The boundary pixels of a binary mask under the definitions the
/// reference libraries use.
public enum BinarySurface {
    /// MONAI, MedPy and Metrics Reloaded: `mask XOR binary_erosion(mask)`
    /// with SciPy's cross structure and `border_value=0`, so a mask pixel is
    /// on the surface when one of its four neighbours is outside the mask or
    /// outside the image (a mask touching the image edge has surface there).
    public static func erosionEdges(_ mask: [UInt8], width: Int, height: Int) -> [UInt8] {
        var edges = [UInt8](repeating: 0, count: mask.count)
        mask.withUnsafeBufferPointer { m in
            edges.withUnsafeMutableBufferPointer { e in
                for y in 0..<height {
                    let row = y * width
                    let innerRow = y > 0 && y < height - 1
                    for x in 0..<width where m[row + x] != 0 {
                        let i = row + x
                        let inside = innerRow && x > 0 && x < width - 1
                            && m[i - width] != 0 && m[i + width] != 0 && m[i - 1] != 0 && m[i + 1] != 0
                        if !inside { e[i] = 1 }
                    }
                }
            }
        }
        return edges
    }

    /// The DAVIS benchmark's `_seg2bmap`: a pixel is boundary when it differs
    /// from its east, south or south-east neighbour (pixels past the image
    /// count as background, except that the last row compares only
    /// eastwards, the last column only southwards, and the corner never), so
    /// the image edge itself is not boundary.
    public static func davisBoundary(_ mask: [UInt8], width: Int, height: Int) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: mask.count)
        func at(_ y: Int, _ x: Int) -> Bool { y < height && x < width && mask[y * width + x] != 0 }
        for y in 0..<height {
            for x in 0..<width {
                let m = at(y, x), e = at(y, x + 1), s = at(y + 1, x), se = at(y + 1, x + 1)
                let boundary: Bool
                if y == height - 1 && x == width - 1 {
                    boundary = false
                } else if y == height - 1 {
                    boundary = m != e
                } else if x == width - 1 {
                    boundary = m != s
                } else {
                    boundary = m != e || m != s || m != se
                }
                b[y * width + x] = boundary ? 1 : 0
            }
        }
        return b
    }
}
