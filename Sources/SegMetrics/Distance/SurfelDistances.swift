/// Surface elements as Google DeepMind's `surface-distance` defines them in
/// 2D: the image is read in 2×2 blocks (one block per grid corner, the grid
/// shifted half a pixel from the pixel centres); a block whose four pixels
/// are neither all outside nor all inside the mask is a surface element,
/// weighted by the length of the contour that crosses it (marching squares:
/// half a pixel diagonal for one or three inside pixels, a pixel width or
/// height for two adjacent ones, two half diagonals for two opposite ones,
/// all in spacing units). Distances run between the element positions; the
/// percentiles and means are weighted by the contour lengths.
public struct SurfelDistances: Sendable {
    /// Prediction elements → ground-truth elements, sorted by (distance, length), with their lengths.
    public let predToGT: [(distance: Double, length: Double)]
    /// Ground-truth elements → prediction elements, likewise.
    public let gtToPred: [(distance: Double, length: Double)]

    /// Surface elements of both masks and the distances between them. A
    /// mask without elements gives the other side's distances +inf, as the
    /// library's `np.inf` distance map does.
    public init(prediction: [UInt8], gt: [UInt8], width: Int, height: Int, spacing: Spacing) {
        let box = BoundingBox(of: [prediction, gt], width: width, height: height)
        guard box.width > 0 else {
            predToGT = []
            gtToPred = []
            return
        }
        // Block (i, j) of the grid, i in 0...box.height, j in 0...box.width, covers
        // pixels (i − 1 … i, j − 1 … j) of the box; outside the box counts as outside.
        let gw = box.width + 1, gh = box.height + 1
        func codes(_ mask: [UInt8]) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: gw * gh)
            func at(_ y: Int, _ x: Int) -> UInt8 {
                guard y >= 0, x >= 0, y < box.height, x < box.width else { return 0 }
                return mask[(box.top + y) * width + box.left + x] != 0 ? 1 : 0
            }
            for i in 0..<gh {
                for j in 0..<gw {
                    out[i * gw + j] = 8 * at(i - 1, j - 1) + 4 * at(i - 1, j) + 2 * at(i, j - 1) + at(i, j)
                }
            }
            return out
        }
        let lengths = Self.contourLengths(spacing)
        let predCodes = codes(prediction), gtCodes = codes(gt)
        let predBorder = predCodes.map { $0 != 0 && $0 != 15 ? UInt8(1) : 0 }
        let gtBorder = gtCodes.map { $0 != 0 && $0 != 15 ? UInt8(1) : 0 }
        func directed(_ source: [UInt8], _ sourceCodes: [UInt8], to target: [UInt8]) -> [(distance: Double, length: Double)] {
            let queries = SurfaceDistances.indices(of: source)
            let distances = EuclideanDistanceTransform.distances(features: target, width: gw, height: gh, spacing: spacing, at: queries)
                ?? Array(repeating: .infinity, count: queries.count)
            return zip(distances, queries.map { lengths[Int(sourceCodes[$0])] }).map { (distance: $0, length: $1) }
                .sorted { ($0.distance, $0.length) < ($1.distance, $1.length) }
        }
        predToGT = directed(predBorder, predCodes, to: gtBorder)
        gtToPred = directed(gtBorder, gtCodes, to: predBorder)
    }

    /// Contour length by block code (8 top-left, 4 top-right, 2 bottom-left, 1 bottom-right).
    static func contourLengths(_ spacing: Spacing) -> [Double] {
        let vertical = spacing.row, horizontal = spacing.column
        let diagonal = 0.5 * (spacing.row * spacing.row + spacing.column * spacing.column).squareRoot()
        var table = [Double](repeating: 0, count: 16)
        for code in [1, 2, 4, 8, 7, 11, 13, 14] { table[code] = diagonal }
        table[0b0011] = horizontal
        table[0b1100] = horizontal
        table[0b0101] = vertical
        table[0b1010] = vertical
        table[0b0110] = 2 * diagonal
        table[0b1001] = 2 * diagonal
        return table
    }

    /// The length-weighted percentile of one direction: the first distance
    /// whose cumulative length share reaches q/100 (`np.searchsorted`); +inf
    /// when the direction has no element.
    static func percentile(_ sorted: [(distance: Double, length: Double)], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .infinity }
        let total = sorted.reduce(0) { $0 + $1.length }
        var cumulative = 0.0
        for (i, element) in sorted.enumerated() {
            cumulative += element.length
            if cumulative / total >= q / 100 { return sorted[i].distance }
        }
        return sorted[sorted.count - 1].distance
    }

    /// The length-weighted mean distance of one direction (NaN when empty).
    static func mean(_ elements: [(distance: Double, length: Double)]) -> Double {
        let weighted = elements.reduce(0) { $0 + $1.distance * $1.length }, total = elements.reduce(0) { $0 + $1.length }
        return weighted / total
    }

    /// The surface Dice at tolerance τ: the share of both surfaces' length within τ of the other.
    static func surfaceDice(_ a: [(distance: Double, length: Double)], _ b: [(distance: Double, length: Double)], tolerance: Double) -> Double {
        let within = (a + b).filter { $0.distance <= tolerance }.reduce(0) { $0 + $1.length }
        return within / (a + b).reduce(0) { $0 + $1.length }
    }
}
