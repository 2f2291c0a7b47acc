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
    public init(prediction: ClassMask, gt: ClassMask, spacing: Spacing) {
        let gw = prediction.width + 1, gh = prediction.height + 1
        let lengths = Self.contourLengths(spacing)
        let p = prediction.surfaceElements(), g = gt.surfaceElements()
        func directed(_ source: (blocks: [Int32], codes: [UInt8]), to target: [Int32]) -> [(distance: Double, length: Double)] {
            let distances = EuclideanDistanceTransform(features: target, width: gw, height: gh, spacing: spacing).distances(at: source.blocks)
            return zip(distances, source.codes.map { lengths[Int($0)] }).map { (distance: $0, length: $1) }
                .sorted { ($0.distance, $0.length) < ($1.distance, $1.length) }
        }
        predToGT = directed(p, to: g.blocks)
        gtToPred = directed(g, to: p.blocks)
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
