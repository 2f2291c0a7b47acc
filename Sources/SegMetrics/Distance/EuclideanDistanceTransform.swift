/// The exact Euclidean distance from every pixel to the nearest feature
/// pixel, with a physical pixel size (`spacing`: row height, column width),
/// as SciPy's `distance_transform_edt(~features, sampling=spacing)` computes
/// it: the nearest feature is found exactly (Felzenszwalb and Huttenlocher's
/// lower envelope of parabolas, one pass along columns and one along rows),
/// and its distance is `√((sy·Δrow)² + (sx·Δcolumn)²)` from the integer
/// offsets, summed in SciPy's axis order. Not a chamfer approximation.
public enum EuclideanDistanceTransform {
    /// Distances for a `width × height` row-major mask whose non-zero pixels
    /// are the features, at every pixel; nil when there is no feature.
    public static func distances(features: [UInt8], width: Int, height: Int, spacing: Spacing) -> [Double]? {
        distances(features: features, width: width, height: height, spacing: spacing, at: Array(0..<(width * height)))
    }

    /// Distances to the nearest feature at the pixels `queries` (row-major
    /// indices in increasing order), in that order; nil when there is no
    /// feature. Rows without a query are skipped in the second pass, and no
    /// square root is taken elsewhere.
    public static func distances(features: [UInt8], width: Int, height: Int, spacing: Spacing, at queries: [Int]) -> [Double]? {
        guard features.contains(where: { $0 != 0 }) else { return nil }
        let n = width * height
        let none = Int32.max
        // Pass 1, row by row: the row offset to the nearest feature of the same
        // column, from above (forward sweep) then from below (backward sweep).
        var rowOffset = [Int32](repeating: none, count: n)
        var last = [Int32](repeating: -1, count: width)
        features.withUnsafeBufferPointer { f in
            rowOffset.withUnsafeMutableBufferPointer { r in
                last.withUnsafeMutableBufferPointer { last in
                    for y in 0..<height {
                        let row = y * width
                        for x in 0..<width {
                            if f[row + x] != 0 { last[x] = Int32(y) }
                            if last[x] >= 0 { r[row + x] = Int32(y) - last[x] }
                        }
                    }
                    for x in 0..<width { last[x] = -1 }
                    for y in stride(from: height - 1, through: 0, by: -1) {
                        let row = y * width
                        for x in 0..<width {
                            if f[row + x] != 0 { last[x] = Int32(y) }
                            if last[x] >= 0 && last[x] - Int32(y) < r[row + x] { r[row + x] = last[x] - Int32(y) }
                        }
                    }
                }
            }
        }
        // Pass 2, per query: d² = min over columns x' of (sy·Δrow(x'))² + (sx·(x − x'))²,
        // searched outwards from x until (sx·|x − x'|)² reaches the best so far (exact;
        // short when the features are near, as surfaces of a good prediction are). A
        // query whose search runs past `localLimit` columns, or a row whose searches
        // together pass twice its width, switches the row to the lower envelope of the
        // parabolas (Felzenszwalb–Huttenlocher), linear in the width: no row costs more
        // than a few widths, however many queries it has.
        let sy = spacing.row, sx = spacing.column, sx2 = sx * sx
        let localLimit = 48
        var out = [Double](repeating: 0, count: queries.count)
        var hull = [Int](repeating: 0, count: width)
        var bounds = [Double](repeating: 0, count: width + 1)
        var g = [Double](repeating: 0, count: width)
        rowOffset.withUnsafeBufferPointer { r in
            out.withUnsafeMutableBufferPointer { out in
                hull.withUnsafeMutableBufferPointer { hull in
                    bounds.withUnsafeMutableBufferPointer { bounds in
                        g.withUnsafeMutableBufferPointer { g in
                            var next = 0
                            while next < queries.count {
                                let y = queries[next] / width, row = y * width
                                var hullBuilt = false
                                var j = 0
                                var spent = 0
                                while next < queries.count && queries[next] < row + width {
                                    let x = queries[next] - row
                                    var best = Double.infinity
                                    var exhausted = false
                                    @inline(__always) func consider(_ c: Int) {
                                        let o = r[row + c]
                                        guard o != none else { return }
                                        let dy = Double(o) * sy, dx = Double(x - c) * sx
                                        let d2 = dy * dy + dx * dx
                                        if d2 < best { best = d2 }
                                    }
                                    if !hullBuilt && spent <= 2 * width {
                                        consider(x)
                                        var step = 1
                                        while true {
                                            let reach = Double(step) * sx
                                            if reach * reach >= best { exhausted = true; break }
                                            if x - step < 0 && x + step >= width { exhausted = true; break }
                                            if step > localLimit { break }
                                            if x - step >= 0 { consider(x - step) }
                                            if x + step < width { consider(x + step) }
                                            step += 1
                                        }
                                        spent += step
                                    }
                                    if !exhausted {
                                        if !hullBuilt {
                                            var k = -1
                                            for q in 0..<width where r[row + q] != none {
                                                let dy = Double(r[row + q]) * sy
                                                g[q] = dy * dy
                                                let fq = g[q] + sx2 * Double(q * q)
                                                var s = -Double.infinity
                                                while k >= 0 {
                                                    let p = hull[k]
                                                    s = (fq - (g[p] + sx2 * Double(p * p))) / (2 * sx2 * Double(q - p))
                                                    if s > bounds[k] { break }
                                                    k -= 1
                                                }
                                                k += 1
                                                hull[k] = q
                                                bounds[k] = k == 0 ? -.infinity : s
                                                bounds[k + 1] = .infinity
                                            }
                                            hullBuilt = true
                                            j = 0
                                        }
                                        while bounds[j + 1] < Double(x) { j += 1 }
                                        let p = hull[j]
                                        let dy = Double(r[row + p]) * sy, dx = Double(x - p) * sx
                                        best = min(best, dy * dy + dx * dx)
                                    }
                                    out[next] = best.squareRoot()
                                    next += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
