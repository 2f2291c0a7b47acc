import Foundation

/// Margolin et al.'s weighted F-measure as PySODMetrics computes it
/// (a port of the authors' MATLAB): errors outside the object are taken at
/// the nearest object pixel, smoothed by a 7×7 Gaussian (σ = 5) inside the
/// object, and weighted by `2 − exp(ln 0.5 / 5 · distance)` outside it.
///
/// The nearest object pixel follows SciPy's `distance_transform_edt`
/// feature transform exactly (Maurer et al.'s algorithm with its tie
/// rules), because with ties a different choice changes the score.
enum WeightedFMeasure {
    /// The normalised 1-D Gaussian whose outer product is MATLAB's
    /// `fspecial('gaussian', 7, 5)`.
    static let kernel: [Double] = {
        let k = (-3...3).map { d -> Double in exp(-Double(d * d) / 50) }
        let sum = k.reduce(0, +)
        return k.map { $0 / sum }
    }()

    /// - Parameters:
    ///   - gt: 1 for object pixels, 0 elsewhere (at least one object pixel).
    ///   - fill: writes `|p − gt|` for every pixel into the buffer it is given.
    static func score(gt: [UInt8], width: Int, height: Int, beta: Double, workspace ws: WeightedFWorkspace,
                      fill: (UnsafeMutableBufferPointer<Double>) -> Void) -> Double {
        let n = width * height
        ws.reserve(pixels: n, width: width, height: height)
        nearestObjectPixel(gt: gt, width: width, height: height, workspace: ws)
        let k = kernel
        let k0 = k[0], k1 = k[1], k2 = k[2], k3 = k[3], k4 = k[4], k5 = k[5], k6 = k[6]
        let decay = log(0.5) / 5
        var objectPixels = 0
        var sumObject = 0.0, sumBackground = 0.0
        gt.withUnsafeBufferPointer { g in
        ws.error.withUnsafeMutableBufferPointer { e in
        ws.spread.withUnsafeMutableBufferPointer { et in
        ws.horizontal.withUnsafeMutableBufferPointer { hz in
        ws.nearestIndex.withUnsafeBufferPointer { nearest in
        ws.squaredDistance.withUnsafeBufferPointer { d2 in
        ws.weightBySquaredDistance.withUnsafeMutableBufferPointer { weight in
            // The workspace is sized for the largest image so far; `fill` sees exactly this image's pixels.
            fill(UnsafeMutableBufferPointer(rebasing: e[0..<n]))
            // Et: the error at the nearest object pixel outside the object.
            for i in 0..<n { et[i] = g[i] != 0 ? e[i] : e[Int(nearest[i])] }
            // Horizontal pass of the Gaussian, zero outside the image.
            for y in 0..<height {
                let row = y * width
                for x in 0..<width {
                    if x >= 3 && x + 3 < width {
                        let p = row + x
                        var s = k0 * et[p - 3]
                        s += k1 * et[p - 2]; s += k2 * et[p - 1]; s += k3 * et[p]
                        s += k4 * et[p + 1]; s += k5 * et[p + 2]; s += k6 * et[p + 3]
                        hz[p] = s
                    } else {
                        var s = 0.0
                        for d in -3...3 where x + d >= 0 && x + d < width { s += k[d + 3] * et[row + x + d] }
                        hz[row + x] = s
                    }
                }
            }
            for y in 0..<height {
                let row = y * width
                let interior = y >= 3 && y + 3 < height
                for x in 0..<width {
                    let i = row + x
                    if g[i] != 0 {
                        var ea: Double
                        if interior {
                            ea = k0 * hz[i - 3 * width]
                            ea += k1 * hz[i - 2 * width]; ea += k2 * hz[i - width]; ea += k3 * hz[i]
                            ea += k4 * hz[i + width]; ea += k5 * hz[i + 2 * width]; ea += k6 * hz[i + 3 * width]
                        } else {
                            ea = 0
                            for d in -3...3 where y + d >= 0 && y + d < height { ea += k[d + 3] * hz[i + d * width] }
                        }
                        objectPixels += 1
                        sumObject += ea < e[i] ? ea : e[i]
                    } else {
                        let q = Int(d2[i])
                        var w = weight[q]
                        if w.isNaN {
                            w = 2 - exp(decay * Double(q).squareRoot())
                            weight[q] = w
                        }
                        sumBackground += e[i] * w
                    }
                }
            }
        }}}}}}}
        let tpw = Double(objectPixels) - sumObject
        let fpw = sumBackground
        let recall = 1 - sumObject / Double(objectPixels)
        let precision = tpw / (tpw + fpw + machineEpsilon)
        return (1 + beta) * recall * precision / (recall + beta * precision + machineEpsilon)
    }

    /// For every pixel, the index of the nearest object pixel and the squared
    /// distance to it (into the workspace), with SciPy's choice among equally
    /// near ones.
    static func nearestObjectPixel(gt: [UInt8], width: Int, height: Int, workspace ws: WeightedFWorkspace) {
        ws.reserve(pixels: width * height, width: width, height: height)
        gt.withUnsafeBufferPointer { g in
        ws.columnNearest.withUnsafeMutableBufferPointer { col in
        ws.nearestIndex.withUnsafeMutableBufferPointer { index in
        ws.squaredDistance.withUnsafeMutableBufferPointer { squared in
        ws.stack.withUnsafeMutableBufferPointer { stack in
            // Pass 1 (along columns): the nearest object row in the same
            // column, the upper one on a tie; -1 when the column has none.
            // Rows above are swept first; `stack` holds each column's last object row.
            for x in 0..<width { stack[x] = -1 }
            for y in 0..<height {
                let row = y * width
                for x in 0..<width {
                    if g[row + x] != 0 { stack[x] = y }
                    col[row + x] = Int32(stack[x])
                }
            }
            for x in 0..<width { stack[x] = -1 }
            for y in stride(from: height - 1, through: 0, by: -1) {
                let row = y * width
                for x in 0..<width {
                    if g[row + x] != 0 { stack[x] = y }
                    let down = stack[x], up = Int(col[row + x])
                    if up < 0 || (down >= 0 && y - up > down - y) { col[row + x] = Int32(down) }
                }
            }

            // Pass 2 (along rows): lower envelope of the column candidates.
            for y in 0..<height {
                let row = y * width
                var top = -1
                for x in 0..<width {
                    let r = Int(col[row + x])
                    guard r >= 0 else { continue }
                    let wR = (r - y) * (r - y)
                    while top >= 1 {
                        let i1 = stack[top], i2 = stack[top - 1]
                        let a = i1 - i2, b = x - i1, c = a + b
                        let u = Int(col[row + i2]) - y, v = Int(col[row + i1]) - y
                        if c * (v * v) - b * (u * u) - a * wR - a * b * c <= 0 { break }
                        top -= 1
                    }
                    top += 1
                    stack[top] = x
                }
                guard top >= 0 else { continue }
                var l = 0
                var c1 = stack[0], dr = Int(col[row + c1]) - y
                var d1 = dr * dr + c1 * c1
                for x in 0..<width {
                    dr = Int(col[row + c1]) - y
                    d1 = dr * dr + (c1 - x) * (c1 - x)
                    while l < top {
                        let c2 = stack[l + 1]
                        let dr2 = Int(col[row + c2]) - y
                        let d2 = dr2 * dr2 + (c2 - x) * (c2 - x)
                        if d1 <= d2 { break }
                        d1 = d2
                        c1 = c2
                        l += 1
                    }
                    index[row + x] = Int32(Int(col[row + c1]) * width + c1)
                    squared[row + x] = Int32(d1)
                }
            }
        }}}}}
    }
}
