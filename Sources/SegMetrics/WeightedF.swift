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
    /// - Parameters:
    ///   - gt: 1 for object pixels, 0 elsewhere (at least one object pixel).
    ///   - errorOfLevel: `|p(v) − 0|` and `|p(v) − 1|` per prediction level.
    static func score(gt: [UInt8], width: Int, height: Int, beta: Double,
                      error: (_ index: Int, _ object: Bool) -> Double) -> Double {
        let n = width * height
        let nearest = nearestObjectPixel(gt: gt, width: width, height: height)
        // E, and Et (E taken at the nearest object pixel outside the object).
        var e = [Double](repeating: 0, count: n)
        for i in 0..<n { e[i] = error(i, gt[i] != 0) }
        var et = e
        for i in 0..<n where gt[i] == 0 { et[i] = e[Int(nearest.index[i])] }

        // Horizontal then vertical pass of the normalised 7×7 Gaussian
        // (zero outside the image), the vertical one only where it is used.
        var k = (-3...3).map { d -> Double in exp(-Double(d * d) / 50) }
        let ksum = k.reduce(0, +)
        k = k.map { $0 / ksum }
        var horizontal = [Double](repeating: 0, count: n)
        for y in 0..<height {
            let row = y * width
            for x in 0..<width {
                var s = 0.0
                for d in -3...3 {
                    let xx = x + d
                    if xx >= 0 && xx < width { s += k[d + 3] * et[row + xx] }
                }
                horizontal[row + x] = s
            }
        }

        var objectPixels = 0
        var sumObject = 0.0, sumBackground = 0.0
        let decay = log(0.5) / 5
        for y in 0..<height {
            for x in 0..<width {
                let i = y * width + x
                if gt[i] != 0 {
                    var ea = 0.0
                    for d in -3...3 {
                        let yy = y + d
                        if yy >= 0 && yy < height { ea += k[d + 3] * horizontal[yy * width + x] }
                    }
                    objectPixels += 1
                    sumObject += ea < e[i] ? ea : e[i]
                } else {
                    let distance = Double(nearest.squaredDistance[i]).squareRoot()
                    sumBackground += e[i] * (2 - exp(decay * distance))
                }
            }
        }
        let tpw = Double(objectPixels) - sumObject
        let fpw = sumBackground
        let recall = 1 - sumObject / Double(objectPixels)
        let precision = tpw / (tpw + fpw + machineEpsilon)
        return (1 + beta) * recall * precision / (recall + beta * precision + machineEpsilon)
    }

    /// For every pixel, the index of the nearest object pixel and the squared
    /// distance to it, with SciPy's choice among equally near ones.
    static func nearestObjectPixel(gt: [UInt8], width: Int, height: Int) -> (index: [Int32], squaredDistance: [Int32]) {
        let n = width * height
        // Pass 1 (along columns): the nearest object row in the same column,
        // the upper one on a tie; -1 when the column has none.
        var columnNearest = [Int32](repeating: -1, count: n)
        var last = [Int32](repeating: -1, count: width)
        for y in 0..<height {
            for x in 0..<width {
                if gt[y * width + x] != 0 { last[x] = Int32(y) }
                columnNearest[y * width + x] = last[x]
            }
        }
        for x in 0..<width { last[x] = -1 }
        for y in stride(from: height - 1, through: 0, by: -1) {
            for x in 0..<width {
                let i = y * width + x
                if gt[i] != 0 { last[x] = Int32(y) }
                let down = last[x], up = columnNearest[i]
                if up < 0 || (down >= 0 && Int32(y) - up > down - Int32(y)) { columnNearest[i] = down }
            }
        }

        // Pass 2 (along rows): lower envelope of the column candidates.
        var index = [Int32](repeating: 0, count: n)
        var squared = [Int32](repeating: 0, count: n)
        var stack = [Int](repeating: 0, count: width)
        for y in 0..<height {
            let row = y * width
            var top = -1
            for x in 0..<width {
                let r = Int(columnNearest[row + x])
                guard r >= 0 else { continue }
                let wR = (r - y) * (r - y)
                while top >= 1 {
                    let i1 = stack[top], i2 = stack[top - 1]
                    let a = i1 - i2, b = x - i1, c = a + b
                    let u = Int(columnNearest[row + i2]) - y, v = Int(columnNearest[row + i1]) - y
                    if c * (v * v) - b * (u * u) - a * wR - a * b * c <= 0 { break }
                    top -= 1
                }
                top += 1
                stack[top] = x
            }
            guard top >= 0 else { continue }
            var l = 0
            for x in 0..<width {
                func distance(_ candidate: Int) -> Int {
                    let dr = Int(columnNearest[row + candidate]) - y, dc = candidate - x
                    return dr * dr + dc * dc
                }
                var d1 = distance(stack[l])
                while l < top {
                    let d2 = distance(stack[l + 1])
                    if d1 <= d2 { break }
                    d1 = d2
                    l += 1
                }
                let c = stack[l]
                index[row + x] = Int32(Int(columnNearest[row + c]) * width + c)
                squared[row + x] = Int32(d1)
            }
        }
        return (index, squared)
    }
}
