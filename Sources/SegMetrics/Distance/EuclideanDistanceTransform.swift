import CSegMetrics

/// The exact Euclidean distance to the nearest feature pixel, with a
/// physical pixel size (`spacing`: row height, column width), as SciPy's
/// `distance_transform_edt(~features, sampling=spacing)` computes it: the
/// nearest feature is found exactly and its distance is
/// `√((sy·Δrow)² + (sx·Δcolumn)²)` from the integer offsets. Not a chamfer
/// approximation.
///
/// Separable, as Felzenszwalb and Huttenlocher's: a vertical pass gives
/// every pixel the row offset of the nearest feature in its column (16
/// columns at a time from the packed feature bits, a sweep up the image
/// here and one down it as the queries are visited), and each query takes
/// the minimum over the columns of its row (``distances(at:)``). Only the
/// query pixels do the second step, so its work follows the surfaces.
public struct EuclideanDistanceTransform: Sendable {
    public let width: Int, height: Int
    public let spacing: Spacing
    /// The features, 64 pixels to a word.
    let features: PackedMask
    /// Per pixel (rows `stride` apart), the row offset of the nearest
    /// feature at or below it in its column; at least ``far`` − height when
    /// there is none.
    let below: [Int32]
    /// Offsets per row of ``below`` (the width rounded up to 16).
    let stride: Int
    /// The offset that stands for "no feature this side".
    static let far: Int32 = 1 << 28

    /// The transform of the features at the sorted row-major pixel indices `features`.
    public init(features: [Int32], width: Int, height: Int, spacing: Spacing) {
        self.init(features: PackedMask(pixels: features, width: width, height: height), spacing: spacing)
    }

    /// The transform of the set pixels of `features`.
    init(features: PackedMask, spacing: Spacing) {
        precondition(features.height < Int(Self.far) / 2, "an image \(features.height) rows tall is beyond the transform's exact range")
        self.features = features
        width = features.width
        height = features.height
        self.spacing = spacing
        let stride = (features.width + 15) & ~15
        self.stride = stride
        below = [Int32](unsafeUninitializedCapacity: stride * features.height) { out, initialized in
            let none = [Int32](repeating: Self.far, count: stride)
            features.words.withUnsafeBufferPointer { words in
                none.withUnsafeBufferPointer { none in
                    // Row y from row y + 1 (from "none" for the last row), in place in the output.
                    var previous = none.baseAddress!
                    for y in (0..<features.height).reversed() {
                        let row = out.baseAddress! + y * stride
                        seg_edt_sweep_row(previous, row, words.baseAddress! + y * features.stride, Int64(stride))
                        previous = UnsafePointer(row)
                    }
                }
            }
            initialized = stride * features.height
        }
    }

    /// The distances at the row-major pixel indices `queries` (increasing,
    /// each once), in that order (+inf everywhere when there is no feature).
    public func distances(at queries: [Int32]) -> [Double] {
        let mask = PackedMask(pixels: queries, width: width, height: height)
        precondition(mask.count == queries.count, "the queries repeat a pixel")
        return distances(at: mask)
    }

    /// The distances at the set pixels of `queries` (a mask of this size),
    /// in row-major order (+inf everywhere when there is no feature).
    ///
    /// Rows are swept downwards keeping each column's offset to the nearest
    /// feature above; at a row with queries `cost[c] = (sy · offset of
    /// column c's nearest feature)²`, and a query at column x takes the
    /// minimum of `cost[c] + (sx · (c − x))²` over the window of columns
    /// x − 16 … x + 15, or x − 64 … x + 63 when that cannot settle it
    /// (``seg_edt_row_queries``, the row padded with +inf). Queries farther
    /// than that scan the whole row, or, once a row has many of them, read
    /// the row's lower envelope.
    func distances(at queries: PackedMask) -> [Double] {
        let count = queries.count
        guard !features.isEmpty else { return Array(repeating: .infinity, count: count) }
        let sy = spacing.row, sx = spacing.column, w = width
        let pad = Self.padding
        // squares[pad + w + j] = (sx · j)², j in −(w + pad) … w + pad.
        let squares = (-(w + pad)...(w + pad)).map { j -> Double in
            let d = Double(j) * sx
            return d * d
        }
        let padded = UnsafeMutablePointer<Double>.allocate(capacity: w + 2 * pad)
        padded.initialize(repeating: .infinity, count: w + 2 * pad)
        defer { padded.deallocate() }
        let cost = padded + pad
        let hull = RowEnvelope(costs: cost, width: w)
        defer { hull.deallocate() }
        let above = VerticalSweep(stride: stride)
        defer { above.deallocate() }
        return [Double](unsafeUninitializedCapacity: count) { out, initialized in
            squares.withUnsafeBufferPointer { squares in
                let centre = squares.baseAddress! + pad + w
                features.words.withUnsafeBufferPointer { words in
                    below.withUnsafeBufferPointer { below in
                        queries.words.withUnsafeBufferPointer { q in
                            var next = 0
                            for y in 0..<height {
                                above.step(words.baseAddress! + y * features.stride)
                                let rowBits = q.baseAddress! + y * queries.stride
                                guard (0..<queries.stride).contains(where: { rowBits[$0] != 0 }) else { continue }
                                seg_edt_row_costs(cost, above.offsets, below.baseAddress! + y * stride, Int64(w), sy)
                                let found = Int(seg_edt_row_queries(cost, centre, Int64(w), rowBits, Int64(queries.stride), out.baseAddress! + next))
                                // Queries whose nearest feature is more than 64 columns away: the whole row,
                                // or, once a row has many of them, its lower envelope.
                                if (next..<next + found).contains(where: { out[$0].isNaN }) {
                                    var hullBuilt = false, farQueries = 0, j = 0, n = next
                                    for k in 0..<queries.stride {
                                        var bits = rowBits[k]
                                        while bits != 0 {
                                            let x = 64 * k + bits.trailingZeroBitCount
                                            bits &= bits &- 1
                                            defer { n += 1 }
                                            guard out[n].isNaN else { continue }
                                            farQueries += 1
                                            if farQueries > 8 && !hullBuilt {
                                                hull.build(sy: sy, sx2: sx * sx)
                                                hullBuilt = true
                                            }
                                            let best = hullBuilt ? hull.minimum(at: x, from: &j, sx: sx) : Self.windowMinimum(cost, centre - x, count: w)
                                            out[n] = best.squareRoot()
                                        }
                                    }
                                }
                                next += found
                            }
                        }
                    }
                }
            }
            initialized = count
        }
    }

    /// Columns of +inf cost on each side of a row, so that windows need no bounds tests.
    static let padding = 64

    /// The minimum of `cost[i] + square[i]` for `i` in `0 ..< count`, eight
    /// at a time in four independent vector minima (the compare-and-blend,
    /// which `pointwiseMin` does not compile to).
    @inline(__always)
    private static func windowMinimum(_ cost: UnsafeMutablePointer<Double>, _ square: UnsafePointer<Double>, count: Int) -> Double {
        var lanes = SIMD8<Double>(repeating: .infinity)
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(cost + i).loadUnaligned(as: SIMD8<Double>.self)
                + UnsafeRawPointer(square + i).loadUnaligned(as: SIMD8<Double>.self)
            lanes.replace(with: v, where: v .< lanes)
            i += 8
        }
        let half = lanes.lowHalf, other = lanes.highHalf
        let four = SIMD4<Double>(min(half[0], other[0]), min(half[1], other[1]), min(half[2], other[2]), min(half[3], other[3]))
        var best = min(min(four[0], four[1]), min(four[2], four[3]))
        while i < count {
            best = min(best, cost[i] + square[i])
            i += 1
        }
        return best
    }

    /// Distances for a `width × height` row-major mask whose non-zero pixels
    /// are the features, at every pixel; nil when there is no feature.
    public static func distances(features mask: [UInt8], width: Int, height: Int, spacing: Spacing) -> [Double]? {
        let features = ClassMask(mask: mask, width: width, height: height).pixels()
        guard !features.isEmpty else { return nil }
        let transform = EuclideanDistanceTransform(features: features, width: width, height: height, spacing: spacing)
        return transform.distances(at: (0..<Int32(width * height)).map { $0 })
    }
}

/// One direction of the vertical pass: per column, the row offset to the
/// nearest feature passed so far (0 on a feature row, one more per row
/// without), starting at ``EuclideanDistanceTransform/far``; 16 columns
/// per step from the packed bits.
struct VerticalSweep {
    /// Per column (`stride` of them, a multiple of 16), the current offsets.
    let offsets: UnsafeMutablePointer<Int32>
    private let stride: Int

    init(stride: Int) {
        precondition(stride % 16 == 0)
        self.stride = stride
        offsets = .allocate(capacity: stride)
        offsets.initialize(repeating: EuclideanDistanceTransform.far, count: stride)
    }

    func deallocate() { offsets.deallocate() }

    /// Passes one row whose feature bits are the words at `bits` (the
    /// columns past the packed width read as no feature).
    @inline(__always)
    func step(_ bits: UnsafePointer<UInt64>) {
        seg_edt_sweep_row(offsets, offsets, bits, Int64(stride))
    }
}

/// One row's lower envelope of the parabolas `g(c) + sx²(x − c)²`, `g(c)`
/// the row's cost of column `c` (read in place)
/// (Felzenszwalb and Huttenlocher), for rows with many queries farther
/// than the widest window.
struct RowEnvelope {
    private let width: Int
    private let g: UnsafeMutablePointer<Double>
    private let hull: UnsafeMutablePointer<Int>
    private let bounds: UnsafeMutablePointer<Double>

    /// An envelope over the costs `g` (the whole row filled before ``build(sy:sx2:)``).
    init(costs g: UnsafeMutablePointer<Double>, width: Int) {
        self.width = width
        self.g = g
        hull = .allocate(capacity: width)
        bounds = .allocate(capacity: width + 1)
    }

    func deallocate() {
        hull.deallocate()
        bounds.deallocate()
    }

    /// Builds the envelope of the row's current costs (row height `sy`;
    /// columns without a feature are left out).
    func build(sy: Double, sx2: Double) {
        let half = Double(EuclideanDistanceTransform.far) / 2 * sy, none = half * half
        var k = -1
        for q in 0..<width where g[q] < none {
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
    }

    /// The envelope's value at column `x`; `j` carries the segment from one
    /// query to the next (queries in increasing `x`).
    @inline(__always)
    func minimum(at x: Int, from j: inout Int, sx: Double) -> Double {
        while bounds[j + 1] < Double(x) { j += 1 }
        let p = hull[j]
        let dx = Double(x - p) * sx
        return g[p] + dx * dx
    }
}
