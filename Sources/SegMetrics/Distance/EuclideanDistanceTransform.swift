/// The exact Euclidean distance from every pixel to the nearest feature
/// pixel, with a physical pixel size (`spacing`: row height, column width),
/// as SciPy's `distance_transform_edt(~features, sampling=spacing)` computes
/// it: the nearest feature is found exactly (Felzenszwalb and Huttenlocher's
/// lower envelope of parabolas, one pass along columns and one along rows),
/// and its distance is `√((sy·Δrow)² + (sx·Δcolumn)²)` from the integer
/// offsets, summed in SciPy's axis order. Not a chamfer approximation.
public enum EuclideanDistanceTransform {
    /// Distances for a `width × height` row-major mask whose non-zero pixels
    /// are the features; nil when there is none.
    public static func distances(features: [UInt8], width: Int, height: Int, spacing: Spacing) -> [Double]? {
        guard features.contains(where: { $0 != 0 }) else { return nil }
        let n = width * height
        // Pass 1: per column, the offset in rows to the nearest feature of the column (Int.max: none).
        var rowOffset = [Int](repeating: Int.max, count: n)
        for x in 0..<width {
            var last = -1
            for y in 0..<height {
                if features[y * width + x] != 0 { last = y }
                if last >= 0 { rowOffset[y * width + x] = y - last }
            }
            last = -1
            for y in stride(from: height - 1, through: 0, by: -1) {
                if features[y * width + x] != 0 { last = y }
                if last >= 0 && last - y < rowOffset[y * width + x] { rowOffset[y * width + x] = last - y }
            }
        }
        // Pass 2: per row, the lower envelope of g(x') + (sx·(x − x'))² with g = (sy·Δrow)².
        let sx2 = spacing.column * spacing.column
        var out = [Double](repeating: 0, count: n)
        var hull = [Int](repeating: 0, count: width)
        var bounds = [Double](repeating: 0, count: width + 1)
        for y in 0..<height {
            let row = y * width
            func g(_ x: Int) -> Double {
                let dy = Double(rowOffset[row + x]) * spacing.row
                return dy * dy
            }
            var k = -1
            for q in 0..<width where rowOffset[row + q] != Int.max {
                let fq = g(q) + sx2 * Double(q * q)
                var s = -Double.infinity
                while k >= 0 {
                    let p = hull[k]
                    s = (fq - (g(p) + sx2 * Double(p * p))) / (2 * sx2 * Double(q - p))
                    if s > bounds[k] { break }
                    k -= 1
                }
                k += 1
                hull[k] = q
                bounds[k] = k == 0 ? -.infinity : s
                bounds[k + 1] = .infinity
            }
            var j = 0
            for x in 0..<width {
                while bounds[j + 1] < Double(x) { j += 1 }
                let p = hull[j]
                let dy = Double(rowOffset[row + p]) * spacing.row, dx = Double(x - p) * spacing.column
                out[row + x] = (dy * dy + dx * dx).squareRoot()
            }
        }
        return out
    }
}
