/// Pixel counts of one image pair by prediction level and ground-truth
/// class, in the four quadrants around the ground-truth centroid.
///
/// Every metric except the weighted F-measure is a function of these counts,
/// so one pass over the pixels serves MAE, the F and E families, the
/// S-measure and (for two classes) the confusion matrix.
public struct JointHistogram: Sendable {
    /// Ground-truth rows: background, foreground, ignored.
    public static let rows = 3
    /// Number of prediction levels (256 or 65536).
    public let levels: Int
    /// Image size.
    public let width: Int, height: Int
    /// Quadrant split in PySODMetrics' convention: rows `0..<splitRow` are
    /// the top half, columns `0..<splitColumn` the left half.
    public let splitRow: Int, splitColumn: Int
    /// counts[(quadrant * rows + gtClass) * levels + level]; quadrants are
    /// top-left, top-right, bottom-left, bottom-right.
    public private(set) var counts: [UInt32]

    /// Counts `pred` (one level per pixel) against `gt` (0, 1, or 2 for an
    /// ignored pixel) split at (`splitRow`, `splitColumn`).
    public init(gt: [UInt8], pred8: [UInt8], width: Int, height: Int, splitRow: Int, splitColumn: Int) {
        self.init(levels: 256, width: width, height: height, splitRow: splitRow, splitColumn: splitColumn)
        fill(gt: gt, pred: pred8)
    }

    /// The 16-bit variant of ``init(gt:pred8:width:height:splitRow:splitColumn:)``.
    public init(gt: [UInt8], pred16: [UInt16], width: Int, height: Int, splitRow: Int, splitColumn: Int) {
        self.init(levels: 65536, width: width, height: height, splitRow: splitRow, splitColumn: splitColumn)
        fill(gt: gt, pred: pred16)
    }

    /// A histogram with one quadrant (no S-measure split) from counts by
    /// (class × 256 + level).
    init(classRows: [UInt32], width: Int, height: Int) {
        self.init(levels: 256, width: width, height: height, splitRow: height, splitColumn: width)
        for i in classRows.indices { counts[i] = classRows[i] }
    }

    private init(levels: Int, width: Int, height: Int, splitRow: Int, splitColumn: Int) {
        self.levels = levels
        self.width = width
        self.height = height
        self.splitRow = min(max(splitRow, 0), height)
        self.splitColumn = min(max(splitColumn, 0), width)
        counts = [UInt32](repeating: 0, count: 4 * Self.rows * levels)
    }

    @inline(__always)
    private mutating func fill<T: FixedWidthInteger>(gt: [UInt8], pred: [T]) {
        precondition(gt.count == width * height && pred.count == width * height)
        let w = width, levels = levels, rowStride = Self.rows * levels
        let splitRow = splitRow, splitColumn = splitColumn, height = height
        counts.withUnsafeMutableBufferPointer { hist in
            gt.withUnsafeBufferPointer { g in
                pred.withUnsafeBufferPointer { p in
                    for y in 0..<height {
                        let top = y < splitRow ? 0 : 2
                        let base = y * w
                        var q = top * rowStride
                        for x in 0..<splitColumn {
                            hist[q + Int(g[base + x]) * levels + Int(p[base + x])] &+= 1
                        }
                        q = (top + 1) * rowStride
                        for x in splitColumn..<w {
                            hist[q + Int(g[base + x]) * levels + Int(p[base + x])] &+= 1
                        }
                    }
                }
            }
        }
    }

    /// Counts of each level for one ground-truth class, summed over the
    /// quadrants in `quadrants`.
    public func levelCounts(gtClass: Int, quadrants: [Int] = [0, 1, 2, 3]) -> [Int] {
        var out = [Int](repeating: 0, count: levels)
        for q in quadrants {
            let base = (q * Self.rows + gtClass) * levels
            for v in 0..<levels { out[v] += Int(counts[base + v]) }
        }
        return out
    }
}
