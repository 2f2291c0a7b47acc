/// The exact Euclidean distance to the nearest feature pixel, with a
/// physical pixel size (`spacing`: row height, column width), as SciPy's
/// `distance_transform_edt(~features, sampling=spacing)` computes it: the
/// nearest feature is found exactly and its distance is
/// `√((sy·Δrow)² + (sx·Δcolumn)²)` from the integer offsets. Not a chamfer
/// approximation.
///
/// Built from the features' sorted pixel list and asked at a sorted list of
/// query pixels, so the work follows the surfaces, not the image area: the
/// queries are visited row by row while a cursor keeps, per column, the
/// rows of the nearest feature above and below (advanced once per feature),
/// and each query takes a vectorised minimum over a window of columns
/// around it (``distances(at:)``).
public struct EuclideanDistanceTransform: Sendable {
    public let width: Int, height: Int
    public let spacing: Spacing
    /// The features, row-major indices in increasing order.
    let features: [Int32]
    /// Per column, where its feature rows start in `columnRows` (`width + 1` offsets).
    let columnStart: [Int32]
    /// The features' rows grouped by column, increasing within a column.
    let columnRows: [Int32]

    /// The transform of the features at the sorted row-major pixel indices `features`.
    public init(features: [Int32], width: Int, height: Int, spacing: Spacing) {
        self.width = width
        self.height = height
        self.spacing = spacing
        self.features = features
        var start = [Int32](repeating: 0, count: width + 1)
        var rows = [Int32](repeating: 0, count: features.count)
        features.withUnsafeBufferPointer { f in
            start.withUnsafeMutableBufferPointer { start in
                var walk = RowWalk(width: width)
                for i in f { start[walk.column(of: Int(i)) + 1] += 1 }
                for x in 0..<width { start[x + 1] += start[x] }
                var fill = Array(start[0..<width])
                rows.withUnsafeMutableBufferPointer { rows in
                    fill.withUnsafeMutableBufferPointer { fill in
                        var walk = RowWalk(width: width)
                        for i in f {
                            let x = walk.column(of: Int(i))
                            rows[Int(fill[x])] = Int32(walk.row)
                            fill[x] += 1
                        }
                    }
                }
            }
        }
        columnStart = start
        columnRows = rows
    }

    /// The distances at the sorted row-major pixel indices `queries`, in
    /// that order (+inf everywhere when there is no feature).
    ///
    /// Per query row, `cost[c] = (sy · row offset of column c's nearest
    /// feature)²` is filled over the span of columns the row's windows
    /// reach (``ColumnCursor/cover(_:_:sy:)``); a query at column x takes the minimum of
    /// `cost[c] + (sx · (c − x))²` over the windows x − r … x + r − 1 for
    /// r = 4, 16, 64 (vectorised, the row padded with +inf), stopping at
    /// the first whose minimum no column outside can beat. Queries farther
    /// than that scan the whole row, or, once a row has many of them, read
    /// the row's lower envelope.
    public func distances(at queries: [Int32]) -> [Double] {
        guard !features.isEmpty else { return Array(repeating: .infinity, count: queries.count) }
        let sy = spacing.row, sx = spacing.column, w = width
        let pad = ColumnCursor.padding
        // squares[pad + w + j] = (sx · j)², j in −(w + pad) … w + pad.
        let squares = (-(w + pad)...(w + pad)).map { j -> Double in
            let d = Double(j) * sx
            return d * d
        }
        return [Double](unsafeUninitializedCapacity: queries.count) { out, initialized in
            withCursor { cursor in
                let cost = cursor.costs
                let hull = RowEnvelope(costs: cost, width: w)
                defer { hull.deallocate() }
                squares.withUnsafeBufferPointer { squares in
                    let centre = squares.baseAddress! + pad + w
                    queries.withUnsafeBufferPointer { q in
                        var next = 0
                        while next < q.count {
                            let y = Int(q[next]) / w, row = y * w
                            cursor.advance(to: y)
                            var hullBuilt = false, farQueries = 0, j = 0
                            // The previous query of the row: d(x) ≥ d(x′) − sx·|x − x′| (triangle inequality) picks the first window.
                            var previousX = 0, previousBest = 0.0
                            while next < q.count && Int(q[next]) < row + w {
                                let x = Int(q[next]) - row
                                let square = centre - x  // square[c] = (sx · (c − x))²
                                var best = Double.infinity
                                // The first window: a window of radius r cannot hold the nearest feature when
                                // d(x′) > sx·(r + |x − x′|), compared squared (no square root on the way from
                                // one query to the next) and without branches.
                                let gap = x - previousX
                                var level = (w > 4 && previousBest > centre[4 + gap] ? 1 : 0) + (w > 16 && previousBest > centre[16 + gap] ? 1 : 0)
                                while true {
                                    let radius = 4 << (2 * level)  // 4, 16, 64
                                    if radius <= 64 {
                                        cursor.cover(x - radius, x + radius - 1, sy: sy)
                                        best = min(best, Self.windowMinimum(cost + x - radius, square + x - radius, count: 2 * radius))
                                        if w <= radius || best <= centre[radius] { break }
                                        level += 1
                                        continue
                                    }
                                    cursor.cover(0, w - 1, sy: sy)
                                    farQueries += 1
                                    if farQueries > 8 && !hullBuilt {
                                        hull.build(sy: sy, sx2: sx * sx)
                                        hullBuilt = true
                                    }
                                    best = hullBuilt ? min(best, hull.minimum(at: x, from: &j, sx: sx))
                                        : min(best, Self.windowMinimum(cost, square, count: w))
                                    break
                                }
                                previousX = x
                                previousBest = best
                                out[next] = best.squareRoot()
                                next += 1
                            }
                        }
                    }
                }
            }
            initialized = queries.count
        }
    }

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

    /// Runs `body` with a fresh ``ColumnCursor`` over these features.
    func withCursor<R>(_ body: (inout ColumnCursor) -> R) -> R {
        features.withUnsafeBufferPointer { f in
            columnStart.withUnsafeBufferPointer { start in
                columnRows.withUnsafeBufferPointer { rows in
                    var cursor = ColumnCursor(features: f, columnStart: start, columnRows: rows, width: width)
                    defer { cursor.deallocate() }
                    return body(&cursor)
                }
            }
        }
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

/// Reads increasing row-major indices as (row, column) without dividing:
/// the row only moves forward.
struct RowWalk {
    let width: Int
    /// The row of the last index read.
    private(set) var row = 0
    private var rowStart = 0

    init(width: Int) { self.width = width }

    /// The column of `index` (not below the previous one); `row` is then its row.
    @inline(__always)
    mutating func column(of index: Int) -> Int {
        while index >= rowStart + width {
            row += 1
            rowStart += width
        }
        return index - rowStart
    }
}

/// Per column, the rows of the nearest feature at or above and below the
/// current row, advanced row by row as the features are passed (each
/// feature once).
struct ColumnCursor {
    /// Rows this far from every row stand for "no feature this side".
    static let far = Double(1 << 28)
    /// Columns of +inf cost on each side of the row, so that windows need no bounds tests.
    static let padding = 64
    private let features: UnsafeBufferPointer<Int32>
    private let columnStart: UnsafeBufferPointer<Int32>
    private let columnRows: UnsafeBufferPointer<Int32>
    private let width: Int
    // Rows as doubles (exact integers), so that filling a row's costs is
    // two subtractions, a minimum and two products per column.
    private let above: UnsafeMutablePointer<Double>
    private let below: UnsafeMutablePointer<Double>
    private let next: UnsafeMutablePointer<Int32>
    /// The current row's costs (``cover(_:_:sy:)``), `padding` columns of +inf either side.
    let costs: UnsafeMutablePointer<Double>
    /// The columns whose costs are filled for the current row: `filledStart ..< filledEnd`.
    private var filledStart = 0, filledEnd = 0
    private var passed = 0
    private var walk: RowWalk
    /// The current row.
    private(set) var row = 0

    init(features: UnsafeBufferPointer<Int32>, columnStart: UnsafeBufferPointer<Int32>, columnRows: UnsafeBufferPointer<Int32>, width: Int) {
        self.features = features
        self.columnStart = columnStart
        self.columnRows = columnRows
        self.width = width
        walk = RowWalk(width: width)
        above = .allocate(capacity: width)
        below = .allocate(capacity: width)
        next = .allocate(capacity: width)
        let padded = UnsafeMutablePointer<Double>.allocate(capacity: width + 2 * Self.padding)
        padded.initialize(repeating: .infinity, count: width + 2 * Self.padding)
        costs = padded + Self.padding
        for x in 0..<width {
            above[x] = -Self.far
            next[x] = columnStart[x]
            below[x] = columnStart[x] < columnStart[x + 1] ? Double(columnRows[Int(columnStart[x])]) : Self.far
        }
    }

    func deallocate() {
        above.deallocate()
        below.deallocate()
        next.deallocate()
        (costs - Self.padding).deallocate()
    }

    /// Moves to row `y` (never backwards): every feature up to the end of row `y` is passed.
    @inline(__always)
    mutating func advance(to y: Int) {
        row = y
        filledStart = 0
        filledEnd = 0
        let end = (y + 1) * width
        while passed < features.count {
            let i = Int(features[passed])
            guard i < end else { break }
            let x = walk.column(of: i)
            above[x] = Double(walk.row)
            let n = next[x] + 1
            next[x] = n
            below[x] = n < columnStart[x + 1] ? Double(columnRows[Int(n)]) : Self.far
            passed += 1
        }
    }

    /// Fills the costs of columns `first … last` (clipped to the row) that
    /// are not filled yet, keeping the filled columns one span: a row whose
    /// queries sit in a few columns fills only around them.
    @inline(__always)
    mutating func cover(_ first: Int, _ last: Int, sy: Double) {
        guard first < filledStart || last >= filledEnd else { return }
        // Grown by at least a chunk at a time, so that fills stay long loops.
        let chunk = 64
        if filledStart == filledEnd {
            let start = max(0, first), end = min(width, max(last + 1, first + chunk))
            fillCosts(from: start, to: end, sy: sy)
            (filledStart, filledEnd) = (start, end)
            return
        }
        if first < filledStart {
            let start = max(0, min(first, filledStart - chunk))
            fillCosts(from: start, to: filledStart, sy: sy)
            filledStart = start
        }
        if last >= filledEnd {
            let end = min(width, max(last + 1, filledEnd + chunk))
            fillCosts(from: filledEnd, to: end, sy: sy)
            filledEnd = end
        }
    }

    /// `cost[c] = (sy · row offset of column c's nearest feature)²` for the
    /// columns `start ..< end` of the current row (about `(sy · far)²`
    /// without a feature).
    private func fillCosts(from start: Int, to end: Int, sy: Double) {
        let y = Double(row)
        for x in start..<end {
            let d = min(y - above[x], below[x] - y) * sy
            costs[x] = d * d
        }
    }
}

/// One row's lower envelope of the parabolas `g(c) + sx²(x − c)²`, `g(c)`
/// the row's cost of column `c` (``ColumnCursor/costs``, read in place)
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
        let half = ColumnCursor.far / 2 * sy, none = half * half
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
